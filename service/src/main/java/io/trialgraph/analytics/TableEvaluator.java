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

    /** An order of rows, by their numbers (no boxing). */
    interface RowOrder {
        int compare(int a, int b);
    }

    private TableEvaluator() {}

    /**
     * @param columns the columns to show: the query's, or the defaults ({@link TableRows#present()})
     * @return the query's page of {@code rows}
     */
    public static Table.Page page(TableRows rows, Table.Query query, List<Column> columns) {
        int[] matching = matching(rows, query.filter());
        RowOrder rowOrder = order(rows, query.sort());
        Comparator<Integer> order = rowOrder::compare;
        int[] selected;
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
            selected = best.values().stream().mapToInt(Integer::intValue).toArray();
        } else {
            selected = matching;
        }
        int total = selected.length;
        int from = Math.min(query.offset(), total);
        int to = (int) Math.min((long) from + query.limit(), total);
        int[] first = first(selected, to, rowOrder);
        List<IntFunction<Object>> readers = columns.stream().map(rows::reader).toList();
        List<List<Object>> page = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            List<Object> values = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                values.add(Table.shown(columns.get(c), readers.get(c).apply(first[i])));
            }
            page.add(values);
        }
        return new Table.Page(List.copyOf(columns), page, total, to < total ? to : -1);
    }

    /**
     * The first {@code count} rows in {@code order}, sorted: a page needs the rows up to its end,
     * not the whole table in order. Rows are kept in a heap of {@code count} (the last of them on
     * top), so the first page of 10,000 rows costs about one comparison per row instead of a full
     * sort. The order is total (ties are broken by the unique name), so this is exactly the head
     * of the sorted rows.
     */
    static int[] first(int[] rows, int count, RowOrder order) {
        if (count <= 0) {
            return new int[0];
        }
        if ((long) count * 4 >= rows.length) {
            Integer[] all = Arrays.stream(rows).boxed().toArray(Integer[]::new);
            Arrays.sort(all, order::compare);
            return Arrays.stream(all, 0, count).mapToInt(Integer::intValue).toArray();
        }
        int[] heap = new int[count];
        int size = 0;
        for (int row : rows) {
            if (size < count) {
                heap[size] = row;
                up(heap, size++, order);
            } else if (order.compare(row, heap[0]) < 0) {
                heap[0] = row;
                down(heap, size, order);
            }
        }
        // Taking the top (the last row) off one at a time leaves the rows in order.
        for (int end = size - 1; end > 0; end--) {
            int last = heap[0];
            heap[0] = heap[end];
            heap[end] = last;
            down(heap, end, order);
        }
        return heap;
    }

    /** Moves the row at {@code at} up the heap (the last row in {@code order} on top). */
    private static void up(int[] heap, int at, RowOrder order) {
        int row = heap[at];
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (order.compare(heap[parent], row) >= 0) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = row;
    }

    /** Moves the top row down a heap of {@code size} rows. */
    private static void down(int[] heap, int size, RowOrder order) {
        int at = 0;
        int row = heap[0];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && order.compare(heap[child + 1], heap[child]) > 0) {
                child++;
            }
            if (order.compare(heap[child], row) <= 0) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = row;
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
    private static RowOrder order(TableRows rows, List<Table.Sort> sort) {
        List<RowOrder> keys = new ArrayList<>();
        for (Table.Sort key : sort) {
            keys.add(
                    key.column() instanceof Column.Metric metric
                            ? byStat(rows.stats(metric), key.descending())
                            : byValue(rows, key));
        }
        keys.add((a, b) -> CypherValues.compareStrings(rows.name(a), rows.name(b)));
        RowOrder[] order = keys.toArray(RowOrder[]::new);
        return (a, b) -> {
            for (RowOrder key : order) {
                int compared = key.compare(a, b);
                if (compared != 0) {
                    return compared;
                }
            }
            return 0;
        };
    }

    /**
     * A metric statistic is a double in every row that has it: Cypher's order of two floats
     * (-0.0 before 0.0, NaN after every number) is {@link Double#compare}, so no boxing.
     */
    private static RowOrder byStat(TableRows.Stats stats, boolean descending) {
        return (a, b) -> {
            boolean x = stats.has(a);
            boolean y = stats.has(b);
            if (!x || !y) {
                return Boolean.compare(!x, !y);
            }
            return descending
                    ? Double.compare(stats.value(b), stats.value(a))
                    : Double.compare(stats.value(a), stats.value(b));
        };
    }

    private static RowOrder byValue(TableRows rows, Table.Sort key) {
        IntFunction<Object> reader = rows.reader(key.column());
        Object[] values = new Object[rows.size()];
        for (int row = 0; row < values.length; row++) {
            values[row] = reader.apply(row);
        }
        Comparator<Object> direction = key.descending() ? CypherValues.ORDER.reversed() : CypherValues.ORDER;
        return (a, b) -> {
            Object x = values[a];
            Object y = values[b];
            if (x == null || y == null) {
                return Boolean.compare(x == null, y == null);
            }
            return direction.compare(x, y);
        };
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
