package io.trialgraph.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes {@link TrialGraphClient#updateTrialComponent(String, TrialComponentUpdate)} makes
 * to a component; what is not set keeps its value. Setting {@code COMPLETED}, {@code FAILED} or
 * {@code STOPPED} without an end time sets the end time to the server's now; {@code IN_PROGRESS}
 * without a start time (and none stored) sets the start time to now. Metadata removals are applied
 * before metadata settings. Parameters change with {@link TrialGraphClient#logParameters}.
 */
public final class TrialComponentUpdate {
    String displayName;
    ComponentStatus status;
    String statusMessage;
    Instant startTime;
    Instant endTime;
    final Map<String, String> setMetadata = new LinkedHashMap<>();
    final List<String> removeMetadata = new ArrayList<>();

    /** An update that changes nothing yet. */
    public TrialComponentUpdate() {
    }

    /**
     * @param displayName the new display name
     * @return this update
     */
    public TrialComponentUpdate displayName(String displayName) {
        this.displayName = displayName;
        return this;
    }

    /**
     * @param status the new status
     * @return this update
     */
    public TrialComponentUpdate status(ComponentStatus status) {
        this.status = status;
        return this;
    }

    /**
     * @param statusMessage why it has its status, e.g. an error
     * @return this update
     */
    public TrialComponentUpdate statusMessage(String statusMessage) {
        this.statusMessage = statusMessage;
        return this;
    }

    /**
     * @param startTime when it started
     * @return this update
     */
    public TrialComponentUpdate startTime(Instant startTime) {
        this.startTime = startTime;
        return this;
    }

    /**
     * @param endTime when it ended (not before the start)
     * @return this update
     */
    public TrialComponentUpdate endTime(Instant endTime) {
        this.endTime = endTime;
        return this;
    }

    /**
     * @param key metadata key
     * @param value its new value
     * @return this update
     */
    public TrialComponentUpdate setMetadata(String key, String value) {
        setMetadata.put(key, value);
        return this;
    }

    /**
     * @param key metadata key to remove
     * @return this update
     */
    public TrialComponentUpdate removeMetadata(String key) {
        removeMetadata.add(key);
        return this;
    }
}
