package io.trialgraph.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link TrialGraphClient#createTrialComponent(TrialComponentSpec)} records about a new
 * component in one transaction: kind, status and times, typed parameters, metadata, input and
 * output artifacts (created when their URI is new) and the trials it belongs to. Only the name is
 * required.
 *
 * <pre>{@code
 * client.createTrialComponent(TrialComponentSpec.builder("resnet-adam-30-training")
 *         .kind("training")
 *         .status(ComponentStatus.COMPLETED).startTime(start).endTime(end)
 *         .parameter("epochs", 30).parameter("optimizer", "adam")
 *         .input("train", "s3://bucket/cifar10/train", ArtifactKind.DATASET)
 *         .output("model", "s3://bucket/models/resnet-adam-30", ArtifactKind.MODEL)
 *         .trial("resnet-adam-30")
 *         .build());
 * }</pre>
 *
 * @param name unique name of the component
 * @param displayName name for people
 * @param kind what it is, e.g. "training"
 * @param status its status, or null for none
 * @param statusMessage why it has that status
 * @param startTime when it started, or null
 * @param endTime when it ended, or null
 * @param parameters typed parameters: Long/Integer, Double/Float, String or Boolean values
 * @param metadata free string key/values
 * @param inputs artifacts it consumed
 * @param outputs artifacts it produced
 * @param trialNames trials to associate it with (they must exist)
 */
public record TrialComponentSpec(String name, String displayName, String kind, ComponentStatus status,
        String statusMessage, Instant startTime, Instant endTime, Map<String, Object> parameters,
        Map<String, String> metadata, List<ArtifactLink> inputs, List<ArtifactLink> outputs, List<String> trialNames) {

    /**
     * Copies the collections; null strings become empty.
     *
     * @param name unique name of the component
     * @param displayName name for people
     * @param kind what it is, e.g. "training"
     * @param status its status, or null for none
     * @param statusMessage why it has that status
     * @param startTime when it started, or null
     * @param endTime when it ended, or null
     * @param parameters typed parameters: Long/Integer, Double/Float, String or Boolean values
     * @param metadata free string key/values
     * @param inputs artifacts it consumed
     * @param outputs artifacts it produced
     * @param trialNames trials to associate it with (they must exist)
     */
    public TrialComponentSpec {
        Objects.requireNonNull(name, "name");
        displayName = displayName == null ? "" : displayName;
        kind = kind == null ? "" : kind;
        statusMessage = statusMessage == null ? "" : statusMessage;
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        metadata = Map.copyOf(metadata);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        trialNames = List.copyOf(trialNames);
    }

    /**
     * Starts the description of a component.
     *
     * @param name its unique name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link TrialComponentSpec}; every setter returns the builder. */
    public static final class Builder {
        private final String name;
        private String displayName = "";
        private String kind = "";
        private ComponentStatus status;
        private String statusMessage = "";
        private Instant startTime;
        private Instant endTime;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final List<ArtifactLink> inputs = new ArrayList<>();
        private final List<ArtifactLink> outputs = new ArrayList<>();
        private final List<String> trialNames = new ArrayList<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * @param displayName name for people
         * @return this builder
         */
        public Builder displayName(String displayName) {
            this.displayName = displayName;
            return this;
        }

        /**
         * @param kind what it is, e.g. "training", "processing", "tracker"
         * @return this builder
         */
        public Builder kind(String kind) {
            this.kind = kind;
            return this;
        }

        /**
         * @param status its status
         * @return this builder
         */
        public Builder status(ComponentStatus status) {
            this.status = status;
            return this;
        }

        /**
         * @param statusMessage why it has its status
         * @return this builder
         */
        public Builder statusMessage(String statusMessage) {
            this.statusMessage = statusMessage;
            return this;
        }

        /**
         * @param startTime when it started
         * @return this builder
         */
        public Builder startTime(Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        /**
         * @param endTime when it ended (not before the start)
         * @return this builder
         */
        public Builder endTime(Instant endTime) {
            this.endTime = endTime;
            return this;
        }

        /**
         * Adds a typed parameter.
         *
         * @param name parameter name (key rule)
         * @param value a Long/Integer/Short/Byte (integer), Double/Float (number), String or Boolean
         * @return this builder
         */
        public Builder parameter(String name, Object value) {
            parameters.put(name, value);
            return this;
        }

        /**
         * @param parameters typed parameters to add, as for {@link #parameter}
         * @return this builder
         */
        public Builder parameters(Map<String, ?> parameters) {
            this.parameters.putAll(parameters);
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

        /**
         * @param name the role
         * @param uri the artifact
         * @param kind its kind or null
         * @return this builder
         */
        public Builder input(String name, String uri, ArtifactKind kind) {
            inputs.add(ArtifactLink.of(name, uri, kind));
            return this;
        }

        /**
         * @param link an input link
         * @return this builder
         */
        public Builder input(ArtifactLink link) {
            inputs.add(link);
            return this;
        }

        /**
         * @param name the role
         * @param uri the artifact
         * @param kind its kind or null
         * @return this builder
         */
        public Builder output(String name, String uri, ArtifactKind kind) {
            outputs.add(ArtifactLink.of(name, uri, kind));
            return this;
        }

        /**
         * @param link an output link
         * @return this builder
         */
        public Builder output(ArtifactLink link) {
            outputs.add(link);
            return this;
        }

        /**
         * @param trialName a trial to associate it with
         * @return this builder
         */
        public Builder trial(String trialName) {
            trialNames.add(trialName);
            return this;
        }

        /**
         * @param trialNames trials to associate it with
         * @return this builder
         */
        public Builder trials(Collection<String> trialNames) {
            this.trialNames.addAll(trialNames);
            return this;
        }

        /** @return the description */
        public TrialComponentSpec build() {
            return new TrialComponentSpec(name, displayName, kind, status, statusMessage, startTime, endTime, parameters,
                    metadata, inputs, outputs, trialNames);
        }
    }
}
