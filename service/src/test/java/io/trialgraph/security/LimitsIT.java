package io.trialgraph.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import io.trialgraph.testing.TestCertificates;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The server's limits: message size, default deadline, calls per connection; and the plain-text warning. */
@TrialGraphTest
class LimitsIT {

    private static TrialGraphServer server;

    @BeforeAll
    static void start(TestNeo4j neo4j) {
        server = TestServer.dedicated(
                neo4j,
                Map.of(
                        "grpc.server.max-inbound-message-size", 1024,
                        "trialgraph.server.default-deadline", "1s",
                        "trialgraph.server.max-concurrent-calls-per-connection", 1));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ManagedChannel channel() {
        return ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
    }

    @Test
    void aMessageOverTheSizeLimitIsResourceExhausted() {
        try (TrialGraphClient client = TrialGraphClient.builder()
                .target("localhost:" + server.grpcPort())
                .plaintext()
                .build()) {
            TrialGraphException e = catchThrowableOfType(
                    TrialGraphException.class, () -> client.createExperiment("big", "x".repeat(2000), Map.of()));
            assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getMessage()).contains("exceeds maximum size 1024");
            assertThat(client.createExperiment("small", "fits", Map.of()).name())
                    .isEqualTo("small");
        }
    }

    @Test
    void aQueryWithoutDeadlineGetsTheServersDefault() {
        ManagedChannel channel = channel();
        try {
            long started = System.nanoTime();
            // No deadline from the client: without the server's default this would run for minutes.
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> {
                Iterator<?> rows = QueryServiceGrpc.newBlockingStub(channel)
                        .runQuery(RunQueryRequest.newBuilder()
                                .setCypher(
                                        "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y WITH x WHERE x < 0 RETURN count(x) AS n")
                                .setTimeoutMs(120_000)
                                .build());
                rows.forEachRemaining(row -> {});
            });
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(e).isNotNull();
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(tookMs).isBetween(900L, 15_000L);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aMetricStreamOutlivesTheDefaultDeadlineAndHoldsTheConnectionsOnlyCallSlot() throws Exception {
        ManagedChannel channel = channel();
        ManagedChannel other = channel();
        try {
            BlockingQueue<Object> events = new LinkedBlockingQueue<>();
            StreamObserver<IngestMetricsRequest> stream = MetricServiceGrpc.newStub(channel)
                    .ingestMetrics(new StreamObserver<>() {
                        @Override
                        public void onNext(IngestMetricsResponse response) {
                            events.add(response);
                        }

                        @Override
                        public void onError(Throwable t) {
                            events.add(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            events.add(Status.OK);
                        }
                    });
            stream.onNext(batch(1));
            assertThat(events.poll(30, TimeUnit.SECONDS)).isInstanceOf(IngestMetricsResponse.class);

            Thread.sleep(1500); // longer than the default deadline of unary calls
            stream.onNext(batch(2));
            Object second = events.poll(30, TimeUnit.SECONDS);
            assertThat(second).as("the stream is still open").isInstanceOf(IngestMetricsResponse.class);
            assertThat(((IngestMetricsResponse) second).getAcknowledgedSequence())
                    .isEqualTo(2);

            // One call per connection: a second call on the same connection waits for the stream to end.
            StatusRuntimeException waited = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> ServerServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(1, TimeUnit.SECONDS)
                            .getServerInfo(GetServerInfoRequest.getDefaultInstance()));
            assertThat(waited).isNotNull();
            assertThat(waited.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(ServerServiceGrpc.newBlockingStub(other)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getServerInfo(GetServerInfoRequest.getDefaultInstance())
                            .getVersion())
                    .isNotEmpty();

            stream.onCompleted();
            assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo(Status.OK);
            assertThat(ServerServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getServerInfo(GetServerInfoRequest.getDefaultInstance())
                            .getVersion())
                    .isNotEmpty();
        } finally {
            channel.shutdownNow();
            other.shutdownNow();
        }
    }

    /** A batch for a component that does not exist: rejected in the acknowledgement, and the stream goes on. */
    private static IngestMetricsRequest batch(long sequence) {
        return IngestMetricsRequest.newBuilder()
                .setWriterId("limits-it")
                .setSequence(sequence)
                .addSeries(MetricSeries.newBuilder()
                        .setTrialComponentName("no-such-job")
                        .setMetricName("loss")
                        .addSteps(sequence)
                        .addValues(1.0))
                .build();
    }

    @Test
    void plainTextOnTheNetworkIsOneWarningAndLoopbackOrTlsNone(TestNeo4j neo4j, @TempDir Path dir) {
        Logger logger = (Logger) LoggerFactory.getLogger("io.trialgraph.grpc.GrpcTransportCustomizer");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            try (TrialGraphServer open = TestServer.dedicated(neo4j, Map.of("grpc.server.host", "0.0.0.0"))) {
                assertThat(warnings(log))
                        .singleElement()
                        .asString()
                        .startsWith(
                                "gRPC listens on 0.0.0.0, a free port in plain text: anyone on the network can read the traffic");
            }
            log.list.clear();
            try (TrialGraphServer loopback = TestServer.dedicated(neo4j, Map.of())) {
                assertThat(warnings(log)).isEmpty();
            }
            TestCertificates certificate = TestCertificates.authority(dir, "ca").issueServer("server");
            try (TrialGraphServer tls = TestServer.dedicated(
                    neo4j,
                    Map.of(
                            "grpc.server.host",
                            "0.0.0.0",
                            "trialgraph.server.tls.cert-chain",
                            certificate.certificate().toString(),
                            "trialgraph.server.tls.private-key",
                            certificate.privateKey().toString()))) {
                assertThat(warnings(log)).isEmpty();
            }
        } finally {
            logger.detachAppender(log);
        }
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> log) {
        return log.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
