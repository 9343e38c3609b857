package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * Bounds on database reads: how long one read transaction may run at most, and the share of
 * Neo4j connections that long reads (those whose cost the caller decides) may hold at once.
 */
@ConfigurationProperties("trialgraph.reads")
public class ReadConfiguration {

    private Duration maxTime = Duration.ofMinutes(5);
    private int longReadConnections;
    private Duration longReadWait = Duration.ofSeconds(1);
    private int maxLineageNodes = 100_000;
    private Duration httpDefaultTime = Duration.ofSeconds(30);

    /**
     * @return the longest a read transaction may run, whatever deadline its caller set; a read
     *     runs for the caller's remaining deadline, capped by this. Default 5 minutes.
     */
    public Duration getMaxTime() {
        return maxTime;
    }

    public void setMaxTime(Duration maxTime) {
        if (maxTime == null || maxTime.isNegative() || maxTime.isZero()) {
            throw new InvalidConfigurationException("trialgraph.reads.max-time (TRIALGRAPH_READS_MAX_TIME): "
                    + "must be a positive duration such as 5m, is " + maxTime);
        }
        this.maxTime = maxTime;
    }

    /**
     * @return the most Neo4j connections that long reads (RunQuery, GetTable, ExportTableCsv,
     *     GetLineage, GetLineageDot, ReadMetricSeries) hold at once; the rest of the pool stays
     *     for writes, lookups and health. Default 0: a quarter of {@code neo4j.max-connection-pool-size}
     *     (16 of 64); a value set must be less than the pool size.
     */
    public int getLongReadConnections() {
        return longReadConnections;
    }

    public void setLongReadConnections(int longReadConnections) {
        if (longReadConnections < 0) {
            throw new InvalidConfigurationException("trialgraph.reads.long-read-connections "
                    + "(TRIALGRAPH_READS_LONG_READ_CONNECTIONS): must be 0 (a quarter of the pool) or more, is "
                    + longReadConnections);
        }
        this.longReadConnections = longReadConnections;
    }

    /**
     * @return how long a long read waits for a connection of its share before it is refused with
     *     RESOURCE_EXHAUSTED (and a retry hint); never longer than the caller's deadline. Default 1 second.
     */
    /** @return the long-read share for a pool of {@code poolSize} connections, as configured or by default */
    public int longReadConnections(int poolSize) {
        if (longReadConnections == 0) {
            return Math.max(1, poolSize / 4);
        }
        if (longReadConnections >= poolSize) {
            throw new InvalidConfigurationException(
                    "trialgraph.reads.long-read-connections (TRIALGRAPH_READS_LONG_READ_CONNECTIONS): "
                            + "must be less than neo4j.max-connection-pool-size (" + poolSize
                            + ") so that writes and lookups always have connections, is " + longReadConnections);
        }
        return longReadConnections;
    }

    public Duration getLongReadWait() {
        return longReadWait;
    }

    /**
     * @return the most nodes one lineage walk may hold (the levels it passes through and the pages
     *     before the one asked for); a walk that would hold more is refused with RESOURCE_EXHAUSTED.
     *     Default 100,000.
     */
    public int getMaxLineageNodes() {
        return maxLineageNodes;
    }

    public void setMaxLineageNodes(int maxLineageNodes) {
        if (maxLineageNodes < 1) {
            throw new InvalidConfigurationException(
                    "trialgraph.reads.max-lineage-nodes (TRIALGRAPH_READS_MAX_LINEAGE_NODES): "
                            + "must be at least 1, is " + maxLineageNodes);
        }
        this.maxLineageNodes = maxLineageNodes;
    }

    public void setLongReadWait(Duration longReadWait) {
        if (longReadWait == null || longReadWait.isNegative()) {
            throw new InvalidConfigurationException(
                    "trialgraph.reads.long-read-wait (TRIALGRAPH_READS_LONG_READ_WAIT): "
                            + "must be a duration of 0s or more, is " + longReadWait);
        }
        this.longReadWait = longReadWait;
    }

    /**
     * @return how long the reads of an HTTP API request may run when the request names no time of
     *     its own (header {@code X-Timeout-Ms}); a time named is capped by {@link #getMaxTime()}.
     *     Default 30 seconds.
     */
    public Duration getHttpDefaultTime() {
        return httpDefaultTime;
    }

    public void setHttpDefaultTime(Duration httpDefaultTime) {
        if (httpDefaultTime == null || httpDefaultTime.isNegative() || httpDefaultTime.isZero()) {
            throw new InvalidConfigurationException(
                    "trialgraph.reads.http-default-time (TRIALGRAPH_READS_HTTP_DEFAULT_TIME): "
                            + "must be a positive duration such as 30s, is " + httpDefaultTime);
        }
        this.httpDefaultTime = httpDefaultTime;
    }
}
