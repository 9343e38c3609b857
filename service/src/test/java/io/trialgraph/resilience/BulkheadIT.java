package io.trialgraph.resilience;

import static io.trialgraph.resilience.ReadResilience.stillServing;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.RunQueryResponse;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long reads (ad-hoc Cypher here) have their own share of Neo4j connections: a flood of them
 * never starves a lookup, and a full share answers RESOURCE_EXHAUSTED with a retry hint.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BulkheadIT {

    private static final int READERS = 80;
    private static final Metadata.Key<String> RETRY_PUSHBACK =
            Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void eightyReaderQueriesDoNotStarveALookup(TestNeo4j neo4j) throws Exception {
        // A pool of 16 the 80 readers would fill on their own (the lookup would then queue behind
        // them for their 8 s), with 4 of the 16 for long reads.
        try (TrialGraphServer server = io.trialgraph.testing.TestServer.dedicated(
                neo4j,
                Map.of(
                        "trialgraph.management.enabled",
                        false,
                        "neo4j.max-connection-pool-size",
                        16,
                        "trialgraph.reads.long-read-connections",
                        4,
                        "trialgraph.reads.long-read-wait",
                        "300ms"))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                ExperimentServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .createExperiment(CreateExperimentRequest.newBuilder()
                                .setExperiment(io.trialgraph.api.v1.Experiment.newBuilder()
                                        .setName("bulkhead"))
                                .build());
                Map<Status.Code, List<Metadata>> outcomes = new ConcurrentHashMap<>();
                CountDownLatch done = new CountDownLatch(READERS);
                RunQueryRequest slow = RunQueryRequest.newBuilder()
                        .setTimeoutMs(8_000)
                        .setCypher(
                                "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y WITH x WHERE (x + y) % 7 = 3 "
                                        + "RETURN count(*) AS bulkheadMarker")
                        .build();
                QueryServiceGrpc.QueryServiceStub queries = QueryServiceGrpc.newStub(channel);
                for (int i = 0; i < READERS; i++) {
                    queries.withDeadlineAfter(30, TimeUnit.SECONDS).runQuery(slow, new StreamObserver<>() {
                        @Override
                        public void onNext(RunQueryResponse part) {}

                        @Override
                        public void onError(Throwable t) {
                            outcomes.computeIfAbsent(Status.fromThrowable(t).getCode(), c -> new ArrayList<>())
                                    .add(Status.trailersFromThrowable(t));
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            outcomes.computeIfAbsent(Status.Code.OK, c -> new ArrayList<>())
                                    .add(new Metadata());
                            done.countDown();
                        }
                    });
                }
                Thread.sleep(1_000);
                // While the long-read share is full, lookups go through (the deadline only bounds a hang).
                for (int i = 0; i < 5; i++) {
                    ExperimentServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getExperiment(GetExperimentRequest.newBuilder()
                                    .setName("bulkhead")
                                    .build());
                }
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
                assertThat(outcomes.keySet())
                        .as(outcomes.keySet().toString())
                        .isSubsetOf(Status.Code.RESOURCE_EXHAUSTED, Status.Code.DEADLINE_EXCEEDED, Status.Code.OK);
                List<Metadata> refused = outcomes.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, List.of());
                assertThat(refused).hasSizeGreaterThanOrEqualTo(READERS - 4 - 16);
                assertThat(refused)
                        .allSatisfy(trailers ->
                                assertThat(trailers.get(RETRY_PUSHBACK)).isEqualTo("1000"));
                stillServing(channel);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
