package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/** How the analytics table is served. */
@ConfigurationProperties("trialgraph.analytics")
public class AnalyticsConfiguration {

    private long cacheCells = 2_000_000;

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
            throw new InvalidConfigurationException("trialgraph.analytics.cache-cells (TRIALGRAPH_ANALYTICS_CACHE_CELLS): "
                    + "must be 0 (off) or more, is " + cacheCells);
        }
        this.cacheCells = cacheCells;
    }
}
