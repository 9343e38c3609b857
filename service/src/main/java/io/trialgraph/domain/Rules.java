package io.trialgraph.domain;

import io.trialgraph.rules.InputRules;
import io.trialgraph.rules.Quote;
import io.trialgraph.rules.Text;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The input rules of the experiment graph as the service applies them. Each check returns the
 * value it accepted or throws {@link InvalidArgumentException} naming the request field and the
 * rule. The rules the Java client checks too (names, keys, metric names) live in
 * {@link InputRules}, which both share; lengths count code points; values in messages are quoted
 * with {@link Quote}.
 */
public final class Rules {

    public static final int NAME_MAX = InputRules.NAME_MAX;
    public static final int KEY_MAX = InputRules.KEY_MAX;
    public static final int KIND_MAX = InputRules.KIND_MAX;
    public static final int DISPLAY_NAME_MAX = 256;
    public static final int DESCRIPTION_MAX = 10_000;
    public static final int TAG_VALUE_MAX = 1_024;
    public static final int STRING_PARAMETER_MAX = 4_096;
    public static final int STATUS_MESSAGE_MAX = 4_096;
    public static final int URI_MAX = 2_048;
    public static final int DIGEST_MAX = 512;
    public static final int MAX_ENTRIES = 1_000;

    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S+");

    private Rules() {}

    /** An entity name: 1-120 letters, digits, '-', '_', '.', starting with a letter or digit. */
    public static String name(String field, String value) {
        return check(field, value, InputRules.nameProblem(value));
    }

    /** A tag key, metadata key, parameter name or link name: 1-128 of letters, digits, '-_./:'. */
    public static String key(String field, String value) {
        return check(field, value, InputRules.keyProblem(value));
    }

    /** A metric name: 1-255 characters, no control characters. */
    public static String metricName(String field, String value) {
        return check(field, value, InputRules.metricNameProblem(value));
    }

    /** @return the value when {@code problem} is null, else throws naming the field and the problem */
    public static <T> T check(String field, T value, String problem) {
        if (problem != null) {
            throw new InvalidArgumentException(field, problem);
        }
        return value;
    }

    /** @return {@code field[key]}, the path of a map entry, with the key cut short and escaped */
    public static String entry(String field, String key) {
        return field + "[" + Quote.bare(key) + "]";
    }

    /** A component kind: like a key, at most 64 characters; empty allowed (no kind). */
    public static String kind(String field, String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (Text.longerThan(value, KIND_MAX)) {
            throw new InvalidArgumentException(
                    field, "must be at most " + KIND_MAX + " characters, has " + Text.length(value));
        }
        return key(field, value);
    }

    /** Free text of at most {@code max} characters; null becomes empty. */
    public static String text(String field, String value, int max) {
        if (value == null) {
            return "";
        }
        if (Text.longerThan(value, max)) {
            throw new InvalidArgumentException(
                    field, "must be at most " + max + " characters, has " + Text.length(value));
        }
        return value;
    }

    /** An artifact URI: a scheme, no white space, at most 2,048 characters. */
    public static String uri(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (Text.longerThan(value, URI_MAX)) {
            throw new InvalidArgumentException(
                    field, "must be at most " + URI_MAX + " characters, has " + Text.length(value));
        }
        if (!URI.matcher(value).matches()) {
            throw new InvalidArgumentException(
                    field,
                    "must be a URI with a scheme and no white space, e.g. s3://bucket/key or file:///data/x: "
                            + Quote.of(value));
        }
        return value;
    }

    /** String key/values (tags, metadata): keys follow {@link #key}, values at most 1,024 characters. */
    public static Map<String, String> stringMap(String field, Map<String, String> entries) {
        entryCount(field, entries.size());
        entries.forEach((key, value) -> {
            key(entry(field, key), key);
            text(entry(field, key), value, TAG_VALUE_MAX);
        });
        return entries;
    }

    /** Keys to remove: each follows {@link #key}. */
    public static Collection<String> keys(String field, Collection<String> keys) {
        entryCount(field, keys.size());
        int i = 0;
        for (String key : keys) {
            key(field + "[" + i++ + "]", key);
        }
        return keys;
    }

    /**
     * Parameters: names follow {@link #key}; values are Long, Double (finite), String (at most
     * 4,096 characters) or Boolean.
     */
    public static Map<String, Object> parameters(String field, Map<String, Object> parameters) {
        entryCount(field, parameters.size());
        parameters.forEach((name, value) -> {
            String at = entry(field, name);
            key(at, name);
            if (value == null) {
                throw new InvalidArgumentException(
                        at, "needs a value (number_value, integer_value, string_value or bool_value)");
            }
            if (value instanceof Double number && !Double.isFinite(number)) {
                throw new InvalidArgumentException(at, "must be a finite number, not " + number);
            }
            if (value instanceof String text) {
                text(at, text, STRING_PARAMETER_MAX);
            }
        });
        return parameters;
    }

    private static void entryCount(String field, int size) {
        if (size > MAX_ENTRIES) {
            throw new InvalidArgumentException(field, "must have at most " + MAX_ENTRIES + " entries, has " + size);
        }
    }
}
