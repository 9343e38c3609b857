package io.trialgraph.store;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Table;
import io.trialgraph.domain.TableColumn;
import io.trialgraph.domain.TableFilter;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

/**
 * The analytics table in Cypher. The query text is assembled from fixed fragments only: every
 * value, parameter name and metric name of the request travels as a query parameter
 * ({@code $v0}, {@code $k0}, {@code $m0}, ...), operators come from a fixed set and statistics
 * map to fixed property names. Filtering, grouping, sorting and paging all run in Neo4j.
 */
@Singleton
public class AnalyticsStore {

    private static final Map<String, String> FIXED_PROPERTIES = Map.of("name", "c.name", "display_name", "c.displayName",
            "kind", "c.kind", "status", "c.status", "status_message", "c.statusMessage", "start_time", "c.startTime",
            "end_time", "c.endTime");

    private final Neo4jConnection neo4j;

    AnalyticsStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /** @return the database's current state, to compare with {@link Neo4jConnection.Versioned#version()} */
    public String version() {
        return neo4j.version();
    }

    /** The parameter names and metric names present in scope, for the default columns. */
    public record Present(List<String> parameters, List<String> metrics) {
    }

    /**
     * One page of the table, with the total row count, and the database state it was computed at.
     *
     * @param present called with what the scope holds when the query has no columns; returns the columns to show
     * @throws NotFoundException when the experiment or a trial of the scope does not exist
     */
    public Neo4jConnection.Versioned<Table.Page> page(Table.Query query,
            java.util.function.Function<Present, List<TableColumn>> present) {
        return neo4j.readVersioned(tx -> {
            requireScope(tx, query.scope());
            Builder builder = new Builder();
            String body = builder.body(query);
            List<TableColumn> columns = query.columns().isEmpty() ? present.apply(present(tx, query.scope(), new Builder()))
                    : query.columns();
            // One pass: the sorted rows are collected (components only), the page is cut from the
            // list, and only the page's rows are turned into values.
            String rowsQuery = body + "\n" + builder.order(query) + """

                    WITH collect(c) AS sorted
                    WITH size(sorted) AS total, sorted[$offset..($offset + $limit)] AS page
                    UNWIND page AS c
                    """ + builder.output(query.scope(), columns);
            builder.parameters.put("offset", query.offset());
            builder.parameters.put("limit", query.limit());
            List<List<Object>> rows = new ArrayList<>();
            long total = -1;
            for (Record record : tx.run(rowsQuery, builder.parameters).list()) {
                total = record.get("total").asLong();
                rows.add(builder.row(columns, record));
            }
            if (total < 0) {
                // An empty page (past the end, or no rows): count on its own.
                total = tx.run(body + "\nRETURN count(*) AS total", builder.parameters).single().get("total").asLong();
            }
            int next = query.offset() + rows.size();
            return new Table.Page(columns, rows, total, next < total ? next : -1);
        });
    }

    private static void requireScope(TransactionContext tx, Table.Scope scope) {
        if (scope.experiment() != null
                && tx.run("MATCH (e:Experiment {name: $name}) RETURN count(e) AS n", Map.of("name", scope.experiment()))
                .single().get("n").asLong() == 0) {
            throw new NotFoundException("experiment", scope.experiment());
        }
        if (scope.trials() != null) {
            List<Record> missing = tx.run("""
                    UNWIND $names AS name OPTIONAL MATCH (t:Trial {name: name}) WITH name, t WHERE t IS NULL
                    RETURN name LIMIT 1""", Map.of("names", scope.trials())).list();
            if (!missing.isEmpty()) {
                throw new NotFoundException("trial", missing.get(0).get("name").asString());
            }
        }
    }

