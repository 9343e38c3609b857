package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.observation.metrics.ConnectionPoolMetrics;

/**
 * Readers that stop reading: 8 series reads of a million points and 8 CSV exports of a
 * 12,000-row table, each taking one message and then nothing. The server must hold no more than
 * the documented bound per stalled reader (a block of points or a page of rows, plus what the
 * transport buffers), no Neo4j connection, and go on serving. Over HTTP, a series answer too
 * large for memory is refused.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StalledReadersIT {

    private static final int POINTS = 1_000_000;
    private static final int ROWS = 12_000;
    private static final int READERS = 8;
    /** 16 stalled readers of about 2 MB each, and room for the noise of a shared JVM. */
    private static final long BOUND_BYTES = 64L * 1024 * 1024;

    @Test
    void sixteenReadersThatStopReadingHoldLittleMemoryAndNoConnection(TestServer server) throws Exception {
        prepareSeries(server);
        prepareTable(server);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                // A small window: what the client buffers for a stalled call stays small too.
                .flowControlWindow(64 * 1024)
                .build();
        List<ClientCall<byte[], byte[]>> calls = new ArrayList<>();
        try {
            long before = usedMemory();
            List<CompletableFuture<Void>> first = new ArrayList<>();
            byte[] series = ReadMetricSeriesRequest.newBuilder()
                    .setTrialComponentName("big")
                    .setMetricName("loss")
                    .build()
                    .toByteArray();
            byte[] table = GetTableRequest.newBuilder()
                    .setExperimentName("wide")
                    .build()
                    .toByteArray();
            for (int i = 0; i < READERS; i++) {
                first.add(stall(channel, MetricServiceGrpc.getReadMetricSeriesMethod(), series, calls));
                first.add(stall(channel, AnalyticsServiceGrpc.getExportTableCsvMethod(), table, calls));
            }
            for (CompletableFuture<Void> message : first) {
                message.get(120, TimeUnit.SECONDS);
            }
            // Time for a server that ignored flow control to push everything into its buffers.
            Thread.sleep(3_000);
            long stalled = usedMemory();
            System.out.printf("16 stalled readers: heap + direct memory %,d -> %,d bytes%n", before, stalled);
            assertThat(stalled - before)
                    .as("memory held for 16 stalled readers")
                    .isLessThan(BOUND_BYTES);
            long inUse = server.server().context().getBean(Neo4jConnection.class).connectionPools().stream()
                    .mapToLong(ConnectionPoolMetrics::inUse)
                    .sum();
            assertThat(inUse).as("Neo4j connections held by stalled readers").isZero();
            RawCalls.assertServing(server.channel());
        } finally {
            calls.forEach(call -> call.cancel("the test is done", null));
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        RawCalls.assertServing(server.channel());
        assertHttpSeriesReadsAreBounded(server);
    }

    /**
     * Over HTTP the series answer is JSON built in memory: a read of every one of a million points
     * is refused (429, before a point is read), a downsampled one is answered.
     */
    private static void assertHttpSeriesReadsAreBounded(TestServer server) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.httpPort() + "/api/v1/series?metric=loss&component=big";
        HttpResponse<String> all =
                http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(all.statusCode()).as(all.body()).isEqualTo(429);
        assertThat(all.body()).contains("max_points").contains("1000000 points").contains("400000");
        HttpResponse<String> downsampled = http.send(
                HttpRequest.newBuilder(URI.create(base + "&max_points=1000")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(downsampled.statusCode()).as(downsampled.body()).isEqualTo(200);
        assertThat(downsampled.body()).contains("\"total_points\":1000000");
        RawCalls.assertServing(server.channel());
    }

    /** Starts a call that takes its first message and no more; completes when that message came. */
    private static CompletableFuture<Void> stall(
            ManagedChannel channel,
            MethodDescriptor<?, ?> method,
            byte[] request,
            List<ClientCall<byte[], byte[]>> calls) {
        ClientCall<byte[], byte[]> call =
                channel.newCall(RawCalls.raw(method), CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.MINUTES));
        CompletableFuture<Void> first = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        first.complete(null);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        first.completeExceptionally(status.asRuntimeException());
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        calls.add(call);
        return first;
    }

    /** Heap in use after a full collection, plus direct buffers (the JDK's and Netty's own). */
    private static long usedMemory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
        long netty = Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
        return heap + direct + netty;
    }

    private static void prepareSeries(TestServer server) {
        TrialComponentServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                        .setTrialComponent(TrialComponent.newBuilder().setName("big"))
                        .build());
        IngestStream stream = IngestStream.open(server.channel());
        int batch = 100_000;
        for (int b = 0; b < POINTS / batch; b++) {
            MetricSeries.Builder series =
                    MetricSeries.newBuilder().setTrialComponentName("big").setMetricName("loss");
            for (int i = 0; i < batch; i++) {
                long step = (long) b * batch + i;
                series.addSteps(step).addValues(1.0 / (1 + step));
            }
            stream.sendAndAwait(IngestMetricsRequest.newBuilder()
                    .setWriterId("stalled-it")
                    .setSequence(b + 1)
                    .addSeries(series)
                    .build());
        }
        assertThat(stream.complete()).isEqualTo(Status.OK);
    }

    /** An experiment of one trial with 12,000 components, written through Bolt to save time. */
    private static void prepareTable(TestServer server) {
        server.single("""
                CREATE (e:Experiment {name: 'wide', createdAt: datetime()})
                CREATE (t:Trial {name: 'wide-trial', createdAt: datetime()})-[:IN_EXPERIMENT]->(e)
                WITH t
                UNWIND range(1, $rows) AS i
                CREATE (:TrialComponent {name: 'component-' + i, kind: 'training', status: 'Completed',
                        createdAt: datetime(), `param.lr`: 0.001 * i, `param.optimizer`: 'adam', `param.epochs`: i % 120})
                       -[:PART_OF]->(t)
                RETURN count(*) AS n""", "rows", ROWS);
    }
}
