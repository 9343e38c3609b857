package io.trialgraph.domain;

/** The request is well-formed but the graph is not in a state that allows it. */
public class FailedPreconditionException extends TrialGraphException {

    public FailedPreconditionException(String message) {
        super(message);
    }
}
