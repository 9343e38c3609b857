package io.trialgraph.domain.mlflow;

import java.util.List;

/**
 * One comparison of an MLflow search filter, e.g. {@code metrics.acc > 0.8}: clauses are ANDed.
 *
 * @param key the metric, parameter or tag name, the attribute (aliases resolved: {@code created}
 *     is {@code start_time}), or the dataset field
 * @param value a Double (metrics), a Long (numeric attributes), a String, or a List of Strings ({@code IN})
 */
public record SearchClause(Entity entity, String key, Operator operator, Object value) {

    /** What a clause compares. */
    public enum Entity {
        METRIC,
        PARAM,
        TAG,
        ATTRIBUTE,
        DATASET
    }

    /** The comparisons MLflow's filter language has. */
    public enum Operator {
        EQ("="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        LIKE("LIKE"),
        ILIKE("ILIKE"),
        IN("IN"),
        NOT_IN("NOT IN");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        /** @return the operator as written in a filter */
        public String text() {
            return text;
        }

        /** @return whether it orders values (numbers only) */
        public boolean isOrdering() {
            return this == LT || this == LE || this == GT || this == GE;
        }
    }

    /** @return the list of an IN or NOT IN clause */
    @SuppressWarnings("unchecked")
    public List<String> values() {
        return (List<String>) value;
    }
}
