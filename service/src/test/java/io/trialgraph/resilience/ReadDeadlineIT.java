package io.trialgraph.resilience;

import static io.trialgraph.resilience.ReadResilience.stillServing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.domain.CallBudget;
import io.trialgraph.domain.CancelledException;
import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlines and cancellation stop the database work, not only the call: a read's Neo4j
 * transaction times out with the caller's deadline and is gone from Neo4j soon after the caller
 * cancels.
 */
@TrialGraphTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadDeadlineIT {

    /** A read Neo4j keeps busy with for minutes, checking its timeout between rows. */
    private static final String SLOW = "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y "
            + "WITH x WHERE (x + y) %% 7 = 3 RETURN count(*) AS %s";

    private TestServer server;
    private Neo4jConnection neo4j;
    private ScheduledExecutorService timer;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        this.neo4j = server.server().context().getBean(Neo4jConnection.class);
        this.timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    @Test
    void aReadEndsWithTheCallersDeadline() throws Exception {
        long started = System.nanoTime();
        Throwable failure;
        try (CallBudget.Scope scope =
                CallBudget.of(Duration.ofMillis(800), CallBudget.Lane.SHORT).enter()) {
            failure = catchThrowable(() ->
                    neo4j.read(tx -> tx.run(SLOW.formatted("deadlineMarker")).single()));
        }
        assertThat(failure).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("the call's deadline");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
        ReadResilience.awaitNoneRunning(server.neo4j().driver(), "deadlineMarker", 2);
        assertThat(Thread.currentThread().isInterrupted())
                .as("the interrupt stays inside the read")
                .isFalse();
        stillServing(server.channel());
    }

    @Test
    void aCancelledCallsReadIsGoneFromNeo4j() throws Exception {
        CallBudget budget = CallBudget.of(Duration.ofMinutes(5), CallBudget.Lane.SHORT);
        timer.schedule(() -> budget.stop(CallBudget.Reason.CANCELLED), 700, TimeUnit.MILLISECONDS);
        long started = System.nanoTime();
        Throwable failure;
        try (CallBudget.Scope scope = budget.enter()) {
            failure = catchThrowable(() ->
                    neo4j.read(tx -> tx.run(SLOW.formatted("cancelMarker")).single()));
        }
        assertThat(failure).isInstanceOf(CancelledException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
        ReadResilience.awaitNoneRunning(server.neo4j().driver(), "cancelMarker", 2);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        // the connection it used is not handed out broken: reads go on
        int one = neo4j.read(tx -> tx.run("RETURN 1 AS one").single().get(0).asInt());
        assertThat(one).isEqualTo(1);
    }

    @Test
    void aClientThatCancelsStopsItsQueryInNeo4j() throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        Iterator<?> parts = call.call(() -> QueryServiceGrpc.newBlockingStub(server.channel())
                .runQuery(RunQueryRequest.newBuilder()
                        .setCypher(SLOW.formatted("clientCancelMarker"))
                        .setTimeoutMs(120_000)
                        .build()));
        timer.schedule(() -> call.cancel(null), 700, TimeUnit.MILLISECONDS);
        StatusRuntimeException cancelled =
                (StatusRuntimeException) catchThrowable(() -> parts.forEachRemaining(part -> {}));
        assertThat(cancelled.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        // The query had 120 s; the server stopped it when its caller left.
        ReadResilience.awaitNoneRunning(server.neo4j().driver(), "clientCancelMarker", 3);
        stillServing(server.channel());
    }

    @Test
    void anHttpClientThatClosesItsConnectionStopsItsQueryInNeo4j() throws Exception {
        String body = "{\"cypher\": \"" + SLOW.formatted("httpCloseMarker") + "\", \"timeout_ms\": 120000}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/query HTTP/1.1\r\nHost: 127.0.0.1:" + server.httpPort()
                            + "\r\nContent-Type: application/json\r\nX-Timeout-Ms: 120000\r\nContent-Length: "
                            + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // The query itself, not the read-only check (EXPLAIN) that runs before it.
            while (ReadResilience.running(server.neo4j().driver(), "httpCloseMarker").stream()
                    .noneMatch(query -> !query.startsWith("EXPLAIN"))) {
                assertThat(System.nanoTime()).as("the query starts in Neo4j").isLessThan(until);
                Thread.sleep(50);
            }
        }
        // The request allowed 120 s and its answer has not begun; the client's close stops the read.
        ReadResilience.awaitNoneRunning(server.neo4j().driver(), "httpCloseMarker", 3);
        Thread.sleep(1_000);
        assertThat(ReadResilience.running(server.neo4j().driver(), "httpCloseMarker"))
                .isEmpty();
        stillServing(server.channel());
    }

    @Test
    void theServerCapsEveryRead() throws Exception {
        // No caller deadline at all: trialgraph.reads.max-time still ends the read.
        try (var capped = TestServer.dedicated(
                server.neo4j(),
                java.util.Map.of("trialgraph.reads.max-time", "1s", "trialgraph.management.enabled", false))) {
            Neo4jConnection connection = capped.context().getBean(Neo4jConnection.class);
            long started = System.nanoTime();
            Throwable failure = catchThrowable(() ->
                    connection.read(tx -> tx.run(SLOW.formatted("capMarker")).single()));
            assertThat(failure)
                    .isInstanceOf(DeadlineExceededException.class)
                    .hasMessageContaining("trialgraph.reads.max-time of 1000 ms");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isLessThan(5_000);
            ReadResilience.awaitNoneRunning(server.neo4j().driver(), "capMarker", 2);
        }
    }
}
