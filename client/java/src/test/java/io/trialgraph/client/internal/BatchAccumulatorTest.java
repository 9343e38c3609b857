package io.trialgraph.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.client.TrialGraphException;
import org.junit.jupiter.api.Test;

/** The open batch of the metric logger: columns per series, sealing, and the checks made before a point is buffered. */
class BatchAccumulatorTest {

    @Test
    void pointsAreGroupedInColumnsPerSeriesInTheOrderTheSeriesFirstAppeared() {
        BatchAccumulator open = new BatchAccumulator(1000);
        for (int step = 0; step < 3; step++) {
            open.add("job-1", "loss", step, 1.0 / (step + 1), 1000 + step);
            open.add("job-1", "acc", step, step * 0.1, 2000 + step);
            open.add(new String("job-2"), new String("loss"), step, step, 3000 + step); // equal, not identical, names
        }
        assertThat(open.size()).isEqualTo(9);

        Batch batch = open.seal(42);
        assertThat(batch.sequence).isEqualTo(42);
        assertThat(batch.points).isEqualTo(9);
        assertThat(open.size()).isZero();
        IngestMetricsRequest request = batch.request("writer-1");
        assertThat(request.getWriterId()).isEqualTo("writer-1");
        assertThat(request.getSequence()).isEqualTo(42);
        assertThat(request.getSeriesList())
                .extracting(s -> s.getTrialComponentName() + "/" + s.getMetricName())
                .containsExactly("job-1/loss", "job-1/acc", "job-2/loss");
        MetricSeries acc = request.getSeries(1);
        assertThat(acc.getStepsList()).containsExactly(0L, 1L, 2L);
        assertThat(acc.getValuesList()).containsExactly(0.0, 0.1, 0.2);
        assertThat(acc.getTimestampsList()).containsExactly(2000L, 2001L, 2002L);
        assertThat(batch.request("writer-1"))
                .as("built once, the same on every resend")
                .isSameAs(request);
    }

    @Test
    void sealingAnEmptyBatchGivesNothingAndANewBatchStartsEmpty() {
        BatchAccumulator open = new BatchAccumulator(10);
        assertThat(open.seal(1)).isNull();
        open.add("c", "m", 1, 1, 1);
        assertThat(open.seal(1).points).isEqualTo(1);
        open.add("c", "m", 2, 2, 2);
        Batch second = open.seal(2);
        assertThat(second.request("w").getSeries(0).getStepsList()).containsExactly(2L);
    }

    @Test
    void columnsGrowUpToTheBatchSize() {
        BatchAccumulator open = new BatchAccumulator(10_000);
        for (int i = 0; i < 10_000; i++) {
            open.add("c", "m", i, i, i);
        }
        MetricSeries series = open.seal(1).request("w").getSeries(0);
        assertThat(series.getStepsCount()).isEqualTo(10_000);
        assertThat(series.getSteps(9_999)).isEqualTo(9_999);
    }

    @Test
    void badNamesAndNegativeStepsFailTheCallAndLeaveTheBatchAsItWas() {
        BatchAccumulator open = new BatchAccumulator(100);
        open.add("good", "loss", 0, 1, 1);
        assertInvalid(() -> open.add("bad name", "loss", 1, 1, 1), "trial_component_name");
        assertInvalid(() -> open.add("-starts-with-dash", "loss", 1, 1, 1), "trial_component_name");
        assertInvalid(() -> open.add("x".repeat(121), "loss", 1, 1, 1), "at most 120");
        assertInvalid(() -> open.add("", "loss", 1, 1, 1), "trial_component_name");
        assertInvalid(() -> open.add("good", "", 1, 1, 1), "metric_name");
        assertInvalid(() -> open.add("good", "lo\nss", 1, 1, 1), "control");
        assertInvalid(() -> open.add("good", "m".repeat(256), 1, 1, 1), "at most 255");
        assertInvalid(() -> open.add("good", "fresh", -1, 1, 1), "step");
        assertThat(open.size()).isOne();
        IngestMetricsRequest request = open.seal(1).request("w");
        assertThat(request.getSeriesList())
                .as("no empty column for the refused point")
                .hasSize(1);
        // The longest valid names pass.
        open.add("a".repeat(120), "m".repeat(255), 0, 0, 0);
        open.add("a1.b_c-d", "val/acc@top-5", 0, 0, 0);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String mention) {
        TrialGraphException e = catchThrowableOfType(TrialGraphException.class, call);
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains(mention);
    }
}
