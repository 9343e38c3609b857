package io.trialgraph.domain;

/** The request asks for something trialgraph does not allow, e.g. a write through the query RPC. */
public class PermissionDeniedException extends TrialGraphException {

    public PermissionDeniedException(String message) {
        super(message);
    }
}
