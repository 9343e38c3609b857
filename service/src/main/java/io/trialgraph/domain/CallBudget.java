package io.trialgraph.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the caller of a piece of work allows it: until when it may run (the caller's remaining
 * deadline) and whether the caller is still there. Endpoints open one per call; the database layer
 * reads {@link #current()} to give each read transaction the caller's time and to stop it when
 * the caller leaves, so layers in between need not pass it along.
 *
 * <p>A budget also says which share of database connections its work draws from: {@link Lane#LONG}
 * for reads whose cost the caller decides (ad-hoc Cypher, tables, lineage walks, series), which
 * have a bounded share so that they can never hold every connection.
 */
public final class CallBudget {

    /** Which share of database connections the work draws from. */
    public enum Lane {
        /** Writes, lookups and everything whose cost the service bounds itself. */
        SHORT,
        /** Reads whose cost the caller decides; they have their own bounded share of connections. */
        LONG
    }

    /** Why a budget's work must stop. */
    public enum Reason {
        /** The caller's deadline passed. */
        DEADLINE,
        /** The caller cancelled or went away. */
        CANCELLED
    }

    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();

    /** The budget of work done outside any call (start-up, background tasks): no deadline, never cancelled. */
    private static final CallBudget NONE = new CallBudget(Long.MAX_VALUE, Lane.SHORT);

    private final long deadlineNanos;
    private final Lane lane;
    private final List<Runnable> onCancel = new ArrayList<>();
    private Reason cancelled;

    private CallBudget(long deadlineNanos, Lane lane) {
        this.deadlineNanos = deadlineNanos;
        this.lane = lane;
    }

    /**
     * @param remaining the time the caller allows from now; null for no deadline
     * @param lane which share of connections the work draws from
     */
    public static CallBudget of(Duration remaining, Lane lane) {
        if (remaining == null) {
            return new CallBudget(Long.MAX_VALUE, lane);
        }
        long nanos = Math.max(0, remaining.toNanos());
        return new CallBudget(System.nanoTime() + nanos, lane);
    }

    /** @return the budget of the call this thread works for; without one, no deadline and the short lane */
    public static CallBudget current() {
        CallBudget budget = CURRENT.get();
        return budget == null ? NONE : budget;
    }

    /**
     * Makes this the current budget of this thread until the returned scope closes (then the one
     * before is current again).
     */
    public Scope enter() {
        CallBudget previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** An open {@link #enter()}; closing it restores the thread's previous budget. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** @return the time left until the caller's deadline (zero once it passed); empty without a deadline */
    public Optional<Duration> remaining() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    /** @return the share of connections this work draws from */
    public Lane lane() {
        return lane;
    }

    /** @return why the work must stop, if the caller cancelled or its deadline passed; empty while it may go on */
    public synchronized Optional<Reason> stopped() {
        if (cancelled != null) {
            return Optional.of(cancelled);
        }
        if (deadlineNanos != Long.MAX_VALUE && deadlineNanos - System.nanoTime() <= 0) {
            return Optional.of(Reason.DEADLINE);
        }
        return Optional.empty();
    }

    /**
     * Says the caller is gone (or its deadline passed): runs every hook registered with
     * {@link #onStop}, once. Safe from any thread.
     */
    public void stop(Reason reason) {
        List<Runnable> hooks;
        synchronized (this) {
            if (cancelled != null) {
                return;
            }
            cancelled = reason;
            hooks = List.copyOf(onCancel);
            onCancel.clear();
        }
        hooks.forEach(Runnable::run);
    }

    /**
     * Runs {@code hook} when the work must stop ({@link #stop}), or at once if it already must.
     * The hook runs on the thread that stops the budget: it must be quick.
     *
     * @return closing it removes the hook (call it when the work it guards ended)
     */
    public Scope onStop(Runnable hook) {
        synchronized (this) {
            if (cancelled == null) {
                onCancel.add(hook);
                return () -> {
                    synchronized (this) {
                        onCancel.remove(hook);
                    }
                };
            }
        }
        hook.run();
        return () -> {};
    }

    /** @return {@code work} that runs with this budget current, for work handed to another thread */
    public Runnable wrap(Runnable work) {
        return () -> {
            try (Scope scope = enter()) {
                work.run();
            }
        };
    }
}
