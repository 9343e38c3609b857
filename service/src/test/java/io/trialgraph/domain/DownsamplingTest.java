package io.trialgraph.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
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
}