    private static Present present(TransactionContext tx, Table.Scope scope, Builder builder) {
        Record record = tx.run(builder.scopeMatch(scope) + """

                WITH DISTINCT c
                CALL (c) {
                  OPTIONAL MATCH (c)-[:HAS_METRIC]->(m:Metric)
                  RETURN collect(m.name) AS names
                }
                UNWIND (CASE WHEN size(names) = 0 THEN [null] ELSE names END) AS metric
                WITH c, metric
                UNWIND (CASE WHEN size([k IN keys(c) WHERE k STARTS WITH 'param.']) = 0 THEN [null]
                        ELSE [k IN keys(c) WHERE k STARTS WITH 'param.'] END) AS parameter
                RETURN collect(DISTINCT substring(parameter, 6)) AS parameters, collect(DISTINCT metric) AS metrics""",
                builder.parameters).single();
        return new Present(new ArrayList<>(new TreeSet<>(record.get("parameters").asList(Value::asString))),
                new ArrayList<>(new TreeSet<>(record.get("metrics").asList(Value::asString))));
    }

    /** Assembles one query: fragments are fixed, everything from the request is a parameter. */
    private static final class Builder {

        private final Map<String, Object> parameters = new HashMap<>();
        private final Map<String, String> metricVariables = new LinkedHashMap<>();
        private int values;

        String scopeMatch(Table.Scope scope) {
            if (scope.experiment() != null) {
                parameters.put("experiment", scope.experiment());
                return "MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(t:Trial)<-[:PART_OF]-(c:TrialComponent)";
            }
            if (scope.trials() != null) {
                parameters.put("trials", scope.trials());
                return "MATCH (t:Trial)<-[:PART_OF]-(c:TrialComponent) WHERE t.name IN $trials";
            }
            parameters.put("prefix", scope.experimentPrefix());
            return "MATCH (e:Experiment)<-[:IN_EXPERIMENT]-(t:Trial)<-[:PART_OF]-(c:TrialComponent) WHERE e.name STARTS WITH $prefix";
        }

        /** Scope, the metrics the filter, sort and grouping read, the filter and the grouping. */
        String body(Table.Query query) {
            List<TableColumn> used = new ArrayList<>();
            if (query.filter() != null) {
                TableFilter.columns(query.filter()).forEach(id -> used.add(TableColumn.parse("filter", id)));
            }
            query.sort().forEach(sort -> used.add(sort.column()));
            if (query.groupBy() != null) {
                used.add(query.groupBy());
            }
            for (TableColumn column : used) {
                if (column.type() == TableColumn.Type.METRIC && !metricVariables.containsKey(column.name())) {
                    String variable = "m" + metricVariables.size();
                    parameters.put(variable, column.name());
                    metricVariables.put(column.name(), variable);
                }
                if (column.type() == TableColumn.Type.FIXED && column.name().equals("trials")) {
                    throw new InvalidArgumentException("trials", "can be shown as a column but not filtered, sorted or grouped by");
                }
            }
            StringBuilder cypher = new StringBuilder(scopeMatch(query.scope()));
            cypher.append("\nWITH DISTINCT c");
            for (Map.Entry<String, String> metric : metricVariables.entrySet()) {
                cypher.append("\nOPTIONAL MATCH (").append(metric.getValue()).append(":Metric {component: c.name, name: $")
                        .append(metric.getValue()).append("})");
            }
            String carried = carried();
            cypher.append("\nWITH ").append(carried);
            if (query.filter() != null) {
                cypher.append("\nWHERE ").append(filter(query.filter()));
            }
            if (query.groupBy() != null) {
                String group = expression(query.groupBy());
                cypher.append("\nWITH ").append(carried).append(", ").append(group).append(" AS grouped\n")
                        .append("WITH ").append(carried).append(", grouped ORDER BY grouped, ").append(sortTerms(query))
                        .append("\nWITH grouped, collect({").append(mapOf(carried)).append("})[0] AS best\nWITH ")
                        .append(unpack(carried));
            }
            return cypher.toString();
        }

        String order(Table.Query query) {
            return "WITH " + carried() + " ORDER BY " + sortTerms(query);
        }

