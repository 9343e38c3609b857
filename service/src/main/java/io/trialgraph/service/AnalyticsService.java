package io.trialgraph.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.trialgraph.config.AnalyticsConfiguration;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.Table;
import io.trialgraph.domain.TableColumn;
import io.trialgraph.domain.TableFilter;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.store.AnalyticsStore;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * The experiment table: checks the request, picks the default columns, pages and exports it.
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

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 10_000;
    public static final int EXPORT_PAGE_SIZE = 5_000;
    public static final int MAX_TRIALS = 1_000;
    private static final String TOKEN_PREFIX = "table1:";

    private final AnalyticsStore store;
    /** Null when the cache is off. */
    private final Cache<Table.Query, Neo4jConnection.Versioned<Table.Page>> answers;

    AnalyticsService(AnalyticsStore store, AnalyticsConfiguration config) {
        this.store = store;
        this.answers = config.getCacheCells() == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(config.getCacheCells())
                .weigher((Table.Query query, Neo4jConnection.Versioned<Table.Page> answer) ->
                        Math.max(1, answer.value().rows().size() * Math.max(1, answer.value().columns().size())))
                .recordStats()
                .build();
    }

    /** @return how often a request was answered from the cache, and how often computed; zeros when it is off */
    public CacheStats cacheStats() {
        return answers == null ? CacheStats.empty() : answers.stats();
    }

    /** Parses and checks a table request. */
    public static Table.Query query(Table.Scope scope, List<String> columns, String filter, List<String> sortColumns,
            List<Boolean> sortDescending, String groupBy, int pageSize, String pageToken) {
        if (scope == null) {
            throw new InvalidArgumentException("scope", "needs experiment_name, trial_names or experiment_name_prefix");
        }
        if (scope.experiment() != null) {
            Rules.name("experiment_name", scope.experiment());
        }
        if (scope.trials() != null) {
            if (scope.trials().isEmpty() || scope.trials().size() > MAX_TRIALS) {
                throw new InvalidArgumentException("trial_names", "needs 1 to " + MAX_TRIALS + " names, has " + scope.trials().size());
            }
            for (int i = 0; i < scope.trials().size(); i++) {
                Rules.name("trial_names[" + i + "]", scope.trials().get(i));
            }
        }
        List<TableColumn> parsedColumns = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            parsedColumns.add(TableColumn.parse("columns[" + i + "]", columns.get(i)));
        }
        TableFilter parsedFilter = filter == null || filter.isBlank() ? null : TableFilter.parse(filter);
        if (parsedFilter != null) {
            TableFilter.columns(parsedFilter).forEach(column -> TableColumn.parse("filter", column));
        }
        List<Table.Sort> sort = new ArrayList<>();
        for (int i = 0; i < sortColumns.size(); i++) {
            sort.add(new Table.Sort(TableColumn.parse("sort[" + i + "].column", sortColumns.get(i)), sortDescending.get(i)));
        }
        TableColumn group = groupBy == null || groupBy.isEmpty() ? null : TableColumn.parse("group_by", groupBy);
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgumentException("page_size", "must be between 0 (meaning " + DEFAULT_PAGE_SIZE + ") and "
                    + MAX_PAGE_SIZE + ", is " + pageSize);
        }
        return new Table.Query(scope, parsedColumns, parsedFilter, sort, group, offset(pageToken),
                pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize);
    }

    /** One page of the table. */
    public Table.Page page(Table.Query query) {
        if (answers == null) {
            return store.page(query, AnalyticsService::defaultColumns).value();
        }
        String now = store.version();
        Neo4jConnection.Versioned<Table.Page> cached = answers.getIfPresent(query);
        if (cached != null && cached.version().equals(now)) {
            return cached.value();
        }
        Neo4jConnection.Versioned<Table.Page> computed = store.page(query, AnalyticsService::defaultColumns);
        // Kept only when nothing committed between the check and the end of the read: Neo4j reads
        // committed data, so a read overlapping a commit may have seen part of it.
        if (computed.version().equals(now)) {
            answers.put(query, computed);
        }
        return computed.value();
    }

    /** Every page of the table, in order, to {@code pages}. */
    public void all(Table.Query query, Consumer<Table.Page> pages) {
        Export export = export(query);
        for (Table.Page page = export.next(); page != null; page = export.next()) {
            pages.accept(page);
        }
    }

    /** The table a page of {@value #EXPORT_PAGE_SIZE} rows at a time, each computed when asked for (for the CSV export). */
    public Export export(Table.Query query) {
        return new Export(new Table.Query(query.scope(), query.columns(), query.filter(), query.sort(), query.groupBy(), 0,
                EXPORT_PAGE_SIZE));
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
            next = page.nextOffset() < 0 ? null : new Table.Query(next.scope(), page.columns(), next.filter(), next.sort(),
                    next.groupBy(), page.nextOffset(), EXPORT_PAGE_SIZE);
            return page;
        }
    }

    /** name, kind, status, trials, every parameter, every statistic of every metric. */
    static List<TableColumn> defaultColumns(AnalyticsStore.Present present) {
        List<TableColumn> columns = new ArrayList<>();
        for (String fixed : List.of("name", "kind", "status", "trials")) {
            columns.add(TableColumn.parse("columns", fixed));
        }
        present.parameters().forEach(name -> columns.add(TableColumn.param(name)));
        for (String metric : present.metrics()) {
            TableColumn.STAT_ORDER.forEach(stat -> columns.add(TableColumn.metric(metric, stat)));
        }
        return columns;
    }

    /** @return the token for the page starting at {@code offset}; empty for none */
    public static String token(int offset) {
        return offset < 0 ? "" : Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(TOKEN_PREFIX)) {
                int offset = Integer.parseInt(text.substring(TOKEN_PREFIX.length()));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        throw new InvalidArgumentException("page_token", "is not a next_page_token returned by GetTable");
    }
}
