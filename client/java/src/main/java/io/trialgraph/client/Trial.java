package io.trialgraph.client;

import java.time.Instant;
import java.util.Map;

/**
 * A trial as the server stores it: one set of variables tested in an experiment. Graph:
 * {@code (:Trial {name, displayName, createdAt, updatedAt, `tag.<key>`...})-[:IN_EXPERIMENT]->(:Experiment)}.
 *
 * @param name unique name; the trial's identity
 * @param experimentName the experiment it belongs to
 * @param displayName name for people; may be empty
 * @param tags free string labels (unmodifiable)
 * @param createTime when it was created
 * @param updateTime when it last changed
 * @param trialComponentCount how many components were associated with it when it was read
 */
public record Trial(String name, String experimentName, String displayName, Map<String, String> tags,
        Instant createTime, Instant updateTime, long trialComponentCount) {

    /**
     * Copies the tags.
     *
     * @param name unique name; the trial's identity
     * @param experimentName the experiment it belongs to
     * @param displayName name for people; may be empty
     * @param tags free string labels (unmodifiable)
     * @param createTime when it was created
     * @param updateTime when it last changed
     * @param trialComponentCount how many components were associated with it when it was read
     */
    public Trial {
        tags = Map.copyOf(tags);
    }
}
