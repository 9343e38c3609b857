package io.trialgraph.analytics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a checked {@link Table.Query} into Cypher, purely (no database). The query text is
 * assembled from fixed fragments only: every value, parameter name and metric name of the request
 * travels as a query parameter ({@code $v0}, {@code $k0}, {@code $m0}, ...), operators come from
 * {@link Filter.Op}, statistics and fixed columns map to fixed property names. Filtering,
 * grouping, sorting and paging all run in Neo4j. The store runs the statements and hands each
 * record's plain values to {@link Layout#row}.
 */
public final class TableCypher {

    /** A query and its parameters. */
    public record Statement(String text, Map<String, Object> parameters) {}

    /**
     * The statements of one page.
     *
     * @param rows returns {@code total} (rows of the whole table), {@code values} (the non-metric
     *     columns, in column order) and, when metrics are shown, {@code ms} (a {@code [name, stat,
     *     stat, ...]} list per shown metric of the row); no record when the page is empty
     * @param count returns {@code total} alone, for an empty page
     */
    public record PageStatements(Statement rows, Statement count, Layout layout) {}

    /**
     * How a record of {@link PageStatements#rows} becomes a row.
     *
     * @param shownStats the statistics each {@code ms} list holds after the metric's name, in order
     */
    public record Layout(List<Column> columns, List<Stat> shownStats) {

        /**
         * @param values the record's {@code values}, as plain Java values
         * @param metrics the record's {@code ms} lists by metric name (the name first), as plain Java values
         * @return the row in column order
         */
        public List<Object> row(List<Object> values, Map<String, List<Object>> metrics) {
            List<Object> row = new ArrayList<>(columns.size());
            int next = 0;
            for (Column column : columns) {
                if (column instanceof Column.Metric metric) {
                    List<Object> stats = metrics.get(metric.metric());
                    row.add(stats == null ? null : stats.get(1 + shownStats.indexOf(metric.stat())));
                } else {
                    row.add(values.get(next++));
                }
            }
            return row;
        }
    }

    private final Map<String, Object> parameters = new HashMap<>();
    /** Metric name -> its variable ({@code m0}, ...), for the metrics filter, sort and group_by read. */
    private final Map<String, String> metricVariables = new LinkedHashMap<>();

    private int values;

    private TableCypher() {}

    /** @return the distinct metrics that the filter, sort and grouping read, in order of appearance */
    public static List<String> metricsRead(Filter filter, List<Table.Sort> sort, Column groupBy) {
        Set<String> metrics = new LinkedHashSet<>();
        List<Column> read = new ArrayList<>();
        columns(filter, read);
        sort.forEach(key -> read.add(key.column()));
        if (groupBy != null) {
            read.add(groupBy);
        }
        for (Column column : read) {
            if (column instanceof Column.Metric metric) {
                metrics.add(metric.metric());
            }
        }
        return List.copyOf(metrics);
    }

    /** Every column a filter names, in order. Recursion is bounded by the filter's checked depth. */
    private static void columns(Filter filter, List<Column> into) {
        if (filter == null) {
            return;
        }
        filter.accept(new Filter.Visitor<Void>() {
            @Override
            public Void all(Filter.All all) {
                all.terms().forEach(term -> term.accept(this));
                return null;
            }

            @Override
            public Void any(Filter.Any any) {
                any.terms().forEach(term -> term.accept(this));
                return null;
            }

            @Override
            public Void not(Filter.Not not) {
                return not.inner().accept(this);
            }

            @Override
            public Void compare(Filter.Compare compare) {
                into.add(compare.column());
                return null;
            }

            @Override
            public Void in(Filter.In in) {
                into.add(in.column());
                return null;
            }

            @Override
            public Void contains(Filter.Contains contains) {
                into.add(contains.column());
                return null;
            }

            @Override
            public Void startsWith(Filter.StartsWith startsWith) {
                into.add(startsWith.column());
                return null;
            }

            @Override
            public Void exists(Filter.Exists exists) {
                into.add(exists.column());
                return null;
            }
        });
    }

