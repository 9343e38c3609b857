package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.List;

/** The analytics table's request and answer. */
public final class Table {

    private Table() {}

    /**
     * Which components the table covers: exactly one of the three is set.
     *
     * @param experimentPrefix the search scope: experiments whose name starts with it (may be empty)
     */
    public record Scope(String experiment, List<String> trials, String experimentPrefix) {}

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
            Scope scope, List<Column> columns, Filter filter, List<Sort> sort, Column groupBy, int offset, int limit) {

        /** @return the same request for other columns and another page */
        public Query page(List<Column> columns, int offset, int limit) {
            return new Query(scope, columns, filter, sort, groupBy, offset, limit);
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

    /** The parameter names and metric names present in a scope, sorted: what the default columns show. */
    public record Present(List<String> parameters, List<String> metrics) {

        /** @return name, kind, status, trials, every parameter, every statistic of every metric */
        public List<Column> defaultColumns() {
            List<Column> columns = new ArrayList<>();
            for (FixedColumn fixed :
                    List.of(FixedColumn.NAME, FixedColumn.KIND, FixedColumn.STATUS, FixedColumn.TRIALS)) {
                columns.add(new Column.Fixed(fixed));
            }
            parameters.forEach(name -> columns.add(new Column.Param(name)));
            for (String metric : metrics) {
                for (Stat stat : Stat.values()) {
                    columns.add(new Column.Metric(metric, stat));
                }
            }
            return columns;
        }
    }
}
