package io.trialgraph.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes {@link TrialGraphClient#updateExperiment(String, ExperimentUpdate)} makes to an
 * experiment; what is not set keeps its value. Tag removals are applied before tag settings.
 *
 * <pre>{@code client.updateExperiment("cifar10", new ExperimentUpdate().description("...").setTag("team", "vision"));}</pre>
 */
public final class ExperimentUpdate {
    String displayName;
    String description;
    final Map<String, String> setTags = new LinkedHashMap<>();
    final List<String> removeTags = new ArrayList<>();

    /** An update that changes nothing yet. */
    public ExperimentUpdate() {
    }

    /**
     * @param displayName the new display name
     * @return this update
     */
    public ExperimentUpdate displayName(String displayName) {
        this.displayName = displayName;
        return this;
    }

    /**
     * @param description the new description
     * @return this update
     */
    public ExperimentUpdate description(String description) {
        this.description = description;
        return this;
    }

    /**
     * @param key tag key
     * @param value its new value
     * @return this update
     */
    public ExperimentUpdate setTag(String key, String value) {
        setTags.put(key, value);
        return this;
    }

    /**
     * @param key tag key to remove (unknown keys are ignored)
     * @return this update
     */
    public ExperimentUpdate removeTag(String key) {
        removeTags.add(key);
        return this;
    }
}