    /** @return the statement whose single record has {@code parameters} and {@code metrics}: the names present in scope */
    public static Statement present(Table.Scope scope) {
        TableCypher cypher = new TableCypher();
        String text = cypher.scopeMatch(scope) + """

                WITH DISTINCT c
                CALL (c) {
                  OPTIONAL MATCH (c)-[:HAS_METRIC]->(m:Metric)
                  RETURN collect(m.name) AS names
                }
                UNWIND (CASE WHEN size(names) = 0 THEN [null] ELSE names END) AS metric
                WITH c, metric
                UNWIND (CASE WHEN size([k IN keys(c) WHERE k STARTS WITH 'param.']) = 0 THEN [null]
                        ELSE [k IN keys(c) WHERE k STARTS WITH 'param.'] END) AS parameter
                RETURN collect(DISTINCT substring(parameter, 6)) AS parameters, collect(DISTINCT metric) AS metrics""";
        return new Statement(text, Map.copyOf(cypher.parameters));
    }

    /**
     * @param columns the columns to show: the query's, or the defaults for what the scope holds
     * @return the statements of the query's page
     */
    public static PageStatements page(Table.Query query, List<Column> columns) {
        TableCypher cypher = new TableCypher();
        String body = cypher.body(query);
        // One pass: the sorted rows are collected (components only), the page is cut from the
        // list, and only the page's rows are turned into values.
        String order = "WITH " + cypher.carried() + " ORDER BY " + cypher.sortTerms(query);
        List<Stat> shownStats = new ArrayList<>();
        String output = cypher.output(query.scope(), columns, shownStats);
        cypher.parameters.put("offset", query.offset());
        cypher.parameters.put("limit", query.limit());
        String rows = body + "\n" + order + """

                WITH collect(c) AS sorted
                WITH size(sorted) AS total, sorted[$offset..($offset + $limit)] AS page
                UNWIND page AS c
                """ + output;
        Map<String, Object> parameters = Map.copyOf(cypher.parameters);
        return new PageStatements(
                new Statement(rows, parameters),
                new Statement(body + "\nRETURN count(*) AS total", parameters),
                new Layout(List.copyOf(columns), List.copyOf(shownStats)));
    }

