package io.trialgraph.http.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.http.HttpRequest;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.mlflow.MlflowRules;
import io.trialgraph.http.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an MLflow request as protobuf's JSON mapping writes them: a JSON body for POST,
 * PATCH and DELETE, query parameters for GET (repeated fields as repeated parameters). Fields
 * are read by their proto names ({@code run_id}; {@code runId} is accepted too); fields we do not
 * know are ignored, as MLflow's server ignores them. A value of the wrong type is
 * INVALID_ARGUMENT naming the field.
 */
final class MlflowRequest {

    private final JsonNode body;
    private final HttpRequest<?> query;
    private final String prefix;

    private MlflowRequest(JsonNode body, HttpRequest<?> query, String prefix) {
        this.body = body;
        this.query = query;
        this.prefix = prefix;
    }

    /** The request's JSON body; an empty body is an empty message. */
    static MlflowRequest body(String text) {
        return new MlflowRequest(
                text == null || text.isBlank() ? Json.mapper().createObjectNode() : Json.read(text), null, "");
    }

    /** The request's query parameters (GET). */
    static MlflowRequest query(HttpRequest<?> request) {
        return new MlflowRequest(null, request, "");
    }

    private JsonNode node(String field) {
        if (body == null) {
            return null;
        }
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            value = body.get(camel(field));
        }
        return value == null || value.isNull() ? null : value;
    }

    private List<String> parameters(String field) {
        List<String> values = query.getParameters().getAll(field);
        return values.isEmpty() ? query.getParameters().getAll(camel(field)) : values;
    }

    /** @return whether the field is given */
    boolean has(String field) {
        return body != null ? node(field) != null : !parameters(field).isEmpty();
    }

    /** @return a string field; "" when absent */
    String text(String field) {
        if (body == null) {
            List<String> values = parameters(field);
            return values.isEmpty() ? "" : values.get(0);
        }
        JsonNode value = node(field);
        if (value == null) {
            return "";
        }
        if (!value.isValueNode()) {
            throw new InvalidArgumentException(at(field), "must be a string");
        }
        return value.asText();
    }

    /** @return a string field that must be given and not empty */
    String required(String field) {
        String value = text(field);
        if (value.isEmpty()) {
            throw new InvalidArgumentException(at(field), "is required");
        }
        return value;
    }

    /** @return the first of several names of the same field that is given (e.g. run_id, then the older run_uuid) */
    String required(String field, String older) {
        String value = text(field);
        return value.isEmpty() ? required(older) : value;
    }

    /** @return an int64 field (a JSON number or a string of digits), or null when absent */
    Long int64(String field) {
        String text;
        if (body == null) {
            List<String> values = parameters(field);
            if (values.isEmpty() || values.get(0).isEmpty()) {
                return null;
            }
            text = values.get(0);
        } else {
            JsonNode value = node(field);
            if (value == null) {
                return null;
            }
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.asLong();
            }
            if (!value.isTextual()) {
                throw new InvalidArgumentException(
                        at(field), "must be a whole number, is " + MlflowRules.quoted(value.toString()));
            }
            text = value.asText();
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(
                    at(field), "must be a whole number, is '" + MlflowRules.quoted(text) + "'");
        }
    }

    /** @return an int64 field, or {@code otherwise} when absent */
    long int64(String field, long otherwise) {
        Long value = int64(field);
        return value == null ? otherwise : value;
    }

    /**
     * @return a double field: a JSON number, or a string such as "NaN", "Infinity", "-Infinity" or "0.5"
     *     (protobuf's JSON writes non-finite doubles as strings)
     */
    double number(String field) {
        JsonNode value = body == null ? null : node(field);
        String text;
        if (body == null) {
            text = text(field);
        } else if (value == null) {
            throw new InvalidArgumentException(at(field), "is required");
        } else if (value.isNumber()) {
            return value.asDouble();
        } else if (value.isTextual()) {
            text = value.asText();
        } else {
            throw new InvalidArgumentException(
                    at(field), "must be a number, is " + MlflowRules.quoted(value.toString()));
        }
        switch (text.strip()) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        try {
            if (text.isBlank() || text.strip().endsWith("d") || text.strip().endsWith("f")) {
                throw new NumberFormatException();
            }
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(at(field), "must be a number, is '" + MlflowRules.quoted(text) + "'");
        }
    }

    /** @return a repeated string field; empty when absent */
    List<String> texts(String field) {
        if (body == null) {
            return parameters(field);
        }
        JsonNode value = node(field);
        List<String> values = new ArrayList<>();
        if (value == null) {
            return values;
        }
        if (value.isValueNode()) {
            values.add(value.asText());
            return values;
        }
        if (!value.isArray()) {
            throw new InvalidArgumentException(at(field), "must be a list of strings");
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isValueNode() || value.get(i).isNull()) {
                throw new InvalidArgumentException(at(field) + "[" + i + "]", "must be a string");
            }
            values.add(value.get(i).asText());
        }
        return values;
    }

    /** @return a repeated message field; empty when absent */
    List<MlflowRequest> messages(String field) {
        List<MlflowRequest> messages = new ArrayList<>();
        if (body == null) {
            return messages;
        }
        JsonNode value = node(field);
        if (value == null) {
            return messages;
        }
        if (!value.isArray()) {
            throw new InvalidArgumentException(at(field), "must be a list");
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isObject()) {
                throw new InvalidArgumentException(at(field) + "[" + i + "]", "must be an object");
            }
            messages.add(new MlflowRequest(value.get(i), null, at(field) + "[" + i + "]."));
        }
        return messages;
    }

    /** @return a message field; an empty message when absent */
    MlflowRequest message(String field) {
        if (body == null) {
            return new MlflowRequest(Json.mapper().createObjectNode(), null, at(field) + ".");
        }
        JsonNode value = node(field);
        if (value == null) {
            return new MlflowRequest(Json.mapper().createObjectNode(), null, at(field) + ".");
        }
        if (!value.isObject()) {
            throw new InvalidArgumentException(at(field), "must be an object");
        }
        return new MlflowRequest(value, null, at(field) + ".");
    }

    /** @return the field's name in messages, e.g. {@code metrics[3].value} */
    String at(String field) {
        return prefix + field;
    }

    private static String camel(String field) {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : field.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }
}
