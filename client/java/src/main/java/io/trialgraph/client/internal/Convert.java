package io.trialgraph.client.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.trialgraph.api.v1.CypherList;
import io.trialgraph.api.v1.CypherMap;
import io.trialgraph.api.v1.CypherNode;
import io.trialgraph.api.v1.CypherRelationship;
import io.trialgraph.api.v1.CypherValue;
import io.trialgraph.api.v1.ExperimentTags;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.GetTableResponse;
import io.trialgraph.api.v1.ParameterValue;
import io.trialgraph.api.v1.SortKey;
import io.trialgraph.api.v1.TableRow;
import io.trialgraph.api.v1.TableRows;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.api.v1.TrialNames;
import io.trialgraph.client.Artifact;
import io.trialgraph.client.ArtifactKind;
import io.trialgraph.client.ArtifactLink;
import io.trialgraph.client.ComponentStatus;
import io.trialgraph.client.Experiment;
import io.trialgraph.client.Lineage;
import io.trialgraph.client.LineageRequest;
import io.trialgraph.client.MetricSummary;
import io.trialgraph.client.QueryResult;
import io.trialgraph.client.Table;
import io.trialgraph.client.TableRequest;
import io.trialgraph.client.Trial;
import io.trialgraph.client.TrialComponent;
import io.trialgraph.client.TrialComponentSpec;
import io.trialgraph.client.TrialGraphException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between the generated trialgraph.v1 messages and the client's records; no rules live here. */
public final class Convert {

    private Convert() {}

    public static TrialGraphException invalid(String message) {
        return new TrialGraphException(Status.Code.INVALID_ARGUMENT, message);
    }

    // --- time ----------------------------------------------------------------------------------

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    public static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    // --- enums ---------------------------------------------------------------------------------

    public static ComponentStatus status(TrialComponentStatus status) {
        return switch (status) {
            case TRIAL_COMPONENT_STATUS_IN_PROGRESS -> ComponentStatus.IN_PROGRESS;
            case TRIAL_COMPONENT_STATUS_COMPLETED -> ComponentStatus.COMPLETED;
            case TRIAL_COMPONENT_STATUS_FAILED -> ComponentStatus.FAILED;
            case TRIAL_COMPONENT_STATUS_STOPPED -> ComponentStatus.STOPPED;
            default -> null;
        };
    }

