package io.trialgraph.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One set of variables tested in an experiment.
 *
 * @param componentCount how many trial components are associated with it (ignored on create)
 */
public record Trial(String name, String experimentName, String displayName, Map<String, String> tags,
        Instant createdAt, Instant updatedAt, long componentCount) {
}
