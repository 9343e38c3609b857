package io.trialgraph.analytics;

import io.trialgraph.domain.Lineage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

/**
 * How Cypher compares the values a table cell can hold (Long, Double, String, Boolean, a
 * ZonedDateTime for times, null), for the row store's evaluator ({@link TableEvaluator}), which
 * must answer exactly as the compiled Cypher ({@link TableCypher}) does. Three-valued logic: a
 * predicate returns TRUE, FALSE or null (unknown), and a row matches only when its filter is TRUE.
 *
 * <ul>
 *   <li>Equality: null with anything is unknown; values of different types are not equal (a number
 *       is never equal to a string); integers and floats compare as exact numbers ({@code 1 = 1.0});
 *       NaN equals nothing, not even NaN; {@code a != b} is {@code NOT (a = b)}.
 *   <li>Ordering comparisons ({@code < <= > >=}): unknown for null or values of different types
 *       (a string and a number); FALSE when either is NaN; strings by UTF-16 unit (what Neo4j
 *       does for a stored string against a query parameter); false before true; times by instant.
 *   <li>CONTAINS and STARTS WITH: unknown unless both sides are strings.
 *   <li>ORDER BY (orderability, a total order): times, then strings (by code point), then
 *       booleans, then numbers (-0.0 before 0.0, NaN after every number); null last (the table
 *       always sorts missing values last).
 *   <li>Grouping (equivalence): as equality, but NaN is one group and null is one group.
 * </ul>
 *
 * {@code TableEvaluatorDifferentialIT} runs generated requests both ways and checks these rules
 * against Neo4j itself.
 */
public final class CypherValues {

    /** Orderability of non-null cell values, ascending (see the class comment). */
    public static final Comparator<Object> ORDER = CypherValues::order;

    private static final double EXACT_LONGS = 0x1p53;

    private CypherValues() {}

