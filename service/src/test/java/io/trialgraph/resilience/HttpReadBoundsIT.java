package io.trialgraph.resilience;

import static io.trialgraph.resilience.ReadResilience.stillServing;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.RunQueryResponse;
import io.trialgraph.testing.HttpPort;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API's reads are bounded like gRPC calls: by the time the request names (X-Timeout-Ms)
 * or the server's default for HTTP, and by the same share of connections for long reads.
 */
@TrialGraphTest
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HttpReadBoundsIT {

    /** A read Neo4j keeps busy with for minutes, checking its timeout between rows. */
    private static final String SLOW = "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y "
            + "WITH x WHERE (x + y) % 7 = 3 RETURN count(*) AS ";

    private static String query(String marker, int timeoutMs) {
        return "{\"cypher\": \"" + SLOW + marker + "\", \"timeout_ms\": " + timeoutMs + "}";
    }

    @Test
    void aQueryEndsAtTheTimeTheRequestNames(TestServer server) throws Exception {
        HttpPort http = new HttpPort(server.httpPort());
        long started = System.nanoTime();
        // The query's own timeout is a minute; the request allows 1.5 s.
        HttpPort.Answer answer = http.send(http.request("/api/v1/query")
                .header("content-type", "application/json")
                .header("X-Timeout-Ms", "1500")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(query("httpHeaderMarker", 60_000)))
                .build());
        assertThat(answer.status()).as(answer.body()).isEqualTo(504);
        assertThat(answer.json().at("/error/code").asText()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(answer.json().at("/error/message").asText()).contains("the call's deadline");
        // Only bounds a hang: without the request's time the query would run its minute.
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
        ReadResilience.awaitNoneRunning(server.neo4j().driver(), "httpHeaderMarker", 5);
        stillServing(server.channel());
        assertThat(http.get("/api/v1/experiments").status()).isEqualTo(200);
    }

    @Test
    void aTimeThatIsNotAWholeNumberOfMillisecondsIsRefused(TestServer server) {
        HttpPort http = new HttpPort(server.httpPort());
        for (String bad : new String[] {"soon", "0", "-5", "1.5"}) {
            HttpPort.Answer answer = http.send(http.request("/api/v1/experiments")
                    .header("X-Timeout-Ms", bad)
                    .GET()
                    .build());
            assertThat(answer.status()).as(bad).isEqualTo(400);
            JsonNode error = answer.json().get("error");
            assertThat(error.get("code").asText()).isEqualTo("INVALID_ARGUMENT");
            assertThat(error.get("field").asText()).isEqualTo("X-Timeout-Ms");
            assertThat(error.get("message").asText()).contains("whole number of milliseconds");
        }
    }

    @Test
    void httpLongReadsShareTheBoundedConnectionsAndHaveADefaultTime(TestNeo4j neo4j) throws Exception {
        try (TrialGraphServer server = TestServer.dedicated(
                neo4j,
                Map.of(
                        "trialgraph.management.enabled",
                        false,
                        "trialgraph.reads.long-read-connections",
                        1,
                        "trialgraph.reads.long-read-wait",
                        "200ms",
                        "trialgraph.reads.http-default-time",
                        "2s"))) {
            HttpPort http = new HttpPort(server.httpPort());
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                // One gRPC query holds the only long-read connection for up to 8 s.
                CountDownLatch done = new CountDownLatch(1);
                QueryServiceGrpc.newStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .runQuery(
                                RunQueryRequest.newBuilder()
                                        .setCypher(SLOW + "httpShareMarker")
                                        .setTimeoutMs(8_000)
                                        .build(),
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(RunQueryResponse part) {}

                                    @Override
                                    public void onError(Throwable t) {
                                        done.countDown();
                                    }

                                    @Override
                                    public void onCompleted() {
                                        done.countDown();
                                    }
                                });
                awaitRunning(neo4j, "httpShareMarker");

                HttpPort.Answer refused = http.post("/api/v1/query", "{\"cypher\": \"RETURN 1 AS one\"}");
                assertThat(refused.status()).as(refused.body()).isEqualTo(429);
                assertThat(refused.json().at("/error/code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
                assertThat(refused.json().at("/error/message").asText())
                        .contains("trialgraph.reads.long-read-connections");
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                // The MLflow API's searches are long reads too, refused in MLflow's error shape.
                HttpPort.Answer search = http.post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"0\"]}");
                assertThat(search.status()).as(search.body()).isEqualTo(429);
                assertThat(search.json().at("/error_code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
                // Short reads are not in that share (their own time is generous: a cold server plans slowly).
                HttpPort.Answer lookup = http.send(http.request("/api/v1/experiments")
                        .header("X-Timeout-Ms", "30000")
                        .GET()
                        .build());
                assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();

                // Without a time of its own, a request's reads end at the server's default for HTTP (2 s here).
                long started = System.nanoTime();
                HttpPort.Answer defaulted = http.post("/api/v1/query", query("httpDefaultMarker", 60_000));
                assertThat(defaulted.status()).as(defaulted.body()).isEqualTo(504);
                assertThat(defaulted.json().at("/error/message").asText()).contains("the call's deadline");
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                        .isLessThan(30);
                ReadResilience.awaitNoneRunning(neo4j.driver(), "httpDefaultMarker", 5);
                stillServing(channel);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitRunning(TestNeo4j neo4j, String marker) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ReadResilience.running(neo4j.driver(), marker).isEmpty()) {
            assertThat(System.nanoTime()).as("the query started in Neo4j").isLessThan(until);
            Thread.sleep(50);
        }
    }
}
