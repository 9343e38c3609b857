package io.trialgraph.domain;

/** The work ran out of the time it was given. */
public class DeadlineExceededException extends TrialGraphException {

    public DeadlineExceededException(String message) {
        super(message);
    }
}
