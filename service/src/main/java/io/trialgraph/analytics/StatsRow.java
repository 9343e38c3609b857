package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A component's metric statistics as the table reads them: two array properties of the
 * {@code :MetricStats} node beside the component, {@code names} (the metric names, in the order
 * the metrics first arrived) and {@code values} ({@value #WIDTH} numbers a metric, in {@link Stat}
 * order, counts and steps included as doubles: exact up to 2^53). Ingest rewrites both in the
 * transaction that stores the points.
 *
 * <p>Why two arrays and not a property per statistic: Neo4j reads committed data property by
 * property, so a row read while a batch commits could mix two commits across separate properties
 * (measured: 44 of 198,343 rows read while eight writers rewrote them), while an array is read in
 * one piece (none of the same reads). Names only ever grow at the end, and the reader reads
 * {@code values} before {@code names}: the names it gets are those of the same commit or a later
 * one, which list every metric of the values at its place, and a metric added later falls past
 * the end of the values (missing, as it was then). So a row is always exactly one commit's.
 */
public final class StatsRow {

    /** Numbers per metric in {@code values}. */
    public static final int WIDTH = Stat.values().length;

    /** The {@code names} property. */
    public static final String NAMES = "names";

    /** The {@code values} property. */
    public static final String VALUES = "values";

    private StatsRow() {}

    /** The arrays after one metric's statistics change. */
    public record Arrays(List<String> names, List<Double> values) {}

    /**
     * @param names the stored names (empty for none)
     * @param values the stored values ({@value #WIDTH} a name)
     * @param stats every statistic of {@code metric}
     * @return the arrays with {@code metric}'s statistics replaced, or appended when it is new
     */
    public static Arrays with(List<String> names, List<Double> values, String metric, Map<Stat, Double> stats) {
        List<String> newNames = new ArrayList<>(names);
        List<Double> newValues = new ArrayList<>(values);
        int index = newNames.indexOf(metric);
        if (index < 0) {
            index = newNames.size();
            newNames.add(metric);
            for (int i = 0; i < WIDTH; i++) {
                newValues.add(Double.NaN);
            }
        }
        for (Stat stat : Stat.values()) {
            newValues.set(index * WIDTH + stat.ordinal(), stats.get(stat));
        }
        return new Arrays(newNames, newValues);
    }
}
