package io.trialgraph.client;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.RejectedBatch;
import io.trialgraph.client.internal.Batch;
import io.trialgraph.client.internal.BatchAccumulator;
import io.trialgraph.client.internal.Clock;
import io.trialgraph.client.internal.Convert;
import io.trialgraph.rules.InputRules;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Streams metric points (loss, accuracy, ... per step) to trialgraph in the background, in
 * batches, exactly once. Modelled on Kafka's producer: the training loop calls {@link #log} and
 * goes on; a sender thread does the network.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (MetricLogger metrics = client.newMetricLogger().build()) {      // or client.metricLogger(), shared
 *     for (long step = 0; step < steps; step++) {
 *         metrics.log("resnet-adam-30-training", "loss", step, loss);
 *     }
 * }                                                                       // close(): flushes, then stops
 * }</pre>
 * The component must exist (create it first, or use a {@link Tracker}, which does).
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>{@link #log} appends the point to an in-memory batch and returns; it never waits for the
 *       network (about 0.1 microsecond a call, measured on 2 cores). It is thread-safe: any number
 *       of threads may log.</li>
 *   <li>A batch is sealed when it holds {@code batchPoints} points (default 10,000) or when its
 *       first point is {@code linger} old (default 100 ms), whichever comes first; {@link #flush()}
 *       and {@link #close()} seal it at once.</li>
 *   <li>A background thread ("trialgraph-metric-sender") sends sealed batches over one
 *       {@code IngestMetrics} stream, each with the logger's writer id and a growing sequence
 *       number, at most {@code maxInFlight} unacknowledged at a time. The server acknowledges a
 *       batch once it is durably committed.</li>
 *   <li>Every batch is kept until it is acknowledged. When the stream breaks (server restart,
 *       {@code UNAVAILABLE}, lost connection, no acknowledgement within {@code ackTimeout}), the
 *       sender reconnects with exponential backoff and resends every unacknowledged batch with the
 *       same writer id and sequence numbers; the server acknowledges again the batches it had
 *       already committed without storing them twice. So each point is stored exactly once.</li>
 *   <li>Memory is bounded: at most {@code bufferPoints} points (default 1,000,000, about 24 MB)
 *       may be logged and not yet acknowledged. When the buffer is full, {@link #log} blocks until
 *       acknowledgements free space, for at most {@code maxBlock} (default 60 s), then throws
 *       {@link TrialGraphException} {@code RESOURCE_EXHAUSTED}. Points are never dropped silently.</li>
 *   <li>A batch the server rejects (an unknown component: {@code NOT_FOUND}; a rule broken:
 *       {@code INVALID_ARGUMENT}) is rejected whole: nothing of it is stored. It is not retried; it is
 *       counted in {@link #stats()}, logged as a warning (System.Logger
 *       {@code io.trialgraph.client.MetricLogger}) and handed to the {@code onRejected} callback.
 *       The logger checks names and steps in {@link #log} already, so only unknown components
 *       reach the server as rejections.</li>
 *   <li>A stream failure that retrying cannot cure ({@code UNAUTHENTICATED}, {@code PERMISSION_DENIED},
 *       {@code INVALID_ARGUMENT} for the stream itself, e.g. two loggers sharing one writer id,
 *       {@code UNIMPLEMENTED}) makes the logger fail: the points not yet acknowledged are dropped
 *       and counted as lost, and every later call throws the failure.</li>
 * </ul>
 *
 * <h2>Writer id and sequence numbers</h2>
 * The writer id is a random UUID unless set. The first sequence number is by default the current
 * time in microseconds since the epoch, and each batch adds one; so a restarted process that
 * reuses a writer id (with {@link Builder#writerId(String)}) still sends sequences above the ones
 * the server has seen. (A batch numbered at or below the writer's committed sequence is taken as
 * a resend and not stored: never let two live loggers share a writer id.)
 *
 * <h2>Threads</h2>
 * The sender is a daemon thread: close the logger (or the {@link TrialGraphClient} that made the
 * shared one) before the program ends, or points still in memory are lost. The
 * {@code onRejected} callback runs on a gRPC thread: keep it short and do not call {@link #log}
 * from it.
 */
public final class MetricLogger implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MetricLogger.class.getName());

    /**
     * A batch the server rejected: nothing of it was stored.
     *
     * @param writerId the logger's writer id
     * @param sequence the batch's sequence number
     * @param code why, as a gRPC status code: NOT_FOUND (an unknown component) or INVALID_ARGUMENT
     * @param message the server's reason, naming the field and the rule
     * @param points how many points the batch held
     */
    public record Rejection(String writerId, long sequence, Status.Code code, String message, int points) {}

    /**
     * Counters of a logger since it was built; a consistent snapshot.
     *
     * @param loggedPoints points accepted by {@link #log}
     * @param bufferedPoints points logged and not yet acknowledged (in memory)
     * @param acknowledgedPoints points in acknowledged batches (stored, stored before, or rejected)
     * @param storedPoints points the server reported as newly stored in the acknowledgements received (a
     *        resent batch that was committed before adds nothing, so a batch whose acknowledgement was
     *        lost with a broken stream is in {@code acknowledgedPoints} but not here)
     * @param rejectedBatches batches the server rejected
     * @param rejectedPoints points in rejected batches
     * @param lostPoints points dropped by a forced close or a fatal stream failure
     * @param sentBatches batches sent, resends included
     * @param resentBatches batches sent again after a broken stream
     * @param reconnects streams opened after a broken one
     * @param acknowledgedSequence the highest sequence number acknowledged so far
     */
    public record Stats(
            long loggedPoints,
            long bufferedPoints,
            long acknowledgedPoints,
            long storedPoints,
            long rejectedBatches,
            long rejectedPoints,
            long lostPoints,
            long sentBatches,
            long resentBatches,
            long reconnects,
            long acknowledgedSequence) {}

    // --- configuration -------------------------------------------------------------------------

    private final Channel channel;
    private final Runnable connectionReset;
    private final String writerId;
    private final int batchPoints;
    private final long lingerNanos;
    private final long bufferPoints;
    private final long maxBlockNanos;
    private final int maxInFlight;
    private final long ackTimeoutNanos;
    private final long backoffInitialNanos;
    private final long backoffMaxNanos;
    private final Consumer<Rejection> onRejected;
    private final String target;
    private final Clock clock;

    // --- state, guarded by lock ----------------------------------------------------------------

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when acknowledgements free buffer space (loggers blocked on a full buffer wait on it). */
    private final Condition spaceFreed = lock.newCondition();
    /** Signalled on acknowledgements, failure and the sender's end (flush and close wait on it). */
    private final Condition progress = lock.newCondition();
    /** Wakes the sender: a batch sealed, a stream ready or broken, an acknowledgement, close. */
    private final Condition work = lock.newCondition();

    private final BatchAccumulator open;
    private long openSinceNanos;
    /** Sealed batches not sent on the current stream, in sequence order. */
    private final ArrayDeque<Batch> unsent = new ArrayDeque<>();
    /** Batches sent on the current stream and not acknowledged, in sequence order. */
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();

    private long lastSealedSequence;
    private long acknowledgedSequence;
    private long buffered;
    private boolean closing;
    private boolean terminated;
    private boolean senderDone;
    private TrialGraphException fatal;
    private Status lastStreamError;

    private ClientCallStreamObserver<IngestMetricsRequest> stream;
    private int generation;
    private Status brokenStatus;
    private long reconnectAtNanos;
    private long backoffNanos;
    private boolean failedBefore;

    private long loggedPoints;
    private long acknowledgedPoints;
    private long storedPoints;
    private long rejectedBatches;
    private long rejectedPoints;
    private long lostPoints;
    private long sentBatches;
    private long resentBatches;
    private long reconnects;

    private final Thread sender;

    private MetricLogger(Builder b) {
        this.channel = b.channel;
        this.connectionReset = b.connectionReset;
        this.writerId = b.writerId == null ? UUID.randomUUID().toString() : b.writerId;
        this.batchPoints = b.batchPoints;
        this.lingerNanos = b.linger.toNanos();
        this.bufferPoints = b.bufferPoints;
        this.maxBlockNanos = saturatedNanos(b.maxBlock);
        this.maxInFlight = b.maxInFlight;
        this.ackTimeoutNanos = saturatedNanos(b.ackTimeout);
        this.backoffInitialNanos = b.backoffInitial.toNanos();
        this.backoffMaxNanos = b.backoffMax.toNanos();
        this.onRejected = b.onRejected;
        this.target = channel.authority();
        this.clock = b.clock;
        long first =
                b.firstSequence != null ? b.firstSequence : TimeUnit.MILLISECONDS.toMicros(clock.currentTimeMillis());
        this.lastSealedSequence = first - 1;
        this.acknowledgedSequence = first - 1;
        this.backoffNanos = backoffInitialNanos;
        this.open = new BatchAccumulator(batchPoints);
        this.sender = new Thread(this::runSender, "trialgraph-metric-sender-" + writerId);
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * A builder for a logger that streams over the given channel. With a {@link TrialGraphClient},
     * use {@link TrialGraphClient#newMetricLogger()} instead: it uses the client's channel and token.
     *
     * @param channel the channel to the trialgraph server
     * @return the builder
     */
    public static Builder builder(Channel channel) {
        return new Builder(channel, null);
    }

    static Builder builder(Channel channel, Runnable connectionReset) {
        return new Builder(channel, connectionReset);
    }

    /** @return the writer id this logger sends with */
    public String writerId() {
        return writerId;
    }

    // --- logging -------------------------------------------------------------------------------

    /**
     * Logs one point, stamped with the current time. Never waits for the network: the point goes
     * into memory and the sender thread delivers it.
     *
     * @param component the trial component the point belongs to (it must exist when the batch arrives)
     * @param metric the metric, e.g. "val_acc" (1-255 characters, no control characters)
     * @param step the step, e.g. the batch or epoch number; not negative
     * @param value the value; NaN and infinities are stored as given (and left out of min/max/mean)
     * @throws TrialGraphException INVALID_ARGUMENT for a bad component or metric name or a negative
     *         step; RESOURCE_EXHAUSTED when the buffer stayed full for {@code maxBlock} (the point is
     *         not logged); CANCELLED when interrupted while waiting for buffer space;
     *         FAILED_PRECONDITION after {@link #close()}; the logger's failure after a fatal stream failure
     */
    public void log(String component, String metric, long step, double value) {
        log(component, metric, step, value, clock.currentTimeMillis());
    }

    /**
     * Logs one point with its own timestamp. See {@link #log(String, String, long, double)}.
     *
     * @param component the trial component the point belongs to
     * @param metric the metric
     * @param step the step; not negative
     * @param value the value
     * @param timestampMillis when it was measured, in milliseconds since the epoch (0: when the server receives it)
     * @throws TrialGraphException as {@link #log(String, String, long, double)}
     */
    public void log(String component, String metric, long step, double value, long timestampMillis) {
        lock.lock();
        try {
            if (closing || fatal != null) {
                throw unusable();
            }
            if (buffered >= bufferPoints) {
                awaitSpace();
            }
            open.add(component, metric, step, value, timestampMillis);
            buffered++;
            loggedPoints++;
            int size = open.size();
            if (size == 1) {
                openSinceNanos = clock.nanoTime();
                work.signal();
            }
            if (size >= batchPoints) {
                seal();
            }
        } finally {
            lock.unlock();
        }
    }

    private TrialGraphException unusable() {
        return fatal != null
                ? fatal
                : new TrialGraphException(Status.Code.FAILED_PRECONDITION, "the metric logger is closed");
    }

    private void awaitSpace() {
        long remaining = maxBlockNanos;
        try {
            while (buffered >= bufferPoints) {
                if (closing || fatal != null) {
                    throw unusable();
                }
                if (remaining <= 0) {
                    throw new TrialGraphException(
                            Status.Code.RESOURCE_EXHAUSTED,
                            "metric buffer full: " + buffered
                                    + " points logged and not acknowledged (bufferPoints " + bufferPoints + ") for "
                                    + TimeUnit.NANOSECONDS.toMillis(maxBlockNanos) + " ms; the point was not logged; "
                                    + "server " + target
                                    + (lastStreamError == null
                                            ? ""
                                            : ", last stream error: " + describe(lastStreamError)));
                }
                remaining = clock.awaitNanos(spaceFreed, remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrialGraphException(
                    Status.Code.CANCELLED, "interrupted while waiting for metric buffer space", e);
        }
    }

    /** Seals the open batch (under the lock) and wakes the sender. */
    private void seal() {
        Batch batch = open.seal(lastSealedSequence + 1);
        if (batch != null) {
            lastSealedSequence = batch.sequence;
            unsent.addLast(batch);
            work.signal();
        }
    }

    // --- flush and close -----------------------------------------------------------------------

    /**
     * Blocks until every point logged before this call is acknowledged by the server (stored, or
     * rejected and reported), however long that takes: while the server is unreachable it keeps
     * waiting, and the sender keeps reconnecting. Points logged by other threads meanwhile do not
     * make it wait longer.
     *
     * @throws TrialGraphException CANCELLED when interrupted; the logger's failure after a fatal
     *         stream failure; FAILED_PRECONDITION when the logger was closed by force meanwhile
     */
    public void flush() {
        flush(null);
    }

    /**
     * Like {@link #flush()}, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @throws TrialGraphException DEADLINE_EXCEEDED when points are still unacknowledged after the
     *         timeout (they stay buffered and are still delivered later); otherwise as {@link #flush()}
     */
    public void flush(Duration timeout) {
        lock.lock();
        try {
            if (fatal != null) {
                throw fatal;
            }
            seal();
            awaitAcknowledged(lastSealedSequence, timeout == null ? Long.MAX_VALUE : saturatedNanos(timeout), "flush");
        } finally {
            lock.unlock();
        }
    }

    private void awaitAcknowledged(long sequence, long timeoutNanos, String what) {
        long remaining = timeoutNanos;
        try {
            while (acknowledgedSequence < sequence) {
                if (fatal != null) {
                    throw fatal;
                }
                if (senderDone) {
                    throw new TrialGraphException(
                            Status.Code.FAILED_PRECONDITION,
                            "the metric logger was closed with " + buffered + " points not acknowledged");
                }
                if (remaining <= 0) {
                    throw new TrialGraphException(
                            Status.Code.DEADLINE_EXCEEDED,
                            what + ": " + buffered
                                    + " points not acknowledged after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                                    + " ms; server "
                                    + target
                                    + (lastStreamError == null
                                            ? ""
                                            : ", last stream error: " + describe(lastStreamError)));
                }
                if (remaining == Long.MAX_VALUE) {
                    progress.await();
                } else {
                    remaining = clock.awaitNanos(progress, remaining);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrialGraphException(Status.Code.CANCELLED, "interrupted while waiting for acknowledgements", e);
        }
    }

    /**
     * Flushes and stops: waits until every logged point is acknowledged, however long that takes,
     * then ends the stream and the sender thread. Later calls to {@link #log} throw. Calling it
     * again does nothing.
     *
     * @throws TrialGraphException as {@link #close(Duration)}
     */
    @Override
    public void close() {
        close(null);
    }

    /**
     * Flushes and stops, waiting at most {@code timeout} for acknowledgements. If points are still
     * unacknowledged then, the stream is cancelled, those points are counted as lost and the call
     * throws (so nothing is dropped silently). Later calls to {@link #log} throw; calling close
     * again does nothing.
     *
     * @param timeout how long to wait for acknowledgements; null for no limit
     * @throws TrialGraphException DEADLINE_EXCEEDED when points were not acknowledged in time (they are
     *         lost); the logger's failure when it had failed (the points it held were lost then)
     */
    public void close(Duration timeout) {
        long timeoutNanos = timeout == null ? Long.MAX_VALUE : saturatedNanos(timeout);
        lock.lock();
        try {
            boolean first = !closing;
            closing = true;
            spaceFreed.signalAll();
            work.signal();
            long remaining = timeoutNanos;
            while (!senderDone && remaining > 0) {
                if (remaining == Long.MAX_VALUE) {
                    progress.await();
                } else {
                    remaining = clock.awaitNanos(progress, remaining);
                }
            }
            if (!senderDone) {
                long lost = buffered;
                int batches = unsent.size() + inFlight.size() + (open.size() > 0 ? 1 : 0);
                dropAll();
                terminated = true;
                work.signal();
                sender.interrupt();
                throw new TrialGraphException(
                        Status.Code.DEADLINE_EXCEEDED,
                        "metric logger closed after "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms with " + lost + " points in "
                                + batches
                                + " batches not acknowledged; they are lost; server " + target
                                + (lastStreamError == null ? "" : ", last stream error: " + describe(lastStreamError)));
            }
            if (fatal != null && first) {
                throw fatal;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrialGraphException(Status.Code.CANCELLED, "interrupted while closing the metric logger", e);
        } finally {
            lock.unlock();
        }
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops every point held (under the lock), counting them as lost. */
    private void dropAll() {
        open.seal(0);
        unsent.clear();
        inFlight.clear();
        lostPoints += buffered;
        buffered = 0;
        spaceFreed.signalAll();
        progress.signalAll();
    }

    /** @return the logger's counters */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(
                    loggedPoints,
                    buffered,
                    acknowledgedPoints,
                    storedPoints,
                    rejectedBatches,
                    rejectedPoints,
                    lostPoints,
                    sentBatches,
                    resentBatches,
                    reconnects,
                    acknowledgedSequence);
        } finally {
            lock.unlock();
        }
    }

    // --- the sender thread ---------------------------------------------------------------------

    private void runSender() {
        lock.lock();
        try {
            while (!terminated) {
                long now = clock.nanoTime();
                if (open.size() > 0 && (closing || now - openSinceNanos >= lingerNanos)) {
                    seal();
                }
                if (fatal != null || (closing && unsent.isEmpty() && inFlight.isEmpty() && open.size() == 0)) {
                    break;
                }
                if (brokenStatus != null) {
                    broken(brokenStatus, now);
                    continue;
                }
                if (stream != null
                        && !inFlight.isEmpty()
                        && now - inFlight.peekFirst().sentAtNanos >= ackTimeoutNanos) {
                    stream.cancel(
                            "no acknowledgement within " + TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos) + " ms",
                            null);
                    broken(
                            Status.DEADLINE_EXCEEDED.withDescription("no acknowledgement within "
                                    + TimeUnit.NANOSECONDS.toMillis(ackTimeoutNanos) + " ms"),
                            now);
                    continue;
                }
                if (stream == null && !unsent.isEmpty() && now - reconnectAtNanos >= 0) {
                    openStream();
                    continue;
                }
                if (stream != null && !unsent.isEmpty() && inFlight.size() < maxInFlight && stream.isReady()) {
                    sendNext();
                    continue;
                }
                long wait = Long.MAX_VALUE;
                if (open.size() > 0) {
                    wait = Math.min(wait, openSinceNanos + lingerNanos - now);
                }
                if (stream == null && !unsent.isEmpty()) {
                    wait = Math.min(wait, reconnectAtNanos - now);
                }
                if (stream != null && !inFlight.isEmpty()) {
                    wait = Math.min(wait, inFlight.peekFirst().sentAtNanos + ackTimeoutNanos - now);
                }
                if (wait == Long.MAX_VALUE) {
                    work.await();
                } else if (wait > 0) {
                    clock.awaitNanos(work, wait);
                }
            }
        } catch (InterruptedException e) {
            // close(timeout) ran out: terminated is set, the stream is cancelled below.
        } catch (RuntimeException | Error e) {
            fatal = new TrialGraphException(Status.Code.INTERNAL, "the metric sender failed: " + e, e);
            LOG.log(System.Logger.Level.ERROR, "trialgraph metric sender failed; " + buffered + " points are lost", e);
            dropAll();
        } finally {
            ClientCallStreamObserver<IngestMetricsRequest> last = stream;
            stream = null;
            generation++;
            senderDone = true;
            progress.signalAll();
            spaceFreed.signalAll();
            lock.unlock();
            if (last != null) {
                try {
                    if (terminated || fatal != null) {
                        last.cancel("metric logger closed", null);
                    } else {
                        last.onCompleted();
                    }
                } catch (RuntimeException ignored) {
                    // the call is over already
                }
            }
        }
    }

    /** Opens a stream (under the lock); every unacknowledged batch is in {@link #unsent} then. */
    private void openStream() {
        int myGeneration = ++generation;
        brokenStatus = null;
        if (failedBefore && connectionReset != null) {
            connectionReset.run(); // let the channel try to connect now, not after its own backoff
        }
        ClientResponseObserver<IngestMetricsRequest, IngestMetricsResponse> observer = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<IngestMetricsRequest> requests) {
                requests.setOnReadyHandler(() -> wake(myGeneration));
            }

            @Override
            public void onNext(IngestMetricsResponse response) {
                acknowledged(myGeneration, response);
            }

            @Override
            public void onError(Throwable t) {
                ended(myGeneration, Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended(myGeneration, Status.UNAVAILABLE.withDescription("the server ended the metric stream"));
            }
        };
        stream = (ClientCallStreamObserver<IngestMetricsRequest>)
                MetricServiceGrpc.newStub(channel).ingestMetrics(observer);
    }

    /** Sends the first unsent batch; builds its request outside the lock. */
    private void sendNext() {
        Batch batch = unsent.peekFirst();
        lock.unlock();
        IngestMetricsRequest request;
        try {
            request = batch.request(writerId);
        } finally {
            lock.lock();
        }
        if (unsent.peekFirst() != batch || stream == null || brokenStatus != null) {
            return; // acknowledged meanwhile (by a late answer of an older stream), or the stream broke
        }
        unsent.pollFirst();
        inFlight.addLast(batch);
        batch.sentAtNanos = clock.nanoTime();
        if (batch.timesSent++ > 0) {
            resentBatches++;
        }
        sentBatches++;
        ClientCallStreamObserver<IngestMetricsRequest> s = stream;
        lock.unlock();
        try {
            s.onNext(request);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                if (s == stream && brokenStatus == null) {
                    brokenStatus = Status.fromThrowable(e);
                }
            } finally {
                lock.unlock();
            }
        } finally {
            lock.lock();
        }
    }

    /** The current stream broke (under the lock): requeue what is in flight, back off, or fail. */
    private void broken(Status status, long now) {
        stream = null;
        brokenStatus = null;
        generation++;
        boolean hadWork = !inFlight.isEmpty() || !unsent.isEmpty();
        while (!inFlight.isEmpty()) {
            unsent.addFirst(inFlight.pollLast());
        }
        lastStreamError = status;
        if (!retryable(status.getCode())) {
            long lost = buffered;
            fatal = new TrialGraphException(
                    status.getCode(),
                    "the metric stream to " + target + " failed and cannot go on (" + describe(status) + "); " + lost
                            + " points not acknowledged are lost",
                    status.asRuntimeException());
            LOG.log(System.Logger.Level.ERROR, fatal.getMessage());
            dropAll();
            return;
        }
        failedBefore = true;
        if (hadWork) {
            reconnects++;
            long delay = backoffNanos / 2 + ThreadLocalRandom.current().nextLong(backoffNanos / 2 + 1);
            reconnectAtNanos = now + delay;
            backoffNanos = Math.min(backoffNanos * 2, backoffMaxNanos);
            LOG.log(
                    System.Logger.Level.WARNING,
                    () -> "trialgraph metric stream to " + target + " broke (" + describe(status)
                            + "); resending " + unsent.size() + " unacknowledged batches (" + buffered
                            + " points buffered) in "
                            + TimeUnit.NANOSECONDS.toMillis(delay) + " ms");
        } else {
            reconnectAtNanos = now;
        }
    }

    private static boolean retryable(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNKNOWN, RESOURCE_EXHAUSTED -> true;
            default -> false;
        };
    }

    // --- callbacks from gRPC threads -----------------------------------------------------------

    private void wake(int streamGeneration) {
        lock.lock();
        try {
            if (streamGeneration == generation) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void ended(int streamGeneration, Status status) {
        lock.lock();
        try {
            if (streamGeneration == generation && brokenStatus == null) {
                brokenStatus = status;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void acknowledged(int streamGeneration, IngestMetricsResponse response) {
        List<Rejection> rejections = null;
        boolean suspicious = false;
        lock.lock();
        try {
            long sequence = response.getAcknowledgedSequence();
            storedPoints += response.getStoredPoints();
            if (sequence <= acknowledgedSequence) {
                return;
            }
            Map<Long, RejectedBatch> rejected = new HashMap<>();
            for (RejectedBatch r : response.getRejectedBatchesList()) {
                rejected.put(r.getSequence(), r);
            }
            long firstTimeOnly = 0;
            boolean allFirstTime = true;
            for (ArrayDeque<Batch> queue : List.of(inFlight, unsent)) {
                while (!queue.isEmpty() && queue.peekFirst().sequence <= sequence) {
                    Batch batch = queue.pollFirst();
                    buffered -= batch.points;
                    acknowledgedPoints += batch.points;
                    allFirstTime &= batch.timesSent == 1;
                    RejectedBatch r = rejected.get(batch.sequence);
                    if (r != null) {
                        rejectedBatches++;
                        rejectedPoints += batch.points;
                        if (rejections == null) {
                            rejections = new ArrayList<>();
                        }
                        rejections.add(new Rejection(
                                writerId,
                                batch.sequence,
                                Status.fromCodeValue(r.getCode()).getCode(),
                                r.getMessage(),
                                batch.points));
                    } else {
                        firstTimeOnly += batch.points;
                    }
                }
            }
            suspicious = allFirstTime && firstTimeOnly > 0 && response.getStoredPoints() == 0;
            acknowledgedSequence = sequence;
            if (streamGeneration == generation) {
                backoffNanos = backoffInitialNanos;
            }
            spaceFreed.signalAll();
            progress.signalAll();
            work.signal();
        } finally {
            lock.unlock();
        }
        if (suspicious) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "trialgraph acknowledged metric batch " + response.getAcknowledgedSequence()
                            + " of writer " + writerId
                            + " without storing it: the writer id was used before with higher sequence"
                            + " numbers; use a new writer id per logger");
        }
        if (rejections != null) {
            for (Rejection r : rejections) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "trialgraph rejected metric batch " + r.sequence() + " (" + r.points()
                                + " points, not stored): " + r.code() + ": " + r.message());
                if (onRejected != null) {
                    try {
                        onRejected.accept(r);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "the onRejected callback failed", e);
                    }
                }
            }
        }
    }

    private static String describe(Status status) {
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    // --- builder -------------------------------------------------------------------------------

    /**
     * Configures a {@link MetricLogger}; every setting has a default that suits a training job.
     */
    public static final class Builder {
        private final Channel channel;
        private final Runnable connectionReset;
        private String writerId;
        private Long firstSequence;
        private int batchPoints = 10_000;
        private Duration linger = Duration.ofMillis(100);
        private long bufferPoints = 1_000_000;
        private Duration maxBlock = Duration.ofSeconds(60);
        private int maxInFlight = 5;
        private Duration ackTimeout = Duration.ofSeconds(60);
        private Duration backoffInitial = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);
        private Consumer<Rejection> onRejected;
        private Clock clock = Clock.system();

        private Builder(Channel channel, Runnable connectionReset) {
            this.channel = Objects.requireNonNull(channel, "channel");
            this.connectionReset = connectionReset;
        }

        /**
         * @param writerId identifies this writer across reconnects (1-128 characters); default a random
         *        UUID. Never give two live loggers the same id.
         * @return this builder
         */
        public Builder writerId(String writerId) {
            String problem = InputRules.writerIdProblem(writerId);
            if (problem != null) {
                throw Convert.invalid("writerId: " + problem);
            }
            this.writerId = writerId;
            return this;
        }

        /**
         * @param firstSequence the sequence number of the first batch (at least 1); default the current
         *        time in microseconds, so a reused writer id keeps growing
         * @return this builder
         */
        public Builder firstSequence(long firstSequence) {
            if (firstSequence < 1) {
                throw Convert.invalid("firstSequence: must be at least 1, is " + firstSequence);
            }
            this.firstSequence = firstSequence;
            return this;
        }

        /**
         * @param batchPoints most points per batch, 1 to 100,000 (the server's limit); default 10,000
         * @return this builder
         */
        public Builder batchPoints(int batchPoints) {
            if (batchPoints < 1 || batchPoints > InputRules.MAX_BATCH_POINTS) {
                throw Convert.invalid("batchPoints: must be 1 to " + InputRules.MAX_BATCH_POINTS
                        + " (the server's limit), is " + batchPoints);
            }
            this.batchPoints = batchPoints;
            return this;
        }

        /**
         * @param linger how long a batch may wait for more points after its first one; default 100 ms
         * @return this builder
         */
        public Builder linger(Duration linger) {
            if (linger.isNegative()) {
                throw Convert.invalid("linger: must not be negative");
            }
            this.linger = linger;
            return this;
        }

        /**
         * @param bufferPoints most points logged and not yet acknowledged; default 1,000,000
         * @return this builder
         */
        public Builder bufferPoints(long bufferPoints) {
            if (bufferPoints < 1) {
                throw Convert.invalid("bufferPoints: must be at least 1, is " + bufferPoints);
            }
            this.bufferPoints = bufferPoints;
            return this;
        }

        /**
         * @param maxBlock how long {@code log} waits for space in a full buffer before it throws; default 60 s
         * @return this builder
         */
        public Builder maxBlock(Duration maxBlock) {
            if (maxBlock.isNegative()) {
                throw Convert.invalid("maxBlock: must not be negative");
            }
            this.maxBlock = maxBlock;
            return this;
        }

        /**
         * @param maxInFlight most batches sent and not acknowledged at a time; default 5
         * @return this builder
         */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw Convert.invalid("maxInFlight: must be at least 1, is " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * @param ackTimeout how long a sent batch may wait for its acknowledgement before the stream
         *        is taken for broken and reopened (the batch is resent); default 60 s
         * @return this builder
         */
        public Builder ackTimeout(Duration ackTimeout) {
            if (ackTimeout.isNegative() || ackTimeout.isZero()) {
                throw Convert.invalid("ackTimeout: must be positive");
            }
            this.ackTimeout = ackTimeout;
            return this;
        }

        /**
         * @param initial the wait before the first reconnect after a broken stream; default 100 ms
         * @param max the longest wait, reached by doubling; default 5 s
         * @return this builder
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw Convert.invalid("reconnectBackoff: initial must be positive and max at least initial");
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /**
         * @param onRejected called with every batch the server rejects (on a gRPC thread; keep it short)
         * @return this builder
         */
        public Builder onRejected(Consumer<Rejection> onRejected) {
            this.onRejected = onRejected;
            return this;
        }

        /** Runs the logger on another clock (tests: {@link Clock.Manual}). */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the logger and its sender thread. The stream opens when the first batch is ready.
         *
         * @return the logger
         */
        public MetricLogger build() {
            return new MetricLogger(this);
        }
    }
}
