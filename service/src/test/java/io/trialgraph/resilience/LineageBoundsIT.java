package io.trialgraph.resilience;

import static io.trialgraph.resilience.ReadResilience.failure;
import static io.trialgraph.resilience.ReadResilience.stillServing;
import static io.trialgraph.testing.ApiFixtures.lineageFrom;
import static io.trialgraph.testing.ApiFixtures.lineageKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageEdge;
import io.trialgraph.api.v1.LineageNode;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A dataset used by more jobs than one level of a walk reads whole: the answer is the page, the
 * work stays near the page's size, pages continue inside the large level, and a walk too large to
 * hold is refused instead of running on.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LineageBoundsIT {

    /** More consumers than a level is read whole (10,000 edges). */
    private static final int JOBS = 12_000;

    private static final String HUB = "s3://hub/data.parquet";

    private TestServer server;
    private LineageServiceGrpc.LineageServiceBlockingStub lineage;

    @BeforeEach
    void recordAHub(TestServer server) {
        this.server = server;
        lineage = LineageServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        // Written straight through the driver (the API would take minutes), shaped as the service writes.
        server.single("""
                CREATE (maker:TrialComponent {name: 'a-maker', kind: 'processing', status: 'Completed'})
                CREATE (maker)-[:PRODUCED {name: 'out'}]->(hub:Artifact:Dataset {id: 'hub', uri: $hub, kind: 'dataset', name: 'hub'})
                WITH hub
                UNWIND range(0, $jobs - 1) AS i
                WITH hub, i, right('0000' + i, 5) AS n
                CREATE (hub)-[:CONSUMED_BY {name: 'data'}]->(job:TrialComponent {name: 'job-' + n, kind: 'training',
                                                                                  status: 'Completed'})
                CREATE (job)-[:PRODUCED {name: 'model'}]->(:Artifact:Model {id: 'm-' + n, uri: 's3://hub/models/m-' + n,
                                                                              kind: 'model', name: 'm-' + n})
                RETURN count(*) AS created""", "hub", HUB, "jobs", JOBS);
    }

    private static List<String> jobs(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> "component:job-%05d".formatted(i))
                .toList();
    }

    @Test
    void pagesOfALargeLevelComeNearestFirstInKeyOrder() {
        long started = System.nanoTime();
        GetLineageResponse first =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                        .build());
        assertThat(lineageKeys(first)).containsExactlyElementsOf(concat(List.of("artifact:" + HUB), jobs(0, 99)));
        assertThat(first.getTruncated()).isTrue();
        assertThat(first.getEdgesList())
                .hasSize(99)
                .allSatisfy(edge -> assertThat(edge.getFromKey()).isEqualTo("artifact:" + HUB));
        GetLineageResponse second =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                        .setPageToken(first.getNextPageToken())
                        .build());
        assertThat(lineageKeys(second)).containsExactlyElementsOf(jobs(99, 199));
        assertThat(second.getEdgesList())
                .hasSize(100)
                .extracting(LineageEdge::getFromKey)
                .containsOnly("artifact:" + HUB);
        GetLineageResponse third =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                        .setPageToken(second.getNextPageToken())
                        .build());
        assertThat(lineageKeys(third)).containsExactlyElementsOf(jobs(199, 299));
        // 24,000 nodes within depth 2, read page by page: generous, only to catch a walk of the whole graph.
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(30);
        stillServing(server.channel());
    }

    @Test
    void bothDirectionsMergeTheirLevels() {
        GetLineageResponse answer = lineage.getLineage(
                lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_BOTH, 3, 10).build());
        assertThat(lineageKeys(answer))
                .containsExactlyElementsOf(concat(List.of("artifact:" + HUB, "component:a-maker"), jobs(0, 8)));
        assertThat(answer.getNodesList())
                .extracting(LineageNode::getDepth)
                .containsExactly(0, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertThat(answer.getTruncated()).isTrue();
    }

    @Test
    void aHubAmongSeveralStartNodesIsWalkedWithThemAndAMissingOneIsNotFound() {
        // The hub has too many edges for the one-query walk; the other start node does not.
        GetLineageResponse answer =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 5)
                        .addStart(LineageNodeRef.newBuilder().setArtifactUri("s3://hub/models/m-00007"))
                        .build());
        assertThat(lineageKeys(answer))
                .containsExactly(
                        "artifact:" + HUB,
                        "artifact:s3://hub/models/m-00007",
                        "component:job-00000",
                        "component:job-00001",
                        "component:job-00002");
        assertThat(answer.getTruncated()).isTrue();
        Status missing =
                failure(() -> lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 5)
                        .addStart(LineageNodeRef.newBuilder().setArtifactUri("s3://hub/models/none"))
                        .build()));
        assertThat(missing.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(missing.getDescription()).contains("s3://hub/models/none");
    }

    @Test
    void includedKindsBeyondALargeLevelAreFound() {
        GetLineageResponse models =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                        .addIncludeKinds("model")
                        .build());
        List<String> expected = new ArrayList<>(List.of("artifact:" + HUB));
        IntStream.range(0, 49).forEach(i -> expected.add("artifact:s3://hub/models/m-%05d".formatted(i)));
        assertThat(lineageKeys(models)).containsExactlyElementsOf(expected);
        assertThat(models.getNodesList().subList(1, 50))
                .extracting(LineageNode::getDepth)
                .containsOnly(2);
        GetLineageResponse next =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                        .addIncludeKinds("model")
                        .setPageToken(models.getNextPageToken())
                        .build());
        assertThat(next.getNodes(0).getKey()).isEqualTo("artifact:s3://hub/models/m-00049");
        Set<String> seen = new HashSet<>(lineageKeys(models));
        assertThat(lineageKeys(next)).noneMatch(seen::contains);
        stillServing(server.channel());
    }

    @Test
    void aWalkTooLargeToHoldIsRefused() throws Exception {
        try (TrialGraphServer small = TestServer.dedicated(
                server.neo4j(),
                Map.of("trialgraph.management.enabled", false, "trialgraph.reads.max-lineage-nodes", 5_000))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", small.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                LineageServiceGrpc.LineageServiceBlockingStub limited =
                        LineageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
                // Models only: the walk must pass through all 12,000 jobs to find them.
                Status refused = failure(
                        () -> limited.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                                .addIncludeKinds("model")
                                .build()));
                assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(refused.getDescription())
                        .contains("more than 5000 nodes")
                        .contains("trialgraph.reads.max-lineage-nodes");
                // The page of a large level needs no more than the page.
                assertThat(limited.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                                        .build())
                                .getNodesCount())
                        .isEqualTo(50);
                stillServing(channel);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
