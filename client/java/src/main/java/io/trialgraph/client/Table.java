package io.trialgraph.client;

import java.util.List;

/**
 * One page of an experiment table.
 *
 * @param columns column names, e.g. {@code name}, {@code params.epochs}, {@code metrics.test_acc.last}
 * @param rows a value per column: Long, Double, String, Boolean, or null where the row has none
 * @param totalRows rows of the whole table (after filter and grouping)
 * @param nextPageToken pass to {@link TableRequest#withPage(int, String)} for the next page; empty on the last
 */
public record Table(List<String> columns, List<List<Object>> rows, long totalRows, String nextPageToken) {
}