    /** @return the filter's ISO 8601 text as Cypher's {@code datetime(text)} reads it: no offset means UTC */
    public static ZonedDateTime time(String text) {
        try {
            return ZonedDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .atZone(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC);
            }
        }
    }

    /** @return {@code a = b}: TRUE, FALSE or null (unknown) */
    public static Boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return null;
        }
        if (a instanceof Number x && b instanceof Number y) {
            if (isNaN(x) || isNaN(y)) {
                return false;
            }
            return compareNumbers(x, y) == 0;
        }
        if (a instanceof ZonedDateTime x && b instanceof ZonedDateTime y) {
            return sameTime(x, y);
        }
        return a.equals(b);
    }

    /** @return {@code a op b}: TRUE, FALSE or null (unknown) */
    public static Boolean compare(Filter.Op op, Object a, Object b) {
        if (op == Filter.Op.EQ) {
            return equal(a, b);
        }
        if (op == Filter.Op.NE) {
            Boolean equal = equal(a, b);
            return equal == null ? null : !equal;
        }
        if (a == null || b == null) {
            return null;
        }
        int order;
        if (a instanceof Number x && b instanceof Number y) {
            if (isNaN(x) || isNaN(y)) {
                return false;
            }
            order = compareNumbers(x, y);
        } else if (a instanceof String x && b instanceof String y) {
            // A stored string against the filter's (a query parameter): Neo4j compares these by
            // UTF-16 unit, unlike ORDER BY (by code point); the differential test pins both.
            order = x.compareTo(y);
        } else if (a instanceof Boolean x && b instanceof Boolean y) {
            order = Boolean.compare(x, y);
        } else if (a instanceof ZonedDateTime x && b instanceof ZonedDateTime y) {
            order = x.toInstant().compareTo(y.toInstant());
        } else {
            return null;
        }
        return switch (op) {
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
            default -> throw new IllegalStateException("handled above: " + op);
        };
    }

    /** @return {@code a IN values} */
    public static Boolean in(Object a, List<Object> values) {
        if (a == null) {
            return null;
        }
        boolean unknown = false;
        for (Object value : values) {
            Boolean equal = equal(a, value);
            if (equal == null) {
                unknown = true;
            } else if (equal) {
                return true;
            }
        }
        return unknown ? null : false;
    }

    /** @return {@code a CONTAINS text} */
    public static Boolean contains(Object a, Object text) {
        return a instanceof String x && text instanceof String y ? x.contains(y) : null;
    }

    /** @return {@code a STARTS WITH text} */
    public static Boolean startsWith(Object a, Object text) {
        return a instanceof String x && text instanceof String y ? x.startsWith(y) : null;
    }

    /**
     * @return the grouping key of a value: equal keys for values Cypher groups together ({@code 1}
     *     and {@code 1.0}, {@code 0.0} and {@code -0.0}); every NaN is a group of its own
     */
    public static Object groupKey(Object value) {
        if (value instanceof Double d) {
            if (Double.isNaN(d)) {
                return new Object();
            }
            if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return (long) (double) d;
            }
            return d;
        }
        if (value instanceof ZonedDateTime time) {
            return List.of(time.toInstant(), time.getZone().normalized());
        }
        return value;
    }

    /** Times are equal when they are the same instant in the same zone (Cypher's rule: 01:00+01:00 is not 00:00Z). */
    private static boolean sameTime(ZonedDateTime a, ZonedDateTime b) {
        return a.toInstant().equals(b.toInstant())
                && a.getZone().normalized().equals(b.getZone().normalized());
    }

    /** @return the strings' order by code point (Cypher's, {@link Lineage#CODE_POINT_ORDER}), not by UTF-16 unit */
    public static int compareStrings(String a, String b) {
        return Lineage.CODE_POINT_ORDER.compare(a, b);
    }

    private static int order(Object a, Object b) {
        int rank = Integer.compare(rank(a), rank(b));
        if (rank != 0) {
            return rank;
        }
        if (a instanceof Number x && b instanceof Number y) {
            boolean xNaN = isNaN(x);
            boolean yNaN = isNaN(y);
            if (xNaN || yNaN) {
                return Boolean.compare(xNaN, yNaN);
            }
            return orderNumbers(x, y);
        }
        if (a instanceof String x) {
            return compareStrings(x, (String) b);
        }
        if (a instanceof Boolean x) {
            return Boolean.compare(x, (Boolean) b);
        }
        if (a instanceof ZonedDateTime x) {
            return x.toInstant().compareTo(((ZonedDateTime) b).toInstant());
        }
        return 0;
    }

    private static int rank(Object value) {
        if (value instanceof ZonedDateTime) {
            return 0;
        }
        if (value instanceof String) {
            return 1;
        }
        if (value instanceof Boolean) {
            return 2;
        }
        if (value instanceof Number) {
            return 3;
        }
        throw new IllegalArgumentException(
                "not a table value: " + value.getClass().getName());
    }

    private static boolean isNaN(Number n) {
        return n instanceof Double d && d.isNaN();
    }

    /** Exact comparison of two non-NaN numbers (a long beyond 2^53 is not rounded to a double). */
    private static int compareNumbers(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            double p = x;
            double q = y;
            return p < q ? -1 : p > q ? 1 : 0;
        }
        if (a instanceof Long x) {
            return -compareMixed((Double) b, x);
        }
        return compareMixed((Double) a, (Long) b);
    }

    /** As {@link #compareNumbers}, but -0.0 sorts before 0.0 (Cypher's ORDER BY). */
    private static int orderNumbers(Number a, Number b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.compare(x, y);
        }
        if (a instanceof Long x && Math.abs(x) <= EXACT_LONGS) {
            return Double.compare(x, (Double) b);
        }
        if (b instanceof Long y && Math.abs(y) <= EXACT_LONGS) {
            return Double.compare((Double) a, y);
        }
        return compareNumbers(a, b);
    }

    private static int compareMixed(double d, long l) {
        if (Double.isInfinite(d)) {
            return d > 0 ? 1 : -1;
        }
        if (Math.abs(l) <= EXACT_LONGS) {
            double p = l;
            return d < p ? -1 : d > p ? 1 : 0;
        }
        return new BigDecimal(d).compareTo(BigDecimal.valueOf(l));
    }
}
