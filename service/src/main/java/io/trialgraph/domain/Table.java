package io.trialgraph.domain;

import java.util.List;

/** The analytics table's request and answer. */
public final class Table {

    private Table() {
    }

    /**
     * Which components the table covers: exactly one of the three is set.
     *
     * @param experimentPrefix the search scope: experiments whose name starts with it (may be empty)
     */
    public record Scope(String experiment, List<String> trials, String experimentPrefix) {
    }

    /** One sort key. */
    public record Sort(TableColumn column, boolean descending) {
    }

    /**
     * A table request, checked.
     *
     * @param columns empty for the default columns
     * @param filter null for every row
     * @param groupBy null for no grouping
     */
    public record Query(Scope scope, List<TableColumn> columns, TableFilter filter, List<Sort> sort, TableColumn groupBy,
            int offset, int limit) {
    }

    /**
     * A page of the table.
     *
     * @param rows values per column: Long, Double, String, Boolean or null
     * @param nextOffset where the next page starts; -1 on the last page
     */
    public record Page(List<TableColumn> columns, List<List<Object>> rows, long totalRows, int nextOffset) {
    }
}
