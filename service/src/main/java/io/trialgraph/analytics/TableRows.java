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

    /** A metric's statistics: {@value StatsRow#WIDTH} numbers a row, present where {@code rows} says. */
    private record MetricColumn(double[] values, BitSet rows) {}

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
            return row -> values.rows().get(row) ? values.values()[row * StatsRow.WIDTH + stat] : null;
        }
        throw new IllegalArgumentException("not a component column: " + column.id());
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
        metrics.forEach((metric, column) -> {
            double[] values = new double[size * StatsRow.WIDTH];
            BitSet present = new BitSet(size);
            for (int i = 0; i < kept; i++) {
                if (column.rows().get(source[i])) {
                    present.set(i);
                    System.arraycopy(
                            column.values(), source[i] * StatsRow.WIDTH, values, i * StatsRow.WIDTH, StatsRow.WIDTH);
                }
            }
            newMetrics.put(metric, new MetricColumn(values, present));
        });
        for (int i = 0; i < added.size(); i++) {
            Row row = added.get(i);
            int at = kept + i;
            for (int m = 0; m < row.metrics().size(); m++) {
                MetricColumn column = newMetrics.computeIfAbsent(
                        row.metrics().get(m),
                        name -> new MetricColumn(new double[size * StatsRow.WIDTH], new BitSet(size)));
                column.rows().set(at);
                System.arraycopy(row.stats(), m * StatsRow.WIDTH, column.values(), at * StatsRow.WIDTH, StatsRow.WIDTH);
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
     * its fixed columns or parameters), so a refresh costs a few array copies instead of
     * rebuilding every column of the experiment.
     */
    private TableRows updated(Map<String, Row> changes) {
        int size = names.length;
        Object[][] newFixed = fixed.clone();
        TreeMap<String, Object[]> newParams = new TreeMap<>(params);
        TreeMap<String, MetricColumn> newMetrics = new TreeMap<>(metrics);
        Set<String> copiedParams = new HashSet<>();
        Set<String> copiedMetrics = new HashSet<>();
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
                int from = at * StatsRow.WIDTH;
                boolean same = column != null
                        && column.rows().get(at) == (place != null)
                        && (place == null
                                || Arrays.equals(
                                        column.values(),
                                        from,
                                        from + StatsRow.WIDTH,
                                        row.stats(),
                                        place * StatsRow.WIDTH,
                                        place * StatsRow.WIDTH + StatsRow.WIDTH));
                if (same) {
                    continue;
                }
                if (copiedMetrics.add(metric)) {
                    column = column == null
                            ? new MetricColumn(new double[size * StatsRow.WIDTH], new BitSet(size))
                            : new MetricColumn(column.values().clone(), (BitSet)
                                    column.rows().clone());
                    newMetrics.put(metric, column);
                }
                if (place == null) {
                    column.rows().clear(at);
                    Arrays.fill(column.values(), from, from + StatsRow.WIDTH, 0);
                } else {
                    column.rows().set(at);
                    System.arraycopy(row.stats(), place * StatsRow.WIDTH, column.values(), from, StatsRow.WIDTH);
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
}
