package io.trialgraph.client;

/**
 * Where a trial component is in its life; stored in the graph as {@code InProgress},
 * {@code Completed}, {@code Failed} and {@code Stopped}. A component without a status (a
 * parameter set, a metadata tracker) has a {@code null} status in the client's records.
 */
public enum ComponentStatus {
    /** Running. */
    IN_PROGRESS("InProgress"),
    /** Finished successfully. */
    COMPLETED("Completed"),
    /** Finished with an error. */
    FAILED("Failed"),
    /** Stopped before finishing. */
    STOPPED("Stopped");

    private final String graphName;

    ComponentStatus(String graphName) {
        this.graphName = graphName;
    }

    /** @return the status as the graph spells it, e.g. "InProgress" (for Cypher filters) */
    public String graphName() {
        return graphName;
    }
}
