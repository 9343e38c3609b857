package io.trialgraph.domain;

import java.util.Arrays;
import java.util.List;

/**
 * Points of one series in columns (steps, values, timestamps in milliseconds), the shape they
 * travel and are stored in. Arrays are owned by this object once passed in.
 */
public record MetricPoints(long[] steps, double[] values, long[] timestamps) {

    public MetricPoints {
        if (steps.length != values.length || steps.length != timestamps.length) {
            throw new IllegalArgumentException("columns of unequal length");
        }
    }

    public static MetricPoints empty() {
        return new MetricPoints(new long[0], new double[0], new long[0]);
    }

    public int size() {
        return steps.length;
    }

    public long step(int i) {
        return steps[i];
    }

    public double value(int i) {
        return values[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    /** @return true when steps never decrease */
    public boolean isSorted() {
        for (int i = 1; i < steps.length; i++) {
            if (steps[i] < steps[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** Points {@code from} (inclusive) to {@code to} (exclusive). */
    public MetricPoints slice(int from, int to) {
        return new MetricPoints(Arrays.copyOfRange(steps, from, to), Arrays.copyOfRange(values, from, to),
                Arrays.copyOfRange(timestamps, from, to));
    }

    /** These points followed by {@code more}. */
    public MetricPoints append(MetricPoints more) {
        int n = size();
        int m = more.size();
        long[] s = Arrays.copyOf(steps, n + m);
        double[] v = Arrays.copyOf(values, n + m);
        long[] t = Arrays.copyOf(timestamps, n + m);
        System.arraycopy(more.steps, 0, s, n, m);
        System.arraycopy(more.values, 0, v, n, m);
        System.arraycopy(more.timestamps, 0, t, n, m);
        return new MetricPoints(s, v, t);
    }

    /** All points of {@code parts}, in order, copied once. */
    public static MetricPoints concat(List<MetricPoints> parts) {
        int n = 0;
        for (MetricPoints part : parts) {
            n += part.size();
        }
        long[] s = new long[n];
        double[] v = new double[n];
        long[] t = new long[n];
        int at = 0;
        for (MetricPoints part : parts) {
            System.arraycopy(part.steps, 0, s, at, part.size());
            System.arraycopy(part.values, 0, v, at, part.size());
            System.arraycopy(part.timestamps, 0, t, at, part.size());
            at += part.size();
        }
        return new MetricPoints(s, v, t);
    }

    /** The same points ordered by step; equal steps keep their order (stable). */
    public MetricPoints sortedByStep() {
        if (isSorted()) {
            return this;
        }
        Integer[] order = new Integer[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(steps[a], steps[b]));
        long[] s = new long[order.length];
        double[] v = new double[order.length];
        long[] t = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = steps[order[i]];
            v[i] = values[order[i]];
            t[i] = timestamps[order[i]];
        }
        return new MetricPoints(s, v, t);
    }
}
