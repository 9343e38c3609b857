package io.trialgraph.domain;

import java.time.Instant;
import java.util.Map;

/**
 * An experiment: a hypothesis and the trials that test it.
 *
 * @param trialCount how many trials it has (ignored on create)
 */
public record Experiment(String name, String displayName, String description, Map<String, String> tags,
        Instant createdAt, Instant updatedAt, long trialCount) {
}
