package io.trialgraph.store;

import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.GraphValue;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.PermissionDeniedException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.summary.ResultSummary;
import org.neo4j.driver.types.Node;
import org.neo4j.driver.types.Path;
import org.neo4j.driver.types.Relationship;
import org.neo4j.driver.types.Type;
import org.neo4j.driver.types.TypeSystem;

/**
 * Runs user Cypher read-only. Whether a query writes is decided by Neo4j, not by looking at
 * keywords: the query is planned first ({@code EXPLAIN}) and only a plan that
 * {@link ReadOnlyQueryPolicy} allows may run; it then runs in a read-access transaction, so Neo4j
 * itself refuses any write that got through.
 */
@Singleton
public class QueryStore {

    private final Neo4jConnection neo4j;

    QueryStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /** Receives a result as it streams. */
    public interface RowSink {
        void columns(List<String> columns);

        /** @param values plain Java values, or {@link GraphValue}s */
        void row(List<Object> values);
    }

    /**
     * Runs {@code cypher} read-only and streams its rows to {@code sink}.
     *
     * @throws PermissionDeniedException when the query would write or administer
     * @throws InvalidArgumentException for a syntax or semantic error (Neo4j's message)
     * @throws DeadlineExceededException when the timeout ran out
     * @throws ResourceExhaustedException when there are more than {@code maxRows} rows (the rows before were sent)
     */
    public void run(String cypher, Map<String, Object> parameters, Duration timeout, int maxRows, RowSink sink) {
        try (Session session = neo4j.session(AccessMode.READ)) {
            refuseWrites(session, cypher, parameters);
            try (Transaction tx = session.beginTransaction(TransactionConfig.builder()
                    .withTimeout(timeout)
                    .withMetadata(Map.of("app", "trialgraph-query"))
                    .build())) {
                Result result = tx.run(cypher, parameters);
                sink.columns(result.keys());
                int rows = 0;
                while (result.hasNext()) {
                    Record record = result.next();
                    if (++rows > maxRows) {
                        throw new ResourceExhaustedException("the query returns more than " + maxRows
                                + " rows (max_rows); add LIMIT or raise max_rows");
                    }
                    List<Object> values = new ArrayList<>(record.size());
                    for (Value value : record.values()) {
                        values.add(toJava(value));
                    }
                    sink.row(values);
                }
                tx.rollback();
            }
        } catch (Neo4jException e) {
            throw translate(e, timeout);
        }
    }

    private static void refuseWrites(Session session, String cypher, Map<String, Object> parameters) {
        ResultSummary plan = session.run("EXPLAIN " + cypher, parameters).consume();
        ReadOnlyQueryPolicy.check(
                plan,
                name -> session.run(ReadOnlyQueryPolicy.PROCEDURE_QUERY, Map.of("name", name)).list().stream()
                        .findFirst()
                        .map(record -> new ReadOnlyQueryPolicy.Procedure(
                                record.get("mode").asString(),
                                record.get("admin").asBoolean())));
    }

    private static RuntimeException translate(Neo4jException e, Duration timeout) {
        String code = e.code() == null ? "" : e.code();
        if (code.startsWith("Neo.ClientError.Transaction.TransactionTimedOut")
                || code.equals("Neo.TransientError.Transaction.LockClientStopped")
                || code.startsWith("Neo.ClientError.Transaction.Terminated")
                || code.startsWith("Neo.TransientError.Transaction.Terminated")) {
            return new DeadlineExceededException(
                    "the query ran longer than its timeout of " + timeout.toMillis() + " ms and was stopped by Neo4j");
        }
        if (code.equals("Neo.ClientError.Statement.AccessMode") || code.startsWith("Neo.ClientError.Security")) {
            return new PermissionDeniedException(
                    "Neo4j refused the query in a read-only transaction: " + e.getMessage());
        }
        // Any other client error is the query's fault (syntax, semantics, a procedure's arguments,
        // a command this database does not run): the caller gets Neo4j's own message, not INTERNAL.
        if (e instanceof ClientException || code.startsWith("Neo.ClientError.")) {
            return new InvalidArgumentException("cypher", e.getMessage());
        }
        return e;
    }

    /** A driver value as a plain Java value or a {@link GraphValue}. */
    static Object toJava(Value value) {
        Type type = value.type();
        TypeSystem types = TypeSystem.getDefault();
        if (value.isNull()) {
            return null;
        }
        if (type.equals(types.NODE())) {
            return node(value.asNode());
        }
        if (type.equals(types.RELATIONSHIP())) {
            return relationship(value.asRelationship());
        }
        if (type.equals(types.PATH())) {
            Path path = value.asPath();
            List<GraphValue.Node> nodes = new ArrayList<>();
            path.nodes().forEach(node -> nodes.add(node(node)));
            List<GraphValue.Relationship> relationships = new ArrayList<>();
            path.relationships().forEach(relationship -> relationships.add(relationship(relationship)));
            return new GraphValue.Path(nodes, relationships);
        }
        if (type.equals(types.LIST())) {
            List<Object> list = new ArrayList<>();
            for (Value element : value.values()) {
                list.add(toJava(element));
            }
            return list;
        }
        if (type.equals(types.MAP())) {
            return map(value.asMap(v -> v));
        }
        if (type.equals(types.DATE())
                || type.equals(types.TIME())
                || type.equals(types.LOCAL_TIME())
                || type.equals(types.DATE_TIME())
                || type.equals(types.LOCAL_DATE_TIME())
                || type.equals(types.DURATION())) {
            return new GraphValue.Temporal(value.asObject().toString());
        }
        if (type.equals(types.POINT())) {
            var point = value.asPoint();
            return new GraphValue.Point(
                    Double.isNaN(point.z())
                            ? String.format(
                                    Locale.ROOT, "point({srid:%d, x:%s, y:%s})", point.srid(), point.x(), point.y())
                            : String.format(
                                    Locale.ROOT,
                                    "point({srid:%d, x:%s, y:%s, z:%s})",
                                    point.srid(),
                                    point.x(),
                                    point.y(),
                                    point.z()));
        }
        return value.asObject();
    }

    private static Map<String, Object> map(Map<String, Value> entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach((key, element) -> map.put(key, toJava(element)));
        return map;
    }

    private static GraphValue.Node node(Node node) {
        List<String> labels = new ArrayList<>();
        node.labels().forEach(labels::add);
        return new GraphValue.Node(node.elementId(), labels, map(node.asMap(v -> v)));
    }

    private static GraphValue.Relationship relationship(Relationship relationship) {
        return new GraphValue.Relationship(
                relationship.elementId(),
                relationship.type(),
                relationship.startNodeElementId(),
                relationship.endNodeElementId(),
                map(relationship.asMap(v -> v)));
    }
}
