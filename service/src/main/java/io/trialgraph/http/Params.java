package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.trialgraph.domain.InvalidArgumentException;
import java.util.List;

/**
 * Query parameters of an API request, named as the gRPC request's fields (snake_case), read by
 * hand so that a bad one is INVALID_ARGUMENT naming it, like on gRPC.
 */
final class Params {

    private final HttpRequest<?> request;

    Params(HttpRequest<?> request) {
        this.request = request;
    }

    /** @return the parameter's value, or "" when absent */
    String text(String name) {
        return request.getParameters().getFirst(name).orElse("");
    }

    /** @return every value of a repeated parameter ({@code ?column=a&column=b}), in order */
    List<String> all(String name) {
        return request.getParameters().getAll(name);
    }

    /** @return the parameter as an int, or {@code otherwise} when absent */
    int integer(String name, int otherwise) {
        String value = text(name);
        if (value.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(name, "must be a whole number, is '" + quoted(value) + "'");
        }
    }

    /** @return the parameter as a long, or null when absent */
    Long optionalLong(String name) {
        String value = text(name);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException(name, "must be a whole number, is '" + quoted(value) + "'");
        }
    }

    /** @return the parameter as a boolean ({@code true}/{@code false}), or {@code otherwise} when absent */
    boolean bool(String name, boolean otherwise) {
        String value = text(name);
        if (value.isEmpty()) {
            return otherwise;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidArgumentException(name, "must be true or false, is '" + quoted(value) + "'");
    }

    /** At most 100 characters of a user value, for a message. */
    static String quoted(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }
}
