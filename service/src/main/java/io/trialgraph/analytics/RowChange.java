package io.trialgraph.analytics;

import java.util.Set;

/**
 * What one commit may have changed in the table's component rows, as the database tells it.
 *
 * @param values components whose own values (fixed columns, parameters, statistics) may have changed
 * @param membership components that may have joined or left trials (created, deleted, PART_OF changed)
 * @param everything whether anything else changed that a table may show (then every row may have)
 */
public record RowChange(Set<String> values, Set<String> membership, boolean everything) {

    /** Every row may have changed. */
    public static final RowChange EVERYTHING = new RowChange(Set.of(), Set.of(), true);

    /** @return whether the commit changed nothing a table shows */
    public boolean isEmpty() {
        return values.isEmpty() && membership.isEmpty() && !everything;
    }
}
