package io.trialgraph.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A trial component as the server stores it: a job, a parameter set, a metadata tracker, a
 * processing step: anything that belongs to trials. It exists on its own and may be associated
 * with any number of trials. Graph: {@code (:TrialComponent {name, displayName, kind, status,
 * statusMessage, startTime, endTime, createdAt, updatedAt, `param.<name>`..., `meta.<key>`...})-[:PART_OF]->(:Trial)}.
 *
 * <p>Parameters keep their type: an integer comes back as a {@link Long}, a floating-point number
 * as a {@link Double}, text as a {@link String}, a flag as a {@link Boolean}.
 *
 * @param name unique name; the component's identity
 * @param displayName name for people; may be empty
 * @param kind what it is, e.g. "training", "processing", "tracker"; may be empty
 * @param status where it is in its life; null when it has none
 * @param statusMessage why it has that status (e.g. the error of a failed job); may be empty
 * @param startTime when it started; null when unknown
 * @param endTime when it ended; null when unknown
 * @param parameters typed parameters (unmodifiable): Long, Double, String or Boolean values
 * @param metadata free string key/values (unmodifiable)
 * @param inputs artifacts it consumed, in (name, URI) order
 * @param outputs artifacts it produced, in (name, URI) order
 * @param trialNames the trials it is associated with, in name order
 * @param createTime when it was created
 * @param updateTime when it last changed
 */
public record TrialComponent(String name, String displayName, String kind, ComponentStatus status, String statusMessage,
        Instant startTime, Instant endTime, Map<String, Object> parameters, Map<String, String> metadata,
        List<ArtifactLink> inputs, List<ArtifactLink> outputs, List<String> trialNames,
        Instant createTime, Instant updateTime) {

    /**
     * Copies the collections.
     *
     * @param name unique name; the component's identity
     * @param displayName name for people; may be empty
     * @param kind what it is, e.g. "training", "processing", "tracker"; may be empty
     * @param status where it is in its life; null when it has none
     * @param statusMessage why it has that status (e.g. the error of a failed job); may be empty
     * @param startTime when it started; null when unknown
     * @param endTime when it ended; null when unknown
     * @param parameters typed parameters (unmodifiable): Long, Double, String or Boolean values
     * @param metadata free string key/values (unmodifiable)
     * @param inputs artifacts it consumed, in (name, URI) order
     * @param outputs artifacts it produced, in (name, URI) order
     * @param trialNames the trials it is associated with, in name order
     * @param createTime when it was created
     * @param updateTime when it last changed
     */
    public TrialComponent {
        parameters = Map.copyOf(parameters);
        metadata = Map.copyOf(metadata);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        trialNames = List.copyOf(trialNames);
    }
}
