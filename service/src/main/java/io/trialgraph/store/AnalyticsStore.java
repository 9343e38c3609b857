package io.trialgraph.store;

import io.trialgraph.analytics.Column;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCypher;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * @throws NotFoundException when the experiment or a trial of the scope does not exist
     */
    public Table.Computed page(Table.Query query) {
        Neo4jConnection.Versioned<Table.Page> read = neo4j.readVersioned(tx -> {
            requireScope(tx, query.scope());
            List<Column> columns =
                    query.columns().isEmpty() ? present(tx, query.scope()).defaultColumns() : query.columns();
            TableCypher.PageStatements statements = TableCypher.page(query, columns);
            List<List<Object>> rows = new ArrayList<>();
            long total = -1;
            for (Record record : tx.run(
                            statements.rows().text(), statements.rows().parameters())
                    .list()) {
                total = record.get("total").asLong();
                rows.add(statements.layout().row(plainList(record.get("values")), metrics(record)));
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
        if (scope.experiment() != null
                && tx.run(EXPERIMENT_EXISTS, Map.of("name", scope.experiment()))
                                .single()
                                .get("n")
                                .asLong()
                        == 0) {
            throw new NotFoundException("experiment", scope.experiment());
        }
        if (scope.trials() != null) {
            Existence.requireAll(tx, Existence.Named.TRIAL, scope.trials());
        }
    }

    private static Table.Present present(TransactionContext tx, Table.Scope scope) {
        TableCypher.Statement statement = TableCypher.present(scope);
        Record record = tx.run(statement.text(), statement.parameters()).single();
        return new Table.Present(
                new ArrayList<>(new TreeSet<>(record.get("parameters").asList(Value::asString))),
                new ArrayList<>(new TreeSet<>(record.get("metrics").asList(Value::asString))));
    }

    /** The record's {@code ms} lists by metric name (the name first); empty when no metric is shown. */
    private static Map<String, List<Object>> metrics(Record record) {
        Map<String, List<Object>> metrics = new HashMap<>();
        if (record.containsKey("ms")) {
            for (Value metric : record.get("ms").values()) {
                List<Object> entry = plainList(metric);
                metrics.put((String) entry.get(0), entry);
            }
        }
        return metrics;
    }

    /** A list of Long, Double, String, Boolean or null; times as ISO 8601 instants. */
    private static List<Object> plainList(Value list) {
        return list.asList(value -> {
            Object plain = value.isNull() ? null : value.asObject();
            return plain instanceof ZonedDateTime time ? time.toInstant().toString() : plain;
        });
    }
}
