package io.trialgraph.domain;

/** The caller cancelled the call (or went away) while its work ran; the work was stopped. */
public class CancelledException extends TrialGraphException {

    public CancelledException(String message) {
        super(message);
    }
}
