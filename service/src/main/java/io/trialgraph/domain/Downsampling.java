package io.trialgraph.domain;

import java.util.Arrays;

/**
 * Shrinks a curve to at most {@code maxPoints} points without losing its shape (the M4 method):
 * the points, in step order, are cut into {@code maxPoints / 4} buckets of equal count, and each
 * bucket keeps its first, last, lowest and highest point. So the result always holds the first
 * and last point and the global minimum and maximum, and a line drawn through it looks like the
 * line through all points at that resolution.
 */
public final class Downsampling {

    /** The smallest {@code maxPoints} accepted: one bucket. */
    public static final int MIN_POINTS = 4;

    private Downsampling() {}

    /** @param points in step order */
    public static MetricPoints m4(MetricPoints points, int maxPoints) {
        if (points.size() <= maxPoints) {
            return points;
        }
        M4 m4 = new M4(points.size(), maxPoints);
        m4.add(points);
        m4.finish();
        return m4.take();
    }

    /**
     * The same downsampling of {@code total} points that arrive a block at a time, in step order:
     * it keeps one bucket's picks and the points of the buckets completed since the last
     * {@link #take()}, so a series of any length is downsampled in little memory.
     */
    public static final class M4 {

        private final long total;
        private final long buckets;
        private long index;
        private long bucket;
        private long bucketEnd;
        // The picks of the current bucket: first, lowest, highest and last point, by index (-1: none yet).
        private final long[] pickIndex = new long[4];
        private final long[] pickStep = new long[4];
        private final double[] pickValue = new double[4];
        private final long[] pickTimestamp = new long[4];
        private long[] steps = new long[64];
        private double[] values = new double[64];
        private long[] timestamps = new long[64];
        private int size;

        /**
         * @param total how many points will be added
         * @param maxPoints at least {@link #MIN_POINTS}; {@code total <= maxPoints} keeps every point
         */
        public M4(long total, int maxPoints) {
            this.total = total;
            this.buckets = total <= maxPoints ? total : Math.max(1, maxPoints / 4);
            this.bucketEnd = bucketEnd(0);
            Arrays.fill(pickIndex, -1);
        }

        private long bucketEnd(long b) {
            // The last bucket also takes any point beyond the expected total.
            return b >= buckets - 1 ? Long.MAX_VALUE : (b + 1) * total / buckets;
        }

        /** Adds the next points in step order. */
        public void add(MetricPoints points) {
            for (int i = 0; i < points.size(); i++, index++) {
                while (index >= bucketEnd) {
                    flush();
                    bucket++;
                    bucketEnd = bucketEnd(bucket);
                }
                long step = points.step(i);
                double value = points.value(i);
                long timestamp = points.timestamp(i);
                if (pickIndex[0] < 0) {
                    pick(0, step, value, timestamp);
                }
                if (!Double.isNaN(value)) {
                    if (pickIndex[1] < 0 || value < pickValue[1]) {
                        pick(1, step, value, timestamp);
                    }
                    if (pickIndex[2] < 0 || value > pickValue[2]) {
                        pick(2, step, value, timestamp);
                    }
                }
                pick(3, step, value, timestamp);
            }
        }

        /** Ends the last bucket: call once all points were added. */
        public void finish() {
            flush();
        }

        /** @return the points kept since the last call, in step order */
        public MetricPoints take() {
            MetricPoints kept = new MetricPoints(
                    Arrays.copyOf(steps, size), Arrays.copyOf(values, size), Arrays.copyOf(timestamps, size));
            size = 0;
            return kept;
        }

        /** @return how many points {@link #take()} would return now */
        public int pending() {
            return size;
        }

        private void pick(int which, long step, double value, long timestamp) {
            pickIndex[which] = index;
            pickStep[which] = step;
            pickValue[which] = value;
            pickTimestamp[which] = timestamp;
        }

        /** Emits the bucket's picks in index order, each point once. */
        private void flush() {
            if (pickIndex[0] < 0) {
                return;
            }
            Integer[] order = {0, 1, 2, 3};
            Arrays.sort(order, (a, b) -> Long.compare(pickIndex[a], pickIndex[b]));
            long previous = -1;
            for (int which : order) {
                long at = pickIndex[which];
                if (at >= 0 && at != previous) {
                    emit(pickStep[which], pickValue[which], pickTimestamp[which]);
                    previous = at;
                }
            }
            Arrays.fill(pickIndex, -1);
        }

        private void emit(long step, double value, long timestamp) {
            if (size == steps.length) {
                steps = Arrays.copyOf(steps, size * 2);
                values = Arrays.copyOf(values, size * 2);
                timestamps = Arrays.copyOf(timestamps, size * 2);
            }
            steps[size] = step;
            values[size] = value;
            timestamps[size] = timestamp;
            size++;
        }
    }
}
