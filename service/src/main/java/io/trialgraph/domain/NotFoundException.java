package io.trialgraph.domain;

import io.trialgraph.rules.Quote;

/** Something the request names does not exist. */
public class NotFoundException extends TrialGraphException {

    public NotFoundException(String kind, String name) {
        super(kind + " " + Quote.of(name) + " does not exist");
    }
}
