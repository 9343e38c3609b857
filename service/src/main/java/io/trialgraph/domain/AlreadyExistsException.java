package io.trialgraph.domain;

/** Something the request would create exists already. */
public class AlreadyExistsException extends TrialGraphException {

    public AlreadyExistsException(String kind, String name) {
        super(kind + " '" + name + "' already exists");
    }
}