        /** The sort keys, missing values last whichever the direction, ties by name. */
        private String sortTerms(Table.Query query) {
            StringBuilder terms = new StringBuilder();
            for (Table.Sort sort : query.sort()) {
                String expression = expression(sort.column());
                terms.append(expression).append(" IS NULL, ").append(expression).append(sort.descending() ? " DESC, " : ", ");
            }
            return terms.append("c.name").toString();
        }

        private String carried() {
            StringBuilder carried = new StringBuilder("c");
            metricVariables.values().forEach(variable -> carried.append(", ").append(variable));
            return carried.toString();
        }

        private static String mapOf(String carried) {
            StringBuilder map = new StringBuilder();
            for (String variable : carried.split(", ")) {
                map.append(map.length() == 0 ? "" : ", ").append(variable).append(": ").append(variable);
            }
            return map.toString();
        }

        private static String unpack(String carried) {
            StringBuilder unpacked = new StringBuilder();
            for (String variable : carried.split(", ")) {
                unpacked.append(unpacked.length() == 0 ? "" : ", ").append("best.").append(variable).append(" AS ").append(variable);
            }
            return unpacked.toString();
        }

        /** The statistics the page shows, in the order {@link #output} returns them after each metric's name. */
        private final List<String> shownStats = new ArrayList<>();

        /**
         * The page's values: {@code values} holds the non-metric columns in column order, {@code ms}
         * a {@code [name, stat, stat, ...]} list per shown metric of the row, picked apart in
         * {@link #row}. Reading each metric's name and statistics once and matching in Java
         * measured twice as fast on a 10,000-row table as picking them in Cypher, which reads the
         * properties of every metric node once per shown column.
         */
        String output(Table.Scope scope, List<TableColumn> columns) {
            StringBuilder cypher = new StringBuilder("RETURN total, [");
            boolean first = true;
            java.util.Set<String> shownMetrics = new java.util.LinkedHashSet<>();
            for (TableColumn column : columns) {
                if (column.type() == TableColumn.Type.METRIC) {
                    shownMetrics.add(column.name());
                    if (!shownStats.contains(column.stat())) {
                        shownStats.add(column.stat());
                    }
                    continue;
                }
                cypher.append(first ? "" : ", ");
                first = false;
                if (column.type() == TableColumn.Type.FIXED && column.name().equals("trials")) {
                    cypher.append(trialsInScope(scope));
                } else {
                    cypher.append(expression(column));
                }
            }
            cypher.append("] AS values");
            if (!shownMetrics.isEmpty()) {
                parameters.put("shown", List.copyOf(shownMetrics));
                cypher.append(", COLLECT { MATCH (c)-[:HAS_METRIC]->(m:Metric) WHERE m.name IN $shown RETURN [m.name");
                shownStats.forEach(stat -> cypher.append(", m.").append(TableColumn.STATS.get(stat)));
                cypher.append("] } AS ms");
            }
            return cypher.toString();
        }

        /** One row in column order, from a record of {@link #output}'s query. */
        List<Object> row(List<TableColumn> columns, Record record) {
            List<Value> values = record.get("values").asList(v -> v);
            Map<String, List<Value>> metrics = new HashMap<>();
            if (record.containsKey("ms")) {
                for (Value metric : record.get("ms").values()) {
                    List<Value> entry = metric.asList(v -> v);
                    metrics.put(entry.get(0).asString(), entry);
                }
            }
            List<Object> row = new ArrayList<>(columns.size());
            int next = 0;
            for (TableColumn column : columns) {
                Value value;
                if (column.type() == TableColumn.Type.METRIC) {
                    List<Value> metric = metrics.get(column.name());
                    value = metric == null ? null : metric.get(1 + shownStats.indexOf(column.stat()));
                } else {
                    value = values.get(next++);
                }
                Object plain = value == null || value.isNull() ? null : value.asObject();
                row.add(plain instanceof ZonedDateTime time ? time.toInstant().toString() : plain);
            }
            return row;
        }

