package io.trialgraph.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import io.grpc.stub.ServerCallStreamObserver;
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
import io.trialgraph.domain.CallBudget;
import io.trialgraph.domain.CancelledException;
import io.trialgraph.domain.GraphValue;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.domain.RowSink;
import io.trialgraph.service.QueryService;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * gRPC face of {@link QueryService}: CypherValue messages to Java values and back, rows in parts.
 * Parts go out only as fast as the client reads them (flow control): while the client's window is
 * full the query waits, reading no further rows from Neo4j, for as long as its timeout allows. A
 * stalled reader holds at most one part (1,000 rows or 1 MiB) here, besides gRPC's own buffer and
 * the driver's batch of fetched records.
 */
@Singleton
class QueryEndpoint extends QueryServiceGrpc.QueryServiceImplBase {

    static final int ROWS_PER_RESPONSE = 1_000;

    /** A part is sent once its rows reach this many bytes. */
    static final int BYTES_PER_RESPONSE = 1 << 20;

    /** Largest row sent: clients refuse messages over 4 MiB by default. */
    static final int MAX_ROW_BYTES = 4 << 20;

    private final QueryService service;

    QueryEndpoint(QueryService service) {
        this.service = service;
    }

    @Override
    public void runQuery(RunQueryRequest request, StreamObserver<RunQueryResponse> response) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        request.getParametersMap()
                .forEach((name, value) -> parameters.put(name, fromProto("parameters[" + name + "]", value)));
        RowStreamer streamer = new RowStreamer((ServerCallStreamObserver<RunQueryResponse>) response);
        try {
            service.run(request.getCypher(), parameters, request.getTimeoutMs(), request.getMaxRows(), streamer);
        } catch (RuntimeException failure) {
            // The rows read so far go out before the failure (e.g. past max_rows), if the client still reads.
            streamer.flushBeforeFailure();
            throw failure;
        }
        streamer.flush();
        response.onCompleted();
    }

    /**
     * Sends rows in parts of {@link #ROWS_PER_RESPONSE} rows or {@link #BYTES_PER_RESPONSE} bytes,
     * each when the client can take it; the first part carries the columns.
     */
    private static final class RowStreamer implements RowSink {

        private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
        private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

        private final ServerCallStreamObserver<RunQueryResponse> response;
        private final RunQueryResponse.Builder part = RunQueryResponse.newBuilder();
        private boolean pending;
        private long partBytes;
        private long rows;

        RowStreamer(ServerCallStreamObserver<RunQueryResponse> response) {
            this.response = response;
        }

        @Override
        public void columns(List<String> columns) {
            part.addAllColumns(columns);
            pending = true;
        }

        @Override
        public void row(List<Object> values) {
            rows++;
            CypherRow.Builder builder = CypherRow.newBuilder();
            values.forEach(value -> builder.addValues(toProto(value)));
            CypherRow row = builder.build();
            int size = row.getSerializedSize();
            if (size > MAX_ROW_BYTES) {
                throw new ResourceExhaustedException(
                        "row " + rows + " is " + size + " bytes; rows of at most " + MAX_ROW_BYTES
                                + " bytes come back (clients refuse larger messages): return fewer or smaller values");
            }
            if (pending && partBytes + size > BYTES_PER_RESPONSE) {
                flush();
            }
            part.addRows(row);
            partBytes += size;
            pending = true;
            if (part.getRowsCount() >= ROWS_PER_RESPONSE) {
                flush();
            }
        }

        /** Sends the rows read so far unless the call already ended; never throws. */
        void flushBeforeFailure() {
            try {
                if (!CallBudget.current().stopped().isPresent()) {
                    flush();
                }
            } catch (RuntimeException ended) {
                // The caller is gone or out of time: the failure itself is what matters.
            }
        }

        void flush() {
            if (pending) {
                awaitReady();
                response.onNext(part.build());
                part.clear();
                partBytes = 0;
                pending = false;
            }
        }

        /**
         * Waits while the client's flow-control window is full. This runs on the call's own
         * callback thread, so the onReady callback cannot run meanwhile: readiness is polled, with
         * pauses growing to {@value #LONGEST_PAUSE_NANOS} ns. The wait ends with the call (its
         * deadline, the query's timeout or a cancel interrupt the thread).
         */
        private void awaitReady() {
            long pause = FIRST_PAUSE_NANOS;
            while (!response.isReady()) {
                if (response.isCancelled()
                        || Thread.currentThread().isInterrupted()
                        || CallBudget.current().stopped().isPresent()) {
                    throw new CancelledException("the caller stopped reading the query's rows");
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(LONGEST_PAUSE_NANOS, pause * 2);
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
                    list.add(fromProto(
                            field + "[" + i + "]", value.getListValue().getValues(i)));
                }
                yield list;
            }
            case MAP_VALUE -> {
                Map<String, Object> map = new LinkedHashMap<>();
                value.getMapValue()
                        .getEntriesMap()
                        .forEach((key, element) -> map.put(key, fromProto(field + "." + key, element)));
                yield map;
            }
            case NODE_VALUE, RELATIONSHIP_VALUE, PATH_VALUE, TEMPORAL_VALUE, POINT_VALUE ->
                throw new InvalidArgumentException(
                        field,
                        "parameters may be null, bool, int, float, string, bytes, "
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
            return builder.setMapValue(CypherMap.newBuilder().putAllEntries(entries(map)))
                    .build();
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
        return CypherNode.newBuilder()
                .setElementId(node.elementId())
                .addAllLabels(node.labels())
                .putAllProperties(entries(node.properties()))
                .build();
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
