package io.trialgraph.grpc;

import io.grpc.Status;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The open metric ingest streams, so that a stopping server can end them the way clients expect:
 * a batch being committed is finished and acknowledged, then every stream ends with UNAVAILABLE
 * (never CANCELLED), which tells every client to reconnect (to another replica, or to this one
 * once it is back) and resend what was not acknowledged.
 */
@Singleton
public class IngestStreams {

    static final Status SHUTTING_DOWN = Status.UNAVAILABLE.withDescription(
            "the server is shutting down: reconnect and resend the batches not acknowledged");

    private final Set<IngestCall> open = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    void opened(IngestCall call) {
        open.add(call);
        if (draining) {
            call.drain(SHUTTING_DOWN);
        }
    }

    void ended(IngestCall call) {
        synchronized (this) {
            open.remove(call);
            notifyAll();
        }
    }

    /** @return the streams open now */
    public int openStreams() {
        return open.size();
    }

    /**
     * Ends every stream with UNAVAILABLE once its batch in progress (if any) is acknowledged, and
     * streams opened from now on at once; waits up to {@code grace} for them to end.
     *
     * @return true when every stream ended in time
     */
    public boolean drain(Duration grace) throws InterruptedException {
        draining = true;
        for (IngestCall call : open) {
            call.drain(SHUTTING_DOWN);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (this) {
            while (!open.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return true;
    }
}
