package io.trialgraph.neo4j;

import io.trialgraph.config.ReadConfiguration;
import io.trialgraph.domain.CallBudget;
import io.trialgraph.domain.CancelledException;
import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.ResourceExhaustedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Keeps every read transaction inside its caller's {@link CallBudget}: the transaction's Neo4j
 * timeout is the caller's remaining deadline (capped by {@code trialgraph.reads.max-time}); when
 * the caller cancels, or Neo4j has not stopped the work shortly after the timeout (an expression
 * Neo4j cannot interrupt, a reply it cannot send), the thread waiting on the driver is
 * interrupted, which makes the driver close that connection and Neo4j end the transaction.
 * Long reads first take a permit of their bounded share of connections.
 */
final class ReadGuard implements AutoCloseable {

    /**
     * How long past a transaction's timeout Neo4j gets to stop it itself (it checks timeouts
     * periodically) before its connection is closed under it.
     */
    static final Duration GRACE = Duration.ofMillis(750);

    private final Duration maxTime;
    private final int longReadConnections;
    private final Duration longReadWait;
    private final Semaphore longReads;
    private final ScheduledExecutorService alarms;

    ReadGuard(ReadConfiguration config, int longReadConnections) {
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
    record Limit(Duration time, String description) {
    }

    /**
     * Runs one read under the current budget.
     *
     * @param what what runs, for messages ("the query", "the read")
     * @param limit a tighter limit of the caller's own, or null
     * @param work given the transaction timeout to use, runs the transaction
     * @throws DeadlineExceededException when the time ran out
     * @throws CancelledException when the caller cancelled
     * @throws ResourceExhaustedException when the share of long reads stayed full
     */
    <T> T run(String what, Limit limit, Function<Duration, T> work) {
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
        Interrupter interrupter = new Interrupter(Thread.currentThread());
        ScheduledFuture<?> alarm = alarms.schedule(interrupter::fire, timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        CallBudget.Scope hook = budget.onStop(interrupter::fire);
        try {
            return work.apply(timeout);
        } catch (RuntimeException e) {
            Optional<CallBudget.Reason> reason = budget.stopped();
            if (reason.isPresent() && reason.get() == CallBudget.Reason.CANCELLED) {
                throw stopped(CallBudget.Reason.CANCELLED, what, "while it ran");
            }
            if (interrupter.fired() || reason.isPresent() || timedOut(e)) {
                throw new DeadlineExceededException(what + " ran longer than " + bound + " and was stopped");
            }
            throw e;
        } finally {
            alarm.cancel(false);
            hook.close();
            interrupter.close();
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
        throw new ResourceExhaustedException("all " + longReadConnections + " Neo4j connections for long reads (RunQuery, "
                + "GetTable, ExportTableCsv, GetLineage, ReadMetricSeries) stayed busy for " + waitMillis
                + " ms (trialgraph.reads.long-read-connections); retry in a moment", Duration.ofSeconds(1));
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
    }

    /**
     * Interrupts the thread running a transaction, at most once and only while the transaction
     * runs: the driver answers an interrupt by closing the connection, so Neo4j ends the
     * transaction. The interrupt never outlives the transaction (pooled threads run other calls next).
     */
    private static final class Interrupter {
        private final Thread thread;
        private boolean active = true;
        private boolean fired;

        Interrupter(Thread thread) {
            this.thread = thread;
        }

        synchronized void fire() {
            if (active && !fired) {
                fired = true;
                thread.interrupt();
            }
        }

        synchronized boolean fired() {
            return fired;
        }

        void close() {
            boolean clear;
            synchronized (this) {
                active = false;
                clear = fired;
            }
            if (clear) {
                Thread.interrupted();
            }
        }
    }
}
