package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.Table;
import io.trialgraph.domain.TableColumn;
import io.trialgraph.domain.TableFilter;
import io.trialgraph.store.AnalyticsStore;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/** The experiment table: checks the request, picks the default columns, pages and exports it. */
@Singleton
public class AnalyticsService {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 10_000;
    public static final int EXPORT_PAGE_SIZE = 5_000;
    public static final int MAX_TRIALS = 1_000;
    private static final String TOKEN_PREFIX = "table1:";

    private final AnalyticsStore store;

    AnalyticsService(AnalyticsStore store) {
        this.store = store;
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
        return store.page(query, AnalyticsService::defaultColumns);
    }

    /** Every page of the table, in order, to {@code pages} (for the CSV export). */
    public void all(Table.Query query, Consumer<Table.Page> pages) {
        Table.Query next = new Table.Query(query.scope(), query.columns(), query.filter(), query.sort(), query.groupBy(), 0,
                EXPORT_PAGE_SIZE);
        while (true) {
            Table.Page page = page(next);
            pages.accept(page);
            if (page.nextOffset() < 0) {
                return;
            }
            // The first page fixed the columns: later pages must show the same ones.
            next = new Table.Query(next.scope(), page.columns(), next.filter(), next.sort(), next.groupBy(), page.nextOffset(),
                    EXPORT_PAGE_SIZE);
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
