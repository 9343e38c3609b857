package io.trialgraph.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes {@link TrialGraphClient#updateArtifact(String, ArtifactUpdate)} makes to the
 * description of an artifact; what is not set keeps its value. The kind can go from
 * {@code OTHER} to a specific kind, not from one specific kind to another
 * ({@code FAILED_PRECONDITION}). Metadata removals are applied before metadata settings.
 */
public final class ArtifactUpdate {
    ArtifactKind kind;
    String name;
    String digest;
    String mediaType;
    Long sizeBytes;
    final Map<String, String> setMetadata = new LinkedHashMap<>();
    final List<String> removeMetadata = new ArrayList<>();

    /** An update that changes nothing yet. */
    public ArtifactUpdate() {
    }

    /**
     * @param kind the new kind
     * @return this update
     */
    public ArtifactUpdate kind(ArtifactKind kind) {
        this.kind = kind;
        return this;
    }

    /**
     * @param name the new name
     * @return this update
     */
    public ArtifactUpdate name(String name) {
        this.name = name;
        return this;
    }

    /**
     * @param digest the new digest
     * @return this update
     */
    public ArtifactUpdate digest(String digest) {
        this.digest = digest;
        return this;
    }

    /**
     * @param mediaType the new media type
     * @return this update
     */
    public ArtifactUpdate mediaType(String mediaType) {
        this.mediaType = mediaType;
        return this;
    }

    /**
     * @param sizeBytes the new size, not negative
     * @return this update
     */
    public ArtifactUpdate sizeBytes(long sizeBytes) {
        this.sizeBytes = sizeBytes;
        return this;
    }

    /**
     * @param key metadata key
     * @param value its new value
     * @return this update
     */
    public ArtifactUpdate setMetadata(String key, String value) {
        setMetadata.put(key, value);
        return this;
    }

    /**
     * @param key metadata key to remove
     * @return this update
     */
    public ArtifactUpdate removeMetadata(String key) {
        removeMetadata.add(key);
        return this;
    }
}
