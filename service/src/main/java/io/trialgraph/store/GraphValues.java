package io.trialgraph.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * How domain values live as Neo4j properties. Free key/values are flattened into prefixed
 * properties ({@code tag.team}, {@code param.epochs}, {@code meta.gpu}) so Cypher reads them
 * directly, typed, without parsing JSON: {@code WHERE c.`param.epochs` = 60}. Times are UTC
 * DateTime values.
 */
final class GraphValues {

    static final String TAG = "tag.";
    static final String PARAM = "param.";
    static final String META = "meta.";

    private GraphValues() {
    }

    /** Properties that set {@code entries} under {@code prefix} after removing {@code removals}. */
    static Map<String, Object> changes(String prefix, Collection<String> removals, Map<String, ?> entries) {
        Map<String, Object> changes = new HashMap<>();
        removals.forEach(key -> changes.put(prefix + key, null));
        entries.forEach((key, value) -> changes.put(prefix + key, value));
        return changes;
    }

    /** The entries stored under {@code prefix}, without it, in key order. */
    static Map<String, Object> entries(String prefix, Map<String, Object> properties) {
        Map<String, Object> entries = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                entries.put(key.substring(prefix.length()), value);
            }
        });
        return entries;
    }

    /** String entries stored under {@code prefix}, in key order. */
    static Map<String, String> stringEntries(String prefix, Map<String, Object> properties) {
        Map<String, String> entries = new TreeMap<>();
        entries(prefix, properties).forEach((key, value) -> entries.put(key, String.valueOf(value)));
        return entries;
    }

    static ZonedDateTime time(Instant instant) {
        return instant == null ? null : instant.atZone(ZoneOffset.UTC);
    }

    static Instant instant(Object value) {
        if (value instanceof ZonedDateTime zoned) {
            return zoned.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        return null;
    }

    static Instant instant(Value value) {
        return value == null || value.isNull() ? null : value.asZonedDateTime().toInstant();
    }

    static String string(Map<String, Object> properties, String key) {
        Object value = properties.get(key);
        return value == null ? "" : value.toString();
    }

    static long number(Map<String, Object> properties, String key) {
        return properties.get(key) instanceof Number number ? number.longValue() : 0L;
    }

    /** @return true when Neo4j refused a write because a uniqueness constraint would break */
    static boolean isConstraintViolation(Neo4jException e) {
        return "Neo.ClientError.Schema.ConstraintValidationFailed".equals(e.code());
    }
}
