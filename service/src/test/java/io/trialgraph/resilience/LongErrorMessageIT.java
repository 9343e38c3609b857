package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Error messages that would quote huge inputs: the status description is cut to a few KiB, so
 * the client gets the real status (INVALID_ARGUMENT, NOT_FOUND) and not INTERNAL for a header
 * over its limit.
 */
@TrialGraphTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LongErrorMessageIT {

    @Test
    void aRefusalQuotingAHugeValueKeepsItsStatus(TestServer server) {
        for (String name : List.of("x".repeat(20_000) + " y", "é".repeat(20_000) + "%")) {
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> ExperimentServiceGrpc.newBlockingStub(server.channel())
                            .withDeadlineAfter(30, TimeUnit.SECONDS)
                            .createExperiment(CreateExperimentRequest.newBuilder()
                                    .setExperiment(Experiment.newBuilder().setName(name))
                                    .build()));
            assertThat(e.getStatus().getCode())
                    .as(e.getStatus().getCode() + " " + e.getStatus().getDescription())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription())
                    .startsWith("experiment.name")
                    .hasSizeLessThan(4_096);
        }
        RawCalls.assertServing(server.channel());
    }

    @Test
    void aRejectedBatchQuotingAHugeNameKeepsItsMessageShort(TestServer server) {
        IngestStream stream = IngestStream.open(server.channel());
        String component = "c".repeat(30_000);
        List<IngestMetricsResponse> acks = stream.sendAndAwait(io.trialgraph.api.v1.IngestMetricsRequest.newBuilder()
                .setWriterId("long-error")
                .setSequence(1)
                .addSeries(MetricSeries.newBuilder()
                        .setTrialComponentName(component)
                        .setMetricName("loss")
                        .addSteps(1)
                        .addValues(1))
                .build());
        assertThat(acks.get(0).getRejectedBatchesList())
                .singleElement()
                .satisfies(rejected -> assertThat(rejected.getMessage()).hasSizeLessThan(4_096));
        assertThat(stream.complete()).isEqualTo(Status.OK);
        RawCalls.assertServing(server.channel());
    }
}
