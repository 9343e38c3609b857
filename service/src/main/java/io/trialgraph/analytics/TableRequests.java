package io.trialgraph.analytics;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.PageTokens;
import io.trialgraph.domain.Rules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
     * A request for component rows.
     *
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
        return check(
                scope,
                Table.Rows.COMPONENTS,
                columns,
                filter,
                sortColumns,
                sortDescending,
                groupBy,
                pageSize,
                pageToken);
    }

    /**
     * @param rows null means {@link Table.Rows#COMPONENTS}
     * @throws InvalidArgumentException naming the field and the rule or limit broken
     */
    public static Table.Query check(
            Table.Scope scope,
            Table.Rows rows,
            List<String> columns,
            String filter,
            List<String> sortColumns,
            List<Boolean> sortDescending,
            String groupBy,
            int pageSize,
            String pageToken) {
        checkScope(scope);
        Table.Rows rowKind = rows == null ? Table.Rows.COMPONENTS : rows;
        if (columns.size() > TableLimits.MAX_COLUMNS) {
            throw new InvalidArgumentException(
                    "columns",
                    "must name at most " + TableLimits.MAX_COLUMNS + " columns (the column limit), names "
                            + columns.size());
        }
        List<Column> parsedColumns = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            parsedColumns.add(Column.parse("columns[" + i + "]", columns.get(i), rowKind));
        }
        Filter parsedFilter = FilterParser.parse(filter, rowKind);
        if (sortColumns.size() > TableLimits.MAX_SORT_KEYS) {
            throw new InvalidArgumentException(
                    "sort",
                    "must have at most " + TableLimits.MAX_SORT_KEYS + " keys (the sort key limit), has "
                            + sortColumns.size());
        }
        List<Table.Sort> sort = new ArrayList<>();
        for (int i = 0; i < sortColumns.size(); i++) {
            String field = "sort[" + i + "].column";
            sort.add(new Table.Sort(
                    ordered(field, Column.parse(field, sortColumns.get(i), rowKind)), sortDescending.get(i)));
        }
        Column group = groupBy == null || groupBy.isEmpty()
                ? null
                : ordered("group_by", Column.parse("group_by", groupBy, rowKind));
        if (rowKind == Table.Rows.TRIALS) {
            Set<String> kinds = new LinkedHashSet<>(TableCypher.kindsRead(parsedFilter, sort, group));
            parsedColumns.forEach(column -> {
                if (column instanceof Column.OfKind ofKind) {
                    kinds.add(ofKind.kind());
                }
            });
            if (kinds.size() > TableLimits.MAX_KINDS) {
                throw new InvalidArgumentException(
                        "columns",
                        "columns, filter, sort and group_by name " + kinds.size()
                                + " distinct component kinds; at most " + TableLimits.MAX_KINDS
                                + " may be named together (the kind limit)");
            }
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
                rowKind,
                parsedColumns,
                parsedFilter,
                sort,
                group,
                offset,
                pageSize == 0 ? TableLimits.DEFAULT_PAGE_SIZE : pageSize);
    }

    private static void checkScope(Table.Scope scope) {
        if (scope == null) {
            throw new InvalidArgumentException(
                    "scope",
                    "needs experiment_name, trial_names, experiment_name_prefix, dataset_uri or experiment_tags");
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
        if (scope.datasetUri() != null) {
            Rules.uri("dataset_uri", scope.datasetUri());
        }
        if (scope.experimentTags() != null) {
            Map<String, String> tags = scope.experimentTags();
            if (tags.isEmpty() || tags.size() > TableLimits.MAX_TAGS) {
                throw new InvalidArgumentException(
                        "experiment_tags", "needs 1 to " + TableLimits.MAX_TAGS + " tags, has " + tags.size());
            }
            tags.forEach((key, value) -> {
                Rules.key(Rules.entry("experiment_tags", key), key);
                Rules.text(Rules.entry("experiment_tags", key), value, Rules.TAG_VALUE_MAX);
            });
        }
    }

    /** @return the token of the page starting at {@code offset}; empty for none (-1) */
    public static String token(int offset) {
        return offset < 0 ? "" : PageTokens.encodeOffset(TOKEN_KIND, offset);
    }

    private static Column ordered(String field, Column column) {
        if (column.isShownOnly()) {
            throw new InvalidArgumentException(
                    field, "trials can be shown as a column but not filtered, sorted or grouped by");
        }
        return column;
    }
}
