package io.trialgraph.analytics;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Rules;
import io.trialgraph.rules.Quote;

/**
 * A column of the analytics table: a fixed one ({@code name}, {@code kind}, ...), a parameter
 * ({@code params.<name>}) or a metric statistic ({@code metrics.<metric>.<stat>}). A column id is
 * parsed once, where the request arrives; everything after works on these types.
 */
public sealed interface Column {

    /** @return the column as written, e.g. {@code metrics.test_acc.last} */
    String id();

    /** A fixed column. */
    record Fixed(FixedColumn column) implements Column {
        @Override
        public String id() {
            return column.id();
        }
    }

    /** A parameter, {@code params.<name>}. */
    record Param(String name) implements Column {
        @Override
        public String id() {
            return "params." + name;
        }
    }

    /** A metric statistic, {@code metrics.<metric>.<stat>}. */
    record Metric(String metric, Stat stat) implements Column {
        @Override
        public String id() {
            return "metrics." + metric + "." + stat.id();
        }
    }

    /**
     * @param field the request field, for the message (e.g. {@code columns[2]})
     * @throws InvalidArgumentException naming {@code field} and the column when it is not one
     */
    static Column parse(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException(
                    field, "is empty; expected a column such as kind, params.epochs or metrics.test_acc.last");
        }
        var fixed = FixedColumn.of(id);
        if (fixed.isPresent()) {
            return new Fixed(fixed.get());
        }
        if (id.startsWith("params.") && id.length() > "params.".length()) {
            String name = id.substring("params.".length());
            Rules.key(field, name);
            return new Param(name);
        }
        if (id.startsWith("metrics.")) {
            int dot = id.lastIndexOf('.');
            String metric = dot > "metrics.".length() ? id.substring("metrics.".length(), dot) : "";
            var stat = Stat.of(id.substring(dot + 1));
            if (metric.isEmpty() || stat.isEmpty()) {
                throw new InvalidArgumentException(
                        field,
                        "unknown column " + Quote.of(id)
                                + ": a metric column is metrics.<metric>.<stat> with stat one of " + Stat.IDS);
            }
            Rules.metricName(field, metric);
            return new Metric(metric, stat.get());
        }
        throw new InvalidArgumentException(
                field,
                "unknown column " + Quote.of(id) + ": expected one of " + FixedColumn.IDS
                        + ", params.<name> or metrics.<metric>.<stat>");
    }
}
