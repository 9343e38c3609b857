package io.trialgraph.domain.mlflow;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Rules;
import java.util.regex.Pattern;

/**
 * The rules of MLflow's REST API where MLflow's contract differs from trialgraph's own rules:
 * its batch limits, its keys and its lengths of values. MLflow clients rely on them (Hugging
 * Face logs a model configuration's {@code _name_or_path}, scikit-learn's autolog long
 * parameter values), so what MLflow accepts is accepted here and stored as it came.
 */
public final class MlflowRules {

    public static final int MAX_METRICS_PER_BATCH = 1_000;
    public static final int MAX_PARAMS_PER_BATCH = 100;
    public static final int MAX_TAGS_PER_BATCH = 100;
    public static final int MAX_ENTITIES_PER_BATCH = 1_000;
    /** MLflow refuses log-batch bodies larger than this (bytes). */
    public static final int MAX_BATCH_REQUEST_BYTES = 1_000_000;

    public static final int KEY_MAX = 250;
    public static final int PARAM_VALUE_MAX = 6_000;
    public static final int TAG_VALUE_MAX = 8_000;
    public static final int EXPERIMENT_TAG_VALUE_MAX = 20_000;
    public static final int EXPERIMENT_NAME_MAX = 500;
    public static final int MAX_DATASETS_PER_REQUEST = 1_000;
    public static final int DATASET_NAME_MAX = 500;
    public static final int DATASET_DIGEST_MAX = 36;
    public static final int DATASET_SOURCE_MAX = 65_535;
    public static final int DATASET_SCHEMA_MAX = 1_048_575;
    public static final int DATASET_PROFILE_MAX = 1_048_575;
    public static final int INPUT_TAG_KEY_MAX = 255;
    public static final int INPUT_TAG_VALUE_MAX = 500;
    /** Searches return at most this many runs or experiments a page (the least MLflow servers promise). */
    public static final int MAX_RESULTS = 50_000;

    public static final int DEFAULT_MAX_RESULTS = 1_000;
    /** Bounds of a search's filter and order, checked before the database sees them. */
    public static final int FILTER_MAX = 10_000;

    public static final int MAX_CLAUSES = 100;
    public static final int MAX_ORDER_BY = 10;

    private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{Nd}_/.\\- ]+");

    private MlflowRules() {}

    /** The batch limits of log-batch: each kind and the total. */
    public static void batchLimits(int metrics, int params, int tags) {
        limit("metrics", metrics, MAX_METRICS_PER_BATCH, "metrics");
        limit("params", params, MAX_PARAMS_PER_BATCH, "params");
        limit("tags", tags, MAX_TAGS_PER_BATCH, "tags");
        int total = metrics + params + tags;
        if (total > MAX_ENTITIES_PER_BATCH) {
            throw new InvalidArgumentException(
                    "metrics, params and tags",
                    "a log-batch request carries at most "
                            + MAX_ENTITIES_PER_BATCH + " metrics, params and tags together, this one " + total
                            + "; split them over several requests");
        }
    }

    /** A log-batch request's body: at most {@link #MAX_BATCH_REQUEST_BYTES} bytes. */
    public static void batchRequestSize(long bytes) {
        if (bytes > MAX_BATCH_REQUEST_BYTES) {
            throw new InvalidArgumentException(
                    "body",
                    "a log-batch request is at most " + MAX_BATCH_REQUEST_BYTES + " bytes, this one " + bytes
                            + "; split it over several requests");
        }
    }

    private static void limit(String field, int count, int max, String what) {
        if (count > max) {
            throw new InvalidArgumentException(
                    field,
                    "a log-batch request carries at most " + max + " " + what + ", this one " + count
                            + "; split them over several requests");
        }
    }

    /**
     * A parameter or tag key, by MLflow's rule: 1-250 letters, digits, '_', '-', '.', ' ' and
     * '/', and no path that reads as another ({@code a//b}, {@code ./a}, {@code /a}, {@code ..}).
     */
    public static String key(String field, String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (key.length() > KEY_MAX) {
            throw new InvalidArgumentException(
                    field, "must be at most " + KEY_MAX + " characters, has " + key.length());
        }
        if (!KEY.matcher(key).matches()) {
            throw new InvalidArgumentException(
                    field, "must be letters, digits, '_', '-', '.', ' ' and '/': '" + quoted(key) + "'");
        }
        if (key.startsWith("/")
                || key.equals(".")
                || key.startsWith("..")
                || key.startsWith("./")
                || key.contains("//")
                || key.contains("/./")
                || key.contains("/../")
                || key.endsWith("/")
                || key.endsWith("/.")
                || key.endsWith("/..")) {
            throw new InvalidArgumentException(
                    field, "must not be a path that reads as another name: '" + quoted(key) + "'");
        }
        return key;
    }

    /** A parameter value: required, at most 6,000 characters (MLflow's limit). */
    public static String paramValue(String field, String value) {
        return required(field, value, PARAM_VALUE_MAX);
    }

    /** A run tag value: required, at most 8,000 characters (MLflow's limit). */
    public static String tagValue(String field, String value) {
        return required(field, value, TAG_VALUE_MAX);
    }

    /** An experiment tag value: required, at most 20,000 characters (MLflow's limit). */
    public static String experimentTagValue(String field, String value) {
        return required(field, value, EXPERIMENT_TAG_VALUE_MAX);
    }

    /** An experiment's MLflow name: 1-500 characters without control characters. */
    public static String experimentName(String field, String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (name.length() > EXPERIMENT_NAME_MAX) {
            throw new InvalidArgumentException(
                    field, "must be at most " + EXPERIMENT_NAME_MAX + " characters, has " + name.length());
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidArgumentException(field, "must not contain control characters");
        }
        return name;
    }

    /** A run's name: at most 256 characters (the display name it is stored as). */
    public static String runName(String field, String name) {
        return Rules.text(field, name, Rules.DISPLAY_NAME_MAX);
    }

    /** Text of at most {@code max} characters that must be given (may be empty). */
    public static String required(String field, String value, int max) {
        if (value == null) {
            throw new InvalidArgumentException(field, "is required");
        }
        return Rules.text(field, value, max);
    }

    /** At most 100 characters of a user value, for a message. */
    public static String quoted(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }
}
