package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.service.IngestAdmission;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The global in-flight budget of ingest, made small (1 MiB, two commit threads) so that 40
 * writers must queue for it: nothing is lost or stored twice, the budget holds, and a stream that
 * was let in but sends nothing does not hold up the others.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IngestBudgetIT {

    private static final long BUDGET = 1024 * 1024;
    private static final long MAX_MESSAGE = 2 * 1024 * 1024;

    private TrialGraphServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start(TestNeo4j neo4j) {
        server = TestServer.dedicated(
                neo4j,
                Map.of(
                        "trialgraph.ingest.max-in-flight-bytes", BUDGET,
                        "trialgraph.ingest.threads", 2,
                        "grpc.server.max-inbound-message-size", MAX_MESSAGE));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void fortyWritersQueueForTheBudgetAndEveryBatchIsStoredOnce() throws Exception {
        IngestAdmission admission = server.context().getBean(IngestAdmission.class);
        AtomicLong highest = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        IngestWriters writers = new IngestWriters("budget", 40, 10, 20_000).createComponents(channel);
        Thread sampler = new Thread(() -> {
            long report = System.nanoTime();
            while (sampling.get()) {
                highest.accumulateAndGet(admission.inFlightBytes(), Math::max);
                if (System.nanoTime() - report > TimeUnit.SECONDS.toNanos(10)) {
                    report = System.nanoTime();
                    System.out.printf(
                            "in flight %,d bytes, %d streams waiting, acknowledged %s%n",
                            admission.inFlightBytes(),
                            admission.waitingStreams(),
                            writers.writers().stream()
                                    .map(w -> w.acknowledged.get())
                                    .toList());
                }
                LockSupport.parkNanos(200_000);
            }
        });
        sampler.start();
        writers.start(channel, 1, 5);
        List<Status> ends = writers.awaitEnd(240);
        sampling.set(false);
        sampler.join();

        assertThat(ends).extracting(Status::getCode).containsOnly(Status.Code.OK);
        long stored = 0;
        for (int c = 0; c < 10; c++) {
            var summaries = io.trialgraph.api.v1.MetricServiceGrpc.newBlockingStub(channel)
                    .getMetricSummaries(io.trialgraph.api.v1.GetMetricSummariesRequest.newBuilder()
                            .addTrialComponentNames("budget-" + c)
                            .build());
            stored += summaries.getSummariesList().stream()
                    .mapToLong(s -> s.getCount())
                    .sum();
        }
        assertThat(stored).isEqualTo(40L * 5 * 20_000);
        // A reservation is at most the largest message; one may exceed the budget when it is alone.
        assertThat(highest.get()).as("most bytes in flight").isPositive().isLessThanOrEqualTo(BUDGET + MAX_MESSAGE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (admission.inFlightBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(admission.inFlightBytes())
                .as("in flight once every stream ended")
                .isZero();
        double waits = server.context()
                .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("trialgraph.ingest.admission.waits")
                .counter()
                .count();
        assertThat(waits).as("times a stream waited for the budget").isPositive();
        RawCalls.assertServing(channel);
    }

    @Test
    void aStreamLetInThatSendsNothingDoesNotHoldUpTheOthers() throws InterruptedException {
        new IngestWriters("quiet", 2, 1).createComponents(channel);
        IngestAdmission admission = server.context().getBean(IngestAdmission.class);
        // The first stream gets the whole budget (its first batch may be as large as a message can be) and stays quiet.
        IngestStream quiet = IngestStream.open(channel);
        while (admission.inFlightBytes() < MAX_MESSAGE) {
            Thread.sleep(10);
        }
        IngestStream busy = IngestStream.open(channel);
        IngestWriters batches = new IngestWriters("quiet", 2, 20_000);
        List<IngestMetricsResponse> acks =
                busy.sendAndAwait(batches.batch(batches.writers().get(1), 1));
        assertThat(acks)
                .singleElement()
                .extracting(IngestMetricsResponse::getStoredPoints)
                .isEqualTo(20_000L);
        // When the quiet one speaks, its batch is taken too.
        assertThat(quiet.sendAndAwait(batches.batch(batches.writers().get(0), 1)))
                .singleElement()
                .extracting(IngestMetricsResponse::getStoredPoints)
                .isEqualTo(20_000L);
        assertThat(quiet.complete()).isEqualTo(Status.OK);
        assertThat(busy.complete()).isEqualTo(Status.OK);
        // The server releases a stream's budget right after it sent the stream's end.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (admission.inFlightBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(admission.inFlightBytes()).isZero();
    }
}
