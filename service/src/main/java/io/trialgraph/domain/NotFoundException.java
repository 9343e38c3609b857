package io.trialgraph.domain;

/** Something the request names does not exist. */
public class NotFoundException extends TrialGraphException {

    public NotFoundException(String kind, String name) {
        super(kind + " '" + name + "' does not exist");
    }
}
