package io.trialgraph.store;

import io.trialgraph.analytics.Column;
import io.trialgraph.analytics.CypherValues;
import io.trialgraph.analytics.FixedColumn;
import io.trialgraph.analytics.RowChange;
import io.trialgraph.analytics.StatsRow;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCypher;
import io.trialgraph.analytics.TableRows;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

/**
 * Runs the analytics table's Cypher, which {@link TableCypher} writes from a checked request: this
 * class only checks the scope exists, runs the statements in one read transaction and turns
 * Neo4j values into plain Java ones.
 */
@Singleton
public class AnalyticsStore {

    private static final String EXPERIMENT_EXISTS = "MATCH (e:Experiment {name: $name}) RETURN count(e) AS n";

    private static final String ARTIFACT_EXISTS = "MATCH (a:Artifact {uri: $uri}) RETURN count(a) AS n";

    private final Neo4jConnection neo4j;

    AnalyticsStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /**
     * Calls {@code subscriber} after every commit that may change a component row, whoever made it,
     * before the writer hears that it committed.
     *
     * @return false when the database cannot tell (a Neo4j outside this process): nothing is called
     */
    public boolean subscribe(Consumer<RowChange> subscriber) {
        return neo4j.changes()
                .map(changes -> {
                    changes.subscribe(subscriber);
                    return true;
                })
                .orElse(false);
    }

    /** @return the database's current state, to compare with {@link Table.Computed#version()} */
    public String version() {
        return neo4j.version();
    }

    /**
     * One page of the table, with the total row count, and the database state it was computed at.
     * A query without columns shows the default columns of what its scope holds.
     *
     * @throws NotFoundException when the experiment, a trial or the dataset of the scope does not exist
     */
    public Table.Computed page(Table.Query query) {
        Neo4jConnection.Versioned<Table.Page> read = neo4j.readVersioned(tx -> {
            requireScope(tx, query.scope());
            List<Column> columns =
                    query.columns().isEmpty() ? defaultColumns(tx, query.scope(), query.rows()) : query.columns();
            TableCypher.PageStatements statements = TableCypher.page(query, columns);
            List<List<Object>> rows = new ArrayList<>();
            long total = -1;
            for (Record record : tx.run(
                            statements.rows().text(), statements.rows().parameters())
                    .list()) {
                total = record.get("total").asLong();
                rows.add(typed(columns, plainList(record.get("values"))));
            }
            if (total < 0) {
                // An empty page (past the end, or no rows): count on its own.
                total = tx.run(statements.count().text(), statements.count().parameters())
                        .single()
                        .get("total")
                        .asLong();
            }
            int next = query.offset() + rows.size();
            return new Table.Page(columns, rows, total, next < total ? next : -1);
        });
        return new Table.Computed(read.value(), read.version());
    }

    /**
     * The component rows of an experiment, for the row store, read in one transaction.
     *
     * @param components only these components (the ones of them still in the experiment); null for every one
     * @return the rows, or empty when a value is of a type the row store does not hold (only a Bolt
     *     writer can store one: a list, a date without time, ...): that scope is computed in Cypher
     * @throws NotFoundException when the experiment does not exist
     */
    public Optional<List<TableRows.Row>> rowsOfExperiment(String experiment, List<String> components) {
        return neo4j.read(tx -> {
            requireScope(tx, Table.Scope.ofExperiment(experiment));
            TableCypher.Statement statement = TableCypher.rowsOfExperiment(experiment, components);
            List<TableRows.Row> rows = new ArrayList<>();
            for (Record record :
                    tx.run(statement.text(), statement.parameters()).list()) {
                TableRows.Row row = row(experiment, record);
                if (row == null) {
                    return Optional.empty();
                }
                rows.add(row);
            }
            return Optional.of(rows);
        });
    }

