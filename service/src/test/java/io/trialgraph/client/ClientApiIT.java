package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every RPC through the client against a real server: records come back as stored, paging,
 * updates and deletes, typed parameters and Cypher values, trackers that fail, and failures as
 * {@link TrialGraphException} with the server's status code and message.
 */
@TrialGraphTest
class ClientApiIT {

    private TestServer server;
    private TrialGraphClient client;

    @BeforeEach
    void connect(TestServer server) {
        this.server = server;
        this.client = TrialGraphClient.builder().target("127.0.0.1:" + server.port()).plaintext()
                .deadline(Duration.ofSeconds(60)).build();
    }

    @AfterEach
    void close() {
        client.close();
    }

    // ------------------------------------------------------------------------------- errors

    @Test
    void failuresAreTrialGraphExceptionsWithTheStatusCodeAndTheServersMessage() {
        TrialGraphException missing = failure(() -> client.getExperiment("no-such-experiment"), Status.Code.NOT_FOUND);
        assertThat(missing.getMessage()).isEqualTo("experiment 'no-such-experiment' does not exist");

        client.createExperiment("exists", "h", Map.of());
        failure(() -> client.createExperiment("exists", "again", Map.of()), Status.Code.ALREADY_EXISTS);
        TrialGraphException invalid = failure(() -> client.createExperiment("my exp", "", Map.of()), Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getMessage()).startsWith("experiment.name: ");
        failure(() -> client.createTrial("no-such-experiment", "t", Map.of()), Status.Code.NOT_FOUND);
        client.createTrial("exists", "t1", Map.of());
        failure(() -> client.deleteExperiment("exists", false), Status.Code.FAILED_PRECONDITION);
        failure(() -> client.getTrialComponent("ghost"), Status.Code.NOT_FOUND);
        failure(() -> client.getMetricSummaries("ghost"), Status.Code.NOT_FOUND);
        failure(() -> client.readMetricSeries("ghost", "loss"), Status.Code.NOT_FOUND);
        failure(() -> client.lineage(LineageRequest.upstream().fromArtifact("s3://nowhere/x").build()), Status.Code.NOT_FOUND);
        failure(() -> client.query("CREATE (n:Hack) RETURN n"), Status.Code.PERMISSION_DENIED);
        TrialGraphException syntax = failure(() -> client.query("MATCH (n RETURN n"), Status.Code.INVALID_ARGUMENT);
        assertThat(syntax.getMessage()).isNotBlank();
        TrialGraphException parameter = failure(() -> client.createTrialComponent(TrialComponentSpec.builder("c")
                .parameter("when", Instant.now()).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(parameter.getMessage()).startsWith("parameters.when: ");
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).as("a refused request changes nothing").isZero();
        assertThat(server.count("MATCH (n:Hack) RETURN count(n)")).isZero();
    }

    // ------------------------------------------------------------------------------- experiments and trials

    @Test
    void experimentsAndTrialsRoundTripPageUpdateAndDelete() {
        for (String name : List.of("exp-c", "exp-a", "exp-e", "exp-b", "exp-d", "other")) {
            client.createExperiment(name, name.toUpperCase(), "hypothesis of " + name, Map.of("team", name.equals("other") ? "b" : "a"));
        }
        Page<Experiment> first = client.listExperiments("exp-", null, 2, null);
        assertThat(first.items()).extracting(Experiment::name).containsExactly("exp-a", "exp-b");
        assertThat(first.hasNext()).isTrue();
        Page<Experiment> second = client.listExperiments("exp-", null, 2, first.nextPageToken());
        assertThat(second.items()).extracting(Experiment::name).containsExactly("exp-c", "exp-d");
        assertThat(client.listAllExperiments("exp-", null)).hasSize(5);
        assertThat(client.listAllExperiments(null, Map.of("team", "b"))).extracting(Experiment::name).containsExactly("other");

        Experiment updated = client.updateExperiment("exp-a", new ExperimentUpdate().description("new hypothesis")
                .setTag("stage", "final").removeTag("team"));
        assertThat(updated.description()).isEqualTo("new hypothesis");
        assertThat(updated.displayName()).isEqualTo("EXP-A");
        assertThat(updated.tags()).containsExactly(Map.entry("stage", "final"));
        assertThat(updated.updateTime()).isAfterOrEqualTo(updated.createTime());

        Trial trial = client.createTrial("exp-a", "trial-1", "Trial one", Map.of("optimizer", "adam"));
        assertThat(trial.experimentName()).isEqualTo("exp-a");
        client.createTrial("exp-a", "trial-2", Map.of());
        assertThat(client.getExperiment("exp-a").trialCount()).isEqualTo(2);
        assertThat(client.listTrials("exp-a", 1, null).items()).extracting(Trial::name).containsExactly("trial-1");
        assertThat(client.listAllTrials(null)).extracting(Trial::name).containsExactly("trial-1", "trial-2");
        assertThat(client.updateTrial("trial-1", new TrialUpdate().displayName("First").setTag("k", "v")).tags())
                .containsEntry("k", "v").containsEntry("optimizer", "adam");
        client.createTrialComponent("job-1", "training", "trial-1");
        assertThat(client.getTrial("trial-1").trialComponentCount()).isOne();
        failure(() -> client.deleteTrial("trial-1", false), Status.Code.FAILED_PRECONDITION);
        assertThat(client.deleteTrial("trial-1", true).trialComponents()).isOne();

        Deleted deleted = client.deleteExperiment("exp-a", true);
        assertThat(deleted.trials()).isOne();
        failure(() -> client.getTrial("trial-2"), Status.Code.NOT_FOUND);
    }

    // ------------------------------------------------------------------------------- components and artifacts

    @Test
    void componentsKeepTypedParametersAndTheirArtifactsAssociationsAndStatus() {
        client.createExperiment("e", "", Map.of());
        client.createTrial("e", "t1", Map.of());
        client.createTrial("e", "t2", Map.of());
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        TrialComponent created = client.createTrialComponent(TrialComponentSpec.builder("job")
                .displayName("The job").kind("training").status(ComponentStatus.IN_PROGRESS).startTime(start)
                .parameter("epochs", 60).parameter("lr", 0.001).parameter("optimizer", "adam").parameter("augment", true)
                .parameter("seed", 7L).parameter("dropout", 0.5f)
                .metadata("gpu", "a100")
                .input(ArtifactLink.of("train", "s3://b/train", ArtifactKind.DATASET))
                .input("code", "git://repo/train.py", ArtifactKind.CODE)
                .trial("t1")
                .build());
        assertThat(created.parameters()).containsEntry("epochs", 60L).containsEntry("lr", 0.001)
                .containsEntry("optimizer", "adam").containsEntry("augment", true).containsEntry("seed", 7L)
                .containsEntry("dropout", 0.5);
        assertThat(created.status()).isEqualTo(ComponentStatus.IN_PROGRESS);
        assertThat(created.startTime()).isEqualTo(start);
        assertThat(created.endTime()).isNull();
        assertThat(created.metadata()).containsEntry("gpu", "a100");
        assertThat(created.inputs()).extracting(ArtifactLink::name).containsExactly("code", "train");
        assertThat(created.inputs().get(1).artifact().kind()).isEqualTo(ArtifactKind.DATASET);
        assertThat(created.inputs().get(1).artifact().id()).isNotEmpty();

        assertThat(client.logParameters("job", Map.of("epochs", 61), List.of("seed")))
                .containsEntry("epochs", 61L).doesNotContainKey("seed");
        assertThat(client.associateTrialComponent("job", "t2")).isTrue();
        assertThat(client.associateTrialComponent("job", "t2")).isFalse();
        assertThat(client.getTrialComponent("job").trialNames()).containsExactly("t1", "t2");
        assertThat(client.disassociateTrialComponent("job", "t2")).isTrue();
        assertThat(client.listAllTrialComponents(TrialComponentFilter.inTrial("t2"))).isEmpty();
        assertThat(client.listTrialComponents(TrialComponentFilter.all().withStatus(ComponentStatus.IN_PROGRESS), 0, null)
                .items()).extracting(TrialComponent::name).containsExactly("job");

        ArtifactLinks links = client.linkArtifacts("job", List.of(), List.of(new ArtifactLink("model",
                Artifact.builder("s3://b/model").kind(ArtifactKind.MODEL).name("m").digest("sha256:abc")
                        .mediaType("application/octet-stream").sizeBytes(42).metadata("framework", "torch").build())));
        assertThat(links.inputs()).hasSize(2);
        assertThat(links.outputs()).singleElement().satisfies(l -> {
            assertThat(l.artifact().digest()).isEqualTo("sha256:abc");
            assertThat(l.artifact().sizeBytes()).isEqualTo(42);
            assertThat(l.artifact().metadata()).containsEntry("framework", "torch");
        });
        assertThat(client.unlinkArtifacts("job", List.of(ArtifactLink.of("code", "git://repo/train.py", null)), List.of()))
                .isOne();

        Instant end = start.plus(1, ChronoUnit.HOURS);
        TrialComponent done = client.updateTrialComponent("job", new TrialComponentUpdate().status(ComponentStatus.COMPLETED)
                .endTime(end).statusMessage("ok").setMetadata("host", "n1").removeMetadata("gpu"));
        assertThat(done.status()).isEqualTo(ComponentStatus.COMPLETED);
        assertThat(done.endTime()).isEqualTo(end);
        assertThat(done.metadata()).containsExactly(Map.entry("host", "n1"));
        failure(() -> client.updateTrialComponent("job", new TrialComponentUpdate().endTime(start.minusSeconds(1))),
                Status.Code.INVALID_ARGUMENT);

        // Artifacts on their own.
        Artifact model = client.getArtifact("s3://b/model");
        assertThat(client.getArtifactById(model.id())).isEqualTo(model);
        Artifact report = client.createArtifact(Artifact.of("https://reports/r1.html", null));
        assertThat(report.kind()).isEqualTo(ArtifactKind.OTHER);
        assertThat(client.updateArtifact("https://reports/r1.html", new ArtifactUpdate().kind(ArtifactKind.CODE).name("r1"))
                .kind()).isEqualTo(ArtifactKind.CODE);
        failure(() -> client.updateArtifact("s3://b/model", new ArtifactUpdate().kind(ArtifactKind.DATASET)),
                Status.Code.FAILED_PRECONDITION);
        assertThat(client.listArtifacts(null, "s3://b/", 0, null).items()).extracting(Artifact::uri)
                .containsExactly("s3://b/model", "s3://b/train");
        assertThat(client.listAllArtifacts(ArtifactKind.CODE, null)).extracting(Artifact::uri)
                .containsExactly("git://repo/train.py", "https://reports/r1.html");
        failure(() -> client.deleteArtifact("s3://b/model", false), Status.Code.FAILED_PRECONDITION);
        assertThat(client.deleteArtifact("s3://b/model", true).links()).isOne();
        assertThat(client.deleteTrialComponent("job").artifacts()).as("the training set only it used").isOne();
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------- trackers

    @Test
    void aTrackerRecordsAJobAndItsEndCompletedFailedOrStopped() {
        client.createExperiment("e", "", Map.of());
        client.createTrial("e", "t", Map.of());
        try (Tracker job = client.tracker("ok-job", "training", "t")) {
            job.logParameter("epochs", 3).logInput("train", "s3://b/train").logOutput("model", "s3://b/m", ArtifactKind.MODEL);
            for (int step = 0; step < 3; step++) {
                job.logMetric("loss", step, 1.0 / (step + 1));
            }
        }
        TrialComponent ok = client.getTrialComponent("ok-job");
        assertThat(ok.status()).isEqualTo(ComponentStatus.COMPLETED);
        assertThat(ok.endTime()).isAfterOrEqualTo(ok.startTime());
        assertThat(ok.inputs().get(0).artifact().kind()).isEqualTo(ArtifactKind.OTHER);
        assertThat(client.getMetricSummaries("ok-job").get(0).count()).isEqualTo(3);

        RuntimeException thrown = catchThrowableOfType(RuntimeException.class, () -> {
            try (Tracker job = client.tracker("failing-job", "training", "t")) {
                try {
                    job.logMetric("loss", 0, Double.NaN);
                    throw new IllegalStateException("CUDA out of memory");
                } catch (IllegalStateException e) {
                    job.fail(e.toString());
                    throw e;
                }
            }
        });
        assertThat(thrown).hasMessage("CUDA out of memory");
        TrialComponent failed = client.getTrialComponent("failing-job");
        assertThat(failed.status()).isEqualTo(ComponentStatus.FAILED);
        assertThat(failed.statusMessage()).contains("CUDA out of memory");
        assertThat(client.getMetricSummaries("failing-job").get(0).nonFiniteCount()).isOne();

        Tracker stopped = client.tracker("stopped-job", "training");
        stopped.stop();
        stopped.close();
        stopped.close();
        assertThat(client.getTrialComponent("stopped-job").status()).isEqualTo(ComponentStatus.STOPPED);
        assertThat(server.count("MATCH (c:TrialComponent {status: 'Failed'}) RETURN count(c)")).isOne();
        failure(() -> client.tracker("ok-job", "training"), Status.Code.ALREADY_EXISTS);
    }

    // ------------------------------------------------------------------------------- query and server

    @Test
    void queryValuesComeBackTypedAndTheRowCapTruncates() {
        client.createExperiment("e", "", Map.of("k", "v"));
        QueryResult result = client.query("""
                MATCH (e:Experiment {name: $name})
                RETURN e, 1 AS i, 2.5 AS f, 'x' AS s, true AS b, null AS n, [1, 'a'] AS l, {a: 1} AS m,
                       e.createdAt AS t, $bytes AS bytes, $list AS list""",
                Map.of("name", "e", "bytes", new byte[] {1, 2}, "list", List.of(1L, 2.0, "three")));
        assertThat(result.columns()).containsExactly("e", "i", "f", "s", "b", "n", "l", "m", "t", "bytes", "list");
        List<Object> row = result.rows().get(0);
        QueryResult.Node node = (QueryResult.Node) row.get(0);
        assertThat(node.labels()).containsExactly("Experiment");
        assertThat(node.properties()).containsEntry("name", "e").containsEntry("tag.k", "v");
        assertThat(row.subList(1, 6)).containsExactly(1L, 2.5, "x", true, null);
        assertThat(row.get(6)).isEqualTo(List.of(1L, "a"));
        assertThat(row.get(7)).isEqualTo(Map.of("a", 1L));
        assertThat(Instant.parse((String) row.get(8))).isBeforeOrEqualTo(Instant.now());
        assertThat((byte[]) row.get(9)).containsExactly(1, 2);
        assertThat(row.get(10)).isEqualTo(List.of(1L, 2.0, "three"));

        QueryResult capped = client.query("UNWIND range(1, 50) AS x RETURN x", Map.of(), Duration.ofSeconds(5), 10);
        assertThat(capped.truncated()).isTrue();
        assertThat(capped.size()).isEqualTo(10);

        ServerInfo info = client.serverInfo();
        assertThat(info.boltUri()).isEqualTo(server.neo4j().uri());
        assertThat(info.neo4jVersion()).startsWith("5.");
        assertThat(info.version()).isNotBlank();
    }

    private static TrialGraphException failure(ThrowingCallable call, Status.Code code) {
        TrialGraphException e = catchThrowableOfType(TrialGraphException.class, call);
        assertThat(e).as("expected a TrialGraphException with %s", code).isNotNull();
        assertThat(e.code()).as(e.toString()).isEqualTo(code);
        return e;
    }
}
