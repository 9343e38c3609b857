package io.trialgraph.domain;

/**
 * An artifact in the role it plays for one component, e.g. its "training" input.
 *
 * @param name the role; may be empty
 */
public record ArtifactLink(String name, Artifact artifact) {
}
