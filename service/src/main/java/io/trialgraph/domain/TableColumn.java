package io.trialgraph.domain;

import java.util.List;
import java.util.Map;

/**
 * A column of the analytics table: a fixed one ({@code name}, {@code kind}, ...), a parameter
 * ({@code params.<name>}) or a metric statistic ({@code metrics.<metric>.<stat>}).
 *
 * @param id the column as written, e.g. {@code metrics.test_acc.last}
 * @param type which of the three
 * @param name the fixed column, parameter or metric name
 * @param stat the statistic, for metric columns
 */
public record TableColumn(String id, Type type, String name, String stat) {

    /** The three kinds of column. */
    public enum Type { FIXED, PARAM, METRIC }

    /** Fixed columns, in the order the default table shows them. */
    public static final List<String> FIXED = List.of("name", "display_name", "kind", "status", "status_message", "trials",
            "start_time", "end_time");

    /** Statistics and the Metric property each reads. */
    public static final Map<String, String> STATS = Map.ofEntries(
            Map.entry("min", "min"), Map.entry("max", "max"), Map.entry("mean", "mean"), Map.entry("std", "std"),
            Map.entry("last", "last"), Map.entry("first", "first"), Map.entry("count", "count"),
            Map.entry("non_finite_count", "nonFiniteCount"), Map.entry("min_step", "minStep"), Map.entry("max_step", "maxStep"),
            Map.entry("first_step", "firstStep"), Map.entry("last_step", "lastStep"));

    /** The order statistics appear in a default table. */
    public static final List<String> STAT_ORDER = List.of("last", "min", "max", "mean", "std", "first", "count",
            "non_finite_count", "min_step", "max_step", "first_step", "last_step");

    /**
     * @throws InvalidArgumentException naming {@code field} and the column when it is not one
     */
    public static TableColumn parse(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException(field, "is empty; expected a column such as kind, params.epochs or metrics.test_acc.last");
        }
        if (FIXED.contains(id)) {
            return new TableColumn(id, Type.FIXED, id, null);
        }
        if (id.startsWith("params.") && id.length() > "params.".length()) {
            String name = id.substring("params.".length());
            Rules.key(field, name);
            return new TableColumn(id, Type.PARAM, name, null);
        }
        if (id.startsWith("metrics.")) {
            int dot = id.lastIndexOf('.');
            String metric = dot > "metrics.".length() ? id.substring("metrics.".length(), dot) : "";
            String stat = id.substring(dot + 1);
            if (metric.isEmpty() || !STATS.containsKey(stat)) {
                throw new InvalidArgumentException(field, "unknown column '" + id + "': a metric column is metrics.<metric>.<stat>"
                        + " with stat one of " + STAT_ORDER);
            }
            return new TableColumn(id, Type.METRIC, metric, stat);
        }
        throw new InvalidArgumentException(field, "unknown column '" + id + "': expected one of " + FIXED
                + ", params.<name> or metrics.<metric>.<stat>");
    }

    /** A parameter column. */
    public static TableColumn param(String name) {
        return new TableColumn("params." + name, Type.PARAM, name, null);
    }

    /** A metric statistic column. */
    public static TableColumn metric(String metric, String stat) {
        return new TableColumn("metrics." + metric + "." + stat, Type.METRIC, metric, stat);
    }
}
