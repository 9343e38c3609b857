package io.trialgraph.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.trialgraph.domain.InvalidArgumentException;

/** JSON in and out of the HTTP API (Jackson); non-finite numbers are written as null by the callers. */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private Json() {}

    /** @return the value as JSON text */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @throws InvalidArgumentException ("body: ...") when the body is not JSON */
    public static JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidArgumentException("body", "is empty; expected a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (!node.isObject()) {
                throw new InvalidArgumentException("body", "must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException(
                    "body",
                    "is not valid JSON: " + e.getOriginalMessage() + " (line "
                            + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")");
        }
    }

    /** @return a finite double, or null for NaN and infinities (JSON has no such numbers) */
    public static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Jackson's tree factory, for routes that build answers as trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
