package io.trialgraph.domain;

/** The work hit a limit on how much it may return or use. */
public class ResourceExhaustedException extends TrialGraphException {

    public ResourceExhaustedException(String message) {
        super(message);
    }
}
