package io.trialgraph.observability;

import static io.trialgraph.testing.ApiFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.GetTrialRequest;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.testing.CapturedLogs;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The one log line of a failed call, written by a real server for a real client. */
@TrialGraphTest
class FailedCallLogIT {

    private static final String CALL_LOGGER = "io.trialgraph.grpc.FailedCallLogInterceptor";

    @Test
    void notFoundCallLogsMethodStatusDurationAndPeerButNoMetadata(TestServer server) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer tg-secret-token-4711");
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), "tg-api-key-0815");
        ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments = ExperimentServiceGrpc.newBlockingStub(server.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);

        try (CapturedLogs calls = CapturedLogs.of(CALL_LOGGER); CapturedLogs all = CapturedLogs.of(Logger.ROOT_LOGGER_NAME)) {
            failure(() -> experiments.getExperiment(GetExperimentRequest.newBuilder().setName("no-such-experiment").build()),
                    Status.Code.NOT_FOUND);

            assertThat(calls.withMessage("gRPC call failed")).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.INFO);
                Map<String, String> values = CapturedLogs.keyValues(line);
                assertThat(values).containsEntry("method", "trialgraph.v1.ExperimentService/GetExperiment")
                        .containsEntry("status", "NOT_FOUND")
                        .containsEntry("message", "experiment 'no-such-experiment' does not exist")
                        .doesNotContainKey("reference");
                assertThat(Long.parseLong(values.get("duration_ms"))).isBetween(0L, 30_000L);
                assertThat(values.get("peer")).startsWith("127.0.0.1:");
            });
            assertThat(all.everything()).doesNotContain("tg-secret-token-4711").doesNotContain("tg-api-key-0815");
        }
    }

    @Test
    void successfulCallsLogNothing(TestServer server) {
        try (CapturedLogs calls = CapturedLogs.of(CALL_LOGGER)) {
            ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments =
                    ExperimentServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
            io.trialgraph.testing.ApiFixtures.createExperiment(experiments, "logged-nowhere");
            experiments.getExperiment(GetExperimentRequest.newBuilder().setName("logged-nowhere").build());

            failure(() -> TrialServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getTrial(GetTrialRequest.newBuilder().setName("Not a name!").build()), Status.Code.INVALID_ARGUMENT);

            assertThat(calls.events()).extracting(ILoggingEvent::getMessage).containsExactly("gRPC call failed");
            assertThat(CapturedLogs.keyValues(calls.events().get(0)))
                    .containsEntry("method", "trialgraph.v1.TrialService/GetTrial")
                    .containsEntry("status", "INVALID_ARGUMENT");
        }
    }
}
