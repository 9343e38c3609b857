package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Answers a checked {@link Table.Query} of component rows over rows held in memory
 * ({@link TableRows}), with exactly the answers of the compiled Cypher ({@link TableCypher}): the
 * filter in three-valued logic, sort keys with missing values last and ties by name, the best row
 * per group, the total and the page. Value semantics are {@link CypherValues}'s.
 */
public final class TableEvaluator {

    /** A filter compiled against one {@link TableRows}: TRUE, FALSE or null (unknown) per row. */
    private interface Predicate {
        Boolean test(int row);
    }

    private TableEvaluator() {}

    /**
     * @param columns the columns to show: the query's, or the defaults ({@link TableRows#present()})
     * @return the query's page of {@code rows}
     */
    public static Table.Page page(TableRows rows, Table.Query query, List<Column> columns) {
        int[] matching = matching(rows, query.filter());
        Comparator<Integer> order = order(rows, query.sort());
        Integer[] selected;
        if (query.groupBy() != null) {
            IntFunction<Object> group = rows.reader(query.groupBy());
            // The best of a group is its first row ordered by the group's value, then as the table
            // (Cypher sorts the rows so before collecting each group: equal values that sort apart,
            // 0.0 after -0.0, keep that order within their group).
            Comparator<Integer> byValue = (a, b) -> {
                Object x = group.apply(a);
                Object y = group.apply(b);
                return x == null || y == null ? 0 : CypherValues.ORDER.compare(x, y);
            };
            Comparator<Integer> inGroup = byValue.thenComparing(order);
            Map<Object, Integer> best = new LinkedHashMap<>();
            for (int row : matching) {
                best.merge(CypherValues.groupKey(group.apply(row)), row, (a, b) -> inGroup.compare(a, b) <= 0 ? a : b);
            }
            selected = best.values().toArray(Integer[]::new);
        } else {
            selected = Arrays.stream(matching).boxed().toArray(Integer[]::new);
        }
        Arrays.sort(selected, order);
        int total = selected.length;
        int from = Math.min(query.offset(), total);
        int to = (int) Math.min((long) from + query.limit(), total);
        List<IntFunction<Object>> readers = columns.stream().map(rows::reader).toList();
        List<List<Object>> page = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            List<Object> values = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                values.add(Table.shown(columns.get(c), readers.get(c).apply(selected[i])));
            }
            page.add(values);
        }
        return new Table.Page(List.copyOf(columns), page, total, to < total ? to : -1);
    }

    private static int[] matching(TableRows rows, Filter filter) {
        if (filter == null) {
            int[] all = new int[rows.size()];
            Arrays.setAll(all, i -> i);
            return all;
        }
        Predicate predicate = compile(rows, filter);
        int[] matching = new int[rows.size()];
        int n = 0;
        for (int row = 0; row < rows.size(); row++) {
            if (Boolean.TRUE.equals(predicate.test(row))) {
                matching[n++] = row;
            }
        }
        return Arrays.copyOf(matching, n);
    }

    /** By each sort key (missing values last whichever the direction), then by name. */
    private static Comparator<Integer> order(TableRows rows, List<Table.Sort> sort) {
        Comparator<Integer> order = null;
        for (Table.Sort key : sort) {
            IntFunction<Object> reader = rows.reader(key.column());
            Object[] values = new Object[rows.size()];
            for (int row = 0; row < values.length; row++) {
                values[row] = reader.apply(row);
            }
            Comparator<Object> direction = key.descending() ? CypherValues.ORDER.reversed() : CypherValues.ORDER;
            Comparator<Integer> byKey = (a, b) -> {
                Object x = values[a];
                Object y = values[b];
                if (x == null || y == null) {
                    return Boolean.compare(x == null, y == null);
                }
                return direction.compare(x, y);
            };
            order = order == null ? byKey : order.thenComparing(byKey);
        }
        Comparator<Integer> byName = (a, b) -> CypherValues.compareStrings(rows.name(a), rows.name(b));
        return order == null ? byName : order.thenComparing(byName);
    }

    /** Recursion is bounded by the filter's checked depth ({@link TableLimits#MAX_FILTER_DEPTH}). */
    private static Predicate compile(TableRows rows, Filter filter) {
        return filter.accept(new Filter.Visitor<>() {
            @Override
            public Predicate all(Filter.All all) {
                return either(all.terms(), false);
            }

            @Override
            public Predicate any(Filter.Any any) {
                return either(any.terms(), true);
            }

            /**
             * AND (decisive false) or OR (decisive true) in Cypher's three-valued logic: the
             * decisive value if a term has it, else unknown (null) if a term is unknown.
             */
            private Predicate either(List<Filter> filters, boolean decisive) {
                List<Predicate> terms =
                        filters.stream().map(term -> term.accept(this)).toList();
                return row -> {
                    boolean unknown = false;
                    for (Predicate term : terms) {
                        Boolean value = term.test(row);
                        if (value == null) {
                            unknown = true;
                        } else if (value == decisive) {
                            return decisive;
                        }
                    }
                    return unknown ? null : !decisive;
                };
            }

            @Override
            public Predicate not(Filter.Not not) {
                Predicate inner = not.inner().accept(this);
                return row -> {
                    Boolean value = inner.test(row);
                    return value == null ? null : !value;
                };
            }

            @Override
            public Predicate compare(Filter.Compare compare) {
                IntFunction<Object> column = rows.reader(compare.column());
                Object value = operand(compare.column(), compare.value());
                Filter.Op op = compare.op();
                return row -> CypherValues.compare(op, column.apply(row), value);
            }

            @Override
            public Predicate in(Filter.In in) {
                IntFunction<Object> column = rows.reader(in.column());
                List<Object> values = in.values().stream()
                        .map(value -> operand(in.column(), value))
                        .toList();
                return row -> CypherValues.in(column.apply(row), values);
            }

            @Override
            public Predicate contains(Filter.Contains contains) {
                IntFunction<Object> column = rows.reader(contains.column());
                Object text = operand(contains.column(), contains.text());
                return row -> CypherValues.contains(column.apply(row), text);
            }

            @Override
            public Predicate startsWith(Filter.StartsWith startsWith) {
                IntFunction<Object> column = rows.reader(startsWith.column());
                Object text = operand(startsWith.column(), startsWith.text());
                return row -> CypherValues.startsWith(column.apply(row), text);
            }

            @Override
            public Predicate exists(Filter.Exists exists) {
                IntFunction<Object> column = rows.reader(exists.column());
                return row -> column.apply(row) != null;
            }
        });
    }

    /** A filter value as the column compares with it: times (checked ISO 8601 text) become datetimes. */
    private static Object operand(Column column, Object value) {
        return column.isTime() ? CypherValues.time((String) value) : value;
    }
}
