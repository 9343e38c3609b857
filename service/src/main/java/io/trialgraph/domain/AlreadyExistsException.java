package io.trialgraph.domain;

import io.trialgraph.rules.Quote;

/** Something the request would create exists already. */
public class AlreadyExistsException extends TrialGraphException {

    public AlreadyExistsException(String kind, String name) {
        super(kind + " " + Quote.of(name) + " already exists");
    }
}
