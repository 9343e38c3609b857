package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A page taken from the head of the order ({@link TableEvaluator#first}) is exactly the page of the
 * rows sorted whole: over many rows, sorted by metric statistics (with -0.0, NaN, infinities and
 * missing values) and by parameters of mixed types, either direction, at any offset and size.
 * (Against Cypher itself: {@code TableEvaluatorDifferentialIT}.)
 */
class TableEvaluatorTest {

    private static final List<Object> PARAMS = List.of(1L, 2L, 1.0, -0.0, 0.0, Double.NaN, "adam", "sgd", true);
    private static final double[] STATS = {0.5, 0.25, -0.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY, -1.0};

    @Test
    void firstRowsOfTheOrderAreTheSortedHead() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(300);
            int[] rows = random.ints(n, 0, 1_000).distinct().toArray();
            int count = random.nextInt(rows.length + 2);
            TableEvaluator.RowOrder order = (a, b) ->
                    Integer.compare(a % 97, b % 97) != 0 ? Integer.compare(a % 97, b % 97) : Integer.compare(a, b);
            int[] sorted = Arrays.stream(rows)
                    .boxed()
                    .sorted(order::compare)
                    .mapToInt(Integer::intValue)
                    .toArray();
            assertThat(TableEvaluator.first(rows, Math.min(count, rows.length), order))
                    .isEqualTo(Arrays.copyOf(sorted, Math.min(count, rows.length)));
        }
    }

    @Test
    void pagesEqualThePagesOfTheRowsSortedWhole() {
        Random random = new Random(16);
        List<TableRows.Row> all = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> params = new HashMap<>();
            if (random.nextInt(5) > 0) {
                params.put("p", PARAMS.get(random.nextInt(PARAMS.size())));
            }
            boolean hasAcc = random.nextInt(6) > 0;
            double[] stats = new double[hasAcc ? StatsRow.WIDTH : 0];
            for (int s = 0; s < stats.length; s++) {
                stats[s] = random.nextInt(3) == 0 ? STATS[random.nextInt(STATS.length)] : random.nextInt(50) / 10.0;
            }
            Object[] fixed = new Object[FixedColumn.values().length];
            fixed[FixedColumn.NAME.ordinal()] = "c" + i;
            all.add(new TableRows.Row("c" + i, fixed, params, hasAcc ? List.of("acc") : List.of(), stats));
        }
        TableRows rows = TableRows.of(all);
        List<Column> columns =
                List.of(new Column.Fixed(FixedColumn.NAME), new Column.Param("p"), new Column.Metric("acc", Stat.LAST));
        List<List<Table.Sort>> sorts = List.of(
                List.of(new Table.Sort(new Column.Metric("acc", Stat.LAST), true)),
                List.of(new Table.Sort(new Column.Metric("acc", Stat.LAST), false)),
                List.of(
                        new Table.Sort(new Column.Metric("acc", Stat.MIN), false),
                        new Table.Sort(new Column.Param("p"), true)),
                List.of(new Table.Sort(new Column.Param("p"), false)),
                List.of(new Table.Sort(new Column.Metric("absent", Stat.MAX), true)),
                List.of());
        for (List<Table.Sort> sort : sorts) {
            for (int[] page : new int[][] {{0, 100}, {0, 1}, {37, 20}, {0, 600}, {1_990, 50}, {0, 10_000}}) {
                Table.Query query = new Table.Query(
                        Table.Scope.ofExperiment("e"),
                        Table.Rows.COMPONENTS,
                        columns,
                        null,
                        sort,
                        null,
                        page[0],
                        page[1]);
                Table.Page answer = TableEvaluator.page(rows, query, columns);
                assertThat(answer.rows())
                        .as("%s at %s", sort, Arrays.toString(page))
                        .isEqualTo(sortedWhole(rows, query, columns));
                assertThat(answer.totalRows()).isEqualTo(rows.size());
            }
        }
    }

    /** The page as the rows sorted whole give it, by the cell values and Cypher's order. */
    private static List<List<Object>> sortedWhole(TableRows rows, Table.Query query, List<Column> columns) {
        Comparator<Integer> order = null;
        for (Table.Sort key : query.sort()) {
            IntFunction<Object> reader = rows.reader(key.column());
            Comparator<Object> direction = key.descending() ? CypherValues.ORDER.reversed() : CypherValues.ORDER;
            Comparator<Integer> byKey = (a, b) -> {
                Object x = reader.apply(a);
                Object y = reader.apply(b);
                return x == null || y == null ? Boolean.compare(x == null, y == null) : direction.compare(x, y);
            };
            order = order == null ? byKey : order.thenComparing(byKey);
        }
        Comparator<Integer> byName = (a, b) -> CypherValues.compareStrings(rows.name(a), rows.name(b));
        order = order == null ? byName : order.thenComparing(byName);
        List<Integer> sorted = new ArrayList<>();
        for (int row = 0; row < rows.size(); row++) {
            sorted.add(row);
        }
        sorted.sort(order);
        List<List<Object>> page = new ArrayList<>();
        for (int i = query.offset(); i < Math.min(rows.size(), query.offset() + query.limit()); i++) {
            List<Object> values = new ArrayList<>();
            for (Column column : columns) {
                values.add(Table.shown(column, rows.reader(column).apply(sorted.get(i))));
            }
            page.add(values);
        }
        return page;
    }
}
