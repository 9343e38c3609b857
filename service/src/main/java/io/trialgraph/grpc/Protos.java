package io.trialgraph.grpc;

import com.google.protobuf.Timestamp;
import io.trialgraph.api.v1.ArtifactKey;
import io.trialgraph.api.v1.ParameterValue;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.ArtifactLink;
import io.trialgraph.domain.ComponentStatus;
import io.trialgraph.domain.Experiment;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.Trial;
import io.trialgraph.domain.TrialComponent;
import io.trialgraph.domain.Updates;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Conversions between the trialgraph.v1 messages and the domain records; no rules live here. */
final class Protos {

    private Protos() {}

    // --- experiments -------------------------------------------------------------------------

    static Experiment experiment(io.trialgraph.api.v1.Experiment proto) {
        return new Experiment(
                proto.getName(), proto.getDisplayName(), proto.getDescription(), proto.getTagsMap(), null, null, 0);
    }

    static io.trialgraph.api.v1.Experiment experiment(Experiment experiment) {
        io.trialgraph.api.v1.Experiment.Builder builder = io.trialgraph.api.v1.Experiment.newBuilder()
                .setName(experiment.name())
                .setDisplayName(experiment.displayName())
                .setDescription(experiment.description())
                .putAllTags(experiment.tags())
                .setTrialCount(experiment.trialCount());
        timestamp(experiment.createdAt()).ifPresent(builder::setCreateTime);
        timestamp(experiment.updatedAt()).ifPresent(builder::setUpdateTime);
        return builder.build();
    }

    // --- trials ------------------------------------------------------------------------------

    static Trial trial(io.trialgraph.api.v1.Trial proto) {
        return new Trial(
                proto.getName(), proto.getExperimentName(), proto.getDisplayName(), proto.getTagsMap(), null, null, 0);
    }

    static io.trialgraph.api.v1.Trial trial(Trial trial) {
        io.trialgraph.api.v1.Trial.Builder builder = io.trialgraph.api.v1.Trial.newBuilder()
                .setName(trial.name())
                .setExperimentName(trial.experimentName())
                .setDisplayName(trial.displayName())
                .putAllTags(trial.tags())
                .setTrialComponentCount(trial.componentCount());
        timestamp(trial.createdAt()).ifPresent(builder::setCreateTime);
        timestamp(trial.updatedAt()).ifPresent(builder::setUpdateTime);
        return builder.build();
    }

    // --- trial components --------------------------------------------------------------------

    static TrialComponent component(io.trialgraph.api.v1.TrialComponent proto) {
        return new TrialComponent(
                proto.getName(),
                proto.getDisplayName(),
                proto.getKind(),
                status(proto.getStatus()),
                proto.getStatusMessage(),
                proto.hasStartTime() ? instant("trial_component.start_time", proto.getStartTime()) : null,
                proto.hasEndTime() ? instant("trial_component.end_time", proto.getEndTime()) : null,
                parameters("trial_component.parameters", proto.getParametersMap()),
                proto.getMetadataMap(),
                links(proto.getInputsList()),
                links(proto.getOutputsList()),
                proto.getTrialNamesList(),
                null,
                null);
    }

    static io.trialgraph.api.v1.TrialComponent component(TrialComponent component) {
        io.trialgraph.api.v1.TrialComponent.Builder builder = io.trialgraph.api.v1.TrialComponent.newBuilder()
                .setName(component.name())
                .setDisplayName(component.displayName())
                .setKind(component.kind())
                .setStatus(status(component.status()))
                .setStatusMessage(component.statusMessage())
                .putAllParameters(parameters(component.parameters()))
                .putAllMetadata(component.metadata())
                .addAllTrialNames(component.trialNames());
        component.inputs().forEach(link -> builder.addInputs(link(link)));
        component.outputs().forEach(link -> builder.addOutputs(link(link)));
        timestamp(component.startTime()).ifPresent(builder::setStartTime);
        timestamp(component.endTime()).ifPresent(builder::setEndTime);
        timestamp(component.createdAt()).ifPresent(builder::setCreateTime);
        timestamp(component.updatedAt()).ifPresent(builder::setUpdateTime);
        return builder.build();
    }

