package io.trialgraph.client;

import java.util.List;
import java.util.Map;

/**
 * The answer of a read-only Cypher query ({@link TrialGraphClient#query}): the column names and
 * the rows, each a list of values in column order.
 *
 * <p>Values are plain Java objects: {@code null}, {@link Boolean}, {@link Long} (integers),
 * {@link Double} (floats), {@link String}, {@code byte[]}, {@link List} (of values),
 * {@link Map}{@code <String, Object>}, {@link Node}, {@link Relationship}, {@link Path}; Neo4j
 * temporals (dates, times, datetimes, durations) come as their ISO 8601 {@link String} and points
 * as their Cypher text, e.g. {@code point({srid:4326, x:1.0, y:2.0})}.
 *
 * @param columns the column names, in row order
 * @param rows the rows (unmodifiable)
 * @param truncated true when the query had more rows than its row cap: {@code rows} holds the rows up
 *        to the cap (the server answered {@code RESOURCE_EXHAUSTED} after sending them)
 */
public record QueryResult(List<String> columns, List<List<Object>> rows, boolean truncated) {

    /**
     * Copies the lists (the rows' values may be null, so they are wrapped, not copied).
     *
     * @param columns the column names, in row order
     * @param rows the rows (unmodifiable)
     * @param truncated true when the query had more rows than its row cap: {@code rows} holds the rows up to the cap (the server answered {@code RESOURCE_EXHAUSTED} after sending them)
     */
    public QueryResult {
        columns = List.copyOf(columns);
        rows = java.util.Collections.unmodifiableList(rows);
    }

    /** @return the number of rows */
    public int size() {
        return rows.size();
    }

    /**
     * The value of a column in a row.
     *
     * @param row the row index
     * @param column the column name
     * @return the value (may be null)
     * @throws IllegalArgumentException when there is no such column
     */
    public Object get(int row, String column) {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in " + columns);
        }
        return rows.get(row).get(index);
    }

    /**
     * The values of one column, a value per row.
     *
     * @param column the column name
     * @return the values, in row order
     * @throws IllegalArgumentException when there is no such column
     */
    public List<Object> column(String column) {
        int index = columns.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in " + columns);
        }
        return rows.stream().map(r -> r.get(index)).toList();
    }

    /**
     * A node.
     *
     * @param elementId Neo4j's element id (valid within this result only)
     * @param labels its labels
     * @param properties its properties, converted like the row values
     */
    public record Node(String elementId, List<String> labels, Map<String, Object> properties) {
    }

    /**
     * A relationship.
     *
     * @param elementId Neo4j's element id (valid within this result only)
     * @param type its type, e.g. "CONSUMED_BY"
     * @param startElementId element id of its start node
     * @param endElementId element id of its end node
     * @param properties its properties, converted like the row values
     */
    public record Relationship(String elementId, String type, String startElementId, String endElementId,
            Map<String, Object> properties) {
    }

    /**
     * A path: nodes and the relationships between them, in order ({@code relationships.get(i)}
     * connects {@code nodes.get(i)} and {@code nodes.get(i + 1)}).
     *
     * @param nodes the nodes, from start to end
     * @param relationships the relationships
     */
    public record Path(List<Node> nodes, List<Relationship> relationships) {
    }
}
