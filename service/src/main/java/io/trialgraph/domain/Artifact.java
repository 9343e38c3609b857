package io.trialgraph.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A dataset, model, code, checkpoint or other file, identified by its URI. As a description in
 * a request, empty strings, a zero size and a null kind mean "not given".
 */
public record Artifact(String id, String uri, ArtifactKind kind, String name, String digest, String mediaType,
        long sizeBytes, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {

    /** An artifact known only by its URI. */
    public static Artifact ofUri(String uri) {
        return new Artifact("", uri, null, "", "", "", 0, Map.of(), null, null);
    }
}
