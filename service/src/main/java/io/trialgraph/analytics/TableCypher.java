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
 * assembled from fixed fragments only: every value, parameter name, metric name and kind of the
 * request travels as a query parameter ({@code $v0}, {@code $p0}, {@code $m0}, {@code $kind0},
 * ...), operators come from {@link Filter.Op}, statistics and fixed columns map to fixed property
 * names and array positions. Filtering, grouping, sorting and paging all run in Neo4j.
 *
 * <p>Where the values are: a component's parameters are its own properties
 * ({@code c.`param.epochs`}); the statistics of its metrics are copied, in the transaction that
 * stores their points, into two arrays on one {@code :MetricStats} node beside it ({@link
 * StatsRow}), read once per row ({@code sv}), then each metric's place in it. So a row is one component and at
 * most one node next to it, whatever the number of metrics, instead of a lookup per metric. The
 * statistics a row was filtered and sorted by travel with it to the page, so a page shows the
 * values it was ordered by. A row per trial collects its components of each kind named
 * ({@code [component, names, values]} in name order) and takes the first value present.
 */
public final class TableCypher {

    /** A query and its parameters. */
    public record Statement(String text, Map<String, Object> parameters) {}

    /**
     * The statements of one page.
     *
     * @param rows returns {@code total} (rows of the whole table) and {@code values} (one per
     *     column, in column order; metric statistics as doubles); no record when the page is empty
     * @param count returns {@code total} alone, for an empty page
     */
    public record PageStatements(Statement rows, Statement count, List<Column> columns) {}

    private final Table.Scope scope;
    private final Table.Rows rows;
    private final Map<String, Object> parameters = new HashMap<>();
    /** Metric -> the expression of its place in the row's values (component rows). */
    private final Map<String, String> places = new HashMap<>();
    /** Kind -> its variable ({@code k0}, ...), in rows per trial. */
    private final Map<String, String> kindVariables = new LinkedHashMap<>();

    private int values;

    private TableCypher(Table.Scope scope, Table.Rows rows) {
        this.scope = scope;
        this.rows = rows;
    }

    /** @return the distinct component kinds that the filter, sort and grouping read, in order of appearance */
    public static List<String> kindsRead(Filter filter, List<Table.Sort> sort, Column groupBy) {
        Set<String> kinds = new LinkedHashSet<>();
        for (Column column : columnsRead(filter, sort, groupBy)) {
            if (column instanceof Column.OfKind ofKind) {
                kinds.add(ofKind.kind());
            }
        }
        return List.copyOf(kinds);
    }

    private static List<Column> columnsRead(Filter filter, List<Table.Sort> sort, Column groupBy) {
        List<Column> read = new ArrayList<>();
        columns(filter, read);
        sort.forEach(key -> read.add(key.column()));
        if (groupBy != null) {
            read.add(groupBy);
        }
        return read;
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

    /**
     * What the default columns show: the single record has {@code present}, distinct lists of
     * {@code [kind, parameter names, metric names]}, one per component in scope (component rows:
     * the kind is null).
     */
    public static Statement present(Table.Scope scope, Table.Rows rows) {
        TableCypher cypher = new TableCypher(scope, rows);
        String components = rows == Table.Rows.TRIALS ? """

                        WITH DISTINCT t
                        MATCH (t)<-[:PART_OF]-(c:TrialComponent)
                        WHERE c.kind IS NOT NULL AND c.kind <> ''
                        WITH DISTINCT c, c.kind AS kind""" : """

                        WITH DISTINCT c, null AS kind""";
        String text = cypher.scopeMatch() + components + """

                OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats)
                RETURN collect(DISTINCT [kind, [k IN keys(c) WHERE k STARTS WITH 'param.' | substring(k, 6)],
                                         coalesce(s.names, [])]) AS present""";
        return new Statement(text, Map.copyOf(cypher.parameters));
    }

    /**
     * The component rows of an experiment for the row store ({@link TableRows}): each record has
     * {@code name}, {@code properties} (the component's), {@code trials} (its trials in the
     * experiment), {@code values} and {@code names} of its statistics, read in that order as the
     * table reads them ({@link StatsRow}).
     *
     * @param components only these components (those of them still in the experiment); null for every one
     */
    public static Statement rowsOfExperiment(String experiment, List<String> components) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("experiment", experiment);
        String only = "";
        if (components != null) {
            parameters.put("components", components);
            only = " WHERE c.name IN $components";
        }
        String text =
                "MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(t:Trial)<-[:PART_OF]-(c:TrialComponent)"
                        + only + """

                WITH c, collect(DISTINCT t.name) AS trials
                OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats)
                WITH c, trials, s, s.%s AS sv
                WITH c, trials, sv, CASE WHEN sv IS NULL THEN null ELSE s.%s END AS sn
                RETURN c.name AS name, properties(c) AS properties, trials, sv AS values, sn AS names""".formatted(StatsRow.VALUES, StatsRow.NAMES);
        return new Statement(text, Map.copyOf(parameters));
    }

