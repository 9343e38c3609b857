package io.trialgraph.domain;

/** A request field breaks a rule; the message names the field and the rule. */
public class InvalidArgumentException extends TrialGraphException {

    private final String field;

    public InvalidArgumentException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    /** @return the request field at fault, e.g. {@code experiment.name} */
    public String field() {
        return field;
    }
}
