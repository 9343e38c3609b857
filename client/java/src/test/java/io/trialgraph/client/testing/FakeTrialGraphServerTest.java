package io.trialgraph.client.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.trialgraph.client.ArtifactKind;
import io.trialgraph.client.ComponentStatus;
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.Tracker;
import io.trialgraph.client.TrialComponent;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake server as a user's test would use it: real client, tracker and logger against it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeTrialGraphServerTest {

    @Test
    void aTrackedJobIsRecordedWithItsParametersArtifactsStatusAndEveryPointOnce() {
        try (FakeTrialGraphServer server = FakeTrialGraphServer.start()) {
            try (TrialGraphClient client = server.client()) {
                client.createExperiment("cifar10", "custom beats resnet", Map.of());
                client.createTrial("cifar10", "custom-adam-60", Map.of());
                try (Tracker job = client.tracker("custom-adam-60-training", "training", "custom-adam-60")) {
                    job.logParameters(Map.of("epochs", 60, "optimizer", "adam"));
                    job.logInput("train", "s3://bucket/cifar10/train", ArtifactKind.DATASET);
                    for (int step = 0; step < 500; step++) {
                        job.logMetric("loss", step, 1.0 / (step + 1));
                        if (step == 250) {
                            client.metricLogger().flush();
                            server.breakMetricStreams(); // the logger reconnects and resends what was not acknowledged
                        }
                    }
                    job.logOutput("model", "s3://bucket/models/custom-adam-60", ArtifactKind.MODEL);
                }
            }
            assertThat(server.experiments()).containsExactly("cifar10");
            assertThat(server.points("custom-adam-60-training", "loss"))
                    .hasSize(500)
                    .extracting(FakeTrialGraphServer.Point::step)
                    .doesNotHaveDuplicates();
            TrialComponent job = server.component("custom-adam-60-training").orElseThrow();
            assertThat(job.parameters()).containsEntry("epochs", 60L).containsEntry("optimizer", "adam");
            assertThat(job.status()).isEqualTo(ComponentStatus.COMPLETED);
            assertThat(job.inputs()).hasSize(1);
            assertThat(job.outputs()).hasSize(1);
            assertThat(job.trialNames()).containsExactly("custom-adam-60");
        }
    }

    @Test
    void refusalsLookLikeTheServersOnes() {
        try (FakeTrialGraphServer server = FakeTrialGraphServer.start();
                TrialGraphClient client = server.client()) {
            assertThat(catchThrowableOfType(TrialGraphException.class, () -> client.createTrial("nope", "t", Map.of()))
                            .code())
                    .isEqualTo(Status.Code.NOT_FOUND);
            client.createExperiment("e", "", Map.of());
            assertThat(catchThrowableOfType(TrialGraphException.class, () -> client.createExperiment("e", "", Map.of()))
                            .code())
                    .isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(catchThrowableOfType(
                                    TrialGraphException.class, () -> client.createExperiment("my exp", "", Map.of()))
                            .code())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            server.failCalls(Status.Code.PERMISSION_DENIED);
            assertThat(catchThrowableOfType(TrialGraphException.class, () -> client.getExperiment("e"))
                            .code())
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
            server.failCalls(null);
            assertThat(client.getExperiment("e").name()).isEqualTo("e");
        }
    }

    @Test
    void pointsForAnUnknownComponentAreRejectedWholeAndReported() {
        try (FakeTrialGraphServer server = FakeTrialGraphServer.start();
                TrialGraphClient client = server.client()) {
            java.util.List<MetricLogger.Rejection> rejections = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (MetricLogger logger =
                    client.newMetricLogger().onRejected(rejections::add).build()) {
                logger.log("ghost-job", "loss", 0, 1.0);
                logger.flush(Duration.ofSeconds(20));
            }
            // onRejected runs on a gRPC thread just after the acknowledgement that flush waits for.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (rejections.isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(rejections)
                    .singleElement()
                    .satisfies(r -> assertThat(r.code()).isEqualTo(Status.Code.NOT_FOUND));
            assertThat(server.points("ghost-job", "loss")).isEmpty();
        }
    }
}
