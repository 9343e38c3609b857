package io.trialgraph.client.internal;

import io.grpc.Status;
import io.trialgraph.client.TrialGraphException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** How the client makes a blocking call: writes once, idempotent reads with retries on UNAVAILABLE. */
public final class Calls {

    private Calls() {}

    /** A write: one attempt; any failure becomes a TrialGraphException. */
    public static <T> T write(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw TrialGraphException.of(e);
        }
    }

    /**
     * An idempotent read: retried on UNAVAILABLE, with a growing, jittered pause (100 ms doubling
     * to 2 s), up to {@code maxAttempts} attempts.
     *
     * @param reconnect run before each retry (lets the channel connect now rather than after its own backoff); may be null
     */
    public static <T> T read(Supplier<T> call, int maxAttempts, Runnable reconnect) {
        long pauseMillis = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                TrialGraphException failure = TrialGraphException.of(e);
                if (failure.code() != Status.Code.UNAVAILABLE || attempt >= maxAttempts) {
                    throw failure;
                }
                try {
                    Thread.sleep(pauseMillis / 2 + ThreadLocalRandom.current().nextLong(pauseMillis / 2 + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new TrialGraphException(
                            Status.Code.CANCELLED,
                            "interrupted while waiting to retry: " + failure.getMessage(),
                            failure);
                }
                pauseMillis = Math.min(pauseMillis * 2, 2_000);
                if (reconnect != null) {
                    reconnect.run();
                }
            }
        }
    }
}
