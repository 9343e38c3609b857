package io.trialgraph.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job, parameter set, tracker or processing step, associated with any number of trials.
 *
 * @param status null when it has none
 * @param parameters values are Long, Double, String or Boolean, as logged
 * @param trialNames the trials it belongs to, in name order
 */
public record TrialComponent(String name, String displayName, String kind, ComponentStatus status, String statusMessage,
        Instant startTime, Instant endTime, Map<String, Object> parameters, Map<String, String> metadata,
        List<ArtifactLink> inputs, List<ArtifactLink> outputs, List<String> trialNames,
        Instant createdAt, Instant updatedAt) {
}
