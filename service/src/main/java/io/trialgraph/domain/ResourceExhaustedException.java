package io.trialgraph.domain;

import java.time.Duration;
import java.util.Optional;

/** The work hit a limit on how much it may return or use. */
public class ResourceExhaustedException extends TrialGraphException {

    private final Duration retryAfter;

    public ResourceExhaustedException(String message) {
        this(message, null);
    }

    /** @param retryAfter when the same request may succeed if sent again after this long; null when it never will */
    public ResourceExhaustedException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** @return how long to wait before the same request may succeed; empty when it never will as it is */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
