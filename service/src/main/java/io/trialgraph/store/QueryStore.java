package io.trialgraph.store;

import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.GraphValue;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.PermissionDeniedException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.domain.RowSink;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.neo4j.driver.QueryRunner;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Value;
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

    /** Tags the transactions of ad-hoc queries, so that SHOW TRANSACTIONS tells them apart. */
    private static final Map<String, Object> METADATA = Map.of("app", "trialgraph-query");

    /**
     * Most levels of lists, maps, nodes, relationships and paths in one value that come back: each
     * level is up to four protobuf message levels, and protobuf parsers refuse more than 100.
     */
    public static final int MAX_VALUE_DEPTH = 24;

    /** Characters of the query that a shortened error message quotes on each side of the error's position. */
    private static final int QUOTE_CONTEXT = 40;

    /** Longest line of Neo4j's message kept in an error. */
    private static final int MAX_MESSAGE_LINE = 300;

    /** Most lines of Neo4j's message kept in an error. */
    private static final int MAX_MESSAGE_LINES = 6;

    private final Neo4jConnection neo4j;

    QueryStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /**
     * Runs {@code cypher} read-only and streams its rows to {@code sink}. The plan check and the
     * query run in one read transaction that ends at {@code timeout} or at the caller's deadline,
     * whichever comes first.
     *
     * @throws PermissionDeniedException when the query would write or administer
     * @throws InvalidArgumentException for a syntax or semantic error (Neo4j's message, shortened)
     * @throws DeadlineExceededException when the timeout ran out
     * @throws ResourceExhaustedException when there are more than {@code maxRows} rows (the rows before were sent),
     *     or a value nests deeper than {@link #MAX_VALUE_DEPTH}
     */
    public void run(String cypher, Map<String, Object> parameters, Duration timeout, int maxRows, RowSink sink) {
        long endsAt = System.nanoTime() + timeout.toNanos();
        try {
            neo4j.readOnce(
                    "the query", timeout, "its timeout of " + timeout.toMillis() + " ms (timeout_ms)", METADATA, tx -> {
                        refuseWrites(tx, cypher, parameters);
                        Result result = tx.run(cypher, parameters);
                        sink.columns(result.keys());
                        int rows = 0;
                        while (result.hasNext()) {
                            Record record = result.next();
                            // Neo4j checks the timeout between rows only: a row whose expression ran
                            // past it arrives late, and is not an answer within the timeout.
                            if (System.nanoTime() - endsAt > 0) {
                                throw new DeadlineExceededException("the query ran longer than its timeout of "
                                        + timeout.toMillis() + " ms (timeout_ms) and was stopped");
                            }
                            if (++rows > maxRows) {
                                throw new ResourceExhaustedException("the query returns more than " + maxRows
                                        + " rows (max_rows); add LIMIT or raise max_rows");
                            }
                            List<Object> values = new ArrayList<>(record.size());
                            for (int column = 0; column < record.size(); column++) {
                                values.add(toJava(
                                        record.get(column),
                                        1,
                                        rows,
                                        record.keys().get(column)));
                            }
                            sink.row(values);
                        }
                        tx.rollback();
                        return null;
                    });
        } catch (Neo4jException e) {
            throw translate(e);
        }
    }

    private static void refuseWrites(QueryRunner tx, String cypher, Map<String, Object> parameters) {
        ResultSummary plan = tx.run("EXPLAIN " + cypher, parameters).consume();
        try {
            ReadOnlyQueryPolicy.check(
                    plan,
                    name -> tx.run(ReadOnlyQueryPolicy.PROCEDURE_QUERY, Map.of("name", name)).list().stream()
                            .findFirst()
                            .map(record -> new ReadOnlyQueryPolicy.Procedure(
                                    record.get("mode").asString(),
                                    record.get("admin").asBoolean())));
        } catch (StackOverflowError tooDeep) {
            throw new ResourceExhaustedException("the query's plan is nested too deep to be checked; split the query");
        }
    }

    private static RuntimeException translate(Neo4jException e) {
        String code = e.code() == null ? "" : e.code();
        if (code.equals("Neo.ClientError.Statement.AccessMode") || code.startsWith("Neo.ClientError.Security")) {
            return new PermissionDeniedException(
                    "Neo4j refused the query in a read-only transaction: " + shorten(e.getMessage()));
        }
        // Any other error Neo4j reports as the client's (syntax, semantics, a procedure's arguments,
        // a command this database does not run) is the query's fault: the caller gets Neo4j's own
        // message, not INTERNAL. Errors the driver raises itself (code N/A, e.g. no free connection)
        // are not the query's fault and go on as they are.
        if (code.startsWith("Neo.ClientError.")) {
            return new InvalidArgumentException("cypher", shorten(e.getMessage()));
        }
        return e;
    }

    /**
     * Neo4j's message without the whole query in it: Neo4j quotes the offending line of the query
     * (all of it, however long) with a caret under the position; the quote is cut to a window
     * around the caret and every line to {@value #MAX_MESSAGE_LINE} characters.
     */
    static String shorten(String message) {
        if (message == null) {
            return "";
        }
        String[] lines = message.split("\n", -1);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean quoted = line.startsWith("\"") && line.endsWith("\"") && line.length() >= 2;
            int caret = i + 1 < lines.length ? lines[i + 1].indexOf('^') : -1;
            if (quoted
                    && caret >= 0
                    && lines[i + 1].isBlank() == false
                    && lines[i + 1].strip().equals("^")) {
                int from = Math.max(1, caret - QUOTE_CONTEXT);
                int to = Math.min(line.length() - 1, caret + QUOTE_CONTEXT);
                String before = from > 1 ? "..." : "";
                String after = to < line.length() - 1 ? "..." : "";
                kept.add("\"" + before + line.substring(from, to) + after + "\"");
                kept.add(" ".repeat(1 + before.length() + caret - from) + "^");
                i++;
            } else {
                kept.add(
                        line.length() > MAX_MESSAGE_LINE
                                ? line.substring(0, MAX_MESSAGE_LINE) + "... (" + (line.length() - MAX_MESSAGE_LINE)
                                        + " more characters)"
                                : line);
            }
            if (kept.size() >= MAX_MESSAGE_LINES) {
                break;
            }
        }
        return String.join("\n", kept);
    }

    /**
     * A driver value as a plain Java value or a {@link GraphValue}, refused when lists, maps,
     * nodes, relationships and paths nest more than {@link #MAX_VALUE_DEPTH} levels: deeper
     * messages exceed protobuf's recursion limit of 100 and clients cannot parse them.
     */
    static Object toJava(Value value, int depth, int row, String column) {
        Type type = value.type();
        TypeSystem types = TypeSystem.getDefault();
        if (value.isNull()) {
            return null;
        }
        if (depth > MAX_VALUE_DEPTH
                && (type.equals(types.LIST())
                        || type.equals(types.MAP())
                        || type.equals(types.NODE())
                        || type.equals(types.RELATIONSHIP())
                        || type.equals(types.PATH()))) {
            throw new ResourceExhaustedException("row " + row + ", column '" + shortName(column)
                    + "': the value nests lists, "
                    + "maps, nodes and paths more than " + MAX_VALUE_DEPTH + " levels deep; at most " + MAX_VALUE_DEPTH
                    + " come back (protobuf clients refuse deeper messages)");
        }
        if (type.equals(types.NODE())) {
            return node(value.asNode(), depth, row, column);
        }
        if (type.equals(types.RELATIONSHIP())) {
            return relationship(value.asRelationship(), depth, row, column);
        }
        if (type.equals(types.PATH())) {
            Path path = value.asPath();
            List<GraphValue.Node> nodes = new ArrayList<>();
            path.nodes().forEach(node -> nodes.add(node(node, depth + 1, row, column)));
            List<GraphValue.Relationship> relationships = new ArrayList<>();
            path.relationships()
                    .forEach(relationship -> relationships.add(relationship(relationship, depth + 1, row, column)));
            return new GraphValue.Path(nodes, relationships);
        }
        if (type.equals(types.LIST())) {
            List<Object> list = new ArrayList<>();
            for (Value element : value.values()) {
                list.add(toJava(element, depth + 1, row, column));
            }
            return list;
        }
        if (type.equals(types.MAP())) {
            return map(value.asMap(v -> v), depth, row, column);
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

    private static Map<String, Object> map(Map<String, Value> entries, int depth, int row, String column) {
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach((key, element) -> map.put(key, toJava(element, depth + 1, row, column)));
        return map;
    }

    private static GraphValue.Node node(Node node, int depth, int row, String column) {
        List<String> labels = new ArrayList<>();
        node.labels().forEach(labels::add);
        return new GraphValue.Node(node.elementId(), labels, map(node.asMap(v -> v), depth, row, column));
    }

    private static GraphValue.Relationship relationship(Relationship relationship, int depth, int row, String column) {
        return new GraphValue.Relationship(
                relationship.elementId(),
                relationship.type(),
                relationship.startNodeElementId(),
                relationship.endNodeElementId(),
                map(relationship.asMap(v -> v), depth, row, column));
    }

    private static String shortName(String column) {
        return column.length() <= 64 ? column : column.substring(0, 64) + "...";
    }
}
