package io.trialgraph.rules;

import java.util.regex.Pattern;

/**
 * The naming rules and size limits of the trialgraph API. Each check returns {@code null} for a
 * valid value, else the rule broken, phrased to follow {@code "<field>: "}. Lengths count code
 * points ({@link Text#length}).
 */
public final class InputRules {

    /** Experiment, trial and component names. */
    public static final int NAME_MAX = 120;
    /** Tag keys, metadata keys, parameter names, link names. */
    public static final int KEY_MAX = 128;
    /** Component kinds. */
    public static final int KIND_MAX = 64;
    /** Metric names. */
    public static final int METRIC_NAME_MAX = 255;
    /** Writer ids of metric streams. */
    public static final int WRITER_ID_MAX = 128;
    /** The most points one IngestMetrics batch may carry. */
    public static final int MAX_BATCH_POINTS = 100_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-/:]*");

    private InputRules() {}

    /** An entity name: 1-120 letters, digits, '-', '_', '.', starting with a letter or digit. */
    public static String nameProblem(String value) {
        if (value == null || value.isEmpty()) {
            return "is required";
        }
        if (Text.longerThan(value, NAME_MAX)) {
            return "must be at most " + NAME_MAX + " characters, has " + Text.length(value);
        }
        if (!NAME.matcher(value).matches()) {
            return "must be letters, digits, '-', '_' and '.', starting with a letter or digit: " + Quote.of(value);
        }
        return null;
    }

    /** A key: 1-128 letters, digits, '-', '_', '.', '/', ':', starting with a letter or digit. */
    public static String keyProblem(String value) {
        if (value == null || value.isEmpty()) {
            return "must not be empty";
        }
        if (Text.longerThan(value, KEY_MAX)) {
            return "must be at most " + KEY_MAX + " characters, has " + Text.length(value);
        }
        if (!KEY.matcher(value).matches()) {
            return "must be letters, digits, '-', '_', '.', '/' and ':', starting with a letter or digit: "
                    + Quote.of(value);
        }
        return null;
    }

    /** A metric name: 1-255 characters, no control characters. */
    public static String metricNameProblem(String value) {
        if (value == null || value.isEmpty()) {
            return "is required";
        }
        if (Text.longerThan(value, METRIC_NAME_MAX)) {
            return "must be at most " + METRIC_NAME_MAX + " characters, has " + Text.length(value);
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            return "must not contain control characters: " + Quote.of(value);
        }
        return null;
    }

    /** A metric writer id: 1-128 characters. */
    public static String writerIdProblem(String value) {
        if (value == null || value.isEmpty() || Text.longerThan(value, WRITER_ID_MAX)) {
            return "must be 1-" + WRITER_ID_MAX + " characters";
        }
        return null;
    }

    /** A batch's point count: at most 100,000. */
    public static String batchPointsProblem(long points) {
        return points > MAX_BATCH_POINTS
                ? "a batch holds at most " + MAX_BATCH_POINTS + " points, this one " + points
                : null;
    }
}
