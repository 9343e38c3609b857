package io.trialgraph.query;

import static io.trialgraph.testing.ApiFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.CypherRow;
import io.trialgraph.api.v1.CypherValue;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.RunQueryResponse;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@TrialGraphTest
class QueryIT {

    private TestServer server;
    private QueryServiceGrpc.QueryServiceBlockingStub query;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        query = QueryServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        server.single(
                "CREATE (:Experiment {name: 'e1', description: 'hypothesis'})<-[:IN_EXPERIMENT {w: 1}]-(:Trial {name: 't1'}) "
                        + "RETURN 1");
    }

    /** All responses of a query: columns of the first, rows of all. */
    private List<RunQueryResponse> run(RunQueryRequest request) {
        List<RunQueryResponse> parts = new ArrayList<>();
        for (Iterator<RunQueryResponse> it = query.runQuery(request); it.hasNext(); ) {
            parts.add(it.next());
        }
        return parts;
    }

    private static RunQueryRequest cypher(String text) {
        return RunQueryRequest.newBuilder().setCypher(text).build();
    }

    @Test
    void typedValuesRoundTrip() {
        List<RunQueryResponse> parts = run(cypher("""
                MATCH p = (t:Trial)-[r:IN_EXPERIMENT]->(e:Experiment)
                RETURN null AS n, true AS b, 42 AS i, 2.5 AS f, 'text' AS s, [1, 'two'] AS l, {k: 3} AS m,
                       e, r, p, date('2026-11-28') AS d, point({x: 1.0, y: 2.0}) AS pt"""));
        RunQueryResponse first = parts.get(0);
        assertThat(first.getColumnsList()).containsExactly("n", "b", "i", "f", "s", "l", "m", "e", "r", "p", "d", "pt");
        List<CypherValue> row = first.getRows(0).getValuesList();
        assertThat(row.get(0).hasNullValue()).isTrue();
        assertThat(row.get(1).getBoolValue()).isTrue();
        assertThat(row.get(2).getIntValue()).isEqualTo(42);
        assertThat(row.get(3).getFloatValue()).isEqualTo(2.5);
        assertThat(row.get(4).getStringValue()).isEqualTo("text");
        assertThat(row.get(5).getListValue().getValues(0).getIntValue()).isEqualTo(1);
        assertThat(row.get(5).getListValue().getValues(1).getStringValue()).isEqualTo("two");
        assertThat(row.get(6).getMapValue().getEntriesMap().get("k").getIntValue())
                .isEqualTo(3);
        assertThat(row.get(7).getNodeValue().getLabelsList()).containsExactly("Experiment");
        assertThat(row.get(7)
                        .getNodeValue()
                        .getPropertiesMap()
                        .get("description")
                        .getStringValue())
                .isEqualTo("hypothesis");
        assertThat(row.get(8).getRelationshipValue().getType()).isEqualTo("IN_EXPERIMENT");
        assertThat(row.get(8).getRelationshipValue().getEndElementId())
                .isEqualTo(row.get(7).getNodeValue().getElementId());
        assertThat(row.get(9).getPathValue().getNodesCount()).isEqualTo(2);
        assertThat(row.get(9).getPathValue().getRelationshipsCount()).isEqualTo(1);
        assertThat(row.get(10).getTemporalValue()).isEqualTo("2026-11-28");
        assertThat(row.get(11).getPointValue()).contains("x:1.0").contains("y:2.0");
    }

    @Test
    void parametersAreValuesNeverCypher() {
        String hostile = "x' OR 1=1 WITH 1 AS a MATCH (n) DETACH DELETE n //";
        RunQueryRequest request = RunQueryRequest.newBuilder()
                .setCypher("MATCH (e:Experiment) WHERE e.name = $name RETURN count(e) AS n")
                .putParameters(
                        "name", CypherValue.newBuilder().setStringValue(hostile).build())
                .build();
        assertThat(run(request).get(0).getRows(0).getValues(0).getIntValue()).isZero();
        RunQueryRequest good = RunQueryRequest.newBuilder()
                .setCypher("MATCH (e:Experiment) WHERE e.name = $name RETURN count(e) AS n")
                .putParameters(
                        "name", CypherValue.newBuilder().setStringValue("e1").build())
                .build();
        assertThat(run(good).get(0).getRows(0).getValues(0).getIntValue()).isEqualTo(1);
        assertThat(server.count(
                        "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label STARTS WITH '__') RETURN count(n)"))
                .isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CREATE (:Experiment {name: 'x'})",
                "MERGE (:Experiment {name: 'y'})",
                "MATCH (e:Experiment) SET e.description = 'changed'",
                "MATCH (e:Experiment) REMOVE e.description",
                "MATCH (t:Trial) DETACH DELETE t",
                "MATCH (e:Experiment) SET e:Archived",
                "CREATE INDEX probe IF NOT EXISTS FOR (n:Probe) ON (n.x)",
                "DROP CONSTRAINT experiment_name_unique",
                "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
                "CALL db.createLabel('Probe')",
                "MATCH (e:Experiment) CALL (e) { SET e.touched = true } RETURN e",
                "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"
            })
    void everyKindOfWriteIsRefusedAndNothingChanges(String write) {
        StatusRuntimeException refused = failure(() -> run(cypher(write)), Status.Code.PERMISSION_DENIED);
        assertThat(refused.getStatus().getDescription()).isNotBlank();
        assertThat(server.count(
                        "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label STARTS WITH '__') RETURN count(n)"))
                .isEqualTo(2);
        assertThat(server.single("MATCH (e:Experiment) RETURN e.description AS d, labels(e) AS l")
                        .get("d")
                        .asString())
                .isEqualTo("hypothesis");
        assertThat(server.count("SHOW INDEXES YIELD name WHERE name = 'probe' RETURN count(*)"))
                .isZero();
        assertThat(server.count("SHOW CONSTRAINTS YIELD name WHERE name = 'experiment_name_unique' RETURN count(*)"))
                .isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // Other callers' queries, with their parameters (Neo4j's query collector).
                "CALL db.stats.retrieve('QUERIES') | the query calls procedure db.stats.retrieve, which Neo4j reserves for administrators",
                "CALL db.stats.retrieveAllAnonymized('graph') | the query calls procedure db.stats.retrieveAllAnonymized, which Neo4j reserves for administrators",
                "CALL db.stats.status() | the query calls procedure db.stats.status, which Neo4j reserves for administrators",
                "CALL db.stats.stop('QUERIES') | the query calls procedure db.stats.stop, which stops Neo4j's query collector of the DBMS",
                "CALL db.stats.clear('QUERIES') | the query calls procedure db.stats.clear, which clears Neo4j's query collector of the DBMS",
                "CALL db.stats.collect('QUERIES') | the query calls procedure db.stats.collect, which starts Neo4j's query collector of the DBMS",
                // DBMS state that READ-mode procedures change.
                "CALL db.prepareForReplanning() | the query calls procedure db.prepareForReplanning, which empties the plan caches of the DBMS",
                "CALL db.resampleOutdatedIndexes() | the query calls procedure db.resampleOutdatedIndexes, which resamples index statistics of the DBMS",
                "CALL db.resampleIndex('experiment_name_unique') | the query calls procedure db.resampleIndex, which resamples an index's statistics of the DBMS",
                // Settings, users, databases, other clients.
                "SHOW SETTINGS | the query reads the DBMS's settings (SHOW SETTINGS: its files, addresses and limits)",
                "SHOW SETTINGS YIELD name, value WHERE name STARTS WITH 'server.directories' | the query reads the DBMS's settings",
                "CALL dbms.listConfig() | the query calls procedure dbms.listConfig, which Neo4j reserves for administrators",
                "SHOW USERS | the query is a DBMS administration command (users, roles, databases: SHOW USERS, SHOW DATABASES, ...)",
                "SHOW DATABASES | the query is a DBMS administration command",
                "SHOW CURRENT USER | the query is a DBMS administration command",
                "SHOW TRANSACTIONS | the query lists the transactions of every client with their queries (SHOW TRANSACTIONS)",
                "CALL dbms.listConnections() | the query calls procedure dbms.listConnections (mode DBMS); only READ procedures may run here"
            })
    void queriesAboutTheDbmsOrOtherCallersAreRefusedWithTheirReason(String query, String reason) {
        StatusRuntimeException refused = failure(() -> run(cypher(query)), Status.Code.PERMISSION_DENIED);
        assertThat(refused.getStatus().getDescription()).startsWith(reason);
    }

    @Test
    void theGraphsSchemaAndTheCallableProceduresMayBeRead() {
        assertThat(rows("SHOW INDEXES YIELD name RETURN name")).isNotEmpty();
        assertThat(rows("SHOW CONSTRAINTS YIELD name RETURN name")).isNotEmpty();
        assertThat(rows("SHOW PROCEDURES YIELD name RETURN name")).isNotEmpty();
        assertThat(rows("SHOW FUNCTIONS YIELD name RETURN name")).isNotEmpty();
        assertThat(rows("CALL db.schema.visualization() YIELD nodes RETURN size(nodes)"))
                .isNotEmpty();
    }

    private List<CypherRow> rows(String cypher) {
        List<CypherRow> rows = new ArrayList<>();
        run(cypher(cypher)).forEach(part -> rows.addAll(part.getRowsList()));
        return rows;
    }

    @Test
    void aQueryThatRunsTooLongIsStopped() {
        RunQueryRequest slow = RunQueryRequest.newBuilder()
                .setCypher("UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS n")
                .setTimeoutMs(500)
                .build();
        long started = System.nanoTime();
        StatusRuntimeException stopped = failure(() -> run(slow), Status.Code.DEADLINE_EXCEEDED);
        assertThat(stopped.getStatus().getDescription()).contains("500 ms");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(20);
    }

    @Test
    void theCallersDeadlineIsRespected() {
        QueryServiceGrpc.QueryServiceBlockingStub hurried =
                QueryServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(700, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        failure(
                () -> hurried.runQuery(
                                cypher("UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(*) AS n"))
                        .forEachRemaining(part -> {}),
                Status.Code.DEADLINE_EXCEEDED);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
        // and the server stopped it: a follow-up query runs at once
        assertThat(run(cypher("RETURN 1 AS one")).get(0).getRows(0).getValues(0).getIntValue())
                .isEqualTo(1);
    }

    @Test
    void theRowCapHoldsAndTheRowsBeforeItArrive() {
        List<Long> received = new ArrayList<>();
        StatusRuntimeException capped = failure(
                () -> query.runQuery(RunQueryRequest.newBuilder()
                                .setCypher("UNWIND range(1, 5000) AS x RETURN x")
                                .setMaxRows(2500)
                                .build())
                        .forEachRemaining(part -> part.getRowsList()
                                .forEach(row -> received.add(row.getValues(0).getIntValue()))),
                Status.Code.RESOURCE_EXHAUSTED);
        assertThat(capped.getStatus().getDescription()).contains("2500");
        assertThat(received).hasSize(2500).startsWith(1L, 2L).endsWith(2500L);
        List<RunQueryResponse> exact = run(RunQueryRequest.newBuilder()
                .setCypher("UNWIND range(1, 2500) AS x RETURN x")
                .setMaxRows(2500)
                .build());
        assertThat(exact.stream().mapToInt(RunQueryResponse::getRowsCount).sum())
                .isEqualTo(2500);
        assertThat(exact.size()).as("streamed in parts").isGreaterThan(1);
    }

    @Test
    void aSyntaxErrorNamesItsPosition() {
        StatusRuntimeException error =
                failure(() -> run(cypher("MATCH (e:Experiment RETURN e")), Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription())
                .startsWith("cypher: ")
                .contains("line 1")
                .contains("column");
    }

    @Test
    void badArgumentsAreInvalid() {
        failure(() -> run(cypher("  ")), Status.Code.INVALID_ARGUMENT);
        failure(
                () -> run(RunQueryRequest.newBuilder()
                        .setCypher("RETURN 1")
                        .setTimeoutMs(-1)
                        .build()),
                Status.Code.INVALID_ARGUMENT);
        failure(
                () -> run(RunQueryRequest.newBuilder()
                        .setCypher("RETURN 1")
                        .setMaxRows(1_000_001)
                        .build()),
                Status.Code.INVALID_ARGUMENT);
        failure(() -> run(cypher("RETURN $missing AS m")), Status.Code.INVALID_ARGUMENT);
        // A procedure called wrongly is the caller's error, never INTERNAL; administration is refused.
        failure(() -> run(cypher("SHOW USERS")), Status.Code.PERMISSION_DENIED);
        failure(() -> run(cypher("CALL db.labels('unexpected argument')")), Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void readProceduresAreAllowed() {
        List<RunQueryResponse> parts = run(cypher("CALL db.labels() YIELD label RETURN label ORDER BY label"));
        List<String> labels = new ArrayList<>();
        parts.forEach(part ->
                part.getRowsList().forEach(row -> labels.add(row.getValues(0).getStringValue())));
        assertThat(labels).contains("Experiment", "Trial");
    }
}