    /**
     * @param columns the columns to show: the query's, or the defaults for what the scope holds
     * @return the statements of the query's page
     */
    public static PageStatements page(Table.Query query, List<Column> columns) {
        TableCypher cypher = new TableCypher(query.scope(), query.rows());
        List<String> carried = new ArrayList<>();
        String body = cypher.body(query, carried);
        String row = carried.get(0);
        List<String> keys = new ArrayList<>();
        StringBuilder order = new StringBuilder("WITH ").append(String.join(", ", carried));
        for (Table.Sort sort : query.sort()) {
            String key = "k" + keys.size() + "_";
            keys.add(key);
            order.append(", ")
                    .append(cypher.expression(sort.column()))
                    .append(" AS ")
                    .append(key);
        }
        order.append(" ORDER BY ").append(sortTerms(query, keys, row));
        cypher.parameters.put("offset", query.offset());
        cypher.parameters.put("limit", query.limit());
        // One pass: the sorted rows are collected (nodes and the statistics read), the page is cut
        // from the list, and only the page's rows are turned into values.
        StringBuilder unpack = new StringBuilder("WITH total");
        for (int i = 0; i < carried.size(); i++) {
            unpack.append(", r[").append(i).append("] AS ").append(carried.get(i));
        }
        String text = body + "\n" + order + "\nWITH collect([" + String.join(", ", carried) + "]) AS sorted\n"
                + "WITH size(sorted) AS total, sorted[$offset..($offset + $limit)] AS page\n"
                + "UNWIND page AS r\n" + unpack + "\n" + cypher.output(columns, carried);
        Map<String, Object> parameters = Map.copyOf(cypher.parameters);
        return new PageStatements(
                new Statement(text, parameters),
                new Statement(body + "\nRETURN count(*) AS total", parameters),
                List.copyOf(columns));
    }

    /** {@code c}: a component row; {@code t}: a trial row. */
    private String rowVariable() {
        return rows == Table.Rows.TRIALS ? "t" : "c";
    }

    /** The rows of the scope: {@code c} (with {@code t}, a trial in scope, where there is one) or {@code t}. */
    private String scopeMatch() {
        boolean trials = rows == Table.Rows.TRIALS;
        String components = trials ? "" : "<-[:PART_OF]-(c:TrialComponent)";
        if (scope.experiment() != null) {
            parameters.put("experiment", scope.experiment());
            return "MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(t:Trial)" + components;
        }
        if (scope.trials() != null) {
            parameters.put("trials", scope.trials());
            return "MATCH (t:Trial)" + components + " WHERE t.name IN $trials";
        }
        if (scope.datasetUri() != null) {
            parameters.put("dataset", scope.datasetUri());
            return trials
                    ? "MATCH (:Artifact {uri: $dataset})-[:CONSUMED_BY]->(:TrialComponent)-[:PART_OF]->(t:Trial)"
                    : "MATCH (:Artifact {uri: $dataset})-[:CONSUMED_BY]->(c:TrialComponent)";
        }
        if (scope.experimentTags() != null) {
            parameters.put("tags", scope.experimentTags());
            return "MATCH (e:Experiment)<-[:IN_EXPERIMENT]-(t:Trial)" + components + " WHERE " + tagged("e");
        }
        parameters.put("prefix", scope.experimentPrefix());
        return "MATCH (e:Experiment)<-[:IN_EXPERIMENT]-(t:Trial)" + components + " WHERE e.name STARTS WITH $prefix";
    }

    /** The experiment {@code e} has every tag of the scope. */
    private static String tagged(String e) {
        return "all(key IN keys($tags) WHERE " + e + "['tag.' + key] = $tags[key])";
    }

    /** Whether trial {@code t} is in scope, for the columns that list a component's trials or experiments in scope. */
    private String trialInScope() {
        if (scope.experiment() != null) {
            return "(t)-[:IN_EXPERIMENT]->(:Experiment {name: $experiment})";
        }
        if (scope.trials() != null) {
            return "t.name IN $trials";
        }
        if (scope.datasetUri() != null) {
            return "true";
        }
        if (scope.experimentTags() != null) {
            return "EXISTS { (t)-[:IN_EXPERIMENT]->(e:Experiment) WHERE " + tagged("e") + " }";
        }
        return "EXISTS { (t)-[:IN_EXPERIMENT]->(e:Experiment) WHERE e.name STARTS WITH $prefix }";
    }

