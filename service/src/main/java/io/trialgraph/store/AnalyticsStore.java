package io.trialgraph.store;

import io.trialgraph.analytics.Column;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCypher;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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

    /** The row with counts and steps as integers (the statistics arrays hold doubles). */
    private static List<Object> typed(List<Column> columns, List<Object> row) {
        for (int i = 0; i < row.size(); i++) {
            Column column = columns.get(i) instanceof Column.OfKind ofKind ? ofKind.column() : columns.get(i);
            if (column instanceof Column.Metric metric
                    && metric.stat().isIntegral()
                    && row.get(i) instanceof Double value
                    && Double.isFinite(value)) {
                row.set(i, value.longValue());
            }
        }
        return row;
    }

    /** A list of Long, Double, String, Boolean or null; times as ISO 8601 instants. */
    private static List<Object> plainList(Value list) {
        return new ArrayList<>(list.asList(value -> {
            Object plain = value.isNull() ? null : value.asObject();
            return plain instanceof ZonedDateTime time ? time.toInstant().toString() : plain;
        }));
    }
}