    static ComponentStatus status(TrialComponentStatus status) {
        return switch (status) {
            case TRIAL_COMPONENT_STATUS_IN_PROGRESS -> ComponentStatus.IN_PROGRESS;
            case TRIAL_COMPONENT_STATUS_COMPLETED -> ComponentStatus.COMPLETED;
            case TRIAL_COMPONENT_STATUS_FAILED -> ComponentStatus.FAILED;
            case TRIAL_COMPONENT_STATUS_STOPPED -> ComponentStatus.STOPPED;
            case TRIAL_COMPONENT_STATUS_UNSPECIFIED -> null;
            case UNRECOGNIZED -> throw new InvalidArgumentException("status", "is not a known TrialComponentStatus");
        };
    }

    static TrialComponentStatus status(ComponentStatus status) {
        if (status == null) {
            return TrialComponentStatus.TRIAL_COMPONENT_STATUS_UNSPECIFIED;
        }
        return switch (status) {
            case IN_PROGRESS -> TrialComponentStatus.TRIAL_COMPONENT_STATUS_IN_PROGRESS;
            case COMPLETED -> TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED;
            case FAILED -> TrialComponentStatus.TRIAL_COMPONENT_STATUS_FAILED;
            case STOPPED -> TrialComponentStatus.TRIAL_COMPONENT_STATUS_STOPPED;
        };
    }

