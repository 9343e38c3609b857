package io.trialgraph.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableLimits;
import io.trialgraph.config.AnalyticsConfiguration;
import io.trialgraph.store.AnalyticsStore;
import jakarta.inject.Singleton;
import java.util.function.Consumer;

/**
 * The experiment table: serves pages (from the cache when the graph is unchanged) and exports
 * it. Requests arrive checked ({@link io.trialgraph.analytics.TableRequests}).
 *
 * <p>Answers are cached by request and database state. Computing a 10,000-row table costs a few
 * hundred milliseconds of Cypher on two cores however the query is written (the scope alone is
 * 20,000 trial-component pairs); people look at the same table again and again while nothing
 * changes (paging, re-sorting back, a dashboard refreshing). A cached answer is served only when
 * the database's last committed transaction is still the one it was computed at, checked with
 * one round trip per request: any write by anyone, through this replica, another one or plain
 * Bolt, makes every cached answer stale, so an answer is never older than the request.
 */
@Singleton
public class AnalyticsService {

    private final AnalyticsStore store;
    /** Null when the cache is off. */
    private final Cache<Table.Query, Table.Computed> answers;

    AnalyticsService(AnalyticsStore store, AnalyticsConfiguration config) {
        this.store = store;
        this.answers = config.getCacheCells() == 0
                ? null
                : Caffeine.newBuilder()
                        .maximumWeight(config.getCacheCells())
                        .weigher((Table.Query query, Table.Computed answer) -> Math.max(
                                1,
                                answer.page().rows().size()
                                        * Math.max(1, answer.page().columns().size())))
                        .recordStats()
                        .build();
    }

    /** @return how often a request was answered from the cache, and how often computed; zeros when it is off */
    public CacheStats cacheStats() {
        return answers == null ? CacheStats.empty() : answers.stats();
    }

    /** One page of the table. */
    public Table.Page page(Table.Query query) {
        if (answers == null) {
            return store.page(query).page();
        }
        String now = store.version();
        Table.Computed cached = answers.getIfPresent(query);
        if (cached != null && cached.version().equals(now)) {
            return cached.page();
        }
        Table.Computed computed = store.page(query);
        // Kept only when nothing committed between the check and the end of the read: Neo4j reads
        // committed data, so a read overlapping a commit may have seen part of it.
        if (computed.version().equals(now)) {
            answers.put(query, computed);
        }
        return computed.page();
    }

    /** Every page of the table, in order, to {@code pages} (for the CSV export). */
    public void all(Table.Query query, Consumer<Table.Page> pages) {
        Table.Query next = query.page(query.columns(), 0, TableLimits.EXPORT_PAGE_SIZE);
        while (true) {
            Table.Page page = page(next);
            pages.accept(page);
            if (page.nextOffset() < 0) {
                return;
            }
            // The first page fixed the columns: later pages must show the same ones.
            next = next.page(page.columns(), page.nextOffset(), TableLimits.EXPORT_PAGE_SIZE);
        }
    }
}
