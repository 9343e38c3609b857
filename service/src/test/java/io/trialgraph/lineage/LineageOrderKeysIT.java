package io.trialgraph.lineage;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageNode;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.neo4j.SchemaMigrations;
import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.Session;

/**
 * The order keys of lineage edges: every writer sets them, the migration back-fills edges written
 * without them, and a hub's pages read by seeking in them are the pages read by expanding the hub.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LineageOrderKeysIT {

    /** More consumers than a level is read whole (10,000 edges), so the level is a hub's. */
    private static final int JOBS = 12_000;

    private static final String HUB = "s3://hub/data.parquet";

    /** Lineage edges whose keys are missing or differ from the format of LineageKeys. */
    private static final String WRONGLY_KEYED = """
            CALL {
              MATCH (a:Artifact)-[r:CONSUMED_BY]->(c:TrialComponent)
              WHERE r.downstreamKey IS NULL OR r.downstreamKey <> a.id + ' ' + c.name
                 OR r.upstreamKey IS NULL OR r.upstreamKey <> c.name + ' ' + a.uri
              RETURN r
              UNION ALL
              MATCH (c:TrialComponent)-[r:PRODUCED]->(a:Artifact)
              WHERE r.downstreamKey IS NULL OR r.downstreamKey <> c.name + ' ' + a.uri
                 OR r.upstreamKey IS NULL OR r.upstreamKey <> a.id + ' ' + c.name
              RETURN r
            }
            RETURN count(r)""";

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
        assertThat(server.count(WRONGLY_KEYED)).isEqualTo(server.count(LINEAGE_EDGES));

        backfill();

        assertThat(server.count(WRONGLY_KEYED)).isZero();
        assertThat(questions()).containsExactlyElementsOf(expanded);
        assertThat(keys(expanded.get(0)).subList(0, 3))
                .containsExactly("artifact:" + HUB, "component:job-00000", "component:job-00001");
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
        GetLineageResponse page = lineage.getLineage(
                fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100).build());
        assertThat(keys(page).subList(0, 3))
                .containsExactly("artifact:" + HUB, "component:bolt-job", "component:job-00000");
        GetLineageResponse both = lineage.getLineage(
                fromHub(LineageDirection.LINEAGE_DIRECTION_BOTH, 3, 4).build());
        assertThat(keys(both))
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

        assertThat(server.count(WRONGLY_KEYED)).isZero();
    }

    @Test
    void theMigrationKeysTheEdgesOfTheVersionBefore() {
        recordAHubWithoutKeys();
        // The database as the version before the keys left it: the record of V0008 gone.
        server.single("MATCH (m:__Neo4jMigration {version: '0008'}) DETACH DELETE m RETURN count(*)");
        assertThat(server.count(WRONGLY_KEYED)).isEqualTo(server.count(LINEAGE_EDGES));

        server.server().context().getBean(SchemaMigrations.class).apply();

        assertThat(server.count(WRONGLY_KEYED)).isZero();
        assertThat(server.count(LINEAGE_EDGES)).isEqualTo(40_001);
    }

    /** The questions whose answers must not depend on the keys: pages, kinds, directions, start nodes. */
    private List<GetLineageResponse> questions() {
        List<GetLineageResponse> answers = new ArrayList<>();
        GetLineageResponse first = lineage.getLineage(
                fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100).build());
        answers.add(first);
        GetLineageResponse second = lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                .setPageToken(first.getNextPageToken())
                .build());
        answers.add(second);
        answers.add(lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 10, 100)
                .setPageToken(second.getNextPageToken())
                .build()));
        answers.add(lineage.getLineage(
                fromHub(LineageDirection.LINEAGE_DIRECTION_BOTH, 3, 10).build()));
        GetLineageResponse models = lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                .addIncludeKinds("model")
                .build());
        answers.add(models);
        answers.add(lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 50)
                .addIncludeKinds("model")
                .setPageToken(models.getNextPageToken())
                .build()));
        answers.add(lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 20)
                .addIncludeKinds("component:evaluation")
                .build()));
        answers.add(lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 2, 5)
                .addStart(LineageNodeRef.newBuilder().setArtifactUri("s3://hub/models/m-00007"))
                .addStart(LineageNodeRef.newBuilder().setArtifactUri("s3://hub/other.parquet"))
                .build()));
        answers.add(lineage.getLineage(fromHub(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, 3, 30)
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

    private static GetLineageRequest.Builder fromHub(LineageDirection direction, int maxDepth, int maxNodes) {
        return GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(HUB))
                .setDirection(direction)
                .setMaxDepth(maxDepth)
                .setMaxNodes(maxNodes);
    }

    private static List<String> keys(GetLineageResponse answer) {
        return answer.getNodesList().stream().map(LineageNode::getKey).toList();
    }
}
