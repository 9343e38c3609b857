package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Status;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metric logger against real servers: a server restart in the middle of a run (every point
 * stored exactly once), a full buffer while no server listens (log blocks, then throws, and
 * nothing is lost), and batches the server rejects.
 */
@TrialGraphTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricLoggerIT {

    private static final String JOB = "resilient-training";

    @Test
    void aLoggerThatLosesItsServerMidRunStoresEveryPointExactlyOnce(TestServer testServer) throws Exception {
        int port = freePort();
        long total = 120_000;
        TrialGraphServer first = startServer(testServer, port);
        TrialGraphServer second = null;
        try (TrialGraphClient client = TrialGraphClient.builder().target("127.0.0.1:" + port).plaintext().build()) {
            client.createTrialComponent(JOB, "training");
            MetricLogger logger = client.newMetricLogger()
                    .batchPoints(2_000)
                    .linger(Duration.ofMillis(20))
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                    .build();
            try {
                // First server: some batches acknowledged, more in flight and waiting when it goes.
                log(logger, 0, 40_000);
                awaitAcknowledged(logger, 10_000);
                log(logger, 40_000, 60_000);
                first.close();
                first = null;

                // No server: the points wait in the buffer; log() does not block.
                long start = System.nanoTime();
                log(logger, 60_000, 90_000);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("logging while the server is down")
                        .isLessThan(1_000);
                Thread.sleep(300);
                assertThat(logger.stats().bufferedPoints()).as("points waiting for a server").isPositive();

                // A new server on the same port and the same Neo4j: the logger reconnects and resends.
                second = startServer(testServer, port);
                log(logger, 90_000, total);
                logger.flush(Duration.ofSeconds(60));

                MetricLogger.Stats stats = logger.stats();
                assertThat(stats.loggedPoints()).isEqualTo(total);
                assertThat(stats.acknowledgedPoints()).isEqualTo(total);
                assertThat(stats.bufferedPoints()).isZero();
                assertThat(stats.rejectedBatches()).isZero();
                assertThat(stats.reconnects()).as("the stream was reopened").isPositive();

                MetricSummary summary = client.getMetricSummaries(JOB).get(0);
                assertThat(summary.count()).as("each point stored once").isEqualTo(total);
                assertThat(summary.mean() * summary.count()).as("sum of the values")
                        .isCloseTo((total - 1) * total / 2.0, within(1e-3));
                assertThat(summary.min()).isZero();
                assertThat(summary.max()).isEqualTo(total - 1);
                assertThat(summary.firstStep()).isZero();
                assertThat(summary.lastStep()).isEqualTo(total - 1);

                Series series = client.readMetricSeries(JOB, "loss");
                assertThat(series.size()).isEqualTo((int) total);
                for (int i = 0; i < total; i++) {
                    if (series.steps()[i] != i || series.values()[i] != i) {
                        throw new AssertionError("point " + i + " is step " + series.steps()[i] + " value " + series.values()[i]);
                    }
                }
                assertThat(testServer.count("MATCH (m:Metric {component: $c, name: 'loss'}) RETURN m.count", "c", JOB))
                        .isEqualTo(total);
                assertThat(testServer.count("MATCH (w:MetricWriter {id: $id}) RETURN w.sequence", "id", logger.writerId()))
                        .as("the writer's high-water mark is the last sequence acknowledged")
                        .isEqualTo(stats.acknowledgedSequence());
            } finally {
                logger.close(Duration.ofSeconds(10));
            }
        } finally {
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void whenNoServerAnswersAFullBufferBlocksLogForMaxBlockThenThrowsAndKeepsEveryPoint(TestServer testServer)
            throws Exception {
        int port = freePort(); // nothing listens there yet
        try (TrialGraphClient existing = client(testServer)) {
            existing.createTrialComponent("patient-job", "training");
        }
        TrialGraphServer late = null;
        try (TrialGraphClient client = TrialGraphClient.builder().target("127.0.0.1:" + port).plaintext().build()) {
            MetricLogger logger = client.newMetricLogger()
                    .bufferPoints(100)
                    .batchPoints(40)
                    .linger(Duration.ofMillis(10))
                    .maxBlock(Duration.ofMillis(800))
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                    .build();
            try {
                for (int step = 0; step < 100; step++) {
                    logger.log("patient-job", "loss", step, step);
                }
                long start = System.nanoTime();
                TrialGraphException full = catchThrowableOfType(TrialGraphException.class,
                        () -> logger.log("patient-job", "loss", 100, 100));
                long blocked = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(full).as("log throws when the buffer stays full").isNotNull();
                assertThat(full.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(full.getMessage()).contains("buffer full").contains("not logged").contains("UNAVAILABLE");
                assertThat(blocked).as("blocked for maxBlock").isBetween(750L, 5_000L);
                MetricLogger.Stats stats = logger.stats();
                assertThat(stats.loggedPoints()).isEqualTo(100);
                assertThat(stats.bufferedPoints()).as("nothing dropped").isEqualTo(100);
                assertThat(stats.lostPoints()).isZero();
                TrialGraphException notYet = catchThrowableOfType(TrialGraphException.class,
                        () -> logger.flush(Duration.ofMillis(200)));
                assertThat(notYet.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);

                // The server comes: everything held is delivered, and logging goes on.
                late = startServer(testServer, port);
                logger.flush(Duration.ofSeconds(30));
                logger.log("patient-job", "loss", 100, 100);
                logger.flush(Duration.ofSeconds(30));
                assertThat(logger.stats().storedPoints()).isEqualTo(101);
            } finally {
                logger.close(Duration.ofSeconds(10));
            }
            assertThat(testServer.count("MATCH (m:Metric {component: 'patient-job', name: 'loss'}) RETURN m.count"))
                    .isEqualTo(101);
        } finally {
            if (late != null) {
                late.close();
            }
        }
    }

    @Test
    void aBatchNamingAnUnknownComponentIsReportedAndTheLoggerGoesOn(TestServer testServer) {
        List<MetricLogger.Rejection> rejections = new CopyOnWriteArrayList<>();
        try (TrialGraphClient client = client(testServer)) {
            client.createTrialComponent("known-job", "training");
            try (MetricLogger logger = client.newMetricLogger().onRejected(rejections::add).build()) {
                logger.log("known-job", "loss", 0, 1.0);
                logger.flush();
                logger.log("ghost-job", "loss", 0, 1.0);
                logger.log("ghost-job", "loss", 1, 2.0);
                logger.flush();
                logger.log("known-job", "loss", 1, 2.0);
                logger.flush();

                MetricLogger.Stats stats = logger.stats();
                assertThat(stats.rejectedBatches()).isOne();
                assertThat(stats.rejectedPoints()).isEqualTo(2);
                assertThat(stats.storedPoints()).isEqualTo(2);
            }
            assertThat(rejections).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(r.message()).contains("ghost-job");
                assertThat(r.points()).isEqualTo(2);
            });
            assertThat(client.getMetricSummaries("known-job").get(0).count()).isEqualTo(2);
        }
        assertThat(testServer.count("MATCH (c:TrialComponent {name: 'ghost-job'}) RETURN count(c)")).isZero();
    }

    private static void log(MetricLogger logger, long from, long to) {
        for (long step = from; step < to; step++) {
            logger.log(JOB, "loss", step, step);
        }
    }

    private static void awaitAcknowledged(MetricLogger logger, long points) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (logger.stats().acknowledgedPoints() < points) {
            assertThat(System.nanoTime()).as("acknowledgements within 30 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static TrialGraphClient client(TestServer server) {
        return TrialGraphClient.builder().target("127.0.0.1:" + server.port()).plaintext().build();
    }

    /** A server of its own on a fixed port, on the test Neo4j, that cancels calls 200 ms after it is told to stop. */
    private static TrialGraphServer startServer(TestServer testServer, int port) {
        Map<String, Object> settings = new HashMap<>(testServer.neo4j().serverProperties());
        settings.put("grpc.server.port", port);
        settings.put("trialgraph.server.shutdown-grace-period", "200ms");
        return TrialGraphServer.start(settings);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
