package io.trialgraph.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Partial changes: an empty Optional or null leaves the stored value as it is. */
public final class Updates {

    private Updates() {
    }

    /** A change to an experiment. */
    public record ExperimentUpdate(String name, Optional<String> displayName, Optional<String> description,
            Map<String, String> setTags, List<String> removeTags) {
    }

    /** A change to a trial. */
    public record TrialUpdate(String name, Optional<String> displayName, Map<String, String> setTags, List<String> removeTags) {
    }

    /** A change to a trial component; status, startTime and endTime are null when unchanged. */
    public record ComponentUpdate(String name, Optional<String> displayName, ComponentStatus status,
            Optional<String> statusMessage, Instant startTime, Instant endTime,
            Map<String, String> setMetadata, List<String> removeMetadata) {
    }

    /** A change to an artifact; kind is null when unchanged. */
    public record ArtifactUpdate(ArtifactKey key, ArtifactKind kind, Optional<String> name, Optional<String> digest,
            Optional<String> mediaType, Optional<Long> sizeBytes, Map<String, String> setMetadata, List<String> removeMetadata) {
    }

    /** Names one artifact by URI or by id. */
    public record ArtifactKey(String uri, String id) {

        public static ArtifactKey ofUri(String uri) {
            return new ArtifactKey(uri, null);
        }

        public static ArtifactKey ofId(String id) {
            return new ArtifactKey(null, id);
        }

        /** @return how a message names it, e.g. {@code s3://bucket/x} or {@code id 1234} */
        public String describe() {
            return uri != null ? uri : "id " + id;
        }
    }

    /** What a delete removed besides the thing named. */
    public record Deleted(long trials, long components, long artifacts, long links) {
    }
}
