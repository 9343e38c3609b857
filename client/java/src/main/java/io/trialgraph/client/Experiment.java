package io.trialgraph.client;

import java.time.Instant;
import java.util.Map;

/**
 * An experiment as the server stores it: a hypothesis under test, e.g. "my custom model beats
 * ResNet50 on CIFAR-10", and the trials that test it. Graph: {@code (:Experiment {name,
 * displayName, description, createdAt, updatedAt, `tag.<key>`...})}.
 *
 * @param name unique name; the experiment's identity
 * @param displayName name for people; may be empty
 * @param description the hypothesis, in words; may be empty
 * @param tags free string labels (unmodifiable)
 * @param createTime when it was created
 * @param updateTime when it last changed
 * @param trialCount how many trials it had when it was read
 */
public record Experiment(String name, String displayName, String description, Map<String, String> tags,
        Instant createTime, Instant updateTime, long trialCount) {

    /**
     * Copies the tags.
     *
     * @param name unique name; the experiment's identity
     * @param displayName name for people; may be empty
     * @param description the hypothesis, in words; may be empty
     * @param tags free string labels (unmodifiable)
     * @param createTime when it was created
     * @param updateTime when it last changed
     * @param trialCount how many trials it had when it was read
     */
    public Experiment {
        tags = Map.copyOf(tags);
    }
}
