package io.trialgraph.analytics;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The columns every component has, in default-table order, and the property each reads. */
public enum FixedColumn {
    NAME("name", "name"),
    DISPLAY_NAME("display_name", "displayName"),
    KIND("kind", "kind"),
    STATUS("status", "status"),
    STATUS_MESSAGE("status_message", "statusMessage"),
    /** The names of the component's trials in scope, joined by commas: shown, never filtered, sorted or grouped by. */
    TRIALS("trials", null),
    START_TIME("start_time", "startTime"),
    END_TIME("end_time", "endTime");

    /** The ids, for messages. */
    public static final List<String> IDS =
            Arrays.stream(values()).map(FixedColumn::id).toList();

    private final String id;
    private final String property;

    FixedColumn(String id, String property) {
        this.id = id;
        this.property = property;
    }

    public String id() {
        return id;
    }

    /** @return the TrialComponent property, or null for {@link #TRIALS} (computed) */
    public String property() {
        return property;
    }

    /** @return whether values are times (compared with ISO 8601 text) */
    public boolean isTime() {
        return this == START_TIME || this == END_TIME;
    }

    static Optional<FixedColumn> of(String id) {
        return Arrays.stream(values()).filter(column -> column.id.equals(id)).findFirst();
    }
}
