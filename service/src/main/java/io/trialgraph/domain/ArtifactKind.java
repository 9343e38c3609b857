package io.trialgraph.domain;

/** What an artifact is; each specific kind is also a label in the graph. */
public enum ArtifactKind {
    DATASET("dataset", "Dataset"),
    MODEL("model", "Model"),
    CODE("code", "Code"),
    CHECKPOINT("checkpoint", "Checkpoint"),
    OTHER("other", null);

    private final String graphValue;
    private final String label;

    ArtifactKind(String graphValue, String label) {
        this.graphValue = graphValue;
        this.label = label;
    }

    /** @return the value of the {@code kind} property, e.g. {@code dataset} */
    public String graphValue() {
        return graphValue;
    }

    /** @return the extra label beside {@code :Artifact}, or null for {@link #OTHER} */
    public String label() {
        return label;
    }

    public static ArtifactKind fromGraph(String value) {
        for (ArtifactKind kind : values()) {
            if (kind.graphValue.equals(value)) {
                return kind;
            }
        }
        return OTHER;
    }
}
