package io.trialgraph.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes {@link TrialGraphClient#updateTrial(String, TrialUpdate)} makes to a trial; what is
 * not set keeps its value. Tag removals are applied before tag settings.
 */
public final class TrialUpdate {
    String displayName;
    final Map<String, String> setTags = new LinkedHashMap<>();
    final List<String> removeTags = new ArrayList<>();

    /** An update that changes nothing yet. */
    public TrialUpdate() {
    }

    /**
     * @param displayName the new display name
     * @return this update
     */
    public TrialUpdate displayName(String displayName) {
        this.displayName = displayName;
        return this;
    }

    /**
     * @param key tag key
     * @param value its new value
     * @return this update
     */
    public TrialUpdate setTag(String key, String value) {
        setTags.put(key, value);
        return this;
    }

    /**
     * @param key tag key to remove (unknown keys are ignored)
     * @return this update
     */
    public TrialUpdate removeTag(String key) {
        removeTags.add(key);
        return this;
    }
}
