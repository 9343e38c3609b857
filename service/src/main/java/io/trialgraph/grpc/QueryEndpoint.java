package io.trialgraph.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.CypherList;
import io.trialgraph.api.v1.CypherMap;
import io.trialgraph.api.v1.CypherNode;
import io.trialgraph.api.v1.CypherPath;
import io.trialgraph.api.v1.CypherRelationship;
import io.trialgraph.api.v1.CypherRow;
import io.trialgraph.api.v1.CypherValue;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.RunQueryResponse;
import io.trialgraph.domain.GraphValue;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.service.QueryService;
import io.trialgraph.store.QueryStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** gRPC face of {@link QueryService}: CypherValue messages to Java values and back, rows in parts. */
@Singleton
class QueryEndpoint extends QueryServiceGrpc.QueryServiceImplBase {

    static final int ROWS_PER_RESPONSE = 1_000;

    private final QueryService service;

    QueryEndpoint(QueryService service) {
        this.service = service;
    }

    @Override
    public void runQuery(RunQueryRequest request, StreamObserver<RunQueryResponse> response) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        request.getParametersMap().forEach((name, value) -> parameters.put(name, fromProto("parameters[" + name + "]", value)));
        Deadline deadline = Context.current().getDeadline();
        long remaining = deadline == null ? -1 : Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS));
        RowStreamer streamer = new RowStreamer(response);
        try {
            service.run(request.getCypher(), parameters, request.getTimeoutMs(), remaining, request.getMaxRows(), streamer);
        } finally {
            // The rows read so far go out even when the query then fails (e.g. past max_rows).
            streamer.flush();
        }
        response.onCompleted();
    }

    /** Sends rows in parts of {@link #ROWS_PER_RESPONSE}; the first part carries the columns. */
    private static final class RowStreamer implements QueryStore.RowSink {

        private final StreamObserver<RunQueryResponse> response;
        private final RunQueryResponse.Builder part = RunQueryResponse.newBuilder();
        private boolean pending;

        RowStreamer(StreamObserver<RunQueryResponse> response) {
            this.response = response;
        }

        @Override
        public void columns(List<String> columns) {
            part.addAllColumns(columns);
            pending = true;
        }

        @Override
        public void row(List<Object> values) {
            CypherRow.Builder row = CypherRow.newBuilder();
            values.forEach(value -> row.addValues(toProto(value)));
            part.addRows(row);
            pending = true;
            if (part.getRowsCount() >= ROWS_PER_RESPONSE) {
                flush();
            }
        }

        void flush() {
            if (pending) {
                response.onNext(part.build());
                part.clear();
                pending = false;
            }
        }
    }

    private static Object fromProto(String field, CypherValue value) {
        return switch (value.getValueCase()) {
            case NULL_VALUE, VALUE_NOT_SET -> null;
            case BOOL_VALUE -> value.getBoolValue();
            case INT_VALUE -> value.getIntValue();
            case FLOAT_VALUE -> value.getFloatValue();
            case STRING_VALUE -> value.getStringValue();
            case BYTES_VALUE -> value.getBytesValue().toByteArray();
            case LIST_VALUE -> {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < value.getListValue().getValuesCount(); i++) {
                    list.add(fromProto(field + "[" + i + "]", value.getListValue().getValues(i)));
                }
                yield list;
            }
            case MAP_VALUE -> {
                Map<String, Object> map = new LinkedHashMap<>();
                value.getMapValue().getEntriesMap().forEach((key, element) -> map.put(key, fromProto(field + "." + key, element)));
                yield map;
            }
            case NODE_VALUE, RELATIONSHIP_VALUE, PATH_VALUE, TEMPORAL_VALUE, POINT_VALUE ->
                    throw new InvalidArgumentException(field, "parameters may be null, bool, int, float, string, bytes, "
                            + "lists and maps; pass dates as strings and convert them in Cypher, e.g. datetime($at)");
        };
    }

    static CypherValue toProto(Object value) {
        CypherValue.Builder builder = CypherValue.newBuilder();
        if (value == null) {
            return builder.setNullValue(NullValue.NULL_VALUE).build();
        }
        if (value instanceof Boolean flag) {
            return builder.setBoolValue(flag).build();
        }
        if (value instanceof Double || value instanceof Float) {
            return builder.setFloatValue(((Number) value).doubleValue()).build();
        }
        if (value instanceof Number number) {
            return builder.setIntValue(number.longValue()).build();
        }
        if (value instanceof String text) {
            return builder.setStringValue(text).build();
        }
        if (value instanceof byte[] bytes) {
            return builder.setBytesValue(ByteString.copyFrom(bytes)).build();
        }
        if (value instanceof List<?> list) {
            CypherList.Builder elements = CypherList.newBuilder();
            list.forEach(element -> elements.addValues(toProto(element)));
            return builder.setListValue(elements).build();
        }
        if (value instanceof Map<?, ?> map) {
            return builder.setMapValue(CypherMap.newBuilder().putAllEntries(entries(map))).build();
        }
        if (value instanceof GraphValue.Node node) {
            return builder.setNodeValue(node(node)).build();
        }
        if (value instanceof GraphValue.Relationship relationship) {
            return builder.setRelationshipValue(relationship(relationship)).build();
        }
        if (value instanceof GraphValue.Path path) {
            CypherPath.Builder proto = CypherPath.newBuilder();
            path.nodes().forEach(node -> proto.addNodes(node(node)));
            path.relationships().forEach(relationship -> proto.addRelationships(relationship(relationship)));
            return builder.setPathValue(proto).build();
        }
        if (value instanceof GraphValue.Temporal temporal) {
            return builder.setTemporalValue(temporal.iso()).build();
        }
        if (value instanceof GraphValue.Point point) {
            return builder.setPointValue(point.text()).build();
        }
        return builder.setStringValue(String.valueOf(value)).build();
    }

    private static Map<String, CypherValue> entries(Map<?, ?> map) {
        Map<String, CypherValue> entries = new LinkedHashMap<>();
        map.forEach((key, element) -> entries.put(String.valueOf(key), toProto(element)));
        return entries;
    }

    private static CypherNode node(GraphValue.Node node) {
        return CypherNode.newBuilder().setElementId(node.elementId()).addAllLabels(node.labels())
                .putAllProperties(entries(node.properties())).build();
    }

    private static CypherRelationship relationship(GraphValue.Relationship relationship) {
        return CypherRelationship.newBuilder()
                .setElementId(relationship.elementId())
                .setType(relationship.type())
                .setStartElementId(relationship.startElementId())
                .setEndElementId(relationship.endElementId())
                .putAllProperties(entries(relationship.properties()))
                .build();
    }
}
