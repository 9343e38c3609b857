package io.trialgraph.lineage;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.lineageFrom;
import static io.trialgraph.testing.ApiFixtures.lineageKeys;
import static io.trialgraph.testing.ApiFixtures.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.neo4j.SchemaMigrations;
import io.trialgraph.store.LineageKeys;
import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.Session;

/**
 * The order keys of lineage edges: only the edges of hubs carry them, every writer keeps them so as
 * a node crosses the threshold either way, the migration back-fills the hubs written without them,
 * and a hub's pages read by seeking in them are the pages read by expanding the hub.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LineageOrderKeysIT {

    /** More consumers than a level is read whole (10,000 edges), so the level is a hub's. */
    private static final int JOBS = 12_000;

    private static final String HUB = "s3://hub/data.parquet";

    /**
     * Lineage edges whose keys differ from the rule of LineageKeys: the key for walking an edge from
     * one end is there, in its format, exactly when that end has at least HUB_EDGES edges of the
     * type in that direction.
     */
    private static final String WRONGLY_KEYED = """
            CALL {
              MATCH (a:Artifact)-[r:CONSUMED_BY]->(c:TrialComponent)
              WITH r, COUNT { (a)-[:CONSUMED_BY]->() } >= $hub AS downHub, COUNT { (c)<-[:CONSUMED_BY]-() } >= $hub AS upHub,
                   a.id + ' ' + c.name AS down, c.name + ' ' + a.uri AS up
              WHERE coalesce(r.downstreamKey, '') <> CASE WHEN downHub THEN down ELSE '' END
                 OR coalesce(r.upstreamKey, '') <> CASE WHEN upHub THEN up ELSE '' END
              RETURN r
              UNION ALL
              MATCH (c:TrialComponent)-[r:PRODUCED]->(a:Artifact)
              WITH r, COUNT { (c)-[:PRODUCED]->() } >= $hub AS downHub, COUNT { (a)<-[:PRODUCED]-() } >= $hub AS upHub,
                   c.name + ' ' + a.uri AS down, a.id + ' ' + c.name AS up
              WHERE coalesce(r.downstreamKey, '') <> CASE WHEN downHub THEN down ELSE '' END
                 OR coalesce(r.upstreamKey, '') <> CASE WHEN upHub THEN up ELSE '' END
              RETURN r
            }
            RETURN count(r)""";

    /** Lineage edges carrying a key. */
    private static final String KEYED =
            "MATCH (:Artifact)-[r:CONSUMED_BY|PRODUCED]-(:TrialComponent) WHERE r.downstreamKey IS NOT NULL OR r.upstreamKey IS NOT NULL RETURN count(r)";

    /**
     * The counts of keyed edges the nodes keep, as [node, property, count, degree] for every count
     * kept, one string each.
     */
    private static final String COUNTS = """
            MATCH (n) WHERE n:Artifact OR n:TrialComponent
            UNWIND [['consumedByDownstreamKeys', n.consumedByDownstreamKeys, COUNT { (n)-[:CONSUMED_BY]->() }],
                    ['consumedByUpstreamKeys', n.consumedByUpstreamKeys, COUNT { (n)<-[:CONSUMED_BY]-() }],
                    ['producedDownstreamKeys', n.producedDownstreamKeys, COUNT { (n)-[:PRODUCED]->() }],
                    ['producedUpstreamKeys', n.producedUpstreamKeys, COUNT { (n)<-[:PRODUCED]-() }]] AS kept
            WITH n, kept WHERE kept[1] IS NOT NULL
            RETURN coalesce(n.uri, n.name) + ' ' + kept[0] + ' ' + kept[1] + ' of ' + kept[2] AS count
            ORDER BY count""";

    private static final String LINEAGE_EDGES =
            "MATCH (:Artifact)-[r:CONSUMED_BY|PRODUCED]-(:TrialComponent) RETURN count(r)";

    private TestServer server;
    private LineageServiceGrpc.LineageServiceBlockingStub lineage;

    @BeforeEach
    void connect(TestServer server) {
        this.server = server;
        lineage = LineageServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void aHubsPagesAreTheSameSoughtInTheKeysAsExpanded() {
        recordAHubWithoutKeys();
        List<GetLineageResponse> expanded = questions();
        // The hub's, the other hub's and the collector's edges lack the keys they should have.
        assertThat(wronglyKeyed()).isEqualTo(JOBS + JOBS / 3 + JOBS);

        backfill();

        assertThat(wronglyKeyed()).isZero();
        assertThat(server.count(KEYED)).isEqualTo(JOBS + JOBS / 3 + JOBS);
        assertThat(counts())
                .containsExactly(
                        "collector consumedByUpstreamKeys 12000 of 12000",
                        HUB + " consumedByDownstreamKeys 12000 of 12000",
                        "s3://hub/other.parquet consumedByDownstreamKeys 4000 of 4000");
        assertThat(questions()).containsExactlyElementsOf(expanded);
        assertThat(lineageKeys(expanded.get(0)).subList(0, 3))
                .containsExactly("artifact:" + HUB, "component:job-00000", "component:job-00001");
    }

    /**
     * A walk whose page falls short of what it needs reads the whole level, which a walk limit
     * below the hub's degree refuses: so a seek that misses nodes (a wrong range from the page
     * token, say) fails here, while the expansion without keys answers the same pages.
     */
    @Test
    void aKeyedHubsPagesNeedNoMoreThanThePage() throws Exception {
        recordAHubWithoutKeys();
        backfill();
        GetLineageRequest first = lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                .build();
        GetLineageResponse expandedFirst = lineage.getLineage(first);
        GetLineageResponse expandedNext = lineage.getLineage(
                first.toBuilder().setPageToken(expandedFirst.getNextPageToken()).build());
        try (TrialGraphServer small = TestServer.dedicated(
                server.neo4j(),
                Map.of("trialgraph.management.enabled", false, "trialgraph.reads.max-lineage-nodes", 5_000))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", small.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                LineageServiceGrpc.LineageServiceBlockingStub limited =
                        LineageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
                GetLineageResponse sought = limited.getLineage(first);
                assertThat(sought.getNodesList()).containsExactlyElementsOf(expandedFirst.getNodesList());
                GetLineageResponse soughtNext = limited.getLineage(first.toBuilder()
                        .setPageToken(sought.getNextPageToken())
                        .build());
                assertThat(soughtNext.getNodesList()).containsExactlyElementsOf(expandedNext.getNodesList());
                assertThat(lineageKeys(soughtNext).get(0)).isEqualTo("component:job-00099");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anEdgeWrittenWithoutKeysIsStillOnItsPage() {
        recordAHubWithoutKeys();
        backfill();
        // Written over Bolt as before the keys: sorts first among the hub's consumers.
        server.single("""
                MATCH (hub:Artifact {uri: $hub})
                CREATE (hub)-[:CONSUMED_BY {name: 'data'}]->(:TrialComponent {name: 'bolt-job', kind: 'training',
                                                                              status: 'Completed'})
                RETURN count(*)""", "hub", HUB);
        GetLineageResponse page =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                        .build());
        assertThat(lineageKeys(page).subList(0, 3))
                .containsExactly("artifact:" + HUB, "component:bolt-job", "component:job-00000");
        GetLineageResponse both = lineage.getLineage(
                lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_BOTH, 3, 4).build());
        assertThat(lineageKeys(both))
                .containsExactly("artifact:" + HUB, "component:a-maker", "component:bolt-job", "component:job-00000");
    }

    @Test
    void everyWriterKeysTheEdgesItWrites() {
        // gRPC: a component's inputs and outputs, at creation and linked later.
        createComponent(
                components(server, 60),
                TrialComponent.newBuilder()
                        .setName("train")
                        .setKind("training")
                        .addInputs(link("train", "s3://data/train", ArtifactKind.ARTIFACT_KIND_DATASET))
                        .addOutputs(link("model", "s3://models/m1", ArtifactKind.ARTIFACT_KIND_MODEL)));
        components(server, 60)
                .linkArtifacts(io.trialgraph.api.v1.LinkArtifactsRequest.newBuilder()
                        .setTrialComponentName("train")
                        .addInputs(link("code", "git://repo/train.py", ArtifactKind.ARTIFACT_KIND_CODE))
                        .addOutputs(link("checkpoint", "s3://models/m1.ckpt", ArtifactKind.ARTIFACT_KIND_CHECKPOINT))
                        .build());
        assertThat(server.count(LINEAGE_EDGES)).isEqualTo(4);

        // MLflow: dataset and model inputs, MLflow 2's log-model, MLflow 3's logged model as an output.
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"keys\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        String modelId = mlflow.ok("logged-models", """
                {"experiment_id": "%s", "name": "classifier", "source_run_id": "%s"}""".formatted(experimentId, runId))
                .at("/model/info/model_id")
                .asText();
        mlflow.ok(
                "runs/outputs",
                "{\"run_id\": \"%s\", \"models\": [{\"model_id\": \"%s\", \"step\": 3}]}".formatted(runId, modelId));
        mlflow.ok("runs/log-model", """
                {"run_id": "%s", "model_json": "{\\"artifact_path\\": \\"model\\", \\"flavors\\": {\\"python_function\\": {\\"loader_module\\": \\"mlflow.sklearn\\"}}, \\"utc_time_created\\": \\"2024-01-02 03:04:05.000000\\", \\"run_id\\": \\"%s\\"}"}""".formatted(runId, runId));
        String evalId = mlflow.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/log-inputs", """
                {"run_id": "%s", "datasets": [
                  {"tags": [{"key": "mlflow.data.context", "value": "eval"}],
                   "dataset": {"name": "cifar-test", "digest": "77aa01bc", "source_type": "s3",
                               "source": "{\\"uri\\": \\"s3://bucket/cifar/test.csv\\"}"}}],
                 "models": [{"model_id": "%s"}]}""".formatted(evalId, modelId));
        assertThat(server.count(LINEAGE_EDGES)).isEqualTo(8);

        // Nodes below the threshold: no keys, no counts.
        assertThat(wronglyKeyed()).isZero();
        assertThat(server.count(KEYED)).isZero();
        assertThat(counts()).isEmpty();
    }

    @Test
    void aNodeReachingTheThresholdGetsItsOldEdgesKeyedAndLosesThemBelowIt() {
        // One edge short of a hub, written over Bolt: no keys needed yet.
        server.single("""
                CREATE (d:Artifact:Dataset {id: 'shared', uri: 's3://shared/data', kind: 'dataset', name: 'shared'})
                WITH d
                UNWIND range(1, $edges - 1) AS i
                CREATE (d)-[:CONSUMED_BY {name: 'data'}]->(:TrialComponent {name: 'old-' + i, kind: 'training',
                                                                            status: 'Completed'})
                RETURN count(*)""", "edges", LineageKeys.HUB_EDGES);
        assertThat(wronglyKeyed()).isZero();

        // The service's write that makes the dataset a hub keys its old edges too.
        createComponent(
                components(server, 60),
                TrialComponent.newBuilder()
                        .setName("crossing")
                        .setKind("training")
                        .addInputs(link("data", "s3://shared/data", ArtifactKind.ARTIFACT_KIND_DATASET)));
        assertThat(wronglyKeyed()).isZero();
        assertThat(server.count(KEYED)).isEqualTo(LineageKeys.HUB_EDGES);
        assertThat(counts()).containsExactly("s3://shared/data consumedByDownstreamKeys 1000 of 1000");

        // Past it, a new edge is keyed and counted; an unlinked and a deleted component's are not.
        createComponent(
                components(server, 60),
                TrialComponent.newBuilder()
                        .setName("later")
                        .setKind("training")
                        .addInputs(link("data", "s3://shared/data", ArtifactKind.ARTIFACT_KIND_DATASET)));
        assertThat(counts()).containsExactly("s3://shared/data consumedByDownstreamKeys 1001 of 1001");
        components(server, 60)
                .unlinkArtifacts(io.trialgraph.api.v1.UnlinkArtifactsRequest.newBuilder()
                        .setTrialComponentName("later")
                        .addInputs(link("data", "s3://shared/data", ArtifactKind.ARTIFACT_KIND_DATASET))
                        .build());
        components(server, 60)
                .deleteTrialComponent(io.trialgraph.api.v1.DeleteTrialComponentRequest.newBuilder()
                        .setName("old-1")
                        .build());
        assertThat(counts()).containsExactly("s3://shared/data consumedByDownstreamKeys 999 of 999");
        assertThat(wronglyKeyed()).isEqualTo(LineageKeys.HUB_EDGES - 1);

        // Below the threshold, the next write drops the keys and the count.
        components(server, 60)
                .linkArtifacts(io.trialgraph.api.v1.LinkArtifactsRequest.newBuilder()
                        .setTrialComponentName("crossing")
                        .addInputs(link("more", "s3://shared/more", ArtifactKind.ARTIFACT_KIND_DATASET))
                        .addInputs(link("data", "s3://shared/data", ArtifactKind.ARTIFACT_KIND_DATASET))
                        .build());
        assertThat(wronglyKeyed()).isZero();
        assertThat(server.count(KEYED)).isZero();
        assertThat(counts()).isEmpty();
    }

    @Test
    void theMigrationKeysTheEdgesOfTheVersionBefore() {
        recordAHubWithoutKeys();
        // The database as the version before the keys left it: the record of V0008 gone.
        server.single("MATCH (m:__Neo4jMigration {version: '0008'}) DETACH DELETE m RETURN count(*)");
        assertThat(wronglyKeyed()).isEqualTo(JOBS + JOBS / 3 + JOBS);

        server.server().context().getBean(SchemaMigrations.class).apply();

        assertThat(wronglyKeyed()).isZero();
        assertThat(counts()).hasSize(3);
        assertThat(server.count(LINEAGE_EDGES)).isEqualTo(40_001);
    }

    private long wronglyKeyed() {
        try (Session session = server.neo4j().driver().session()) {
            return session.run(WRONGLY_KEYED, Map.of("hub", LineageKeys.HUB_EDGES))
                    .single()
                    .get(0)
                    .asLong();
        }
    }

    private List<String> counts() {
        try (Session session = server.neo4j().driver().session()) {
            return session.run(COUNTS).list(r -> r.get("count").asString());
        }
    }

    /** The questions whose answers must not depend on the keys: pages, kinds, directions, start nodes. */
    private List<GetLineageResponse> questions() {
        List<GetLineageResponse> answers = new ArrayList<>();
        GetLineageResponse first =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                        .build());
        answers.add(first);
        GetLineageResponse second =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                        .setPageToken(first.getNextPageToken())
                        .build());
        answers.add(second);
        answers.add(lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                .setPageToken(second.getNextPageToken())
                .build()));
        answers.add(lineage.getLineage(
                lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_BOTH, 3, 10).build()));
        GetLineageResponse models =
                lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                        .addIncludeKinds("model")
                        .build());
        answers.add(models);
        answers.add(lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                .addIncludeKinds("model")
                .setPageToken(models.getNextPageToken())
                .build()));
        answers.add(lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 20)
                .addIncludeKinds("component:evaluation")
                .build()));
        answers.add(lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 5)
                .addStart(LineageNodeRef.newBuilder().setArtifactUri("s3://hub/models/m-00007"))
                .addStart(LineageNodeRef.newBuilder().setArtifactUri("s3://hub/other.parquet"))
                .build()));
        answers.add(lineage.getLineage(lineageFrom(HUB, LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 3, 30)
                .addEdgeTypes("CONSUMED_BY")
                .build()));
        // Upstream from a job that consumed every model: a large level of artifacts.
        answers.add(lineage.getLineage(GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setTrialComponentName("collector"))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_UPSTREAM)
                .setMaxNodes(40)
                .build()));
        // Upstream from a job that consumed both large datasets.
        answers.add(lineage.getLineage(GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setTrialComponentName("job-00003"))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_UPSTREAM)
                .setMaxNodes(10)
                .build()));
        return answers;
    }

    /**
     * Written straight through the driver without keys, as the service wrote before them: a hub
     * made by one job, consumed by 12,000 jobs each making a model, a second hub consumed by every
     * third of them (two large start nodes at once), some jobs evaluations, and a job consuming
     * every model (a large level upstream).
     */
    private void recordAHubWithoutKeys() {
        server.single("""
                CREATE (maker:TrialComponent {name: 'a-maker', kind: 'processing', status: 'Completed'})
                CREATE (maker)-[:PRODUCED {name: 'out'}]->(hub:Artifact:Dataset {id: 'hub', uri: $hub, kind: 'dataset', name: 'hub'})
                CREATE (other:Artifact:Dataset {id: 'other', uri: 's3://hub/other.parquet', kind: 'dataset', name: 'other'})
                WITH hub, other
                UNWIND range(0, $jobs - 1) AS i
                WITH hub, other, i, right('0000' + i, 5) AS n
                CREATE (hub)-[:CONSUMED_BY {name: 'data'}]->(job:TrialComponent {name: 'job-' + n,
                    kind: CASE WHEN i % 7 = 3 THEN 'evaluation' ELSE 'training' END, status: 'Completed'})
                CREATE (job)-[:PRODUCED {name: 'model'}]->(:Artifact:Model {id: 'm-' + n, uri: 's3://hub/models/m-' + n,
                                                                              kind: 'model', name: 'm-' + n})
                FOREACH (x IN CASE WHEN i % 3 = 0 THEN [1] ELSE [] END |
                    CREATE (other)-[:CONSUMED_BY {name: 'extra'}]->(job))
                RETURN count(*) AS created""", "hub", HUB, "jobs", JOBS);
        server.single("""
                CREATE (collector:TrialComponent {name: 'collector', kind: 'evaluation', status: 'Completed'})
                WITH collector
                MATCH (m:Model)
                CREATE (m)-[:CONSUMED_BY {name: 'model'}]->(collector)
                RETURN count(*) AS created""");
    }

    /** Runs the back-fill migration's statements, as the migration does on a graph written before it. */
    private void backfill() {
        try (InputStream in = LineageOrderKeysIT.class.getResourceAsStream(
                "/neo4j/migrations/V0008__Lineage_order_keys_backfill.cypher")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String statements = text.substring(text.indexOf("MATCH"));
            try (Session session = server.neo4j().driver().session()) {
                for (String statement : statements.split(";")) {
                    if (!statement.isBlank()) {
                        session.run(statement).consume();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
