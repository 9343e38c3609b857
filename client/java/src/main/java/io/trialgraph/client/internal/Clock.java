package io.trialgraph.client.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * Time as the metric logger sees it: the system's by default, a {@link Manual} one in tests so
 * that lingering, blocking and timeouts run on simulated time (no test sleeps to let real time
 * pass, none asserts how long something took). Internal: not part of the client's API.
 */
public abstract class Clock {

    private static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long awaitNanos(Condition condition, long nanos) throws InterruptedException {
            return condition.awaitNanos(nanos);
        }
    };

    /** @return the system clock */
    public static Clock system() {
        return SYSTEM;
    }

    /** @return a monotonic time in nanoseconds, for intervals */
    public abstract long nanoTime();

    /** @return the wall-clock time in milliseconds since the epoch, for timestamps */
    public abstract long currentTimeMillis();

    /**
     * Waits on {@code condition} (whose lock the caller holds) until signalled or until
     * {@code nanos} of this clock's time have passed; may return early, like
     * {@link Condition#awaitNanos}, so callers loop.
     *
     * @return an estimate of the nanoseconds left (0 or less when the time is up)
     */
    public abstract long awaitNanos(Condition condition, long nanos) throws InterruptedException;

    /**
     * A clock that moves only when told to ({@link #advance}). Waits on it check the simulated
     * time every millisecond of real time, so a thread waiting for a deadline wakes soon after
     * the test moves the clock past it.
     */
    public static final class Manual extends Clock {

        private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

        private volatile long nanos;
        private volatile long epochMillis;

        /** @param epochMillis the wall-clock time it starts at */
        public Manual(long epochMillis) {
            this.epochMillis = epochMillis;
        }

        /** Moves the clock forward. */
        public synchronized void advance(Duration duration) {
            nanos += duration.toNanos();
            epochMillis += duration.toMillis();
        }

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long currentTimeMillis() {
            return epochMillis;
        }

        @Override
        public long awaitNanos(Condition condition, long wait) throws InterruptedException {
            long deadline = nanos + wait;
            if (wait <= 0) {
                return wait;
            }
            condition.awaitNanos(POLL_NANOS);
            return deadline - nanos;
        }
    }
}