    /**
     * Scope, the values the filter, sort and grouping read, the filter and the grouping.
     *
     * @param carried receives the variables each row carries: the row ({@code c} or {@code t}) first,
     *     then its statistics node, values and metric places ({@code s}, {@code sv}, {@code si}), or
     *     the kinds collected ({@code kind0}, ...)
     */
    private String body(Table.Query query, List<String> carried) {
        List<Column> read = columnsRead(query.filter(), query.sort(), query.groupBy());
        StringBuilder cypher = new StringBuilder(scopeMatch());
        String row = rowVariable();
        cypher.append("\nWITH DISTINCT ").append(row);
        carried.add(row);
        if (rows == Table.Rows.TRIALS) {
            List<String> kinds = kindsRead(query.filter(), query.sort(), query.groupBy());
            if (!kinds.isEmpty()) {
                cypher.append("\nWITH t");
                for (String kind : kinds) {
                    String variable = kindVariable(kind);
                    cypher.append(", ")
                            .append(kindCollect(variable))
                            .append(" AS ")
                            .append(variable);
                    carried.add(variable);
                }
            }
        } else if (read.stream().anyMatch(column -> column instanceof Column.Metric)) {
            List<String> metrics = new ArrayList<>();
            read.forEach(column -> {
                if (column instanceof Column.Metric metric && !metrics.contains(metric.metric())) {
                    metrics.add(metric.metric());
                }
            });
            cypher.append("\n").append(readStats("c", metrics, "si"));
            carried.addAll(List.of("s", "sv", "si"));
        }
        String carriedList = String.join(", ", carried);
        if (query.filter() != null) {
            cypher.append("\nWITH ").append(carriedList).append("\nWHERE ").append(filter(query.filter()));
        }
        if (query.groupBy() != null) {
            List<String> keys = new ArrayList<>();
            StringBuilder projection = new StringBuilder();
            for (Table.Sort sort : query.sort()) {
                String key = "g" + keys.size() + "_";
                keys.add(key);
                projection
                        .append(", ")
                        .append(expression(sort.column()))
                        .append(" AS ")
                        .append(key);
            }
            cypher.append("\nWITH ")
                    .append(carriedList)
                    .append(", ")
                    .append(expression(query.groupBy()))
                    .append(" AS grouped")
                    .append(projection)
                    .append(" ORDER BY grouped, ")
                    .append(sortTerms(query, keys, row))
                    .append("\nWITH grouped, collect([")
                    .append(carriedList)
                    .append("])[0] AS best\nWITH ");
            for (int i = 0; i < carried.size(); i++) {
                cypher.append(i == 0 ? "" : ", ")
                        .append("best[")
                        .append(i)
                        .append("] AS ")
                        .append(carried.get(i));
            }
        }
        return cypher.toString();
    }

    /**
     * Reads component {@code c}'s statistics node {@code s} and values {@code sv}, then
     * ({@code places}) the places of {@code metrics} in them, in that order, so the row is one
     * commit's ({@link StatsRow}): the CASE makes reading the places wait for the values.
     */
    private String readStats(String c, List<String> metrics, String places) {
        return "OPTIONAL MATCH (" + c + ")-[:HAS_STATS]->(s:MetricStats)\n"
                + "WITH *, s." + StatsRow.VALUES + " AS sv\n"
                + readPlaces(metrics, places);
    }

