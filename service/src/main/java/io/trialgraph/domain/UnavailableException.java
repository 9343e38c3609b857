package io.trialgraph.domain;

import java.time.Duration;

/** The service cannot do the work now but may in a moment: the caller should retry after {@link #retryAfter()}. */
public class UnavailableException extends TrialGraphException {

    private final Duration retryAfter;

    public UnavailableException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** @return how long the caller should wait before it retries */
    public Duration retryAfter() {
        return retryAfter;
    }
}
