package io.trialgraph.analytics;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A metric statistic column ({@code metrics.<metric>.<stat>}) and the Metric property it reads, in default-table order. */
public enum Stat {
    LAST("last", "last"),
    MIN("min", "min"),
    MAX("max", "max"),
    MEAN("mean", "mean"),
    STD("std", "std"),
    FIRST("first", "first"),
    COUNT("count", "count"),
    NON_FINITE_COUNT("non_finite_count", "nonFiniteCount"),
    MIN_STEP("min_step", "minStep"),
    MAX_STEP("max_step", "maxStep"),
    FIRST_STEP("first_step", "firstStep"),
    LAST_STEP("last_step", "lastStep");

    /** The ids, in default-table order, for messages. */
    public static final List<String> IDS = Arrays.stream(values()).map(Stat::id).toList();

    private final String id;
    private final String property;

    Stat(String id, String property) {
        this.id = id;
        this.property = property;
    }

    /** @return the statistic as written in a column id, e.g. {@code non_finite_count} */
    public String id() {
        return id;
    }

    /** @return the property of a {@code :Metric} node that holds it */
    public String property() {
        return property;
    }

    /** @return whether values are whole numbers (counts and steps): the table shows them as integers */
    public boolean isIntegral() {
        return this == COUNT
                || this == NON_FINITE_COUNT
                || this == MIN_STEP
                || this == MAX_STEP
                || this == FIRST_STEP
                || this == LAST_STEP;
    }

    static Optional<Stat> of(String id) {
        return Arrays.stream(values()).filter(stat -> stat.id.equals(id)).findFirst();
    }
}
