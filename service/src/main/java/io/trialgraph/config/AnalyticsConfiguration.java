package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/** How the analytics table is served. */
@ConfigurationProperties("trialgraph.analytics")
public class AnalyticsConfiguration {

    private long cacheCells = 2_000_000;
    /** Unset: {@link #defaultRowStoreCells}. */
    private Long rowStoreCells;

    /**
     * @return how many table cells (rows x columns) of recent answers the service keeps to answer
     *     the same request again while the database is unchanged; 0 turns the cache off. Default
     *     2,000,000 (a few 10,000-row tables, roughly 100 MB at most).
     */
    public long getCacheCells() {
        return cacheCells;
    }

    public void setCacheCells(long cacheCells) {
        if (cacheCells < 0) {
            throw new InvalidConfigurationException(
                    "trialgraph.analytics.cache-cells (TRIALGRAPH_ANALYTICS_CACHE_CELLS): "
                            + "must be 0 (off) or more, is " + cacheCells);
        }
        this.cacheCells = cacheCells;
    }

    /**
     * @return how many table cells (rows x (fixed columns + parameters + metric statistics)) the row
     *     store may hold in memory to answer tables without computing them (embedded Neo4j only);
     *     least recently used experiments go first, and an experiment larger than this alone is
     *     computed. 0 turns it off. Default: {@link #defaultRowStoreCells}.
     */
    public long getRowStoreCells() {
        return rowStoreCells != null
                ? rowStoreCells
                : defaultRowStoreCells(Runtime.getRuntime().maxMemory());
    }

    /**
     * The row store's bound when none is set: one cell per 100 bytes of the maximum heap, at most
     * 20,000,000. A cell costs about 10 to 15 bytes, so the row store takes at most about 15% of the
     * heap (a refresh briefly holds a second copy of one experiment): 10.7 million cells with a
     * 1 GiB heap, 20 million (200 to 300 MB) from 2 GiB. A fixed 20,000,000 would let the row store
     * alone fill a third of a 1 GiB heap, beside the answer cache, ingest batches and the embedded
     * Neo4j.
     */
    static long defaultRowStoreCells(long maxHeapBytes) {
        return Math.min(20_000_000, maxHeapBytes / 100);
    }

    public void setRowStoreCells(long rowStoreCells) {
        if (rowStoreCells < 0) {
            throw new InvalidConfigurationException(
                    "trialgraph.analytics.row-store-cells (TRIALGRAPH_ANALYTICS_ROW_STORE_CELLS): "
                            + "must be 0 (off) or more, is " + rowStoreCells);
        }
        this.rowStoreCells = rowStoreCells;
    }
}