    /** @return the row, or null when a value is of a type the row store does not hold */
    private static TableRows.Row row(String experiment, Record record) {
        Map<String, Object> properties = record.get("properties").asMap();
        Object[] fixed = new Object[FixedColumn.values().length];
        for (FixedColumn column : FixedColumn.values()) {
            if (column.property() != null) {
                Object value = properties.get(column.property());
                if (!isCell(value)) {
                    return null;
                }
                fixed[column.ordinal()] = value;
            }
        }
        List<String> trials = new ArrayList<>(record.get("trials").asList(Value::asString));
        trials.sort(CypherValues::compareStrings);
        fixed[FixedColumn.TRIALS.ordinal()] = String.join(",", trials);
        fixed[FixedColumn.EXPERIMENT.ordinal()] = experiment;
        Map<String, Object> params = new HashMap<>();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            if (property.getKey().startsWith(GraphValues.PARAM)) {
                if (!isCell(property.getValue())) {
                    return null;
                }
                params.put(property.getKey().substring(GraphValues.PARAM.length()), property.getValue());
            }
        }
        double[] stats = new double[0];
        List<String> metrics = List.of();
        if (!record.get("values").isNull()) {
            stats = record.get("values").asList(Value::asDouble).stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            List<String> names = record.get("names").asList(Value::asString);
            // Names only grow at the end: those past the values read arrived after them.
            metrics = names.subList(0, Math.min(names.size(), stats.length / StatsRow.WIDTH));
        }
        return new TableRows.Row(record.get("name").asString(), fixed, params, metrics, stats);
    }

    /** @return whether the row store holds values like this one (null included) */
    private static boolean isCell(Object value) {
        return value == null
                || value instanceof Long
                || value instanceof Double
                || value instanceof String
                || value instanceof Boolean
                || value instanceof ZonedDateTime;
    }

    private static void requireScope(TransactionContext tx, Table.Scope scope) {
        if (scope.experiment() != null && count(tx, EXPERIMENT_EXISTS, Map.of("name", scope.experiment())) == 0) {
            throw new NotFoundException("experiment", scope.experiment());
        }
        if (scope.trials() != null) {
            Existence.requireAll(tx, Existence.Named.TRIAL, scope.trials());
        }
        if (scope.datasetUri() != null && count(tx, ARTIFACT_EXISTS, Map.of("uri", scope.datasetUri())) == 0) {
            throw new NotFoundException("artifact", scope.datasetUri());
        }
    }

    private static long count(TransactionContext tx, String query, Map<String, Object> parameters) {
        return tx.run(query, parameters).single().get("n").asLong();
    }

    /** What the scope holds: component rows by name, rows per trial by kind. */
    private static List<Column> defaultColumns(TransactionContext tx, Table.Scope scope, Table.Rows rows) {
        TableCypher.Statement statement = TableCypher.present(scope, rows);
        Record record = tx.run(statement.text(), statement.parameters()).single();
        // kind ("" for component rows) -> [parameters, metrics]
        Map<String, List<SortedSet<String>>> byKind = new TreeMap<>();
        for (Value entry : record.get("present").values()) {
            String kind = entry.get(0).isNull() ? "" : entry.get(0).asString();
            List<SortedSet<String>> names =
                    byKind.computeIfAbsent(kind, k -> List.of(new TreeSet<>(), new TreeSet<>()));
            names.get(0).addAll(entry.get(1).asList(Value::asString));
            names.get(1).addAll(entry.get(2).asList(Value::asString));
        }
        if (rows == Table.Rows.TRIALS) {
            TreeMap<String, Table.Present> kinds = new TreeMap<>();
            byKind.forEach((kind, names) ->
                    kinds.put(kind, new Table.Present(List.copyOf(names.get(0)), List.copyOf(names.get(1)))));
            return new Table.PresentByKind(kinds).defaultColumns();
        }
        List<SortedSet<String>> names = byKind.getOrDefault("", List.of(new TreeSet<>(), new TreeSet<>()));
        return new Table.Present(List.copyOf(names.get(0)), List.copyOf(names.get(1))).defaultColumns();
    }

    /** The row as the table shows it ({@link Table#shown}). */
    private static List<Object> typed(List<Column> columns, List<Object> row) {
        for (int i = 0; i < row.size(); i++) {
            row.set(i, Table.shown(columns.get(i), row.get(i)));
        }
        return row;
    }

    /** A list of Long, Double, String, Boolean, ZonedDateTime or null. */
    private static List<Object> plainList(Value list) {
        return new ArrayList<>(list.asList(value -> value.isNull() ? null : value.asObject()));
    }
}
