package io.trialgraph.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownsamplingTest {

    @Test
    void keepsFirstLastMinimumAndMaximumWithinTheLimit() {
        int n = 100_000;
        long[] steps = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = i;
            values[i] = Math.sin(i / 500.0) + (i == 31_337 ? 5 : 0) - (i == 77_777 ? 5 : 0);
        }
        MetricPoints points = new MetricPoints(steps, values, new long[n]);
        MetricPoints small = Downsampling.m4(points, 1_000);
        // 250 buckets of 2 to 4 points each (first, last, min, max; fewer where they coincide)
        assertThat(small.size()).isLessThanOrEqualTo(1_000).isGreaterThanOrEqualTo(500);
        assertThat(small.step(0)).isEqualTo(0);
        assertThat(small.step(small.size() - 1)).isEqualTo(n - 1);
        assertThat(Arrays.stream(small.steps()).boxed()).contains(31_337L, 77_777L);
        assertThat(small.isSorted()).isTrue();
    }

    @Test
    void aSeriesWithinTheLimitIsReturnedWhole() {
        MetricPoints points = new MetricPoints(new long[] {1, 2, 3}, new double[] {1, 2, 3}, new long[3]);
        assertThat(Downsampling.m4(points, 4)).isSameAs(points);
    }

    @Test
    void pointsArrivingInBlocksGiveWhatTheWholeSeriesGives() {
        java.util.Random random = new java.util.Random(3);
        for (int n : new int[] {1, 5, 999, 1_000, 1_001, 12_345, 100_000}) {
            long[] steps = new long[n];
            double[] values = new double[n];
            long[] timestamps = new long[n];
            for (int i = 0; i < n; i++) {
                steps[i] = i / 3; // repeated steps
                values[i] = random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian();
                timestamps[i] = 1_000L * i;
            }
            MetricPoints points = new MetricPoints(steps, values, timestamps);
            for (int maxPoints : new int[] {4, 7, 1_000, 50_000}) {
                MetricPoints whole = reference(points, maxPoints);
                Downsampling.M4 m4 = new Downsampling.M4(n, maxPoints);
                List<MetricPoints> parts = new ArrayList<>();
                for (int from = 0; from < n; ) {
                    int to = Math.min(n, from + 1 + random.nextInt(3_000));
                    m4.add(points.slice(from, to));
                    if (random.nextBoolean()) {
                        parts.add(m4.take());
                    }
                    from = to;
                }
                m4.finish();
                parts.add(m4.take());
                MetricPoints streamed = MetricPoints.concat(parts);
                String what = n + " points to " + maxPoints;
                assertThat(streamed.steps()).as(what).containsExactly(whole.steps());
                assertThat(streamed.timestamps()).as(what).containsExactly(whole.timestamps());
                assertThat(Arrays.equals(streamed.values(), whole.values()))
                        .as(what)
                        .isTrue();
                assertThat(Downsampling.m4(points, maxPoints).timestamps())
                        .as(what)
                        .containsExactly(whole.timestamps());
            }
        }
    }

    /** M4 on a whole array, written the plain way: the picks of each bucket by index. */
    private static MetricPoints reference(MetricPoints points, int maxPoints) {
        int n = points.size();
        if (n <= maxPoints) {
            return points;
        }
        int buckets = Math.max(1, maxPoints / 4);
        List<Integer> keep = new ArrayList<>();
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
            java.util.TreeSet<Integer> picks = new java.util.TreeSet<>(List.of(from, to - 1));
            if (low >= 0) {
                picks.add(low);
                picks.add(high);
            }
            keep.addAll(picks);
        }
        long[] s = new long[keep.size()];
        double[] v = new double[keep.size()];
        long[] t = new long[keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            s[i] = points.step(keep.get(i));
            v[i] = points.value(keep.get(i));
            t[i] = points.timestamp(keep.get(i));
        }
        return new MetricPoints(s, v, t);
    }
}
