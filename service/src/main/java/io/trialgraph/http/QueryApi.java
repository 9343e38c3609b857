package io.trialgraph.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.domain.GraphValue;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.service.QueryService;
import io.trialgraph.store.QueryStore;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Read-only Cypher over HTTP: RunQuery's fields as a JSON body ({@code cypher},
 * {@code parameters}, {@code timeout_ms}, {@code max_rows}); the answer streams
 * {@code {"columns": [...], "rows": [[...], ...]}} as the rows come, and a failure after the
 * first rows (e.g. past {@code max_rows}) ends it with {@code "error": {"code", "message"}},
 * as RunQuery sends the rows and then the status. Nodes, relationships and paths are objects
 * tagged {@code $node}, {@code $relationship}, {@code $path}; temporals {@code $temporal}
 * (ISO 8601), points {@code $point}, bytes {@code $bytes} (base64), NaN and infinities {@code $float}.
 */
@Controller(Api.PREFIX + "/query")
@ExecuteOn(Api.EXECUTOR)
final class QueryApi {

    /** Rows written to the connection at a time. */
    static final int ROWS_PER_CHUNK = 500;

    private final QueryService service;
    private final ExecutorService streams;

    QueryApi(QueryService service, @Named(Api.STREAMS) ExecutorService streams) {
        this.service = service;
        this.streams = streams;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Rpc(QueryServiceGrpc.SERVICE_NAME + "/RunQuery")
    CompletableFuture<HttpResponse<byte[]>> run(@Body String body) {
        JsonNode request = Json.read(body);
        String cypher = request.path("cypher").asText("");
        Map<String, Object> parameters = new LinkedHashMap<>();
        JsonNode given = request.path("parameters");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw new InvalidArgumentException("parameters", "must be a JSON object of name: value");
            }
            given.fields().forEachRemaining(entry -> parameters.put(entry.getKey(), value(entry.getValue())));
        }
        int timeoutMs = integer(request, "timeout_ms");
        int maxRows = integer(request, "max_rows");
        return StreamedBody.respond(streams, MediaType.APPLICATION_JSON_TYPE, out -> {
            RowWriter rows = new RowWriter(out);
            try {
                service.run(cypher, parameters, timeoutMs, -1, maxRows, rows);
            } catch (RuntimeException failure) {
                if (!rows.started) {
                    throw failure;
                }
                rows.finish(failure);
                return;
            }
            rows.finish(null);
        });
    }

    private static int integer(JsonNode request, String field) {
        JsonNode value = request.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new InvalidArgumentException(field, "must be a whole number, is " + Params.quoted(value.toString()));
        }
        return value.intValue();
    }

    /** A JSON parameter as the query service takes it: integers as long, other numbers as double. */
    private static Object value(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(value(element)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            map.put(field.getKey(), value(field.getValue()));
        }
        return map;
    }

    /** Writes the answer as the rows arrive, {@value #ROWS_PER_CHUNK} at a time. */
    private static final class RowWriter implements QueryStore.RowSink {

        private final StreamedBody out;
        private final StringBuilder chunk = new StringBuilder();
        private boolean started;
        private boolean firstRow = true;

        RowWriter(StreamedBody out) {
            this.out = out;
        }

        @Override
        public void columns(List<String> columns) {
            chunk.append("{\"columns\":").append(Json.write(columns)).append(",\"rows\":[");
        }

        @Override
        public void row(List<Object> values) {
            if (out.isCancelled()) {
                throw new StreamedBody.Cancelled();
            }
            List<Object> row = new ArrayList<>(values.size());
            values.forEach(value -> row.add(json(value)));
            chunk.append(firstRow ? "" : ",").append(Json.write(row));
            firstRow = false;
            if (++pending >= ROWS_PER_CHUNK) {
                flush();
            }
        }

        private int pending;

        private void flush() {
            if (chunk.length() > 0) {
                started = true;
                out.write(chunk.toString());
                chunk.setLength(0);
                pending = 0;
            }
        }

        void finish(RuntimeException failure) {
            if (chunk.length() == 0 && !started) {
                chunk.append("{\"columns\":[],\"rows\":[");
            }
            chunk.append(']');
            if (failure != null) {
                chunk.append(",\"error\":").append(ApiErrors.errorObject(failure));
            }
            chunk.append('}');
            flush();
        }
    }

    /** A Cypher value as JSON. */
    static Object json(Object value) {
        if (value == null
                || value instanceof Boolean
                || value instanceof String
                || value instanceof Long
                || value instanceof Integer) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            return Double.isFinite(number) ? number : Map.of("$float", Double.toString(number));
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof byte[] bytes) {
            return Map.of("$bytes", Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>(list.size());
            list.forEach(item -> items.add(json(item)));
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> items = new LinkedHashMap<>();
            map.forEach((key, item) -> items.put(String.valueOf(key), json(item)));
            return items;
        }
        if (value instanceof GraphValue.Node node) {
            return Map.of("$node", node(node));
        }
        if (value instanceof GraphValue.Relationship relationship) {
            return Map.of("$relationship", relationship(relationship));
        }
        if (value instanceof GraphValue.Path path) {
            List<Object> nodes = new ArrayList<>();
            path.nodes().forEach(node -> nodes.add(node(node)));
            List<Object> relationships = new ArrayList<>();
            path.relationships().forEach(relationship -> relationships.add(relationship(relationship)));
            return Map.of("$path", Map.of("nodes", nodes, "relationships", relationships));
        }
        if (value instanceof GraphValue.Temporal temporal) {
            return Map.of("$temporal", temporal.iso());
        }
        if (value instanceof GraphValue.Point point) {
            return Map.of("$point", point.text());
        }
        return String.valueOf(value);
    }

    private static Map<String, Object> node(GraphValue.Node node) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("element_id", node.elementId());
        item.put("labels", node.labels());
        item.put("properties", json(node.properties()));
        return item;
    }

    private static Map<String, Object> relationship(GraphValue.Relationship relationship) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("element_id", relationship.elementId());
        item.put("type", relationship.type());
        item.put("start_element_id", relationship.startElementId());
        item.put("end_element_id", relationship.endElementId());
        item.put("properties", json(relationship.properties()));
        return item;
    }
}