    /** The places of {@code metrics} in {@code sv}, read after it, as list {@code places}. */
    private String readPlaces(List<String> metrics, String places) {
        List<String> read = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            read.add("s[" + parameter("i", StatsRow.indexKey(metrics.get(i))) + "]");
            this.places.put(metrics.get(i), places + "[" + i + "]");
        }
        return "WITH *, CASE WHEN sv IS NULL THEN null ELSE [" + String.join(", ", read) + "] END AS " + places;
    }

    /** The sort keys (already projected as {@code keys}), missing values last whichever the direction, ties by name. */
    private static String sortTerms(Table.Query query, List<String> keys, String row) {
        StringBuilder terms = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            terms.append(key)
                    .append(" IS NULL, ")
                    .append(key)
                    .append(query.sort().get(i).descending() ? " DESC, " : ", ");
        }
        return terms.append(row).append(".name").toString();
    }

    /**
     * The {@code [component, stats node, values]} of trial {@code t}'s components of a kind, in
     * name order; the places of metrics are read from the stats node later, after the values.
     */
    private String kindCollect(String variable) {
        return "COLLECT { MATCH (t)<-[:PART_OF]-(c:TrialComponent {kind: $" + variable + "}) "
                + "OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats) RETURN [c, s, s." + StatsRow.VALUES
                + "] ORDER BY c.name }";
    }

    private String kindVariable(String kind) {
        return kindVariables.computeIfAbsent(kind, k -> {
            String variable = "kind" + kindVariables.size();
            parameters.put(variable, k);
            return variable;
        });
    }

    /** The page's values ({@code values}: the columns in order), reading what the rows did not carry. */
    private String output(List<Column> columns, List<String> carried) {
        StringBuilder cypher = new StringBuilder();
        String carriedList = String.join(", ", carried);
        if (rows == Table.Rows.TRIALS) {
            Set<String> kinds = new LinkedHashSet<>();
            columns.forEach(column -> {
                if (column instanceof Column.OfKind ofKind && !carried.contains(kindVariable(ofKind.kind()))) {
                    kinds.add(ofKind.kind());
                }
            });
            if (!kinds.isEmpty()) {
                cypher.append("WITH total, ").append(carriedList);
                for (String kind : kinds) {
                    String variable = kindVariable(kind);
                    cypher.append(", ")
                            .append(kindCollect(variable))
                            .append(" AS ")
                            .append(variable);
                }
                cypher.append('\n');
            }
        } else {
            List<String> metrics = new ArrayList<>();
            columns.forEach(column -> {
                if (column instanceof Column.Metric metric
                        && !places.containsKey(metric.metric())
                        && !metrics.contains(metric.metric())) {
                    metrics.add(metric.metric());
                }
            });
            if (!metrics.isEmpty()) {
                cypher.append(carried.contains("sv") ? readPlaces(metrics, "so") : readStats("c", metrics, "so"))
                        .append('\n');
            }
        }
        List<String> shown = new ArrayList<>();
        for (Column column : columns) {
            shown.add(column.isShownOnly() ? trialsInScope() : expression(column));
        }
        return cypher.append("RETURN total, [")
                .append(String.join(", ", shown))
                .append("] AS values")
                .toString();
    }

    /** The names of a component's trials within the scope, sorted and joined by commas. */
    private String trialsInScope() {
        return joined("COLLECT { MATCH (c)-[:PART_OF]->(t:Trial) WHERE " + trialInScope()
                + " RETURN t.name ORDER BY t.name }");
    }

    /** A list of strings joined by commas. */
    private static String joined(String list) {
        return "reduce(names = '', name IN " + list + " | names + CASE WHEN names = '' THEN '' ELSE ',' END + name)";
    }

    private String expression(Column column) {
        if (rows == Table.Rows.TRIALS) {
            return trialExpression(column);
        }
        return componentExpression(column, "c", "s", "sv");
    }

    /**
     * A value of component {@code c}, with its statistics node {@code s} and values {@code sv}: a
     * metric's place comes from the places read for the row, or (a row per trial) from {@code s}
     * itself, read after the values.
     */
    private String componentExpression(Column column, String c, String s, String sv) {
        if (column instanceof Column.Fixed fixed) {
            if (fixed.column() == FixedColumn.EXPERIMENT) {
                // Null, not empty, when no trial in scope has one (a dataset's job in no trial).
                return "head([names IN ["
                        + joined(
                                "COLLECT { MATCH (c)-[:PART_OF]->(t:Trial)-[:IN_EXPERIMENT]->" + "(e:Experiment) WHERE "
                                        + trialInScope() + " RETURN DISTINCT e.name AS name ORDER BY name }")
                        + "] WHERE names <> ''])";
            }
            return c + "." + fixed.column().property();
        }
        if (column instanceof Column.Param param) {
            return c + "[" + parameter("p", "param." + param.name()) + "]";
        }
        // The statistic at the metric's place in the values; missing (null) when the row has no
        // such metric, or no statistics at all.
        Column.Metric metric = (Column.Metric) column;
        String place = rows == Table.Rows.TRIALS
                ? s + "[" + parameter("i", StatsRow.indexKey(metric.metric())) + "]"
                : places.get(metric.metric());
        return sv + "[" + place + " * " + StatsRow.WIDTH + " + " + metric.stat().ordinal() + "]";
    }

    /** A trial row's value: the trial's own, or the first present among its components of a kind. */
    private String trialExpression(Column column) {
        if (column instanceof Column.Fixed fixed) {
            if (fixed.column() == FixedColumn.EXPERIMENT) {
                return "head(COLLECT { MATCH (t)-[:IN_EXPERIMENT]->(e:Experiment) RETURN e.name })";
            }
            return "t." + fixed.column().property();
        }
        Column.OfKind ofKind = (Column.OfKind) column;
        String value = componentExpression(ofKind.column(), "x[0]", "x[1]", "x[2]");
        return "head([x IN " + kindVariable(ofKind.kind()) + " WHERE " + value + " IS NOT NULL | " + value + "])";
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
        return column.isTime() ? "datetime(" + parameter + ")" : parameter;
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
                        + (in.column().isTime() ? "[iso IN " + values + " | datetime(iso)]" : values) + ")";
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
