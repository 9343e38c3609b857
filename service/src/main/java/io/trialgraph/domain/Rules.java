package io.trialgraph.domain;

import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The input rules of the experiment graph, in one place. Each check returns the value it
 * accepted or throws {@link InvalidArgumentException} naming the request field and the rule.
 */
public final class Rules {

    public static final int NAME_MAX = 120;
    public static final int KEY_MAX = 128;
    public static final int KIND_MAX = 64;
    public static final int DISPLAY_NAME_MAX = 256;
    public static final int DESCRIPTION_MAX = 10_000;
    public static final int TAG_VALUE_MAX = 1_024;
    public static final int STRING_PARAMETER_MAX = 4_096;
    public static final int STATUS_MESSAGE_MAX = 4_096;
    public static final int URI_MAX = 2_048;
    public static final int DIGEST_MAX = 512;
    public static final int MAX_ENTRIES = 1_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-/:]*");
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:\\S+");

    private Rules() {
    }

    /** An entity name: 1-120 letters, digits, '-', '_', '.', starting with a letter or digit. */
    public static String name(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (value.length() > NAME_MAX) {
            throw new InvalidArgumentException(field, "must be at most " + NAME_MAX + " characters, has " + value.length());
        }
        if (!NAME.matcher(value).matches()) {
            throw new InvalidArgumentException(field, "must be letters, digits, '-', '_' and '.', starting with a letter or digit: '"
                    + value + "'");
        }
        return value;
    }

    /** A tag key, metadata key, parameter name or link name: 1-128 of letters, digits, '-_./:'. */
    public static String key(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException(field, "must not be empty");
        }
        if (value.length() > KEY_MAX) {
            throw new InvalidArgumentException(field, "must be at most " + KEY_MAX + " characters, has " + value.length());
        }
        if (!KEY.matcher(value).matches()) {
            throw new InvalidArgumentException(field,
                    "must be letters, digits, '-', '_', '.', '/' and ':', starting with a letter or digit: '" + value + "'");
        }
        return value;
    }

    /** A component kind: like a key, at most 64 characters; empty allowed (no kind). */
    public static String kind(String field, String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (value.length() > KIND_MAX) {
            throw new InvalidArgumentException(field, "must be at most " + KIND_MAX + " characters, has " + value.length());
        }
        return key(field, value);
    }

    /** Free text of at most {@code max} characters; null becomes empty. */
    public static String text(String field, String value, int max) {
        if (value == null) {
            return "";
        }
        if (value.length() > max) {
            throw new InvalidArgumentException(field, "must be at most " + max + " characters, has " + value.length());
        }
        return value;
    }

    /** An artifact URI: a scheme, no white space, at most 2,048 characters. */
    public static String uri(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (value.length() > URI_MAX) {
            throw new InvalidArgumentException(field, "must be at most " + URI_MAX + " characters, has " + value.length());
        }
        if (!URI.matcher(value).matches()) {
            throw new InvalidArgumentException(field,
                    "must be a URI with a scheme and no white space, e.g. s3://bucket/key or file:///data/x: '" + value + "'");
        }
        return value;
    }

    /** String key/values (tags, metadata): keys follow {@link #key}, values at most 1,024 characters. */
    public static Map<String, String> stringMap(String field, Map<String, String> entries) {
        entryCount(field, entries.size());
        entries.forEach((key, value) -> {
            key(field + "[" + key + "]", key);
            text(field + "[" + key + "]", value, TAG_VALUE_MAX);
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
            String at = field + "[" + name + "]";
            key(at, name);
            if (value == null) {
                throw new InvalidArgumentException(at, "needs a value (number_value, integer_value, string_value or bool_value)");
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
