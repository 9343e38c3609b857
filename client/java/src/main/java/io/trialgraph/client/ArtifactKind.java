package io.trialgraph.client;

/**
 * What an artifact is. In the graph every artifact has the label {@code :Artifact}, plus
 * {@code :Dataset}, {@code :Model}, {@code :Code} or {@code :Checkpoint} by kind.
 *
 * <p>Where a kind is optional (linking an input, describing an artifact), {@code null} means "not
 * given": a new artifact becomes {@link #OTHER}, an existing one keeps its kind. A kind can be
 * refined from {@code OTHER} to a specific kind, never changed from one specific kind to another
 * ({@code FAILED_PRECONDITION}).
 */
public enum ArtifactKind {
    /** Training, validation or test data. */
    DATASET,
    /** A trained model. */
    MODEL,
    /** A script, notebook, image or any code that ran. */
    CODE,
    /** A training checkpoint. */
    CHECKPOINT,
    /** Anything else. */
    OTHER;

    /** @return the kind as the graph and the lineage filters spell it: "dataset", "model", ... */
    public String graphName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
