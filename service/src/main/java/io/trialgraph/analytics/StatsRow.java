package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A component's metric statistics as the table reads them, on the {@code :MetricStats} node beside
 * the component: {@code values}, one array of {@value #WIDTH} numbers a metric in {@link Stat}
 * order (counts and steps as doubles: exact up to 2^53), {@code names}, the metric names in the
 * order the metrics first arrived, and {@code index.<metric>}, each metric's place in them,
 * written once when the metric first arrives. Ingest rewrites the arrays in the transaction that
 * stores the points.
 *
 * <p>Why one array and not a property per statistic: Neo4j reads committed data property by
 * property, so a row read while a batch commits could mix two commits across separate properties
 * (measured: {@code -Dbench=layouts}), while an array is read in one piece. The reader reads
 * {@code values} first and the places after: a place never changes once written, and a metric
 * added after the values it read has a place past their end (missing, as it was then). So every
 * row is exactly one commit's, and finding a metric is one property of a small node.
 */
public final class StatsRow {

    /** Numbers per metric in {@code values}. */
    public static final int WIDTH = Stat.values().length;

    /** The {@code names} property. */
    public static final String NAMES = "names";

    /** The {@code values} property. */
    public static final String VALUES = "values";

    /** @return the property holding {@code metric}'s place in {@code names} (its statistics start at place x {@value #WIDTH}) */
    public static String indexKey(String metric) {
        return "index." + metric;
    }

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
