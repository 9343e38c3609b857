package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/** How the analytics table is served. */
@ConfigurationProperties("trialgraph.analytics")
public class AnalyticsConfiguration {

    private long cacheCells = 2_000_000;
    private long rowStoreCells = 20_000_000;

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
     *     computed. 0 turns it off. Default 20,000,000 (about 200 to 300 MB at most; a 10,000-component
     *     experiment with 10 parameters and 6 metrics is about 900,000).
     */
    public long getRowStoreCells() {
        return rowStoreCells;
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
