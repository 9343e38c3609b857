package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The analytics table's request and answer. */
public final class Table {

    private Table() {}

    /**
     * A value as the table shows it, whichever path computed it: times as ISO 8601 instants, counts
     * and steps (held as doubles) as integers when finite.
     */
    public static Object shown(Column column, Object value) {
        if (value instanceof java.time.ZonedDateTime time) {
            return time.toInstant().toString();
        }
        Column own = column instanceof Column.OfKind ofKind ? ofKind.column() : column;
        if (own instanceof Column.Metric metric
                && metric.stat().isIntegral()
                && value instanceof Double number
                && Double.isFinite(number)) {
            return number.longValue();
        }
        return value;
    }

    /** What a row is. */
    public enum Rows {
        /** A trial component. */
        COMPONENTS,
        /** A trial, with the columns of its components under their kind. */
        TRIALS
    }

    /**
     * Which rows the table covers: exactly one of the five is set.
     *
     * @param experiment the components (trials) of the trials of this experiment
     * @param trials the components of these trials (these trials)
     * @param experimentPrefix the search scope: experiments whose name starts with it (may be empty)
     * @param datasetUri the components that consumed the artifact with this URI (their trials)
     * @param experimentTags the components (trials) of the experiments that have all these tags
     */
    public record Scope(
            String experiment,
            List<String> trials,
            String experimentPrefix,
            String datasetUri,
            Map<String, String> experimentTags) {

        public static Scope ofExperiment(String name) {
            return new Scope(name, null, null, null, null);
        }

        public static Scope ofTrials(List<String> names) {
            return new Scope(null, names, null, null, null);
        }

        public static Scope ofExperimentPrefix(String prefix) {
            return new Scope(null, null, prefix, null, null);
        }

        public static Scope ofDataset(String uri) {
            return new Scope(null, null, null, uri, null);
        }

        public static Scope ofExperimentTags(Map<String, String> tags) {
            return new Scope(null, null, null, null, tags);
        }
    }

    /** One sort key. */
    public record Sort(Column column, boolean descending) {}

    /**
     * A table request, checked ({@link TableRequests#check}).
     *
     * @param columns empty for the default columns
     * @param filter null for every row
     * @param groupBy null for no grouping
     */
    public record Query(
            Scope scope,
            Rows rows,
            List<Column> columns,
            Filter filter,
            List<Sort> sort,
            Column groupBy,
            int offset,
            int limit) {

        /** @return the same request for other columns and another page */
        public Query page(List<Column> columns, int offset, int limit) {
            return new Query(scope, rows, columns, filter, sort, groupBy, offset, limit);
        }
    }

    /**
     * A page of the table.
     *
     * @param rows values per column: Long, Double, String, Boolean or null
     * @param nextOffset where the next page starts; -1 on the last page
     */
    public record Page(List<Column> columns, List<List<Object>> rows, long totalRows, int nextOffset) {}

    /**
     * A page and the database state it was computed at.
     *
     * @param version an opaque token of the database's last committed transaction when the read ended
     */
    public record Computed(Page page, String version) {}

    /** The parameter names and metric names present in a scope's components, sorted. */
    public record Present(List<String> parameters, List<String> metrics) {

        /** @return name, kind, status, trials, every parameter, every statistic of every metric */
        public List<Column> defaultColumns() {
            List<Column> columns = new ArrayList<>();
            for (FixedColumn fixed :
                    List.of(FixedColumn.NAME, FixedColumn.KIND, FixedColumn.STATUS, FixedColumn.TRIALS)) {
                columns.add(new Column.Fixed(fixed));
            }
            columns.addAll(valueColumns());
            return columns;
        }

        /** @return every parameter, then every statistic of every metric */
        List<Column> valueColumns() {
            List<Column> columns = new ArrayList<>();
            parameters.forEach(name -> columns.add(new Column.Param(name)));
            for (String metric : metrics) {
                for (Stat stat : Stat.values()) {
                    columns.add(new Column.Metric(metric, stat));
                }
            }
            return columns;
        }
    }

    /** What a scope's components hold, by kind (rows per trial). */
    public record PresentByKind(SortedMap<String, Present> kinds) {

        /** @return name, experiment, then per kind every parameter and every statistic of every metric */
        public List<Column> defaultColumns() {
            List<Column> columns = new ArrayList<>();
            columns.add(new Column.Fixed(FixedColumn.NAME));
            columns.add(new Column.Fixed(FixedColumn.EXPERIMENT));
            kinds.forEach((kind, present) ->
                    present.valueColumns().forEach(column -> columns.add(new Column.OfKind(kind, column))));
            return columns;
        }
    }
}
