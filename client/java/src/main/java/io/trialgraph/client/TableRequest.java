package io.trialgraph.client;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link TrialGraphClient#table(TableRequest)} should build: the scope (an experiment, a list
 * of trials, or every experiment whose name starts with a prefix), the columns, a filter, sort
 * keys, an optional group column and the page. Immutable: each {@code with...} returns a copy.
 *
 * <pre>{@code
 * TableRequest.experiment("cifar10")
 *     .withFilter("kind = \"training\" AND params.epochs = 60")
 *     .withSort("metrics.test_acc.last", true)
 *     .withGroupBy("params.optimizer");
 * }</pre>
 *
 * @param experiment the experiment in scope, or null
 * @param trials the trials in scope, or null
 * @param experimentPrefix the experiment-name prefix in scope, or null
 * @param columns columns to return; empty for the server's default (name, kind, status, trials, all parameters and statistics)
 * @param filter the filter expression (see the README, "Analytics"), or empty
 * @param sort sort keys, most significant first
 * @param groupBy the column to keep the best row per value of, or empty
 * @param pageSize rows per page: 0 means 100, at most 10,000
 * @param pageToken the previous page's {@link Table#nextPageToken()}, or empty
 */
public record TableRequest(String experiment, List<String> trials, String experimentPrefix, List<String> columns, String filter,
        List<SortKey> sort, String groupBy, int pageSize, String pageToken) {

    /** A sort key: a column, largest first when {@code descending}. */
    public record SortKey(String column, boolean descending) {
    }

    /** The components of every trial of {@code experiment}. */
    public static TableRequest experiment(String experiment) {
        return new TableRequest(experiment, null, null, List.of(), "", List.of(), "", 0, "");
    }

    /** The components of these trials. */
    public static TableRequest trials(List<String> trials) {
        return new TableRequest(null, List.copyOf(trials), null, List.of(), "", List.of(), "", 0, "");
    }

    /** The components of the trials of every experiment whose name starts with {@code prefix}. */
    public static TableRequest experimentsStartingWith(String prefix) {
        return new TableRequest(null, null, prefix, List.of(), "", List.of(), "", 0, "");
    }

    public TableRequest withColumns(String... columns) {
        return new TableRequest(experiment, trials, experimentPrefix, List.of(columns), filter, sort, groupBy, pageSize, pageToken);
    }

    public TableRequest withFilter(String filter) {
        return new TableRequest(experiment, trials, experimentPrefix, columns, filter, sort, groupBy, pageSize, pageToken);
    }

    /** Adds a sort key after the ones already given. */
    public TableRequest withSort(String column, boolean descending) {
        List<SortKey> keys = new ArrayList<>(sort);
        keys.add(new SortKey(column, descending));
        return new TableRequest(experiment, trials, experimentPrefix, columns, filter, List.copyOf(keys), groupBy, pageSize, pageToken);
    }

    public TableRequest withGroupBy(String column) {
        return new TableRequest(experiment, trials, experimentPrefix, columns, filter, sort, column, pageSize, pageToken);
    }

    public TableRequest withPage(int pageSize, String pageToken) {
        return new TableRequest(experiment, trials, experimentPrefix, columns, filter, sort, groupBy, pageSize, pageToken);
    }
}
