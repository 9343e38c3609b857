package io.trialgraph.analytics;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The columns every row has, in default-table order, the property each reads and the rows that
 * have it: a component row has them all; a trial row has {@code name}, {@code display_name} and
 * {@code experiment} (the trial's own), and every other one under a component kind.
 */
public enum FixedColumn {
    NAME("name", "name", true),
    DISPLAY_NAME("display_name", "displayName", true),
    KIND("kind", "kind", false),
    STATUS("status", "status", false),
    STATUS_MESSAGE("status_message", "statusMessage", false),
    /** The names of the component's trials in scope, joined by commas: shown, never filtered, sorted or grouped by. */
    TRIALS("trials", null, false),
    START_TIME("start_time", "startTime", false),
    END_TIME("end_time", "endTime", false),
    /**
     * The experiment of the row: of a trial, its experiment; of a component, the experiments of its
     * trials in scope (names joined by commas when there are several).
     */
    EXPERIMENT("experiment", null, true);

    /** The ids, for messages. */
    public static final List<String> IDS =
            Arrays.stream(values()).map(FixedColumn::id).toList();

    /** The ids a trial row has of its own, for messages. */
    public static final List<String> TRIAL_IDS = Arrays.stream(values())
            .filter(column -> column.ofTrials)
            .map(FixedColumn::id)
            .toList();

    private final String id;
    private final String property;
    private final boolean ofTrials;

    FixedColumn(String id, String property, boolean ofTrials) {
        this.id = id;
        this.property = property;
        this.ofTrials = ofTrials;
    }

    public String id() {
        return id;
    }

    /** @return the TrialComponent (and, for a trial column, Trial) property, or null for a computed column */
    public String property() {
        return property;
    }

    /** @return whether a trial row has this column of its own */
    public boolean ofTrials() {
        return ofTrials;
    }

    /** @return whether it is a property of the component itself (every column but trials and experiment) */
    public boolean isComponentOwn() {
        return property != null;
    }

    /** @return whether values are times (compared with ISO 8601 text) */
    public boolean isTime() {
        return this == START_TIME || this == END_TIME;
    }

    static Optional<FixedColumn> of(String id) {
        return Arrays.stream(values()).filter(column -> column.id.equals(id)).findFirst();
    }
}
