package io.trialgraph.domain;

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

    private Downsampling() {
    }

    /** @param points in step order */
    public static MetricPoints m4(MetricPoints points, int maxPoints) {
        int n = points.size();
        if (n <= maxPoints) {
            return points;
        }
        int buckets = Math.max(1, maxPoints / 4);
        int[] keep = new int[buckets * 4];
        int kept = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            int low = -1;
            int high = -1;
            for (int i = from; i < to; i++) {
                double value = points.value(i);
                if (Double.isNaN(value)) {
                    continue;
                }
                if (low < 0 || value < points.value(low)) {
                    low = i;
                }
                if (high < 0 || value > points.value(high)) {
                    high = i;
                }
            }
            // The bucket's picks in index order, each once.
            int[] picks = {from, low, high, to - 1};
            java.util.Arrays.sort(picks);
            int previous = -1;
            for (int pick : picks) {
                if (pick >= 0 && pick != previous) {
                    keep[kept++] = pick;
                    previous = pick;
                }
            }
        }
        long[] steps = new long[kept];
        double[] values = new double[kept];
        long[] timestamps = new long[kept];
        for (int i = 0; i < kept; i++) {
            steps[i] = points.step(keep[i]);
            values[i] = points.value(keep[i]);
            timestamps[i] = points.timestamp(keep[i]);
        }
        return new MetricPoints(steps, values, timestamps);
    }
}
