package io.trialgraph.domain.mlflow;

import io.trialgraph.domain.ComponentStatus;
import io.trialgraph.domain.InvalidArgumentException;
import java.util.Locale;

/**
 * MLflow's run status and the component status it is stored as. A component without a status
 * (it has not started, e.g. a parameters-only tracker) reads as {@link #SCHEDULED}.
 */
public enum RunStatus {
    RUNNING(1, ComponentStatus.IN_PROGRESS),
    SCHEDULED(2, null),
    FINISHED(3, ComponentStatus.COMPLETED),
    FAILED(4, ComponentStatus.FAILED),
    KILLED(5, ComponentStatus.STOPPED);

    private final int number;
    private final ComponentStatus component;

    RunStatus(int number, ComponentStatus component) {
        this.number = number;
        this.component = component;
    }

    /** @return the component status this run status is stored as; null for {@link #SCHEDULED} */
    public ComponentStatus componentStatus() {
        return component;
    }

    /** @return the run status of a component status (null: none yet) */
    public static RunStatus of(ComponentStatus status) {
        if (status == null) {
            return SCHEDULED;
        }
        return switch (status) {
            case IN_PROGRESS -> RUNNING;
            case COMPLETED -> FINISHED;
            case FAILED -> FAILED;
            case STOPPED -> KILLED;
        };
    }

    /**
     * Reads a status as protobuf JSON writes an enum: its name ({@code "FINISHED"}) or its number ({@code 3}).
     *
     * @throws InvalidArgumentException naming the field when it is neither
     */
    public static RunStatus parse(String field, String text) {
        String value = text.strip().toUpperCase(Locale.ROOT);
        for (RunStatus status : values()) {
            if (status.name().equals(value) || String.valueOf(status.number).equals(value)) {
                return status;
            }
        }
        throw new InvalidArgumentException(
                field, "must be RUNNING, SCHEDULED, FINISHED, FAILED or KILLED, is '" + MlflowRules.quoted(text) + "'");
    }
}
