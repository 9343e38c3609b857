package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.grpc.ServingStatusReporter;
import io.trialgraph.service.BackgroundTasks;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A background thread of the service that dies leaves it half alive: health says NOT_SERVING, overall and for liveness. */
@TrialGraphTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackgroundDeathIT {

    @Test
    void healthGoesNotServingForGoodWhenABackgroundThreadDies(TestNeo4j neo4j) throws Exception {
        try (TrialGraphServer server =
                TestServer.dedicated(neo4j, Map.of("trialgraph.server.health-check-interval", "200ms"))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                assertThat(status(channel, "")).isEqualTo(ServingStatus.SERVING);
                // A thread made the way the service makes its own (health checker, ingest workers) dies of a failure.
                Thread thread = server.context()
                        .getBean(BackgroundTasks.class)
                        .threads("trialgraph-test-task")
                        .newThread(() -> {
                            throw new IllegalStateException("the task broke");
                        });
                thread.start();
                thread.join();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (status(channel, "") == ServingStatus.SERVING && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(status(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
                assertThat(status(channel, ServingStatusReporter.LIVENESS)).isEqualTo(ServingStatus.NOT_SERVING);
                // Neo4j still answers, and the health checker runs every 200 ms: the status stays.
                Thread.sleep(1_000);
                assertThat(status(channel, "")).isEqualTo(ServingStatus.NOT_SERVING);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static ServingStatus status(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }
}
