package io.trialgraph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trialgraph.domain.MetricPoints;
import org.junit.jupiter.api.Test;

class PointCodecTest {

    @Test
    void roundTripsEveryValueExactlyIncludingNonFiniteAndOutOfOrderSteps() {
        MetricPoints points = new MetricPoints(
                new long[] {0, 1, 2, 1_000_000_000_000L, 7, 7, Long.MAX_VALUE},
                new double[] {0.5, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1e308},
                new long[] {1_700_000_000_000L, 1_700_000_000_001L, 1_699_999_999_000L, 0, -5, Long.MIN_VALUE, Long.MAX_VALUE});
        MetricPoints decoded = PointCodec.decode(PointCodec.encode(points));
        assertThat(decoded.steps()).containsExactly(points.steps());
        assertThat(decoded.timestamps()).containsExactly(points.timestamps());
        for (int i = 0; i < points.size(); i++) {
            assertThat(Double.doubleToRawLongBits(decoded.value(i))).isEqualTo(Double.doubleToRawLongBits(points.value(i)));
        }
    }

    @Test
    void trainingCurvesTakeAboutElevenBytesAPoint() {
        int n = 2_048;
        long[] steps = new long[n];
        double[] values = new double[n];
        long[] timestamps = new long[n];
        for (int i = 0; i < n; i++) {
            steps[i] = 100_000 + i;
            values[i] = Math.exp(-i / 500.0);
            timestamps[i] = 1_700_000_000_000L + i * 120L;
        }
        byte[] bytes = PointCodec.encode(new MetricPoints(steps, values, timestamps));
        assertThat(bytes.length / (double) n).isLessThan(11.5);
    }

    @Test
    void emptyAndUnknownFormats() {
        assertThat(PointCodec.decode(PointCodec.encode(MetricPoints.empty())).size()).isZero();
        assertThatThrownBy(() -> PointCodec.decode(new byte[] {9, 0})).isInstanceOf(IllegalArgumentException.class);
    }
}
