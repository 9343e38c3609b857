package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.testing.ServiceProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service with the heap Kubernetes gives it (1 GiB), as writers hit it: a burst of
 * maximum batches, hundreds of small streams, SIGTERM while streams are open, and SIGKILL during
 * ingest. One process (started again on the same data) serves the cases in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PackagedServiceIT {

    private static final int MAX_BATCH = 100_000;

    @TempDir
    static Path dir;

    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        service = new ServiceProcess(dir, "-Xmx1g", Map.of()).start();
        service.awaitServing(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        service.close();
    }

    @Test
    @Order(1)
    void theLauncherMakesTheJvmExitOnOutOfMemory() {
        assertThat(service.commandLine()).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx1g");
    }

    @Test
    @Order(2)
    void threeHundredStreamsEachSendingAMaximumBatchAtOnceFitIntoAOneGibHeap() throws Exception {
        int streams = 300;
        int components = 30;
        new IngestWriters("burst", components, 1).createComponents(service.channel());
        // One body (steps and values of 100,000 points) shared by every request: the client stays small.
        MetricSeries.Builder points = MetricSeries.newBuilder();
        for (int i = 0; i < MAX_BATCH; i++) {
            points.addSteps(i).addValues(i * 0.5);
        }
        byte[] body = points.build().toByteArray();
        List<ManagedChannel> channels = new ArrayList<>();
        List<CompletableFuture<IngestMetricsResponse>> acks = new ArrayList<>();
        try {
            for (int c = 0; c < 10; c++) {
                channels.add(ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort())
                        .usePlaintext()
                        .build());
            }
            for (int s = 0; s < streams; s++) {
                acks.add(sendOne(
                        channels.get(s % channels.size()),
                        "burst-writer-" + s,
                        "burst-" + (s % components),
                        "m" + (s / components),
                        body));
            }
            for (CompletableFuture<IngestMetricsResponse> ack : acks) {
                IngestMetricsResponse response = ack.get(8, TimeUnit.MINUTES);
                assertThat(response.getRejectedBatchesList()).isEmpty();
                assertThat(response.getStoredPoints()).isEqualTo(MAX_BATCH);
            }
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
        }
        assertThat(service.process().isAlive())
                .as("the service is alive (it exits on OutOfMemoryError)")
                .isTrue();
        long stored = 0;
        for (int c = 0; c < components; c++) {
            var summaries = MetricServiceGrpc.newBlockingStub(service.channel())
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .getMetricSummaries(io.trialgraph.api.v1.GetMetricSummariesRequest.newBuilder()
                            .addTrialComponentNames("burst-" + c)
                            .build());
            stored += summaries.getSummariesList().stream()
                    .mapToLong(s -> s.getCount())
                    .sum();
        }
        assertThat(stored).isEqualTo((long) streams * MAX_BATCH);
        assertStillServing();
        assertThat(Files.readString(service.log())).doesNotContain("OutOfMemoryError");
    }

    /** One stream, one batch of raw bytes (the request's own fields, then the shared points), then half-close. */
    private static CompletableFuture<IngestMetricsResponse> sendOne(
            ManagedChannel channel, String writer, String component, String metric, byte[] body) throws IOException {
        byte[] names = MetricSeries.newBuilder()
                .setTrialComponentName(component)
                .setMetricName(metric)
                .build()
                .toByteArray();
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(prefix);
        out.writeString(1, writer);
        out.writeInt64(2, 1);
        out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(names.length + body.length);
        out.writeRawBytes(names);
        out.flush();
        MethodDescriptor<InputStream, IngestMetricsResponse> method =
                MetricServiceGrpc.getIngestMetricsMethod().toBuilder(
                                RAW, MetricServiceGrpc.getIngestMetricsMethod().getResponseMarshaller())
                        .build();
        ClientCall<InputStream, IngestMetricsResponse> call =
                channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(8, TimeUnit.MINUTES));
        CompletableFuture<IngestMetricsResponse> ack = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(IngestMetricsResponse message) {
                        ack.complete(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!ack.isDone()) {
                            ack.completeExceptionally(status.asRuntimeException());
                        }
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(new TwoParts(prefix.toByteArray(), body));
        call.halfClose();
        return ack;
    }

    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    /** Two byte arrays read as one message, with its length known up front (so gRPC streams it without a copy). */
    private static final class TwoParts extends InputStream implements KnownLength {
        private final byte[] first;
        private final byte[] second;
        private int position;

        TwoParts(byte[] first, byte[] second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public int read() {
            if (position >= first.length + second.length) {
                return -1;
            }
            int b = position < first.length ? first[position] : second[position - first.length];
            position++;
            return b & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            int left = available();
            if (left == 0) {
                return -1;
            }
            int n = Math.min(length, left);
            for (int i = 0; i < n; ) {
                if (position < first.length) {
                    int k = Math.min(n - i, first.length - position);
                    System.arraycopy(first, position, into, offset + i, k);
                    position += k;
                    i += k;
                } else {
                    int k = Math.min(n - i, first.length + second.length - position);
                    System.arraycopy(second, position - first.length, into, offset + i, k);
                    position += k;
                    i += k;
                }
            }
            return n;
        }

        @Override
        public int available() {
            return first.length + second.length - position;
        }
    }

    @Test
    @Order(3)
    void fiveHundredSmallStreamsMakeNoThreadEach() throws Exception {
        double before = service.management()
                .scrape()
                .value("jvm_threads_live_threads", Map.of())
                .orElseThrow();
        IngestWriters writers = new IngestWriters("small", 500, 50, 100).createComponents(service.channel());
        writers.start(service.channel(), 1, 2);
        assertThat(writers.awaitEnd(300)).extracting(Status::getCode).containsOnly(Status.Code.OK);
        for (IngestWriters.Writer writer : writers.writers()) {
            assertThat(writer.acknowledged.get()).isEqualTo(2);
        }
        double peak = service.management()
                .scrape()
                .value("jvm_threads_peak_threads", Map.of())
                .orElseThrow();
        System.out.printf("500 small streams: live threads before %.0f, peak %.0f%n", before, peak);
        assertThat(peak - before).as("threads added while 500 streams wrote").isLessThan(100);
        assertStillServing();
    }

    @Test
    @Order(4)
    void sixThousandIdleConnectionsTakeAtMostTheCapOfFileDescriptorsAndGoAfterTheHandshakeTimeout() throws Exception {
        long before = service.openFileDescriptors();
        List<java.net.Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 6_000; i++) {
                java.net.Socket socket = new java.net.Socket();
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", service.grpcPort()), 10_000);
                idle.add(socket);
            }
            double refused = service.management()
                    .scrapeUntil(scrape -> scrape.value("trialgraph_grpc_connections_refused_total", Map.of())
                                    .orElse(0)
                            > 0)
                    .value("trialgraph_grpc_connections_refused_total", Map.of())
                    .orElse(0);
            long during = service.openFileDescriptors();
            System.out.printf(
                    "6,000 idle connections: service file descriptors %d -> %d, %.0f refused%n",
                    before, during, refused);
            assertThat(refused).as("connections refused on accept").isPositive();
            // The cap is 4,096 connections; beside them the service holds the management scrape's
            // connection and, for a moment, each refused connection between accept and close. With
            // no slack the test failed now and then at 4,097; without the cap it would be 6,000.
            assertThat(during - before)
                    .as("file descriptors the service opened")
                    .isLessThanOrEqualTo(4_096 + 32);
            // The handshake timeout (10 s) closes the silent ones; a new client gets through again.
            ManagedChannel fresh = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    try {
                        io.trialgraph.resilience.RawCalls.assertServing(fresh);
                        break;
                    } catch (RuntimeException | AssertionError notYet) {
                        assertThat(System.nanoTime())
                                .as("a new client served after the handshake timeout")
                                .isLessThan(deadline);
                        fresh.resetConnectBackoff();
                        Thread.sleep(500);
                    }
                }
            } finally {
                fresh.shutdownNow();
            }
        } finally {
            for (java.net.Socket socket : idle) {
                try {
                    socket.close();
                } catch (IOException closedAlready) {
                    // the server closed it
                }
            }
        }
    }

    @Test
    @Order(5)
    void afterSigkillDuringIngestEveryAcknowledgedBatchIsStoredOnceAndHealthComesBack() throws Exception {
        IngestWriters writers = new IngestWriters("crash", 8, 10_000).createComponents(service.channel());
        writers.start(service.channel(), 1, Long.MAX_VALUE);
        awaitAcknowledged(writers, 8);
        service.kill();
        writers.awaitEnd(60);

        Duration recovery = startAgain();
        System.out.printf("restart after SIGKILL during ingest: SERVING in %d ms%n", recovery.toMillis());
        for (IngestWriters.Writer writer : writers.writers()) {
            long stored = IngestWriters.stored(service.channel(), writer.name);
            assertThat(stored % 10_000)
                    .as("%s: whole batches only", writer.name)
                    .isZero();
            assertThat(stored)
                    .as("%s: every acknowledged batch", writer.name)
                    .isGreaterThanOrEqualTo(writer.acknowledged.get() * 10_000)
                    .isLessThanOrEqualTo(writer.sent.get() * 10_000);
        }
        // Each writer resends everything above its last acknowledgement: what was committed unacknowledged is not
        // stored twice.
        IngestWriters resend = writers;
        for (IngestWriters.Writer writer : resend.writers()) {
            writer.start(service.channel(), writer.acknowledged.get() + 1, writer.sent.get());
        }
        assertThat(resend.awaitEnd(300)).extracting(Status::getCode).containsOnly(Status.Code.OK);
        for (IngestWriters.Writer writer : resend.writers()) {
            assertThat(IngestWriters.stored(service.channel(), writer.name))
                    .as(writer.name)
                    .isEqualTo(writer.sent.get() * 10_000);
        }
    }

    @Test
    @Order(6)
    void sigtermEndsEveryIngestStreamWithUnavailable() throws Exception {
        IngestWriters writers = new IngestWriters("term", 8, 10_000).createComponents(service.channel());
        writers.start(service.channel(), 1, Long.MAX_VALUE);
        awaitAcknowledged(writers, 3);
        service.terminate(Duration.ofSeconds(30));
        assertThat(writers.awaitEnd(60))
                .as("how the streams ended")
                .extracting(Status::getCode)
                .containsOnly(Status.Code.UNAVAILABLE);
    }

    private static Duration startAgain() throws Exception {
        long started = System.nanoTime();
        service.start();
        service.awaitServing(Duration.ofSeconds(300));
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void awaitAcknowledged(IngestWriters writers, long sequence) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        for (IngestWriters.Writer writer : writers.writers()) {
            while (writer.acknowledged.get() < sequence) {
                assertThat(System.nanoTime())
                        .as("%s acknowledged %d batches", writer.name, sequence)
                        .isLessThan(deadline);
                assertThat(writer.end.isDone())
                        .as("%s still streaming", writer.name)
                        .isFalse();
                Thread.sleep(50);
            }
        }
    }

    /** Health SERVING and a small call answered, each within 2 s. */
    private static void assertStillServing() {
        assertThat(io.grpc.health.v1.HealthGrpc.newBlockingStub(service.channel())
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        assertThat(ServerServiceGrpc.newBlockingStub(service.channel())
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .getServerInfo(GetServerInfoRequest.getDefaultInstance())
                        .getVersion())
                .isNotEmpty();
    }
}
