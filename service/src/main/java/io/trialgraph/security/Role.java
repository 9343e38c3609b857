package io.trialgraph.security;

import java.util.Locale;
import java.util.Optional;

/**
 * What a bearer token may do. Each role includes the ones before it: a {@code writer} may do
 * everything a {@code reader} may, an {@code admin} everything a {@code writer} may.
 */
public enum Role {
    /** Reads: get, list, summaries, series, lineage, analytics, read-only Cypher, server info. */
    READER,
    /** Also creates and changes: create, update, log parameters, link, associate, stream metrics. */
    WRITER,
    /** Also deletes experiments, trials, components and artifacts. */
    ADMIN;

    /** @return whether a caller with this role may call a method that needs {@code required} */
    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    /** @return the name used in token files and messages: {@code reader}, {@code writer}, {@code admin} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the role with this label (case-insensitive), if any */
    public static Optional<Role> ofLabel(String label) {
        for (Role role : values()) {
            if (role.label().equalsIgnoreCase(label)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
