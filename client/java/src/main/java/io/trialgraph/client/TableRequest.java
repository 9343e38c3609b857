package io.trialgraph.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link TrialGraphClient#table(TableRequest)} should build: the scope (an experiment, a list
 * of trials, every experiment whose name starts with a prefix, every experiment with some tags, or
 * every job that consumed a dataset), what a row is (a component, or a trial with its components'
 * columns under their kind), the columns, a filter, sort keys, an optional group column and the
 * page. Immutable: each {@code with...} returns a copy.
 *
 * <pre>{@code
 * TableRequest.experiment("cifar10")
 *     .withFilter("kind = \"training\" AND params.epochs = 60")
 *     .withSort("metrics.test_acc.last", true)
 *     .withGroupBy("params.optimizer");
 * TableRequest.dataset("s3://bucket/cifar10/train").perTrial()
 *     .withSort("training.metrics.test_acc.last", true)
 *     .withGroupBy("experiment");                       // the best trial of every experiment that used it
 * }</pre>
 *
 * @param experiment the experiment in scope, or null
 * @param trials the trials in scope, or null
 * @param experimentPrefix the experiment-name prefix in scope, or null
 * @param datasetUri the artifact whose consumers are in scope, or null
 * @param experimentTags the tags every experiment in scope has, or null
 * @param rowsPerTrial a row per trial (columns {@code name}, {@code experiment}, {@code <kind>.<column>}) instead of per component
 * @param columns columns to return; empty for the server's default (component rows: name, kind, status,
 *     trials, all parameters and statistics; rows per trial: name, experiment and those of every kind)
 * @param filter the filter expression (see the README, "Analytics"), or empty
 * @param sort sort keys, most significant first
 * @param groupBy the column to keep the best row per value of, or empty
 * @param pageSize rows per page: 0 means 100, at most 10,000
 * @param pageToken the previous page's {@link Table#nextPageToken()}, or empty
 */
public record TableRequest(
        String experiment,
        List<String> trials,
        String experimentPrefix,
        String datasetUri,
        Map<String, String> experimentTags,
        boolean rowsPerTrial,
        List<String> columns,
        String filter,
        List<SortKey> sort,
        String groupBy,
        int pageSize,
        String pageToken) {

    /** A sort key: a column, largest first when {@code descending}. */
    public record SortKey(String column, boolean descending) {}

    private static TableRequest scope(
            String experiment,
            List<String> trials,
            String experimentPrefix,
            String datasetUri,
            Map<String, String> experimentTags) {
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                false,
                List.of(),
                "",
                List.of(),
                "",
                0,
                "");
    }

    /** The components of every trial of {@code experiment}. */
    public static TableRequest experiment(String experiment) {
        return scope(experiment, null, null, null, null);
    }

    /** The components of these trials. */
    public static TableRequest trials(List<String> trials) {
        return scope(null, List.copyOf(trials), null, null, null);
    }

    /** The components of the trials of every experiment whose name starts with {@code prefix}. */
    public static TableRequest experimentsStartingWith(String prefix) {
        return scope(null, null, prefix, null, null);
    }

    /** The components of the trials of every experiment that has all these tags. */
    public static TableRequest experimentsTagged(Map<String, String> tags) {
        return scope(null, null, null, null, Map.copyOf(tags));
    }

    /** The components that consumed the artifact with this URI (e.g. every job trained on a dataset), in any experiment. */
    public static TableRequest dataset(String uri) {
        return scope(null, null, null, uri, null);
    }

    /** The same request with a row per trial: {@code name}, {@code experiment} and {@code <kind>.<column>} columns. */
    public TableRequest perTrial() {
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                true,
                columns,
                filter,
                sort,
                groupBy,
                pageSize,
                pageToken);
    }

    public TableRequest withColumns(String... columns) {
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                rowsPerTrial,
                List.of(columns),
                filter,
                sort,
                groupBy,
                pageSize,
                pageToken);
    }

    public TableRequest withFilter(String filter) {
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                rowsPerTrial,
                columns,
                filter,
                sort,
                groupBy,
                pageSize,
                pageToken);
    }

    /** Adds a sort key after the ones already given. */
    public TableRequest withSort(String column, boolean descending) {
        List<SortKey> keys = new ArrayList<>(sort);
        keys.add(new SortKey(column, descending));
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                rowsPerTrial,
                columns,
                filter,
                List.copyOf(keys),
                groupBy,
                pageSize,
                pageToken);
    }

    public TableRequest withGroupBy(String column) {
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                rowsPerTrial,
                columns,
                filter,
                sort,
                column,
                pageSize,
                pageToken);
    }

    public TableRequest withPage(int pageSize, String pageToken) {
        return new TableRequest(
                experiment,
                trials,
                experimentPrefix,
                datasetUri,
                experimentTags,
                rowsPerTrial,
                columns,
                filter,
                sort,
                groupBy,
                pageSize,
                pageToken);
    }
}
