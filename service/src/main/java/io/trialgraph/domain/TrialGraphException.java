package io.trialgraph.domain;

/** A request that trialgraph refuses for a reason the caller can fix; the message says which. */
public abstract class TrialGraphException extends RuntimeException {

    protected TrialGraphException(String message) {
        super(message);
    }
}
