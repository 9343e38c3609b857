package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.client.FakeMetricServer.Action;
import io.trialgraph.client.FakeMetricServer.Point;
import io.trialgraph.client.internal.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metric logger's batching, acknowledgement and resend logic against a stand-in IngestMetrics
 * service on a loopback port (the real server is exercised by the service module's *IT tests).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricLoggerTest {

    private FakeMetricServer fake;
    private ManagedChannel channel;
    private final List<MetricLogger> loggers = new ArrayList<>();
    private final List<Clock.Manual> manualClocks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fake = new FakeMetricServer();
        channel = fake.channel();
    }

    @AfterEach
    void stop() throws Exception {
        Thread ticking = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                manualClocks.forEach(clock -> clock.advance(Duration.ofMillis(50)));
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ticking.setDaemon(true);
        ticking.start();
        for (MetricLogger logger : loggers) {
            try {
                logger.close(Duration.ofSeconds(1));
            } catch (TrialGraphException ignored) {
                // tests that leave points unacknowledged on purpose
            }
        }
        ticking.interrupt();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        fake.close();
    }

    private MetricLogger.Builder logger() {
        return MetricLogger.builder(channel, channel::resetConnectBackoff)
                .writerId("writer-1")
                .firstSequence(1)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private MetricLogger started(MetricLogger.Builder builder) {
        MetricLogger logger = builder.build();
        loggers.add(logger);
        return logger;
    }

    /** A logger on a simulated clock; closing it after the test moves that clock along. */
    private MetricLogger started(MetricLogger.Builder builder, Clock.Manual clock) {
        manualClocks.add(clock);
        return started(builder);
    }

    @Test
    void fullBatchesGoAtOnceAndTheRestOnFlushWithOneWriterIdAndGrowingSequences() {
        MetricLogger logger = started(logger().batchPoints(100).linger(Duration.ofSeconds(30)));
        for (int step = 0; step < 250; step++) {
            logger.log("job", "loss", step, step);
        }
        await(() -> fake.received.size() == 2, "two full batches sent without waiting for the linger");
        assertThat(fake.received)
                .extracting(r -> r.getSeries(0).getStepsCount())
                .containsExactly(100, 100);

        logger.flush();
        assertThat(fake.receivedSequences()).containsExactly(1L, 2L, 3L);
        assertThat(fake.received).extracting(IngestMetricsRequest::getWriterId).containsOnly("writer-1");
        assertThat(FakeMetricServer.steps(fake.stored)).hasSize(250).doesNotHaveDuplicates();
        MetricLogger.Stats stats = logger.stats();
        assertThat(stats.loggedPoints()).isEqualTo(250);
        assertThat(stats.acknowledgedPoints()).isEqualTo(250);
        assertThat(stats.storedPoints()).isEqualTo(250);
        assertThat(stats.bufferedPoints()).isZero();
        assertThat(stats.acknowledgedSequence()).isEqualTo(3);
    }

    @Test
    void aBatchThatDoesNotFillIsSentWhenItsFirstPointIsLingerOld() throws Exception {
        Clock.Manual clock = new Clock.Manual(1_000_000);
        MetricLogger logger = started(logger().linger(Duration.ofMillis(50)).clock(clock), clock);
        logger.log("job", "acc", 1, 0.5);
        clock.advance(Duration.ofMillis(30));
        logger.log("job", "acc", 2, 0.6);
        clock.advance(Duration.ofMillis(19));
        Thread.sleep(100); // the sender had time to act on the simulated 49 ms; nothing may be sent yet
        assertThat(fake.received).isEmpty();
        clock.advance(Duration.ofMillis(1));
        await(
                () -> logger.stats().acknowledgedPoints() == 2,
                "the lingering batch is sent once its first point is 50 ms old");
        assertThat(fake.received).hasSize(1);
        assertThat(fake.received.get(0).getSeries(0).getTimestampsList()).containsExactly(1_000_000L, 1_000_030L);
    }

    @Test
    void theDefaultFirstSequenceIsTheTimeInMicrosecondsSoAReusedWriterIdKeepsGrowing() {
        long before = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        MetricLogger logger = started(MetricLogger.builder(channel));
        logger.log("job", "loss", 0, 1);
        logger.flush();
        long sequence = fake.received.get(0).getSequence();
        assertThat(sequence).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(before + 60_000_000L);
        assertThat(UUIDLike.matches(fake.received.get(0).getWriterId()))
                .as("random UUID writer id")
                .isTrue();
    }

    @Test
    void flushWaitsForTheAcknowledgementOfEverythingLoggedBefore() throws Exception {
        fake.ackGate = new CountDownLatch(1);
        MetricLogger logger = started(logger().batchPoints(10));
        for (int step = 0; step < 30; step++) {
            logger.log("job", "loss", step, step);
        }
        CompletableFuture<Void> flush = CompletableFuture.runAsync(logger::flush);
        await(() -> fake.received.size() >= 1, "a batch sent");
        Thread.sleep(100);
        assertThat(flush).as("flush waits while acknowledgements are held back").isNotDone();
        fake.ackGate.countDown();
        flush.get(20, TimeUnit.SECONDS);
        assertThat(fake.stored).hasSize(30);
        assertThat(logger.stats().bufferedPoints()).isZero();
    }

    @Test
    void atMostMaxInFlightBatchesAreUnacknowledgedAtATime() throws Exception {
        fake.policy = (stream, request) -> Action.SILENT;
        MetricLogger logger = started(logger().batchPoints(10).maxInFlight(2).ackTimeout(Duration.ofSeconds(30)));
        for (int step = 0; step < 100; step++) {
            logger.log("job", "loss", step, step);
        }
        await(() -> fake.received.size() == 2, "two batches sent");
        Thread.sleep(300);
        assertThat(fake.receivedSequences())
                .as("the other eight wait for acknowledgements")
                .containsExactly(1L, 2L);
        assertThat(logger.stats().sentBatches()).isEqualTo(2);
        assertThat(logger.stats().bufferedPoints()).isEqualTo(100);
    }

    @Test
    void aBrokenStreamIsReopenedAndEveryUnacknowledgedBatchIsResentWithItsSequenceSoEachPointIsStoredOnce() {
        // First stream: commits batch 3 but breaks before acknowledging it (batches 4, 5 may be in flight).
        // Second stream: breaks before committing batch 6. Third stream: all goes well.
        fake.policy = (stream, request) -> {
            if (stream == 0 && request.getSequence() == 3) {
                return Action.COMMIT_THEN_BREAK;
            }
            if (stream == 1 && request.getSequence() == 6) {
                return Action.BREAK_BEFORE_COMMIT;
            }
            return Action.ACK;
        };
        MetricLogger logger = started(logger().batchPoints(100).maxInFlight(3));
        for (int step = 0; step < 1000; step++) {
            logger.log("job", "loss", step, step);
        }
        logger.flush(Duration.ofSeconds(20));

        assertThat(fake.streams.get()).isEqualTo(3);
        assertThat(fake.storedSequences).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(fake.receivedSequences())
                .as("batch 3 resent after the first break")
                .containsSubsequence(3L, 3L)
                .containsSubsequence(6L, 6L);
        List<Long> steps = FakeMetricServer.steps(fake.stored);
        assertThat(steps).hasSize(1000).doesNotHaveDuplicates();
        assertThat(fake.stored.stream().mapToDouble(Point::value).sum()).isEqualTo(999.0 * 1000 / 2);
        assertThat(fake.received).extracting(IngestMetricsRequest::getWriterId).containsOnly("writer-1");
        MetricLogger.Stats stats = logger.stats();
        assertThat(stats.reconnects()).isEqualTo(2);
        assertThat(stats.resentBatches()).isGreaterThanOrEqualTo(2);
        assertThat(stats.acknowledgedPoints()).isEqualTo(1000);
        assertThat(stats.storedPoints())
                .as("batch 3 was stored, but its acknowledgement was lost with the stream; "
                        + "the resend is acknowledged as stored before")
                .isEqualTo(900);
    }

    @Test
    void aBatchThatIsNeverAcknowledgedIsResentOnANewStreamAfterTheAckTimeout() throws Exception {
        fake.policy = (stream, request) -> stream == 0 ? Action.SILENT : Action.ACK;
        Clock.Manual clock = new Clock.Manual(0);
        MetricLogger logger = started(
                logger().ackTimeout(Duration.ofSeconds(60))
                        .linger(Duration.ZERO)
                        .clock(clock),
                clock);
        logger.log("job", "loss", 0, 1);
        await(() -> fake.received.size() == 1, "the batch is sent");
        clock.advance(Duration.ofSeconds(59));
        Thread.sleep(100);
        assertThat(fake.streams.get()).as("no resend before the ack timeout").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        await(
                () -> logger.stats().reconnects() == 1,
                "the stream is given up after 60 simulated seconds without an acknowledgement");
        // The reconnect backoff (20 to 200 ms here) runs on the clock too.
        for (int i = 0; i < 200 && fake.stored.isEmpty(); i++) {
            clock.advance(Duration.ofMillis(10));
            Thread.sleep(5);
        }
        CompletableFuture.runAsync(() -> logger.flush()).get(20, TimeUnit.SECONDS);
        assertThat(fake.streams.get()).isEqualTo(2);
        assertThat(fake.receivedSequences()).containsExactly(1L, 1L);
        assertThat(fake.stored).hasSize(1);
    }

    @Test
    void rejectedBatchesAreReportedCountedAndNotRetriedWhileTheStreamGoesOn() {
        fake.policy = (stream, request) -> request.getSequence() == 2 ? Action.REJECT : Action.ACK;
        List<MetricLogger.Rejection> rejections = new CopyOnWriteArrayList<>();
        MetricLogger logger = started(logger().batchPoints(10).onRejected(rejections::add));
        for (int step = 0; step < 30; step++) {
            logger.log("job", "loss", step, step);
        }
        logger.flush();
        assertThat(rejections).hasSize(1);
        MetricLogger.Rejection r = rejections.get(0);
        assertThat(r.sequence()).isEqualTo(2);
        assertThat(r.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(r.points()).isEqualTo(10);
        assertThat(r.writerId()).isEqualTo("writer-1");
        assertThat(r.message()).contains("does not exist");
        assertThat(fake.receivedSequences()).containsExactly(1L, 2L, 3L);
        assertThat(fake.stored).hasSize(20);
        MetricLogger.Stats stats = logger.stats();
        assertThat(stats.rejectedBatches()).isOne();
        assertThat(stats.rejectedPoints()).isEqualTo(10);
        assertThat(stats.bufferedPoints()).isZero();
    }

    @Test
    void whenTheBufferIsFullLogBlocksForMaxBlockThenThrowsAndKeepsWhatItHolds() throws Exception {
        fake.policy = (stream, request) -> Action.SILENT;
        Clock.Manual clock = new Clock.Manual(0);
        MetricLogger logger = started(
                logger().bufferPoints(10)
                        .batchPoints(5)
                        .linger(Duration.ZERO)
                        .ackTimeout(Duration.ofHours(1))
                        .maxBlock(Duration.ofMillis(300))
                        .clock(clock),
                clock);
        for (int step = 0; step < 10; step++) {
            logger.log("job", "loss", step, step);
        }
        CompletableFuture<TrialGraphException> blocked = new CompletableFuture<>();
        Thread logging = new Thread(() -> blocked.complete(
                catchThrowableOfType(TrialGraphException.class, () -> logger.log("job", "loss", 10, 10))));
        logging.start();
        awaitWaiting(logging);
        clock.advance(Duration.ofMillis(299));
        Thread.sleep(100);
        assertThat(blocked)
                .as("log blocks while the buffer is full, for maxBlock of simulated time")
                .isNotDone();
        awaitWaiting(logging);
        clock.advance(Duration.ofMillis(1));
        TrialGraphException e = blocked.get(20, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getMessage())
                .contains("buffer full")
                .contains("not logged")
                .contains("for 300 ms");
        assertThat(logger.stats().loggedPoints()).isEqualTo(10);
        assertThat(logger.stats().bufferedPoints()).isEqualTo(10);

        CompletableFuture<TrialGraphException> close = new CompletableFuture<>();
        Thread closer = new Thread(() -> close.complete(
                catchThrowableOfType(TrialGraphException.class, () -> logger.close(Duration.ofMillis(200)))));
        closer.start();
        awaitWaiting(closer);
        clock.advance(Duration.ofMillis(200));
        TrialGraphException closing = close.get(20, TimeUnit.SECONDS);
        assertThat(closing.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(closing.getMessage()).contains("10 points").contains("lost");
        assertThat(logger.stats().lostPoints()).isEqualTo(10);
        TrialGraphException afterClose =
                catchThrowableOfType(TrialGraphException.class, () -> logger.log("job", "loss", 11, 1));
        assertThat(afterClose.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void logUnblocksAsSoonAsAcknowledgementsFreeSpace() throws Exception {
        fake.ackDelayMillis = 100;
        MetricLogger logger = started(logger().bufferPoints(10).batchPoints(10).maxBlock(Duration.ofSeconds(10)));
        for (int step = 0; step < 50; step++) {
            logger.log("job", "loss", step, step); // blocks whenever 10 points wait for their acknowledgement
        }
        logger.flush();
        assertThat(FakeMetricServer.steps(fake.stored)).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void aStreamFailureThatRetryingCannotCureFailsTheLoggerLoudly() {
        fake.policy = (stream, request) -> Action.FATAL;
        MetricLogger logger = started(logger());
        logger.log("job", "loss", 0, 1);
        TrialGraphException e =
                catchThrowableOfType(TrialGraphException.class, () -> logger.flush(Duration.ofSeconds(10)));
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("cannot go on").contains("1 points");
        assertThat(catchThrowableOfType(TrialGraphException.class, () -> logger.log("job", "loss", 1, 1))
                        .code())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(logger.stats().lostPoints()).isOne();
    }

    @Test
    void closeDeliversEverythingThenEndsTheStream() {
        MetricLogger logger = started(logger().linger(Duration.ofSeconds(30)));
        for (int step = 0; step < 5; step++) {
            logger.log("job", "loss", step, step);
        }
        logger.close();
        assertThat(fake.stored).hasSize(5);
        await(() -> fake.openStreams.get() == 0, "the stream is half-closed and ended");
        logger.close(); // again: nothing
        assertThat(catchThrowableOfType(TrialGraphException.class, () -> logger.log("job", "loss", 9, 1))
                        .code())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void manyThreadsLogConcurrentlyAndEveryPointArrivesOnce() throws Exception {
        MetricLogger logger = started(logger().batchPoints(1000));
        int threads = 4;
        int perThread = 25_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String metric = "metric-" + t;
            Thread worker = new Thread(() -> {
                for (int step = 0; step < perThread; step++) {
                    logger.log("job", metric, step, step);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        logger.flush();
        assertThat(fake.stored).hasSize(threads * perThread);
        Set<String> distinct = new HashSet<>();
        fake.stored.forEach(p -> distinct.add(p.metric() + "/" + p.step()));
        assertThat(distinct).hasSize(threads * perThread);
        assertThat(fake.received)
                .allMatch(r -> r.getSeriesList().stream()
                                .mapToInt(s -> s.getStepsCount())
                                .sum()
                        <= 1000);
    }

    @Test
    void badArgumentsFailTheLogCallAtOnce() {
        MetricLogger logger = started(logger());
        assertThat(catchThrowableOfType(TrialGraphException.class, () -> logger.log("job", "loss", -1, 1))
                        .code())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(catchThrowableOfType(TrialGraphException.class, () -> logger.log("no spaces", "loss", 1, 1))
                        .code())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(logger.stats().loggedPoints()).isZero();
        assertThat(catchThrowableOfType(TrialGraphException.class, () -> logger().batchPoints(100_001))
                        .code())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    /** Waits until the thread waits (on the simulated clock's poll), so that moving the clock reaches it. */
    private static void awaitWaiting(Thread thread) {
        await(() -> thread.getState() == Thread.State.TIMED_WAITING, thread.getName() + " waits");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Checks the shape of a random UUID. */
    private static final class UUIDLike {
        static boolean matches(String s) {
            try {
                return java.util.UUID.fromString(s).toString().equals(s);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
