package io.trialgraph.neo4j;

import io.trialgraph.config.ReadConfiguration;
import io.trialgraph.domain.CallBudget;
import io.trialgraph.domain.CancelledException;
import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.ResourceExhaustedException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every read transaction inside its caller's {@link CallBudget}: the transaction's Neo4j
 * timeout is the caller's remaining deadline (capped by {@code trialgraph.reads.max-time}), so
 * Neo4j itself stops it when the deadline passes. When the caller cancels, or Neo4j has not
 * stopped the work shortly after the timeout, the transaction is ended from outside: found by the
 * token in its metadata ({@value #TOKEN}) and terminated ({@code TERMINATE TRANSACTIONS}, which
 * any user may do to their own transactions); if the thread is still waiting a second later, it
 * is interrupted, which makes the driver close the connection when it waits for a query to start.
 * Long reads first take a permit of their bounded share of connections.
 */
final class ReadGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadGuard.class);

    /**
     * How long past a transaction's timeout Neo4j gets to stop it itself (it checks timeouts
     * periodically) before its connection is closed under it.
     */
    static final Duration GRACE = Duration.ofMillis(750);

    /** The transaction metadata key whose value identifies one guarded read. */
    static final String TOKEN = "trialgraphRead";

    /** How long after terminating a transaction the thread still waiting on it is interrupted. */
    private static final Duration INTERRUPT_AFTER = Duration.ofSeconds(1);

    private final Duration maxTime;
    private final int longReadConnections;
    private final Duration longReadWait;
    private final Semaphore longReads;
    private final ScheduledExecutorService alarms;
    private final ExecutorService stoppers;
    private final Consumer<String> terminate;

    /**
     * @param terminate ends the transactions whose metadata carries the given token (it runs on
     *     a thread of its own, never the reader's)
     */
    ReadGuard(ReadConfiguration config, int longReadConnections, Consumer<String> terminate) {
        this.terminate = terminate;
        this.stoppers = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "trialgraph-read-stopper");
            thread.setDaemon(true);
            return thread;
        });
        this.maxTime = config.getMaxTime();
        this.longReadConnections = longReadConnections;
        this.longReadWait = config.getLongReadWait();
        this.longReads = new Semaphore(longReadConnections, true);
        this.alarms = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "trialgraph-read-alarm");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A limit on a read besides the caller's deadline, e.g. a query's own timeout. */
    record Limit(Duration time, String description) {}

    /**
     * Runs one read under the current budget.
     *
     * @param what what runs, for messages ("the query", "the read")
     * @param limit a tighter limit of the caller's own, or null
     * @param metadata transaction metadata of the caller (the guard adds its token)
     * @param work given the transaction's configuration (timeout and metadata), runs it
     * @throws DeadlineExceededException when the time ran out
     * @throws CancelledException when the caller cancelled
     * @throws ResourceExhaustedException when the share of long reads stayed full
     */
    <T> T run(String what, Limit limit, Map<String, Object> metadata, Function<TransactionConfig, T> work) {
        CallBudget budget = CallBudget.current();
        budget.stopped().ifPresent(reason -> {
            throw stopped(reason, what, "before it started");
        });
        Duration timeout = maxTime;
        String bound = "trialgraph.reads.max-time of " + maxTime.toMillis() + " ms";
        Optional<Duration> remaining = budget.remaining();
        if (remaining.isPresent() && remaining.get().compareTo(timeout) < 0) {
            timeout = remaining.get();
            bound = "the call's deadline (" + timeout.toMillis() + " ms were left when it started)";
        }
        if (limit != null && limit.time().compareTo(timeout) <= 0) {
            timeout = limit.time();
            bound = limit.description();
        }
        if (timeout.toMillis() < 1) {
            throw new DeadlineExceededException("the call's deadline passed before " + what + " started");
        }
        boolean permit = budget.lane() == CallBudget.Lane.LONG && acquireLongRead(timeout);
        String token = UUID.randomUUID().toString();
        Map<String, Object> tagged = new HashMap<>(metadata);
        tagged.put(TOKEN, token);
        TransactionConfig config = TransactionConfig.builder()
                // Whole milliseconds: Neo4j rounds a finer timeout up itself, logging a line per transaction.
                .withTimeout(Duration.ofMillis(Math.max(1, (timeout.toNanos() + 999_999) / 1_000_000)))
                .withMetadata(tagged)
                .build();
        Stopper stopper = new Stopper(Thread.currentThread(), token);
        // Past its timeout, Neo4j should have stopped the transaction itself: if not, stop it from outside.
        ScheduledFuture<?> alarm =
                alarms.schedule(stopper::stop, timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        // A cancel is stopped at once; at the deadline Neo4j's own timeout acts first.
        CallBudget.Scope hook = budget.onStop(() -> {
            if (budget.stopped().orElse(CallBudget.Reason.DEADLINE) == CallBudget.Reason.CANCELLED) {
                stopper.stop();
            }
        });
        try {
            return work.apply(config);
        } catch (RuntimeException e) {
            Optional<CallBudget.Reason> reason = budget.stopped();
            if (reason.isPresent() && reason.get() == CallBudget.Reason.CANCELLED) {
                throw stopped(CallBudget.Reason.CANCELLED, what, "while it ran");
            }
            if (stopper.stopped() || reason.isPresent() || timedOut(e)) {
                throw new DeadlineExceededException(what + " ran longer than " + bound + " and was stopped");
            }
            throw e;
        } finally {
            alarm.cancel(false);
            hook.close();
            stopper.close();
            if (permit) {
                longReads.release();
            }
        }
    }

    private boolean acquireLongRead(Duration timeout) {
        long waitMillis = Math.min(longReadWait.toMillis(), timeout.toMillis());
        try {
            if (longReads.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("the call was cancelled while it waited for a connection for long reads");
        }
        throw new ResourceExhaustedException(
                "all " + longReadConnections + " Neo4j connections for long reads (RunQuery, "
                        + "GetTable, ExportTableCsv, GetLineage, ReadMetricSeries) stayed busy for " + waitMillis
                        + " ms (trialgraph.reads.long-read-connections); retry in a moment",
                Duration.ofSeconds(1));
    }

    /** @return the permits of the long-read share in use now */
    int longReadsInUse() {
        return longReadConnections - longReads.availablePermits();
    }

    private static RuntimeException stopped(CallBudget.Reason reason, String what, String when) {
        return reason == CallBudget.Reason.CANCELLED
                ? new CancelledException("the caller cancelled the call; " + what + " was stopped " + when)
                : new DeadlineExceededException("the call's deadline passed; " + what + " was stopped " + when);
    }

    /** @return true when Neo4j stopped the transaction because its timeout passed */
    static boolean timedOut(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof Neo4jException neo4j && neo4j.code() != null) {
                String code = neo4j.code();
                if (code.startsWith("Neo.ClientError.Transaction.TransactionTimedOut")
                        || code.equals("Neo.TransientError.Transaction.LockClientStopped")
                        || code.endsWith(".Transaction.Terminated")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        alarms.shutdownNow();
        stoppers.shutdownNow();
    }

    /**
     * Ends one read transaction from outside, at most once and only while it runs: terminates it
     * in Neo4j, then, if its thread still waits a second later, interrupts that thread. The
     * interrupt never outlives the read (pooled threads run other calls next).
     */
    private final class Stopper {
        private final Thread thread;
        private final String token;
        private boolean active = true;
        private boolean stopped;
        private boolean interrupted;

        Stopper(Thread thread, String token) {
            this.thread = thread;
            this.token = token;
        }

        /** Starts stopping the read; returns at once (the work runs on other threads). */
        void stop() {
            synchronized (this) {
                if (!active || stopped) {
                    return;
                }
                stopped = true;
            }
            try {
                stoppers.execute(() -> {
                    try {
                        terminate.accept(token);
                    } catch (RuntimeException e) {
                        LOG.debug("Could not terminate read {}: {}", token, e.toString());
                    }
                    alarms.schedule(this::interrupt, INTERRUPT_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                });
            } catch (RejectedExecutionException shuttingDown) {
                interrupt();
            }
        }

        private synchronized void interrupt() {
            if (active && !interrupted) {
                interrupted = true;
                thread.interrupt();
            }
        }

        synchronized boolean stopped() {
            return stopped;
        }

        void close() {
            boolean clear;
            synchronized (this) {
                active = false;
                clear = interrupted;
            }
            if (clear) {
                Thread.interrupted();
            }
        }
    }
}