    /** Parameter values as the domain keeps them: Long, Double, String or Boolean; every one must be set. */
    static Map<String, Object> parameters(String field, Map<String, ParameterValue> values) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (value.getValueCase() == ParameterValue.ValueCase.VALUE_NOT_SET) {
                throw new InvalidArgumentException(
                        Rules.entry(field, name),
                        "needs a value (number_value, integer_value, string_value or bool_value)");
            }
            parameters.put(name, value(value));
        });
        return parameters;
    }

    static Map<String, ParameterValue> parameters(Map<String, Object> parameters) {
        Map<String, ParameterValue> values = new LinkedHashMap<>();
        parameters.forEach((name, value) -> values.put(name, value(value)));
        return values;
    }

    /** The one mapping of plain values to the wire: Double, other numbers as integers, Boolean, text; null as unset. */
    static ParameterValue value(Object value) {
        ParameterValue.Builder builder = ParameterValue.newBuilder();
        if (value instanceof Double number) {
            builder.setNumberValue(number);
        } else if (value instanceof Number integer) {
            builder.setIntegerValue(integer.longValue());
        } else if (value instanceof Boolean flag) {
            builder.setBoolValue(flag);
        } else if (value != null) {
            builder.setStringValue(value.toString());
        }
        return builder.build();
    }

    /** @return Double, Long, String or Boolean; null when unset */
    static Object value(ParameterValue value) {
        return switch (value.getValueCase()) {
            case NUMBER_VALUE -> value.getNumberValue();
            case INTEGER_VALUE -> value.getIntegerValue();
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            case VALUE_NOT_SET -> null;
        };
    }

    static List<ArtifactLink> links(List<io.trialgraph.api.v1.ArtifactLink> links) {
        return links.stream()
                .map(link -> new ArtifactLink(link.getName(), artifact(link.getArtifact())))
                .toList();
    }

    static io.trialgraph.api.v1.ArtifactLink link(ArtifactLink link) {
        return io.trialgraph.api.v1.ArtifactLink.newBuilder()
                .setName(link.name())
                .setArtifact(artifact(link.artifact()))
                .build();
    }

    // --- artifacts ---------------------------------------------------------------------------

    static Artifact artifact(io.trialgraph.api.v1.Artifact proto) {
        return new Artifact(
                proto.getId(),
                proto.getUri(),
                kind(proto.getKind()),
                proto.getName(),
                proto.getDigest(),
                proto.getMediaType(),
                proto.getSizeBytes(),
                proto.getMetadataMap(),
                null,
                null);
    }

    static io.trialgraph.api.v1.Artifact artifact(Artifact artifact) {
        io.trialgraph.api.v1.Artifact.Builder builder = io.trialgraph.api.v1.Artifact.newBuilder()
                .setId(artifact.id())
                .setUri(artifact.uri())
                .setKind(kind(artifact.kind()))
                .setName(artifact.name())
                .setDigest(artifact.digest())
                .setMediaType(artifact.mediaType())
                .setSizeBytes(artifact.sizeBytes())
                .putAllMetadata(artifact.metadata());
        timestamp(artifact.createdAt()).ifPresent(builder::setCreateTime);
        timestamp(artifact.updatedAt()).ifPresent(builder::setUpdateTime);
        return builder.build();
    }

    static ArtifactKind kind(io.trialgraph.api.v1.ArtifactKind kind) {
        return switch (kind) {
            case ARTIFACT_KIND_DATASET -> ArtifactKind.DATASET;
            case ARTIFACT_KIND_MODEL -> ArtifactKind.MODEL;
            case ARTIFACT_KIND_CODE -> ArtifactKind.CODE;
            case ARTIFACT_KIND_CHECKPOINT -> ArtifactKind.CHECKPOINT;
            case ARTIFACT_KIND_OTHER -> ArtifactKind.OTHER;
            case ARTIFACT_KIND_UNSPECIFIED -> null;
            case UNRECOGNIZED -> throw new InvalidArgumentException("kind", "is not a known ArtifactKind");
        };
    }

    static io.trialgraph.api.v1.ArtifactKind kind(ArtifactKind kind) {
        if (kind == null) {
            return io.trialgraph.api.v1.ArtifactKind.ARTIFACT_KIND_UNSPECIFIED;
        }
        return switch (kind) {
            case DATASET -> io.trialgraph.api.v1.ArtifactKind.ARTIFACT_KIND_DATASET;
            case MODEL -> io.trialgraph.api.v1.ArtifactKind.ARTIFACT_KIND_MODEL;
            case CODE -> io.trialgraph.api.v1.ArtifactKind.ARTIFACT_KIND_CODE;
            case CHECKPOINT -> io.trialgraph.api.v1.ArtifactKind.ARTIFACT_KIND_CHECKPOINT;
            case OTHER -> io.trialgraph.api.v1.ArtifactKind.ARTIFACT_KIND_OTHER;
        };
    }

    static Updates.ArtifactKey key(ArtifactKey key) {
        return switch (key.getKeyCase()) {
            case URI -> Updates.ArtifactKey.ofUri(key.getUri());
            case ID -> Updates.ArtifactKey.ofId(key.getId());
            case KEY_NOT_SET -> null;
        };
    }

    // --- metrics ---

    static io.trialgraph.api.v1.MetricSummary summary(MetricSummary s) {
        return io.trialgraph.api.v1.MetricSummary.newBuilder()
                .setTrialComponentName(s.component())
                .setMetricName(s.metric())
                .setCount(s.count())
                .setNonFiniteCount(s.nonFiniteCount())
                .setMin(s.min())
                .setMax(s.max())
                .setMean(s.mean())
                .setStd(s.std())
                .setFirst(s.first())
                .setLast(s.last())
                .setFirstStep(s.firstStep())
                .setLastStep(s.lastStep())
                .setMinStep(s.minStep())
                .setMaxStep(s.maxStep())
                .setFirstTimestamp(s.firstTimestamp())
                .setLastTimestamp(s.lastTimestamp())
                .build();
    }

    // --- values ------------------------------------------------------------------------------

    static Optional<Timestamp> timestamp(Instant instant) {
        if (instant == null) {
            return Optional.empty();
        }
        return Optional.of(Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build());
    }

    /** @throws InvalidArgumentException when the timestamp is outside what protobuf allows */
    static Instant instant(String field, Timestamp timestamp) {
        // The protobuf Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
        if (timestamp.getNanos() < 0
                || timestamp.getNanos() > 999_999_999
                || timestamp.getSeconds() < -62_135_596_800L
                || timestamp.getSeconds() > 253_402_300_799L) {
            throw new InvalidArgumentException(
                    field,
                    "is not a valid timestamp (seconds " + timestamp.getSeconds() + ", nanos " + timestamp.getNanos()
                            + ")");
        }
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
