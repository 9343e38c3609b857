package io.trialgraph.domain;

/** The request carries no credential the server accepts. */
public class UnauthenticatedException extends TrialGraphException {

    public UnauthenticatedException(String message) {
        super(message);
    }
}
