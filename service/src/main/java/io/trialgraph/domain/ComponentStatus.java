package io.trialgraph.domain;

/** Where a trial component is in its life; {@link #graphValue()} is what Cypher sees. */
public enum ComponentStatus {
    IN_PROGRESS("InProgress"),
    COMPLETED("Completed"),
    FAILED("Failed"),
    STOPPED("Stopped");

    private final String graphValue;

    ComponentStatus(String graphValue) {
        this.graphValue = graphValue;
    }

    /** @return the value of the {@code status} property, e.g. {@code InProgress} */
    public String graphValue() {
        return graphValue;
    }

    /** @return true for the statuses that end a component's life */
    public boolean isFinal() {
        return this != IN_PROGRESS;
    }

    public static ComponentStatus fromGraph(String value) {
        if (value == null) {
            return null;
        }
        for (ComponentStatus status : values()) {
            if (status.graphValue.equals(value)) {
                return status;
            }
        }
        return null;
    }
}
