package io.trialgraph.analytics;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Rules;
import io.trialgraph.rules.Quote;

/**
 * A column of the analytics table: a fixed one ({@code name}, {@code kind}, ...), a parameter
 * ({@code params.<name>}) or a metric statistic ({@code metrics.<metric>.<stat>}) of a component
 * row; in a row per trial, a fixed one of the trial's or any component column under a component
 * kind ({@code training.metrics.test_acc.last}). A column id is parsed once, where the request
 * arrives; everything after works on these types.
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
     * In a row per trial, a component column of the trial's components of one kind: the value of
     * the first of them, by name, that has one.
     *
     * @param column a component's own column: not {@code trials} or {@code experiment}
     */
    record OfKind(String kind, Column column) implements Column {
        @Override
        public String id() {
            return kind + "." + column.id();
        }
    }

    /** @return whether values are times (compared with ISO 8601 text) */
    default boolean isTime() {
        if (this instanceof OfKind ofKind) {
            return ofKind.column().isTime();
        }
        return this instanceof Fixed fixed && fixed.column().isTime();
    }

    /** @return whether the column can only be shown, never filtered, sorted or grouped by */
    default boolean isShownOnly() {
        return this instanceof Fixed fixed && fixed.column() == FixedColumn.TRIALS;
    }

    /**
     * A column of a component row.
     *
     * @param field the request field, for the message (e.g. {@code columns[2]})
     * @throws InvalidArgumentException naming {@code field} and the column when it is not one
     */
    static Column parse(String field, String id) {
        return parse(field, id, Table.Rows.COMPONENTS);
    }

    /**
     * A column of a row of {@code rows}.
     *
     * @param field the request field, for the message (e.g. {@code columns[2]})
     * @throws InvalidArgumentException naming {@code field} and the column when it is not one
     */
    static Column parse(String field, String id, Table.Rows rows) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException(
                    field,
                    rows == Table.Rows.TRIALS
                            ? "is empty; expected a column such as name, training.params.epochs or"
                                    + " training.metrics.test_acc.last"
                            : "is empty; expected a column such as kind, params.epochs or metrics.test_acc.last");
        }
        if (rows == Table.Rows.TRIALS) {
            return parseOfTrial(field, id);
        }
        Column column = parseOfComponent(field, id);
        if (column == null) {
            throw new InvalidArgumentException(
                    field,
                    "unknown column " + Quote.of(id) + ": expected one of " + FixedColumn.IDS
                            + ", params.<name> or metrics.<metric>.<stat>");
        }
        return column;
    }

    /** @return the component column, or null when {@code id} does not look like one */
    private static Column parseOfComponent(String field, String id) {
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
        return null;
    }

    /**
     * A trial's own column, or {@code <kind>.<component column>}: the kind is the shortest prefix
     * before a dot after which a component's own column follows, so kinds may hold dots.
     */
    private static Column parseOfTrial(String field, String id) {
        var fixed = FixedColumn.of(id);
        if (fixed.isPresent() && fixed.get().ofTrials()) {
            return new Fixed(fixed.get());
        }
        for (int dot = id.indexOf('.'); dot > 0; dot = id.indexOf('.', dot + 1)) {
            String rest = id.substring(dot + 1);
            boolean looksLikeColumn = rest.startsWith("params.")
                    || rest.startsWith("metrics.")
                    || FixedColumn.of(rest).filter(FixedColumn::isComponentOwn).isPresent();
            if (looksLikeColumn) {
                String kind = id.substring(0, dot);
                Rules.kind(field, kind);
                return new OfKind(kind, parseOfComponent(field, rest));
            }
        }
        throw new InvalidArgumentException(
                field,
                "unknown column " + Quote.of(id) + ": a row per trial has " + FixedColumn.TRIAL_IDS
                        + " and <kind>.<column> for the columns of its components of that kind, e.g."
                        + " training.params.epochs or training.metrics.test_acc.last");
    }
}
