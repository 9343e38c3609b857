package io.trialgraph.domain;

import java.util.List;

/** Receives the rows of an ad-hoc query as they stream from the database. */
public interface RowSink {

    /** Called once, before any row. */
    void columns(List<String> columns);

    /**
     * Called per row, in order; may wait (for a slow reader) but never longer than the call allows.
     *
     * @param values plain Java values, or {@link GraphValue}s
     */
    void row(List<Object> values);
}