    private String scopeMatch(Table.Scope scope) {
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
    private String body(Table.Query query) {
        for (String metric : metricsRead(query.filter(), query.sort(), query.groupBy())) {
            String variable = "m" + metricVariables.size();
            parameters.put(variable, metric);
            metricVariables.put(metric, variable);
        }
        StringBuilder cypher = new StringBuilder(scopeMatch(query.scope()));
        cypher.append("\nWITH DISTINCT c");
        for (Map.Entry<String, String> metric : metricVariables.entrySet()) {
            cypher.append("\nOPTIONAL MATCH (")
                    .append(metric.getValue())
                    .append(":Metric {component: c.name, name: $")
                    .append(metric.getValue())
                    .append("})");
        }
        String carried = carried();
        cypher.append("\nWITH ").append(carried);
        if (query.filter() != null) {
            cypher.append("\nWHERE ").append(filter(query.filter()));
        }
        if (query.groupBy() != null) {
            String group = expression(query.groupBy());
            cypher.append("\nWITH ")
                    .append(carried)
                    .append(", ")
                    .append(group)
                    .append(" AS grouped\n")
                    .append("WITH ")
                    .append(carried)
                    .append(", grouped ORDER BY grouped, ")
                    .append(sortTerms(query))
                    .append("\nWITH grouped, collect({")
                    .append(mapOf())
                    .append("})[0] AS best\nWITH ")
                    .append(unpack());
        }
        return cypher.toString();
    }

    /** The sort keys, missing values last whichever the direction, ties by name. */
    private String sortTerms(Table.Query query) {
        StringBuilder terms = new StringBuilder();
        for (Table.Sort sort : query.sort()) {
            String expression = expression(sort.column());
            terms.append(expression)
                    .append(" IS NULL, ")
                    .append(expression)
                    .append(sort.descending() ? " DESC, " : ", ");
        }
        return terms.append("c.name").toString();
    }

    private List<String> variables() {
        List<String> variables = new ArrayList<>();
        variables.add("c");
        variables.addAll(metricVariables.values());
        return variables;
    }

    private String carried() {
        return String.join(", ", variables());
    }

    private String mapOf() {
        return String.join(", ", variables().stream().map(v -> v + ": " + v).toList());
    }

    private String unpack() {
        return String.join(
                ", ", variables().stream().map(v -> "best." + v + " AS " + v).toList());
    }

    /**
     * The page's values: {@code values} holds the non-metric columns in column order, {@code ms} a
     * {@code [name, stat, stat, ...]} list per shown metric of the row. Reading each metric's name
     * and statistics once and matching them in Java measured twice as fast on a 10,000-row table
     * as picking them in Cypher, which reads the properties of every metric node once per column.
     */
    private String output(Table.Scope scope, List<Column> columns, List<Stat> shownStats) {
        List<String> shown = new ArrayList<>();
        Set<String> shownMetrics = new LinkedHashSet<>();
        for (Column column : columns) {
            if (column instanceof Column.Metric metric) {
                shownMetrics.add(metric.metric());
                if (!shownStats.contains(metric.stat())) {
                    shownStats.add(metric.stat());
                }
            } else if (column instanceof Column.Fixed fixed && fixed.column() == FixedColumn.TRIALS) {
                shown.add(trialsInScope(scope));
            } else {
                shown.add(expression(column));
            }
        }
        StringBuilder cypher = new StringBuilder("RETURN total, [")
                .append(String.join(", ", shown))
                .append("] AS values");
        if (!shownMetrics.isEmpty()) {
            parameters.put("shown", List.copyOf(shownMetrics));
            cypher.append(", COLLECT { MATCH (c)-[:HAS_METRIC]->(m:Metric) WHERE m.name IN $shown RETURN [m.name");
            shownStats.forEach(stat -> cypher.append(", m.").append(stat.property()));
            cypher.append("] } AS ms");
        }
        return cypher.toString();
    }

    /** The names of a row's trials within the scope, sorted and joined by commas. */
    private static String trialsInScope(Table.Scope scope) {
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

    private String expression(Column column) {
        if (column instanceof Column.Fixed fixed) {
            return "c." + fixed.column().property();
        }
        if (column instanceof Column.Param param) {
            return "c[" + parameter("k", "param." + param.name()) + "]";
        }
        Column.Metric metric = (Column.Metric) column;
        return metricVariables.get(metric.metric()) + "." + metric.stat().property();
    }

    /** @return {@code $<prefix><n>}, a fresh parameter holding {@code value} */
    private String parameter(String prefix, Object value) {
        String name = prefix + values++;
        parameters.put(name, value);
        return "$" + name;
    }

    /** A value compared with a column: times (checked ISO 8601 text) become datetimes. */
    private String value(Column column, Object value) {
        String parameter = parameter("v", value);
        return isTime(column) ? "datetime(" + parameter + ")" : parameter;
    }

    private static boolean isTime(Column column) {
        return column instanceof Column.Fixed fixed && fixed.column().isTime();
    }

    /** Recursion is bounded by the filter's checked depth ({@link TableLimits#MAX_FILTER_DEPTH}). */
    private String filter(Filter filter) {
        return filter.accept(new Filter.Visitor<>() {
            @Override
            public String all(Filter.All all) {
                return "("
                        + String.join(
                                " AND ",
                                all.terms().stream()
                                        .map(term -> term.accept(this))
                                        .toList()) + ")";
            }

            @Override
            public String any(Filter.Any any) {
                return "("
                        + String.join(
                                " OR ",
                                any.terms().stream()
                                        .map(term -> term.accept(this))
                                        .toList()) + ")";
            }

            @Override
            public String not(Filter.Not not) {
                return "(NOT " + not.inner().accept(this) + ")";
            }

            @Override
            public String compare(Filter.Compare compare) {
                return "(" + expression(compare.column()) + " " + compare.op().cypher() + " "
                        + value(compare.column(), compare.value()) + ")";
            }

            @Override
            public String in(Filter.In in) {
                String values = parameter("v", in.values());
                return "(" + expression(in.column()) + " IN "
                        + (isTime(in.column()) ? "[t IN " + values + " | datetime(t)]" : values) + ")";
            }

            @Override
            public String contains(Filter.Contains contains) {
                return "(" + expression(contains.column()) + " CONTAINS " + value(contains.column(), contains.text())
                        + ")";
            }

            @Override
            public String startsWith(Filter.StartsWith startsWith) {
                return "(" + expression(startsWith.column()) + " STARTS WITH "
                        + value(startsWith.column(), startsWith.text()) + ")";
            }

            @Override
            public String exists(Filter.Exists exists) {
                return "(" + expression(exists.column()) + " IS NOT NULL)";
            }
        });
    }
}
