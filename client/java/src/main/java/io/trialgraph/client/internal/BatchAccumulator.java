package io.trialgraph.client.internal;

import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.TrialGraphException;
import io.trialgraph.rules.InputRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open batch of a {@link MetricLogger}: points appended in columns, one column per (component,
 * metric), until the logger seals it into a {@link Batch}. Not thread-safe: the logger calls it
 * under its lock. Appending to the column used last costs two reference comparisons and three
 * array stores; a new column costs two map look-ups and, the first time a name is seen, the
 * name checks the server would apply (so a bad name fails the {@code log} call instead of the
 * whole batch on the server).
 */
public final class BatchAccumulator {

    private static final int INITIAL_CAPACITY = 64;
    private static final int VALIDATED_CACHE_MAX = 10_000;

    /** One series of the batch, in columns. */
    public static final class Column {
        final String component;
        final String metric;
        long[] steps;
        double[] values;
        long[] timestamps;
        int size;

        Column(String component, String metric, int capacity) {
            this.component = component;
            this.metric = metric;
            this.steps = new long[capacity];
            this.values = new double[capacity];
            this.timestamps = new long[capacity];
        }

        void grow(int max) {
            int capacity =
                    (int) Math.min(Math.max(steps.length * 2L, INITIAL_CAPACITY), Math.max(max, steps.length + 1L));
            steps = java.util.Arrays.copyOf(steps, capacity);
            values = java.util.Arrays.copyOf(values, capacity);
            timestamps = java.util.Arrays.copyOf(timestamps, capacity);
        }
    }

    private final int maxPoints;
    private Map<String, Map<String, Column>> byComponent = new HashMap<>();
    private List<Column> columns = new ArrayList<>();
    private Column last;
    private int size;
    private final Set<String> validComponents = new HashSet<>();
    private final Set<String> validMetrics = new HashSet<>();

    /** @param maxPoints the batch size: columns never grow beyond it */
    public BatchAccumulator(int maxPoints) {
        this.maxPoints = maxPoints;
    }

    /** @return points in the open batch */
    public int size() {
        return size;
    }

    /**
     * Appends a point.
     *
     * @throws TrialGraphException INVALID_ARGUMENT for a bad component or metric name or a negative step
     */
    public void add(String component, String metric, long step, double value, long timestampMillis) {
        if (step < 0) {
            throw Convert.invalid("step: must not be negative, is " + step);
        }
        Column c = last;
        if (c == null || c.component != component || c.metric != metric) {
            c = column(component, metric);
        }
        int i = c.size;
        if (i == c.steps.length) {
            c.grow(maxPoints);
        }
        c.steps[i] = step;
        c.values[i] = value;
        c.timestamps[i] = timestampMillis;
        c.size = i + 1;
        size++;
    }

    private Column column(String component, String metric) {
        Map<String, Column> metrics = byComponent.get(component);
        Column c = metrics == null ? null : metrics.get(metric);
        if (c == null) {
            validate(component, metric);
            if (metrics == null) {
                metrics = new HashMap<>();
                byComponent.put(component, metrics);
            }
            c = new Column(component, metric, Math.min(INITIAL_CAPACITY, maxPoints));
            metrics.put(metric, c);
            columns.add(c);
        }
        last = c;
        return c;
    }

    private void validate(String component, String metric) {
        if (!validComponents.contains(component)) {
            checkComponentName(component);
            if (validComponents.size() >= VALIDATED_CACHE_MAX) {
                validComponents.clear();
            }
            validComponents.add(component);
        }
        if (!validMetrics.contains(metric)) {
            checkMetricName(metric);
            if (validMetrics.size() >= VALIDATED_CACHE_MAX) {
                validMetrics.clear();
            }
            validMetrics.add(metric);
        }
    }

    /** The server's rule for component names (shared with it: {@link InputRules#nameProblem}). */
    public static void checkComponentName(String name) {
        check("trial_component_name", InputRules.nameProblem(name));
    }

    /** The server's rule for metric names (shared with it: {@link InputRules#metricNameProblem}). */
    public static void checkMetricName(String name) {
        check("metric_name", InputRules.metricNameProblem(name));
    }

    private static void check(String field, String problem) {
        if (problem != null) {
            throw Convert.invalid(field + ": " + problem);
        }
    }

    /**
     * Closes the open batch and starts a new one.
     *
     * @param sequence the sequence number the batch is sent with
     * @return the batch, or null when the open batch is empty
     */
    public Batch seal(long sequence) {
        if (size == 0) {
            return null;
        }
        Batch batch = new Batch(sequence, size, columns);
        byComponent = new HashMap<>();
        columns = new ArrayList<>();
        last = null;
        size = 0;
        return batch;
    }
}
