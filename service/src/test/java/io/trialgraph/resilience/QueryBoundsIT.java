package io.trialgraph.resilience;

import static io.trialgraph.resilience.ReadResilience.failure;
import static io.trialgraph.resilience.ReadResilience.stillServing;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.trialgraph.api.v1.CypherValue;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.RunQueryResponse;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ad-hoc Cypher that Neo4j could not stop, or that would hold a connection, a thread or memory
 * beyond its timeout: each ends with a clear status near its timeout, and the server serves on.
 */
@TrialGraphTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QueryBoundsIT {

    private TestServer server;
    private QueryServiceGrpc.QueryServiceBlockingStub query;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        this.query = QueryServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private Status run(String cypher, int timeoutMs) {
        return failure(() -> query.runQuery(RunQueryRequest.newBuilder()
                        .setCypher(cypher)
                        .setTimeoutMs(timeoutMs)
                        .build())
                .forEachRemaining(part -> {}));
    }

    private static long secondsSince(long started) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }

    @Test
    void aRangeTooLargeForOneExpressionIsRefusedBeforeNeo4jSeesIt() {
        long started = System.nanoTime();
        Status refused = run("RETURN reduce(s = 0, x IN range(1, 2000000000) | s + x) AS total", 3000);
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription())
                .startsWith("cypher: range() at offset")
                .contains("2,000,000,000 elements")
                .contains("10,000,000");
        Status nested = run("RETURN [x IN range(1, 100000) | size([y IN range(1, 1000) | y])] AS sizes", 3000);
        assertThat(nested.getDescription()).contains("100,000,000 elements counting the ranges it is iterated in");
        Status parameter = failure(() -> query.runQuery(RunQueryRequest.newBuilder()
                        .setCypher("RETURN reduce(s = 0, x IN range(1, $n) | s + x) AS total")
                        .putParameters(
                                "n",
                                CypherValue.newBuilder()
                                        .setIntValue(3_000_000_000L)
                                        .build())
                        .build())
                .forEachRemaining(p -> {}));
        assertThat(parameter.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(secondsSince(started)).isLessThan(5);
        stillServing(server.channel());
    }

    @Test
    void anExpressionNeo4jCannotStopEndsWithDeadlineExceeded() {
        // A size computed in the query is invisible to the check: Neo4j evaluates the whole
        // expression without looking at the timeout (this one takes a few seconds), and the call
        // ends with DEADLINE_EXCEEDED, not with a late answer.
        long started = System.nanoTime();
        Status stopped = run("WITH 100000000 AS n RETURN reduce(s = 0, x IN range(1, n) | s + x) AS total", 500);
        assertThat(stopped.getCode()).as(stopped.toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(stopped.getDescription()).contains("timeout of 500 ms");
        assertThat(secondsSince(started)).isLessThan(30);
        stillServing(server.channel());
    }

    @Test
    void aValueNeo4jCannotSendIsRefusedOrDoesNotHoldAConnection() {
        // Neo4j fails to write 5,000 nested lists and never answers; the driver would wait 120 s.
        Status refused = run("RETURN reduce(l = [], i IN range(1, 5000) | [l]) AS deep", 1500);
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription())
                .contains("reduce() at offset 7 puts 'l' inside a list or map on every step");
        // Written so that the check cannot see it, the call still ends: refused when the value
        // arrives, or, when Neo4j fails to send it, once the embedded Neo4j's driver drops the
        // silent connection (10 s) and the service stops at the timeout.
        long started = System.nanoTime();
        Status stopped = run("RETURN reduce(l = [], i IN range(1, 5000) | [(l)]) AS deep", 1500);
        assertThat(stopped.getCode())
                .as(stopped.toString())
                .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.DEADLINE_EXCEEDED);
        assertThat(secondsSince(started)).isLessThan(25);
        for (int i = 0; i < 3; i++) {
            assertThat(query.runQuery(RunQueryRequest.newBuilder()
                                    .setCypher("RETURN 1 AS one")
                                    .build())
                            .next()
                            .getRows(0)
                            .getValues(0)
                            .getIntValue())
                    .isEqualTo(1);
        }
        stillServing(server.channel());
    }

    @Test
    void valuesNestedPastTheLimitAreRefusedBeforeTheyAreSerialised() {
        Status refused = run("RETURN " + "[".repeat(30) + "1" + "]".repeat(30) + " AS deep", 5000);
        assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getDescription()).contains("row 1, column 'deep'").contains("24 levels");
        RunQueryResponse fits = query.runQuery(RunQueryRequest.newBuilder()
                        .setCypher("RETURN reduce(l = [], i IN range(1, 23) | [l]) AS deep")
                        .build())
                .next();
        assertThat(fits.getRows(0).getValues(0).hasListValue()).isTrue();
        stillServing(server.channel());
    }

    @Test
    void deepNestingIsRefusedBeforeNeo4jsParserOverflows() {
        long started = System.nanoTime();
        Status brackets = run("RETURN " + "(".repeat(500) + "1" + ")".repeat(500) + " AS x", 3000);
        assertThat(brackets.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(brackets.getDescription()).contains("more than 100 levels");
        Status nots = run("RETURN " + "NOT ".repeat(1000) + "true AS x", 3000);
        assertThat(nots.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(secondsSince(started)).isLessThan(5);
        stillServing(server.channel());
    }

    @Test
    void planningRunsInsideTheQuerysTimeout() {
        // Planning 300 UNIONs takes Neo4j far longer than a second; it used to run before the timeout started.
        StringBuilder union = new StringBuilder("RETURN 0 AS x");
        for (int i = 1; i <= 300; i++) {
            union.append(" UNION RETURN ").append(i).append(" AS x");
        }
        long started = System.nanoTime();
        Status stopped = run(union.toString(), 1000);
        assertThat(stopped.getCode()).as(stopped.toString()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(secondsSince(started)).isLessThan(8);
        stillServing(server.channel());
    }

    @Test
    void neo4jsEchoOfALongInvalidQueryIsShortened() {
        String invalid = "MATCH (n) WHERE n.name = 'x' " + "AND n.value = 1 ".repeat(700) + "RETURN n +* 1";
        assertThat(invalid.length()).isGreaterThan(10_000);
        Status refused = run(invalid, 3000);
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription())
                .startsWith("cypher: ")
                .contains("^")
                .contains("...");
        assertThat(refused.getDescription().length()).isLessThan(1_500);
        stillServing(server.channel());
    }

    @Test
    void aReaderThatStopsReadingHoldsBackTheQuery() throws Exception {
        MeterRegistry meters = server.server().context().getBean(MeterRegistry.class);
        double sentBefore = sentParts(meters);
        String padding = "x".repeat(1_000);
        CountDownLatch firstPart = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<ClientCallStreamObserver<RunQueryRequest>> call = new AtomicReference<>();
        AtomicInteger received = new AtomicInteger();
        // 100,000 rows of 1 KB: 100 parts of about 1 MB. The client takes the first part, then none.
        QueryServiceGrpc.newStub(server.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .runQuery(
                        RunQueryRequest.newBuilder()
                                .setCypher("UNWIND range(1, 100000) AS i RETURN i, $padding AS padding")
                                .putParameters(
                                        "padding",
                                        CypherValue.newBuilder()
                                                .setStringValue(padding)
                                                .build())
                                .setMaxRows(1_000_000)
                                .setTimeoutMs(20_000)
                                .build(),
                        new ClientResponseObserver<RunQueryRequest, RunQueryResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<RunQueryRequest> requests) {
                                call.set(requests);
                                requests.disableAutoRequestWithInitial(1);
                            }

                            @Override
                            public void onNext(RunQueryResponse part) {
                                received.incrementAndGet();
                                firstPart.countDown();
                            }

                            @Override
                            public void onError(Throwable t) {
                                ended.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                ended.countDown();
                            }
                        });
        assertThat(firstPart.await(20, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1_500);
        double sentWhileStalled = sentParts(meters) - sentBefore;
        assertThat(received.get()).isEqualTo(1);
        // Without flow control all 100 parts (100 MB) would be queued in the server by now.
        assertThat(sentWhileStalled)
                .as("parts handed to gRPC while the client read none")
                .isLessThan(10);
        call.get().cancel("the test stops reading", null);
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        ReadResilience.awaitNoneRunning(server.neo4j().driver(), "$padding AS padding", 5);
        stillServing(server.channel());
    }

    private static double sentParts(MeterRegistry meters) {
        return meters.find("grpc.server.responses.sent.messages").tag("method", "RunQuery").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
