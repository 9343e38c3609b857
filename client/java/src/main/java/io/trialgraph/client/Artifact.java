package io.trialgraph.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A file or object that components consume or produce: a dataset, a model, code, a checkpoint.
 * The URI is its identity: the same URI is always the same node, shared by every component that
 * links it. Graph: {@code (:Artifact:<Kind> {id, uri, kind, name, digest, mediaType, sizeBytes,
 * createdAt, updatedAt, `meta.<key>`...})}.
 *
 * <p>As an answer of the server every field is filled in (empty strings and 0 where unknown). As
 * an argument (create, link) only {@code uri} is required and {@code id} and the times are
 * ignored; build one with {@link #of(String, ArtifactKind)} or {@link #builder(String)}.
 *
 * @param id server-assigned id (a UUID); empty in arguments
 * @param uri where it lives, e.g. {@code s3://bucket/cifar10/train}; its identity
 * @param kind what it is; null: not given (a new artifact becomes OTHER, a known one keeps its kind)
 * @param name name for people; may be empty
 * @param digest content digest, e.g. {@code sha256:9f86d08...}; may be empty
 * @param mediaType media type, e.g. {@code application/x-tfrecord}; may be empty
 * @param sizeBytes size in bytes; 0 when unknown
 * @param metadata free string key/values (unmodifiable)
 * @param createTime when it was first recorded (null in arguments)
 * @param updateTime when its description last changed (null in arguments)
 */
public record Artifact(String id, String uri, ArtifactKind kind, String name, String digest, String mediaType,
        long sizeBytes, Map<String, String> metadata, Instant createTime, Instant updateTime) {

    /**
     * Replaces null strings by empty ones and copies the metadata.
     *
     * @param id server-assigned id (a UUID); empty in arguments
     * @param uri where it lives, e.g. {@code s3://bucket/cifar10/train}; its identity
     * @param kind what it is; null: not given (a new artifact becomes OTHER, a known one keeps its kind)
     * @param name name for people; may be empty
     * @param digest content digest, e.g. {@code sha256:9f86d08...}; may be empty
     * @param mediaType media type, e.g. {@code application/x-tfrecord}; may be empty
     * @param sizeBytes size in bytes; 0 when unknown
     * @param metadata free string key/values (unmodifiable)
     * @param createTime when it was first recorded (null in arguments)
     * @param updateTime when its description last changed (null in arguments)
     */
    public Artifact {
        Objects.requireNonNull(uri, "uri");
        id = id == null ? "" : id;
        name = name == null ? "" : name;
        digest = digest == null ? "" : digest;
        mediaType = mediaType == null ? "" : mediaType;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * An artifact described by URI and kind only, as an argument.
     *
     * @param uri where it lives; its identity
     * @param kind what it is, or null to leave it to the server (OTHER for a new URI)
     * @return the artifact
     */
    public static Artifact of(String uri, ArtifactKind kind) {
        return new Artifact("", uri, kind, "", "", "", 0, Map.of(), null, null);
    }

    /**
     * A builder for an artifact with more description than a URI and a kind.
     *
     * @param uri where it lives; its identity
     * @return the builder
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    /** Describes an artifact as an argument; every field but the URI is optional. */
    public static final class Builder {
        private final String uri;
        private ArtifactKind kind;
        private String name = "";
        private String digest = "";
        private String mediaType = "";
        private long sizeBytes;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /**
         * @param kind what it is
         * @return this builder
         */
        public Builder kind(ArtifactKind kind) {
            this.kind = kind;
            return this;
        }

        /**
         * @param name name for people
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param digest content digest, e.g. "sha256:..."
         * @return this builder
         */
        public Builder digest(String digest) {
            this.digest = digest;
            return this;
        }

        /**
         * @param mediaType media type
         * @return this builder
         */
        public Builder mediaType(String mediaType) {
            this.mediaType = mediaType;
            return this;
        }

        /**
         * @param sizeBytes size in bytes
         * @return this builder
         */
        public Builder sizeBytes(long sizeBytes) {
            this.sizeBytes = sizeBytes;
            return this;
        }

        /**
         * @param key metadata key
         * @param value its value
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        /**
         * @param entries metadata to add
         * @return this builder
         */
        public Builder metadata(Map<String, String> entries) {
            metadata.putAll(entries);
            return this;
        }

        /** @return the artifact */
        public Artifact build() {
            return new Artifact("", uri, kind, name, digest, mediaType, sizeBytes, metadata, null, null);
        }
    }
}
