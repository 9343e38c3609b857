package io.trialgraph.client;

/**
 * An artifact as one component's input or output, under a role name such as {@code training},
 * {@code validation} or {@code model}. Graph: {@code (:Artifact)-[:CONSUMED_BY {name}]->(:TrialComponent)}
 * for inputs, {@code (:TrialComponent)-[:PRODUCED {name}]->(:Artifact)} for outputs.
 *
 * @param name the role of the artifact for the component; follows the key rule; may be empty
 * @param artifact the artifact (as an argument, its URI is required, the rest describes it further)
 */
public record ArtifactLink(String name, Artifact artifact) {

    /**
     * A null name becomes empty.
     *
     * @param name the role of the artifact for the component; follows the key rule; may be empty
     * @param artifact the artifact (as an argument, its URI is required, the rest describes it further)
     */
    public ArtifactLink {
        name = name == null ? "" : name;
        java.util.Objects.requireNonNull(artifact, "artifact");
    }

    /**
     * A link to the artifact at a URI.
     *
     * @param name the role, e.g. "training"
     * @param uri the artifact's URI
     * @param kind its kind, or null to leave it to the server
     * @return the link
     */
    public static ArtifactLink of(String name, String uri, ArtifactKind kind) {
        return new ArtifactLink(name, Artifact.of(uri, kind));
    }

    /** @return the artifact's URI */
    public String uri() {
        return artifact.uri();
    }
}