        /** The names of a row's trials within the scope, sorted and joined by commas. */
        private String trialsInScope(Table.Scope scope) {
            String inScope;
            if (scope.experiment() != null) {
                inScope = "(t)-[:IN_EXPERIMENT]->(:Experiment {name: $experiment})";
            } else if (scope.trials() != null) {
                inScope = "t.name IN $trials";
            } else {
                inScope = "EXISTS { (t)-[:IN_EXPERIMENT]->(e:Experiment) WHERE e.name STARTS WITH $prefix }";
            }
            return "reduce(names = '', name IN COLLECT { MATCH (c)-[:PART_OF]->(t:Trial) WHERE " + inScope
                    + " RETURN t.name ORDER BY t.name } | names + CASE WHEN names = '' THEN '' ELSE ',' END + name)";
        }

        String expression(TableColumn column) {
            return switch (column.type()) {
                case FIXED -> FIXED_PROPERTIES.get(column.name());
                case PARAM -> {
                    String key = "k" + values++;
                    parameters.put(key, "param." + column.name());
                    yield "c[$" + key + "]";
                }
                case METRIC -> metricVariables.get(column.name()) + "." + TableColumn.STATS.get(column.stat());
            };
        }

        private String value(TableColumn column, Object value) {
            String name = "v" + values++;
            parameters.put(name, value);
            boolean time = column.type() == TableColumn.Type.FIXED && column.name().endsWith("_time");
            if (time && !(value instanceof String text && isTime(text))) {
                throw new InvalidArgumentException("filter", column.id() + " compares with an ISO 8601 time in quotes, e.g. "
                        + "\"2026-11-01T00:00:00Z\" or \"2026-11-01\", not " + value);
            }
            return time ? "datetime($" + name + ")" : "$" + name;
        }

        private static boolean isTime(String text) {
            for (java.time.format.DateTimeFormatter format : List.of(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME,
                    java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME, java.time.format.DateTimeFormatter.ISO_LOCAL_DATE)) {
                try {
                    format.parse(text);
                    return true;
                } catch (java.time.format.DateTimeParseException notThisOne) {
                    // try the next
                }
            }
            return false;
        }

        String filter(TableFilter filter) {
            if (filter instanceof TableFilter.And and) {
                return "(" + filter(and.left()) + " AND " + filter(and.right()) + ")";
            }
            if (filter instanceof TableFilter.Or or) {
                return "(" + filter(or.left()) + " OR " + filter(or.right()) + ")";
            }
            if (filter instanceof TableFilter.Not not) {
                return "(NOT " + filter(not.inner()) + ")";
            }
            if (filter instanceof TableFilter.Compare compare) {
                TableColumn column = TableColumn.parse("filter", compare.column());
                String op = compare.op().equals("!=") ? "<>" : compare.op();
                return "(" + expression(column) + " " + op + " " + value(column, compare.value()) + ")";
            }
            if (filter instanceof TableFilter.In in) {
                TableColumn column = TableColumn.parse("filter", in.column());
                String name = "v" + values++;
                parameters.put(name, in.values());
                return "(" + expression(column) + " IN $" + name + ")";
            }
            if (filter instanceof TableFilter.Contains contains) {
                TableColumn column = TableColumn.parse("filter", contains.column());
                return "(" + expression(column) + " CONTAINS " + value(column, contains.text()) + ")";
            }
            if (filter instanceof TableFilter.StartsWith startsWith) {
                TableColumn column = TableColumn.parse("filter", startsWith.column());
                return "(" + expression(column) + " STARTS WITH " + value(column, startsWith.text()) + ")";
            }
            TableFilter.Exists exists = (TableFilter.Exists) filter;
            return "(" + expression(TableColumn.parse("filter", exists.column())) + " IS NOT NULL)";
        }
    }
}