    public static TrialComponentStatus status(ComponentStatus status) {
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

    public static ArtifactKind kind(io.trialgraph.api.v1.ArtifactKind kind) {
        return switch (kind) {
            case ARTIFACT_KIND_DATASET -> ArtifactKind.DATASET;
            case ARTIFACT_KIND_MODEL -> ArtifactKind.MODEL;
            case ARTIFACT_KIND_CODE -> ArtifactKind.CODE;
            case ARTIFACT_KIND_CHECKPOINT -> ArtifactKind.CHECKPOINT;
            case ARTIFACT_KIND_OTHER -> ArtifactKind.OTHER;
            default -> null;
        };
    }

    public static io.trialgraph.api.v1.ArtifactKind kind(ArtifactKind kind) {
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

    // --- parameters ----------------------------------------------------------------------------

    public static ParameterValue parameter(String name, Object value) {
        ParameterValue.Builder b = ParameterValue.newBuilder();
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            b.setIntegerValue(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            b.setNumberValue(((Number) value).doubleValue());
        } else if (value instanceof String s) {
            b.setStringValue(s);
        } else if (value instanceof Boolean flag) {
            b.setBoolValue(flag);
        } else {
            throw invalid("parameters." + name + ": must be a Long, Integer, Double, Float, String or Boolean, is "
                    + (value == null ? "null" : value.getClass().getName()));
        }
        return b.build();
    }

    public static Map<String, ParameterValue> parameters(Map<String, ?> parameters) {
        Map<String, ParameterValue> out = new LinkedHashMap<>();
        parameters.forEach((name, value) -> out.put(name, parameter(name, value)));
        return out;
    }

    public static Object parameter(ParameterValue value) {
        return switch (value.getValueCase()) {
            case INTEGER_VALUE -> value.getIntegerValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            default -> null;
        };
    }

    public static Map<String, Object> parameters(Map<String, ParameterValue> values, boolean sorted) {
        Map<String, Object> out = sorted ? new java.util.TreeMap<>() : new LinkedHashMap<>();
        values.forEach((name, value) -> {
            Object v = parameter(value);
            if (v != null) {
                out.put(name, v);
            }
        });
        return out;
    }

    // --- records -------------------------------------------------------------------------------

    public static Experiment experiment(io.trialgraph.api.v1.Experiment e) {
        return new Experiment(
                e.getName(),
                e.getDisplayName(),
                e.getDescription(),
                e.getTagsMap(),
                e.hasCreateTime() ? instant(e.getCreateTime()) : null,
                e.hasUpdateTime() ? instant(e.getUpdateTime()) : null,
                e.getTrialCount());
    }

    public static Trial trial(io.trialgraph.api.v1.Trial t) {
        return new Trial(
                t.getName(),
                t.getExperimentName(),
                t.getDisplayName(),
                t.getTagsMap(),
                t.hasCreateTime() ? instant(t.getCreateTime()) : null,
                t.hasUpdateTime() ? instant(t.getUpdateTime()) : null,
                t.getTrialComponentCount());
    }

    public static Artifact artifact(io.trialgraph.api.v1.Artifact a) {
        return new Artifact(
                a.getId(),
                a.getUri(),
                kind(a.getKind()),
                a.getName(),
                a.getDigest(),
                a.getMediaType(),
                a.getSizeBytes(),
                a.getMetadataMap(),
                a.hasCreateTime() ? instant(a.getCreateTime()) : null,
                a.hasUpdateTime() ? instant(a.getUpdateTime()) : null);
    }

    public static io.trialgraph.api.v1.Artifact artifact(Artifact a) {
        return io.trialgraph.api.v1.Artifact.newBuilder()
                .setUri(a.uri())
                .setKind(kind(a.kind()))
                .setName(a.name())
                .setDigest(a.digest())
                .setMediaType(a.mediaType())
                .setSizeBytes(a.sizeBytes())
                .putAllMetadata(a.metadata())
                .build();
    }

    public static ArtifactLink link(io.trialgraph.api.v1.ArtifactLink link) {
        return new ArtifactLink(link.getName(), artifact(link.getArtifact()));
    }

    public static List<ArtifactLink> links(List<io.trialgraph.api.v1.ArtifactLink> links) {
        return links.stream().map(Convert::link).toList();
    }

    public static io.trialgraph.api.v1.ArtifactLink link(ArtifactLink link) {
        return io.trialgraph.api.v1.ArtifactLink.newBuilder()
                .setName(link.name())
                .setArtifact(artifact(link.artifact()))
                .build();
    }

    public static List<io.trialgraph.api.v1.ArtifactLink> linksToProto(Collection<ArtifactLink> links) {
        return links.stream().map(Convert::link).toList();
    }

    public static TrialComponent component(io.trialgraph.api.v1.TrialComponent c) {
        return new TrialComponent(
                c.getName(),
                c.getDisplayName(),
                c.getKind(),
                status(c.getStatus()),
                c.getStatusMessage(),
                c.hasStartTime() ? instant(c.getStartTime()) : null,
                c.hasEndTime() ? instant(c.getEndTime()) : null,
                parameters(c.getParametersMap(), true),
                c.getMetadataMap(),
                links(c.getInputsList()),
                links(c.getOutputsList()),
                c.getTrialNamesList(),
                c.hasCreateTime() ? instant(c.getCreateTime()) : null,
                c.hasUpdateTime() ? instant(c.getUpdateTime()) : null);
    }

    public static io.trialgraph.api.v1.TrialComponent component(TrialComponentSpec spec) {
        io.trialgraph.api.v1.TrialComponent.Builder b = io.trialgraph.api.v1.TrialComponent.newBuilder()
                .setName(spec.name())
                .setDisplayName(spec.displayName())
                .setKind(spec.kind())
                .setStatus(status(spec.status()))
                .setStatusMessage(spec.statusMessage())
                .putAllParameters(parameters(spec.parameters()))
                .putAllMetadata(spec.metadata())
                .addAllInputs(linksToProto(spec.inputs()))
                .addAllOutputs(linksToProto(spec.outputs()))
                .addAllTrialNames(spec.trialNames());
        if (spec.startTime() != null) {
            b.setStartTime(timestamp(spec.startTime()));
        }
        if (spec.endTime() != null) {
            b.setEndTime(timestamp(spec.endTime()));
        }
        return b.build();
    }

    public static MetricSummary summary(io.trialgraph.api.v1.MetricSummary s) {
        return new MetricSummary(
                s.getTrialComponentName(),
                s.getMetricName(),
                s.getCount(),
                s.getNonFiniteCount(),
                s.getMin(),
                s.getMax(),
                s.getMean(),
                s.getStd(),
                s.getFirst(),
                s.getLast(),
                s.getFirstStep(),
                s.getLastStep(),
                s.getMinStep(),
                s.getMaxStep(),
                s.getFirstTimestamp(),
                s.getLastTimestamp());
    }

    public static Lineage lineage(io.trialgraph.api.v1.GetLineageResponse r) {
        List<Lineage.Node> nodes = r.getNodesList().stream()
                .map(n -> new Lineage.Node(
                        n.getKey(),
                        n.getKind(),
                        n.getName(),
                        n.getUri(),
                        n.getArtifactId(),
                        n.getStatus(),
                        n.getDigest(),
                        n.getDepth()))
                .toList();
        List<Lineage.Edge> edges = r.getEdgesList().stream()
                .map(e -> new Lineage.Edge(e.getFromKey(), e.getToKey(), e.getType(), e.getName()))
                .toList();
        return new Lineage(nodes, edges, r.getTruncated(), r.getNextPageToken(), r.getHasCycle());
    }

    public static io.trialgraph.api.v1.GetLineageRequest lineage(LineageRequest q) {
        io.trialgraph.api.v1.GetLineageRequest.Builder b = io.trialgraph.api.v1.GetLineageRequest.newBuilder()
                .setDirection(
                        switch (q.direction()) {
                            case UPSTREAM -> io.trialgraph.api.v1.LineageDirection.LINEAGE_DIRECTION_UPSTREAM;
                            case DOWNSTREAM -> io.trialgraph.api.v1.LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM;
                            case BOTH -> io.trialgraph.api.v1.LineageDirection.LINEAGE_DIRECTION_BOTH;
                        })
                .setMaxDepth(q.maxDepth())
                .addAllIncludeKinds(q.includeKinds())
                .addAllEdgeTypes(q.edgeTypes())
                .addAllStopAtKinds(q.stopAtKinds())
                .setMaxNodes(q.maxNodes())
                .setPageToken(q.pageToken());
        q.startArtifactUris()
                .forEach(u -> b.addStart(
                        io.trialgraph.api.v1.LineageNodeRef.newBuilder().setArtifactUri(u)));
        q.startArtifactIds()
                .forEach(i -> b.addStart(
                        io.trialgraph.api.v1.LineageNodeRef.newBuilder().setArtifactId(i)));
        q.startComponents()
                .forEach(c -> b.addStart(
                        io.trialgraph.api.v1.LineageNodeRef.newBuilder().setTrialComponentName(c)));
        return b.build();
    }

    // --- Cypher values -------------------------------------------------------------------------

    public static CypherValue cypher(String where, Object value) {
        CypherValue.Builder b = CypherValue.newBuilder();
        if (value == null) {
            b.setNullValue(NullValue.NULL_VALUE);
        } else if (value instanceof Boolean flag) {
            b.setBoolValue(flag);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            b.setIntValue(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            b.setFloatValue(((Number) value).doubleValue());
        } else if (value instanceof CharSequence text) {
            b.setStringValue(text.toString());
        } else if (value instanceof byte[] bytes) {
            b.setBytesValue(ByteString.copyFrom(bytes));
        } else if (value instanceof Collection<?> list) {
            CypherList.Builder l = CypherList.newBuilder();
            int i = 0;
            for (Object element : list) {
                l.addValues(cypher(where + "[" + i++ + "]", element));
            }
            b.setListValue(l);
        } else if (value instanceof long[]
                || value instanceof int[]
                || value instanceof double[]
                || value instanceof Object[]) {
            int n = java.lang.reflect.Array.getLength(value);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(java.lang.reflect.Array.get(value, i));
            }
            return cypher(where, list);
        } else if (value instanceof Map<?, ?> map) {
            CypherMap.Builder m = CypherMap.newBuilder();
            map.forEach((k, v) -> m.putEntries(String.valueOf(k), cypher(where + "." + k, v)));
            b.setMapValue(m);
        } else {
            throw invalid(
                    where + ": a query parameter must be null, Boolean, a whole or floating-point number, String, "
                            + "byte[], a list, an array or a map, is "
                            + value.getClass().getName());
        }
        return b.build();
    }

    public static Object value(CypherValue v) {
        return switch (v.getValueCase()) {
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case FLOAT_VALUE -> v.getFloatValue();
            case STRING_VALUE -> v.getStringValue();
            case BYTES_VALUE -> v.getBytesValue().toByteArray();
            case LIST_VALUE -> values(v.getListValue().getValuesList());
            case MAP_VALUE -> map(v.getMapValue().getEntriesMap());
            case NODE_VALUE -> node(v.getNodeValue());
            case RELATIONSHIP_VALUE -> relationship(v.getRelationshipValue());
            case PATH_VALUE ->
                new QueryResult.Path(
                        v.getPathValue().getNodesList().stream()
                                .map(Convert::node)
                                .toList(),
                        v.getPathValue().getRelationshipsList().stream()
                                .map(Convert::relationship)
                                .toList());
            case TEMPORAL_VALUE -> v.getTemporalValue();
            case POINT_VALUE -> v.getPointValue();
            default -> null;
        };
    }

    /** Values in order; null elements allowed (so no List.copyOf). */
    public static List<Object> values(List<CypherValue> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (CypherValue value : values) {
            out.add(value(value));
        }
        return Collections.unmodifiableList(out);
    }

    public static Map<String, Object> map(Map<String, CypherValue> entries) {
        Map<String, Object> out = new java.util.TreeMap<>();
        entries.forEach((k, v) -> out.put(k, value(v)));
        return Collections.unmodifiableMap(out);
    }

    public static QueryResult.Node node(CypherNode n) {
        return new QueryResult.Node(n.getElementId(), List.copyOf(n.getLabelsList()), map(n.getPropertiesMap()));
    }

    public static QueryResult.Relationship relationship(CypherRelationship r) {
        return new QueryResult.Relationship(
                r.getElementId(), r.getType(), r.getStartElementId(), r.getEndElementId(), map(r.getPropertiesMap()));
    }

    /** A table page: cells as Double, Long, String, Boolean or null. */
    public static Table table(GetTableResponse r) {
        List<List<Object>> rows = new ArrayList<>(r.getRowsCount());
        for (TableRow row : r.getRowsList()) {
            List<Object> values = new ArrayList<>(row.getValuesCount());
            row.getValuesList().forEach(value -> values.add(parameter(value)));
            rows.add(values);
        }
        return new Table(r.getColumnsList(), rows, r.getTotalRows(), r.getNextPageToken());
    }

    public static GetTableRequest table(TableRequest request) {
        GetTableRequest.Builder b = GetTableRequest.newBuilder()
                .addAllColumns(request.columns())
                .setFilter(request.filter() == null ? "" : request.filter())
                .setGroupBy(request.groupBy() == null ? "" : request.groupBy())
                .setPageSize(request.pageSize())
                .setPageToken(request.pageToken() == null ? "" : request.pageToken());
        if (request.experiment() != null) {
            b.setExperimentName(request.experiment());
        } else if (request.trials() != null) {
            b.setTrialNames(TrialNames.newBuilder().addAllNames(request.trials()));
        } else if (request.experimentPrefix() != null) {
            b.setExperimentNamePrefix(request.experimentPrefix());
        } else if (request.datasetUri() != null) {
            b.setDatasetUri(request.datasetUri());
        } else if (request.experimentTags() != null) {
            b.setExperimentTags(ExperimentTags.newBuilder().putAllTags(request.experimentTags()));
        }
        if (request.rowsPerTrial()) {
            b.setRows(TableRows.TABLE_ROWS_TRIALS);
        }
        request.sort()
                .forEach(key ->
                        b.addSort(SortKey.newBuilder().setColumn(key.column()).setDescending(key.descending())));
        return b.build();
    }

    /** A new experiment as the wire carries it; null text becomes empty. */
    public static io.trialgraph.api.v1.Experiment experiment(
            String name, String displayName, String description, Map<String, String> tags) {
        return io.trialgraph.api.v1.Experiment.newBuilder()
                .setName(name)
                .setDisplayName(displayName == null ? "" : displayName)
                .setDescription(description == null ? "" : description)
                .putAllTags(tags == null ? Map.of() : tags)
                .build();
    }

    /** A new trial as the wire carries it; null text becomes empty. */
    public static io.trialgraph.api.v1.Trial trial(
            String experimentName, String name, String displayName, Map<String, String> tags) {
        return io.trialgraph.api.v1.Trial.newBuilder()
                .setName(name)
                .setExperimentName(experimentName)
                .setDisplayName(displayName == null ? "" : displayName)
                .putAllTags(tags == null ? Map.of() : tags)
                .build();
    }
}
