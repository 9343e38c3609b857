package io.trialgraph.domain.mlflow;

import io.trialgraph.domain.InvalidArgumentException;
import java.util.Locale;

/** Which experiments or runs a search returns by their lifecycle stage. */
public enum ViewType {
    ACTIVE_ONLY(1),
    DELETED_ONLY(2),
    ALL(3);

    private final int number;

    ViewType(int number) {
        this.number = number;
    }

    /** @return whether an entity in that stage is returned */
    public boolean includes(boolean deleted) {
        return this == ALL || (this == DELETED_ONLY) == deleted;
    }

    /**
     * Reads a view type by name or number; empty means {@link #ACTIVE_ONLY}.
     *
     * @throws InvalidArgumentException naming the field when it is neither
     */
    public static ViewType parse(String field, String text) {
        String value = text.strip().toUpperCase(Locale.ROOT);
        if (value.isEmpty()) {
            return ACTIVE_ONLY;
        }
        for (ViewType type : values()) {
            if (type.name().equals(value) || String.valueOf(type.number).equals(value)) {
                return type;
            }
        }
        throw new InvalidArgumentException(
                field, "must be ACTIVE_ONLY, DELETED_ONLY or ALL, is '" + MlflowRules.quoted(text) + "'");
    }
}
