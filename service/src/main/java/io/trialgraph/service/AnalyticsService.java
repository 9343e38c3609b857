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
 * The experiment table: serves pages (from the row store where it holds the scope, else from the
 * cache when the graph is unchanged, else computed in Cypher) and exports it. Requests arrive checked ({@link io.trialgraph.analytics.TableRequests}).
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
    private final RowStore rowStore;
    /** Null when the cache is off. */
    private final Cache<Table.Query, Table.Computed> answers;

    AnalyticsService(AnalyticsStore store, RowStore rowStore, AnalyticsConfiguration config) {
        this.store = store;
        this.rowStore = rowStore;
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
            return rowStore.page(query).orElseGet(() -> store.page(query).page());
        }
        String now = store.version();
        // A row store answer is current while the database state and the commits the row store
        // heard of stay the same: a commit becomes visible a moment before it is heard of, so the
        // database state alone could keep an answer that misses it.
        String nowInMemory = now + "/" + rowStore.generation();
        Table.Computed cached = answers.getIfPresent(query);
        if (cached != null && (cached.version().equals(now) || cached.version().equals(nowInMemory))) {
            return cached.page();
        }
        var fromMemory = rowStore.page(query);
        if (fromMemory.isPresent()) {
            if (store.version().equals(now)) {
                answers.put(query, new Table.Computed(fromMemory.get(), nowInMemory));
            }
            return fromMemory.get();
        }
        Table.Computed computed = store.page(query);
        // Kept only when nothing committed between the check and the end of the read: Neo4j reads
        // committed data, so a read overlapping a commit may have seen part of it.
        if (computed.version().equals(now)) {
            answers.put(query, computed);
        }
        return computed.page();
    }

    /** Every page of the table, in order, to {@code pages}. */
    public void all(Table.Query query, Consumer<Table.Page> pages) {
        Export export = export(query);
        for (Table.Page page = export.next(); page != null; page = export.next()) {
            pages.accept(page);
        }
    }

    /**
     * The table a page of {@value TableLimits#EXPORT_PAGE_SIZE} rows at a time, each computed when
     * asked for (for the CSV export: a reader that stops reading holds one page).
     */
    public Export export(Table.Query query) {
        return new Export(query.page(query.columns(), 0, TableLimits.EXPORT_PAGE_SIZE));
    }

    /** The pages of one table, in order. */
    public final class Export {
        private Table.Query next;

        private Export(Table.Query first) {
            this.next = first;
        }

        /** @return the next page, or null after the last */
        public Table.Page next() {
            if (next == null) {
                return null;
            }
            Table.Page page = page(next);
            // The first page fixed the columns: later pages must show the same ones.
            next = page.nextOffset() < 0
                    ? null
                    : next.page(page.columns(), page.nextOffset(), TableLimits.EXPORT_PAGE_SIZE);
            return page;
        }
    }
}
