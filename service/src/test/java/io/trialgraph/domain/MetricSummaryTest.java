package io.trialgraph.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricSummaryTest {

    @Test
    void summariesOfBatchesCombineToTheSummaryOfAllPoints() {
        Random random = new Random(7);
        int n = 10_000;
        long[] steps = new long[n];
        double[] values = new double[n];
        long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            steps[i] = random.nextInt(5_000);
            values[i] = i % 997 == 0 ? Double.NaN : 1e6 + random.nextGaussian();
            timestamps[i] = 1_700_000_000_000L + i;
        }
        MetricPoints all = new MetricPoints(steps, values, timestamps);
        MetricSummary once = MetricSummary.empty("c", "m").plus(all);
        MetricSummary inBatches = MetricSummary.empty("c", "m");
        for (int from = 0; from < n; from += 333) {
            inBatches = inBatches.plus(all.slice(from, Math.min(n, from + 333)));
        }
        assertThat(inBatches).isEqualTo(once);

        double sum = 0;
        int finite = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                sum += v;
                finite++;
            }
        }
        double mean = sum / finite;
        double squares = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        assertThat(once.count()).isEqualTo(n);
        assertThat(once.nonFiniteCount()).isEqualTo(11);
        assertThat(once.mean()).isCloseTo(mean, within(1e-6));
        assertThat(once.std()).isCloseTo(Math.sqrt(squares / (finite - 1)), within(1e-9));
    }

    @Test
    void lastIsTheValueAtTheHighestStepAndFirstAtTheLowest() {
        MetricPoints points = new MetricPoints(new long[] {5, 9, 1, 9}, new double[] {0.5, 0.9, 0.1, 0.99}, new long[4]);
        MetricSummary summary = MetricSummary.empty("c", "m").plus(points);
        assertThat(summary.last()).isEqualTo(0.99);
        assertThat(summary.lastStep()).isEqualTo(9);
        assertThat(summary.first()).isEqualTo(0.1);
        assertThat(summary.firstStep()).isEqualTo(1);
        assertThat(summary.maxStep()).isEqualTo(9);
        assertThat(summary.minStep()).isEqualTo(1);
    }
}
