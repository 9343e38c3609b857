package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The component rows of one table scope held in memory, immutable, column by column: a fixed
 * column or a parameter is one array of values, a metric one array of {@value StatsRow#WIDTH}
 * numbers a row (as the {@code MetricStats} copy holds them) and the rows that have it. A change
 * makes a new instance ({@link #with}), so a reader always sees one state of every row.
 */
public final class TableRows {

    /**
     * One component row as read from the graph.
     *
     * @param fixed the value of every {@link FixedColumn} by ordinal (times as ZonedDateTime, {@code trials} and
     *     {@code experiment} as the joined names); null where missing
     * @param params parameter name -> Long, Double, String or Boolean
     * @param metrics the metric names of {@code stats}, in their order there
     * @param stats {@value StatsRow#WIDTH} numbers a metric, in {@link Stat} order
     */
    public record Row(String name, Object[] fixed, Map<String, Object> params, List<String> metrics, double[] stats) {}

    /** No rows. */
    public static final TableRows EMPTY = new TableRows(
            new String[0],
            new HashMap<>(),
            new Object[FixedColumn.values().length][0],
            new TreeMap<>(),
            new TreeMap<>());

    private final String[] names;
    private final Map<String, Integer> index;
    private final Object[][] fixed;
    private final TreeMap<String, Object[]> params;
    private final TreeMap<String, MetricColumn> metrics;

    /**
     * Rows a chunk of a metric column holds. A column is cut into chunks so that a refresh copies
     * only the chunks of the rows it changes (a few kilobytes each) instead of the whole column: a
     * 10,000-row column is almost a megabyte, and copying it on every refresh while jobs stream
     * made each read allocate several such arrays (humongous objects to G1), which cost the ingest
     * beside it far more than the reading thread's own time.
     */
    static final int CHUNK_ROWS = 32;

    /**
     * A metric's statistics: {@value StatsRow#WIDTH} numbers a row in chunks of {@link #CHUNK_ROWS}
     * rows, present where {@code rows} says. Chunks are shared between snapshots and never written
     * once published.
     */
    private record MetricColumn(double[][] chunks, BitSet rows) {

        static MetricColumn empty(int size) {
            double[][] chunks = new double[(size + CHUNK_ROWS - 1) / CHUNK_ROWS][];
            for (int c = 0; c < chunks.length; c++) {
                chunks[c] = new double[CHUNK_ROWS * StatsRow.WIDTH];
            }
            return new MetricColumn(chunks, new BitSet(size));
        }

        double value(int row, int stat) {
            return chunks[row / CHUNK_ROWS][row % CHUNK_ROWS * StatsRow.WIDTH + stat];
        }

        /** Copies the row's {@value StatsRow#WIDTH} numbers into {@code to} at {@code at}. */
        void copy(int row, double[] to, int at) {
            System.arraycopy(chunks[row / CHUNK_ROWS], row % CHUNK_ROWS * StatsRow.WIDTH, to, at, StatsRow.WIDTH);
        }

        /** Writes the row's numbers from {@code from} at {@code at}, into a chunk not yet published. */
        void set(int row, double[] from, int at) {
            System.arraycopy(from, at, chunks[row / CHUNK_ROWS], row % CHUNK_ROWS * StatsRow.WIDTH, StatsRow.WIDTH);
        }

        boolean same(int row, double[] other, int at) {
            int from = row % CHUNK_ROWS * StatsRow.WIDTH;
            return Arrays.equals(chunks[row / CHUNK_ROWS], from, from + StatsRow.WIDTH, other, at, at + StatsRow.WIDTH);
        }
    }

    /** A metric statistic of every row, without boxing (for sorting). */
    public interface Stats {
        /** @return whether the row has the metric */
        boolean has(int row);

        /** @return the statistic in a row that {@link #has} it */
        double value(int row);
    }

    private TableRows(
            String[] names,
            Map<String, Integer> index,
            Object[][] fixed,
            TreeMap<String, Object[]> params,
            TreeMap<String, MetricColumn> metrics) {
        this.names = names;
        this.index = index;
        this.fixed = fixed;
        this.params = params;
        this.metrics = metrics;
    }

    /** @return these rows */
    public static TableRows of(Collection<Row> rows) {
        Map<String, Row> changes = new HashMap<>();
        rows.forEach(row -> changes.put(row.name(), row));
        return EMPTY.with(changes);
    }

    /** @return how many rows */
    public int size() {
        return names.length;
    }

    /** @return the row's component name */
    public String name(int row) {
        return names[row];
    }

    /** @return whether a component of this name is a row */
    public boolean has(String name) {
        return index.containsKey(name);
    }

    /** @return the cells held (rows x (fixed columns + parameters + metric statistics)), to bound the memory */
    public long cells() {
        return (long) names.length * (fixed.length + params.size() + (long) metrics.size() * StatsRow.WIDTH);
    }

    /** @return the parameters and metrics some row has, sorted as the computed table sorts them */
    public Table.Present present() {
        return new Table.Present(List.copyOf(params.keySet()), List.copyOf(metrics.keySet()));
    }

    /**
     * @return a reader of {@code column}'s value in a row (null where missing); not for rows per trial
     */
    public IntFunction<Object> reader(Column column) {
        if (column instanceof Column.Fixed fixedColumn) {
            Object[] values = fixed[fixedColumn.column().ordinal()];
            return row -> values[row];
        }
        if (column instanceof Column.Param param) {
            Object[] values = params.get(param.name());
            return values == null ? row -> null : row -> values[row];
        }
        if (column instanceof Column.Metric metric) {
            MetricColumn values = metrics.get(metric.metric());
            if (values == null) {
                return row -> null;
            }
            int stat = metric.stat().ordinal();
            return row -> values.rows().get(row) ? values.value(row, stat) : null;
        }
        throw new IllegalArgumentException("not a component column: " + column.id());
    }

    /** @return the statistic of {@code column} in every row, as {@link #reader} reads it but unboxed */
    public Stats stats(Column.Metric column) {
        MetricColumn values = metrics.get(column.metric());
        if (values == null) {
            return new Stats() {
                @Override
                public boolean has(int row) {
                    return false;
                }

                @Override
                public double value(int row) {
                    throw new IllegalStateException("no row has " + column.id());
                }
            };
        }
        int stat = column.stat().ordinal();
        BitSet present = values.rows();
        return new Stats() {
            @Override
            public boolean has(int row) {
                return present.get(row);
            }

            @Override
            public double value(int row) {
                return values.value(row, stat);
            }
        };
    }

    /**
     * @param changes component name -> its row now, or null when it is no longer a row
     * @return these rows with the changes made (copies; this instance is unchanged)
     */
    public TableRows with(Map<String, Row> changes) {
        boolean inPlace = true;
        for (Map.Entry<String, Row> change : changes.entrySet()) {
            inPlace &= change.getValue() != null && index.containsKey(change.getKey());
        }
        if (inPlace) {
            return updated(changes);
        }
        List<String> newNames = new ArrayList<>(names.length + changes.size());
        List<Integer> from = new ArrayList<>(names.length + changes.size());
        for (int i = 0; i < names.length; i++) {
            if (!changes.containsKey(names[i])) {
                newNames.add(names[i]);
                from.add(i);
            }
        }
        List<Row> added = new ArrayList<>();
        changes.forEach((name, row) -> {
            if (row != null) {
                added.add(row);
            }
        });
        added.sort((a, b) -> CypherValues.compareStrings(a.name(), b.name()));
        int kept = newNames.size();
        added.forEach(row -> newNames.add(row.name()));
        int size = newNames.size();
        int[] source = from.stream().mapToInt(Integer::intValue).toArray();

        Object[][] newFixed = new Object[fixed.length][];
        for (int f = 0; f < fixed.length; f++) {
            newFixed[f] = new Object[size];
            for (int i = 0; i < kept; i++) {
                newFixed[f][i] = fixed[f][source[i]];
            }
            for (int i = 0; i < added.size(); i++) {
                newFixed[f][kept + i] = added.get(i).fixed()[f];
            }
        }

        TreeMap<String, Object[]> newParams = new TreeMap<>();
        params.forEach((param, values) -> {
            Object[] copy = new Object[size];
            for (int i = 0; i < kept; i++) {
                copy[i] = values[source[i]];
            }
            newParams.put(param, copy);
        });
        for (int i = 0; i < added.size(); i++) {
            int row = kept + i;
            added.get(i)
                    .params()
                    .forEach((param, value) -> newParams.computeIfAbsent(param, p -> new Object[size])[row] = value);
        }
        newParams.values().removeIf(values -> Arrays.stream(values).allMatch(value -> value == null));

        TreeMap<String, MetricColumn> newMetrics = new TreeMap<>();
        double[] buffer = new double[StatsRow.WIDTH];
        metrics.forEach((metric, column) -> {
            MetricColumn copy = MetricColumn.empty(size);
            for (int i = 0; i < kept; i++) {
                if (column.rows().get(source[i])) {
                    copy.rows().set(i);
                    column.copy(source[i], buffer, 0);
                    copy.set(i, buffer, 0);
                }
            }
            newMetrics.put(metric, copy);
        });
        for (int i = 0; i < added.size(); i++) {
            Row row = added.get(i);
            int at = kept + i;
            for (int m = 0; m < row.metrics().size(); m++) {
                MetricColumn column =
                        newMetrics.computeIfAbsent(row.metrics().get(m), name -> MetricColumn.empty(size));
                column.rows().set(at);
                column.set(at, row.stats(), m * StatsRow.WIDTH);
            }
        }
        newMetrics.values().removeIf(column -> column.rows().isEmpty());

        Map<String, Integer> newIndex = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            newIndex.put(newNames.get(i), i);
        }
        return new TableRows(newNames.toArray(String[]::new), newIndex, newFixed, newParams, newMetrics);
    }

    /**
     * The rows with some of them read again, none added or removed: what every request sees while
     * jobs stream. The row order and index stay shared, and only the columns in which a changed
     * row's value differs are copied (an ingest batch touches a component's metric columns, not
     * its fixed columns or parameters), and of a metric column only the chunks of the changed rows
     * (the other chunks are shared), so a refresh costs a few small copies instead of rebuilding
     * or cloning whole columns of the experiment.
     */
    private TableRows updated(Map<String, Row> changes) {
        int size = names.length;
        Object[][] newFixed = fixed.clone();
        TreeMap<String, Object[]> newParams = new TreeMap<>(params);
        TreeMap<String, MetricColumn> newMetrics = new TreeMap<>(metrics);
        Set<String> copiedParams = new HashSet<>();
        Set<String> copiedMetrics = new HashSet<>();
        // Metric -> the chunks this update copied (writable): every other chunk is shared.
        Map<String, BitSet> copiedChunks = new HashMap<>();
        for (Map.Entry<String, Row> change : changes.entrySet()) {
            int at = index.get(change.getKey());
            Row row = change.getValue();
            for (int f = 0; f < newFixed.length; f++) {
                if (!Objects.equals(newFixed[f][at], row.fixed()[f])) {
                    if (newFixed[f] == fixed[f]) {
                        newFixed[f] = fixed[f].clone();
                    }
                    newFixed[f][at] = row.fixed()[f];
                }
            }
            Set<String> touched = new HashSet<>(row.params().keySet());
            newParams.forEach((param, values) -> {
                if (values[at] != null) {
                    touched.add(param);
                }
            });
            for (String param : touched) {
                Object value = row.params().get(param);
                Object[] values = newParams.get(param);
                if (values != null && Objects.equals(values[at], value)) {
                    continue;
                }
                if (copiedParams.add(param)) {
                    values = values == null ? new Object[size] : values.clone();
                    newParams.put(param, values);
                }
                values[at] = value;
            }
            Map<String, Integer> places = new HashMap<>();
            for (int m = 0; m < row.metrics().size(); m++) {
                places.put(row.metrics().get(m), m);
            }
            Set<String> metricsTouched = new HashSet<>(places.keySet());
            newMetrics.forEach((metric, column) -> {
                if (column.rows().get(at)) {
                    metricsTouched.add(metric);
                }
            });
            for (String metric : metricsTouched) {
                Integer place = places.get(metric);
                MetricColumn column = newMetrics.get(metric);
                boolean same = column != null
                        && column.rows().get(at) == (place != null)
                        && (place == null || column.same(at, row.stats(), place * StatsRow.WIDTH));
                if (same) {
                    continue;
                }
                if (copiedMetrics.add(metric)) {
                    if (column == null) {
                        column = MetricColumn.empty(size);
                        copiedChunks.put(metric, allChunks(column));
                    } else {
                        column = new MetricColumn(
                                column.chunks().clone(), (BitSet) column.rows().clone());
                        copiedChunks.put(metric, new BitSet());
                    }
                    newMetrics.put(metric, column);
                }
                int chunk = at / CHUNK_ROWS;
                BitSet copied = copiedChunks.get(metric);
                if (!copied.get(chunk)) {
                    column.chunks()[chunk] = column.chunks()[chunk].clone();
                    copied.set(chunk);
                }
                if (place == null) {
                    column.rows().clear(at);
                    column.set(at, new double[StatsRow.WIDTH], 0);
                } else {
                    column.rows().set(at);
                    column.set(at, row.stats(), place * StatsRow.WIDTH);
                }
            }
        }
        // A column whose last value went goes, as a table read whole would not have it.
        for (String param : copiedParams) {
            if (Arrays.stream(newParams.get(param)).allMatch(Objects::isNull)) {
                newParams.remove(param);
            }
        }
        for (String metric : copiedMetrics) {
            if (newMetrics.get(metric).rows().isEmpty()) {
                newMetrics.remove(metric);
            }
        }
        return new TableRows(names, index, newFixed, newParams, newMetrics);
    }

    private static BitSet allChunks(MetricColumn column) {
        BitSet all = new BitSet(column.chunks().length);
        all.set(0, column.chunks().length);
        return all;
    }
}
