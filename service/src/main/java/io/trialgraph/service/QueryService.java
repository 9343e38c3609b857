package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.RowSink;
import io.trialgraph.store.QueryStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;

/** Ad-hoc read-only Cypher: the limits a query runs under. */
@Singleton
public class QueryService {

    public static final int DEFAULT_TIMEOUT_MS = 10_000;
    public static final int MAX_TIMEOUT_MS = 300_000;
    public static final int DEFAULT_MAX_ROWS = 10_000;
    public static final int MAX_ROWS = 1_000_000;
    public static final int MAX_QUERY_LENGTH = 100_000;

    private final QueryStore store;

    QueryService(QueryStore store) {
        this.store = store;
    }

    /**
     * Runs a read-only query. It ends at its timeout or at the caller's deadline, whichever comes
     * first (the caller's deadline reaches the database through the call's budget).
     *
     * @param timeoutMs 0 for the default
     * @param maxRows 0 for the default
     */
    public void run(String cypher, Map<String, Object> parameters, int timeoutMs, int maxRows, RowSink sink) {
        if (cypher == null || cypher.isBlank()) {
            throw new InvalidArgumentException("cypher", "is required");
        }
        if (cypher.length() > MAX_QUERY_LENGTH) {
            throw new InvalidArgumentException("cypher", "must be at most " + MAX_QUERY_LENGTH + " characters");
        }
        if (timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
            throw new InvalidArgumentException(
                    "timeout_ms",
                    "must be between 0 (meaning " + DEFAULT_TIMEOUT_MS + ") and " + MAX_TIMEOUT_MS + ", is "
                            + timeoutMs);
        }
        if (maxRows < 0 || maxRows > MAX_ROWS) {
            throw new InvalidArgumentException(
                    "max_rows",
                    "must be between 0 (meaning " + DEFAULT_MAX_ROWS + ") and " + MAX_ROWS + ", is " + maxRows);
        }
        CypherBounds.check(cypher, parameters);
        long timeout = timeoutMs == 0 ? DEFAULT_TIMEOUT_MS : timeoutMs;
        store.run(cypher, parameters, Duration.ofMillis(timeout), maxRows == 0 ? DEFAULT_MAX_ROWS : maxRows, sink);
    }
}
