package io.trialgraph.analytics;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.PageTokens;
import io.trialgraph.domain.Rules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a table request as it arrives and turns it into a {@link Table.Query}: every rule and
 * every limit of {@link TableLimits}, before any database call. Page tokens are offsets in
 * {@link PageTokens}, kind {@value #TOKEN_KIND}.
 */
public final class TableRequests {

    /** The page-token kind of table pages. */
    public static final String TOKEN_KIND = "table";

    private TableRequests() {}

    /**
     * @throws InvalidArgumentException naming the field and the rule or limit broken
     */
    public static Table.Query check(
            Table.Scope scope,
            List<String> columns,
            String filter,
            List<String> sortColumns,
            List<Boolean> sortDescending,
            String groupBy,
            int pageSize,
            String pageToken) {
        if (scope == null) {
            throw new InvalidArgumentException("scope", "needs experiment_name, trial_names or experiment_name_prefix");
        }
        if (scope.experiment() != null) {
            Rules.name("experiment_name", scope.experiment());
        }
        if (scope.trials() != null) {
            if (scope.trials().isEmpty() || scope.trials().size() > TableLimits.MAX_TRIALS) {
                throw new InvalidArgumentException(
                        "trial_names",
                        "needs 1 to " + TableLimits.MAX_TRIALS + " names, has "
                                + scope.trials().size());
            }
            for (int i = 0; i < scope.trials().size(); i++) {
                Rules.name("trial_names[" + i + "]", scope.trials().get(i));
            }
        }
        if (scope.experimentPrefix() != null) {
            Rules.text("experiment_name_prefix", scope.experimentPrefix(), Rules.NAME_MAX);
        }
        if (columns.size() > TableLimits.MAX_COLUMNS) {
            throw new InvalidArgumentException(
                    "columns",
                    "must name at most " + TableLimits.MAX_COLUMNS + " columns (the column limit), names "
                            + columns.size());
        }
        List<Column> parsedColumns = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            parsedColumns.add(Column.parse("columns[" + i + "]", columns.get(i)));
        }
        Filter parsedFilter = FilterParser.parse(filter);
        if (sortColumns.size() > TableLimits.MAX_SORT_KEYS) {
            throw new InvalidArgumentException(
                    "sort",
                    "must have at most " + TableLimits.MAX_SORT_KEYS + " keys (the sort key limit), has "
                            + sortColumns.size());
        }
        List<Table.Sort> sort = new ArrayList<>();
        for (int i = 0; i < sortColumns.size(); i++) {
            String field = "sort[" + i + "].column";
            sort.add(new Table.Sort(ordered(field, Column.parse(field, sortColumns.get(i))), sortDescending.get(i)));
        }
        Column group =
                groupBy == null || groupBy.isEmpty() ? null : ordered("group_by", Column.parse("group_by", groupBy));
        Set<String> metrics = new LinkedHashSet<>(TableCypher.metricsRead(parsedFilter, sort, group));
        if (metrics.size() > TableLimits.MAX_METRICS) {
            throw new InvalidArgumentException(
                    "filter",
                    "filter, sort and group_by read " + metrics.size() + " distinct metrics; at most "
                            + TableLimits.MAX_METRICS + " may be read together (the metric limit)");
        }
        if (pageSize < 0 || pageSize > TableLimits.MAX_PAGE_SIZE) {
            throw new InvalidArgumentException(
                    "page_size",
                    "must be between 0 (meaning " + TableLimits.DEFAULT_PAGE_SIZE + ") and " + TableLimits.MAX_PAGE_SIZE
                            + ", is " + pageSize);
        }
        int offset = (int) PageTokens.decodeOffset(TOKEN_KIND, pageToken, "GetTable", Integer.MAX_VALUE);
        return new Table.Query(
                scope,
                parsedColumns,
                parsedFilter,
                sort,
                group,
                offset,
                pageSize == 0 ? TableLimits.DEFAULT_PAGE_SIZE : pageSize);
    }

    /** @return the token of the page starting at {@code offset}; empty for none (-1) */
    public static String token(int offset) {
        return offset < 0 ? "" : PageTokens.encodeOffset(TOKEN_KIND, offset);
    }

    private static Column ordered(String field, Column column) {
        if (column instanceof Column.Fixed fixed && fixed.column() == FixedColumn.TRIALS) {
            throw new InvalidArgumentException(
                    field, "trials can be shown as a column but not filtered, sorted or grouped by");
        }
        return column;
    }
}
