package io.trialgraph.graph;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.flag;
import static io.trialgraph.testing.ApiFixtures.instant;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.link;
import static io.trialgraph.testing.ApiFixtures.number;
import static io.trialgraph.testing.ApiFixtures.text;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.Artifact;
import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.ArtifactLink;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.DeleteTrialComponentRequest;
import io.trialgraph.api.v1.DeleteTrialComponentResponse;
import io.trialgraph.api.v1.DisassociateTrialComponentRequest;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetTrialComponentRequest;
import io.trialgraph.api.v1.GetTrialRequest;
import io.trialgraph.api.v1.LinkArtifactsRequest;
import io.trialgraph.api.v1.LinkArtifactsResponse;
import io.trialgraph.api.v1.ListTrialComponentsRequest;
import io.trialgraph.api.v1.ListTrialComponentsResponse;
import io.trialgraph.api.v1.LogParametersRequest;
import io.trialgraph.api.v1.LogParametersResponse;
import io.trialgraph.api.v1.ParameterValue;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.api.v1.UnlinkArtifactsRequest;
import io.trialgraph.api.v1.UpdateTrialComponentRequest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Record;

/** TrialComponentService against a real server and Neo4j: the answers and the graph they leave. */
@TrialGraphTest
class TrialComponentServiceIT {

    private static final Timestamp START = Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(123_000_000).build();
    private static final Timestamp END = Timestamp.newBuilder().setSeconds(1_700_003_600L).setNanos(456_000_000).build();

    private TestServer server;
    private ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments;
    private TrialServiceGrpc.TrialServiceBlockingStub trials;
    private TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components;

    @BeforeEach
    void stubs(TestServer server) {
        this.server = server;
        experiments = experiments(server, 120);
        trials = trials(server, 120);
        components = components(server, 120);
    }

    @Test
    void createRecordsEverythingInOneCallAndItRoundTrips() {
        createExperiment(experiments, "cifar10");
        createTrial(trials, "cifar10", "t-b");
        createTrial(trials, "cifar10", "t-a");

        Map<String, ParameterValue> parameters = Map.of(
                "epochs", integer(60),
                "learning-rate", number(0.001),
                "scale", number(3.0),
                "steps", integer(3),
                "optimizer", text("adam"),
                "augment", flag(true));
        TrialComponent request = TrialComponent.newBuilder()
                .setName("training-job-1")
                .setDisplayName("Training job 1")
                .setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .setStatusMessage("finished")
                .setStartTime(START)
                .setEndTime(END)
                .putAllParameters(parameters)
                .putMetadata("instance-type", "ml.p3.2xlarge")
                .putMetadata("git.commit", "abc123")
                .addInputs(ArtifactLink.newBuilder().setName("training").setArtifact(Artifact.newBuilder()
                        .setUri("s3://bucket/cifar10/train.tfrecords").setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                        .setName("cifar10-train").setDigest("sha256:aaaa").setMediaType("application/x-tfrecord").setSizeBytes(1234)))
                .addInputs(link("code", "file:///src/train.py", ArtifactKind.ARTIFACT_KIND_CODE))
                .addOutputs(link("model", "s3://bucket/models/job-1/model.tar.gz", ArtifactKind.ARTIFACT_KIND_MODEL))
                .addTrialNames("t-b")
                .addTrialNames("t-a")
                .build();

        TrialComponent created = components.createTrialComponent(CreateTrialComponentRequest.newBuilder()
                .setTrialComponent(request).build()).getTrialComponent();

        assertThat(created.getName()).isEqualTo("training-job-1");
        assertThat(created.getDisplayName()).isEqualTo("Training job 1");
        assertThat(created.getKind()).isEqualTo("training");
        assertThat(created.getStatus()).isEqualTo(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED);
        assertThat(created.getStatusMessage()).isEqualTo("finished");
        assertThat(created.getStartTime()).isEqualTo(START);
        assertThat(created.getEndTime()).isEqualTo(END);
        assertThat(created.getParametersMap()).as("each parameter keeps its type").containsExactlyInAnyOrderEntriesOf(parameters);
        assertThat(created.getParametersMap().get("scale").getValueCase()).isEqualTo(ParameterValue.ValueCase.NUMBER_VALUE);
        assertThat(created.getParametersMap().get("steps").getValueCase()).isEqualTo(ParameterValue.ValueCase.INTEGER_VALUE);
        assertThat(created.getMetadataMap()).containsExactlyInAnyOrderEntriesOf(Map.of("instance-type", "ml.p3.2xlarge", "git.commit", "abc123"));
        assertThat(created.getTrialNamesList()).as("in name order").containsExactly("t-a", "t-b");
        assertThat(created.getInputsList()).as("in (name, URI) order").extracting(ArtifactLink::getName).containsExactly("code", "training");
        Artifact train = created.getInputs(1).getArtifact();
        assertThat(train.getId()).isNotEmpty();
        assertThat(train.getUri()).isEqualTo("s3://bucket/cifar10/train.tfrecords");
        assertThat(train.getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_DATASET);
        assertThat(train.getName()).isEqualTo("cifar10-train");
        assertThat(train.getDigest()).isEqualTo("sha256:aaaa");
        assertThat(train.getMediaType()).isEqualTo("application/x-tfrecord");
        assertThat(train.getSizeBytes()).isEqualTo(1234);
        assertThat(created.getInputs(0).getArtifact().getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_CODE);
        assertThat(created.getOutputsList()).hasSize(1);
        assertThat(created.getOutputs(0).getName()).isEqualTo("model");
        assertThat(created.getOutputs(0).getArtifact().getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_MODEL);
        assertThat(created.hasCreateTime()).isTrue();

        assertThat(get("training-job-1")).isEqualTo(created);

        Record node = server.single("""
                MATCH (c:TrialComponent {name: 'training-job-1'})
                RETURN c.displayName AS displayName, c.kind AS kind, c.status AS status, c.statusMessage AS statusMessage,
                       c.startTime IS NOT NULL AS hasStart, c.endTime IS NOT NULL AS hasEnd,
                       c.`param.epochs` AS epochs, c.`param.learning-rate` AS lr, c.`param.scale` AS scale,
                       c.`param.steps` AS steps, c.`param.optimizer` AS optimizer, c.`param.augment` AS augment,
                       c.`meta.instance-type` AS instanceType""");
        assertThat(node.get("kind").asString()).isEqualTo("training");
        assertThat(node.get("status").asString()).isEqualTo("Completed");
        assertThat(node.get("statusMessage").asString()).isEqualTo("finished");
        assertThat(node.get("hasStart").asBoolean()).isTrue();
        assertThat(node.get("hasEnd").asBoolean()).isTrue();
        assertThat(node.get("epochs").asObject()).isEqualTo(60L);
        assertThat(node.get("lr").asObject()).isEqualTo(0.001);
        assertThat(node.get("scale").asObject()).as("a double stays a double in the graph").isEqualTo(3.0);
        assertThat(node.get("steps").asObject()).as("an int64 stays an integer in the graph").isEqualTo(3L);
        assertThat(node.get("optimizer").asObject()).isEqualTo("adam");
        assertThat(node.get("augment").asObject()).isEqualTo(true);
        assertThat(node.get("instanceType").asString()).isEqualTo("ml.p3.2xlarge");
        assertThat(server.count("MATCH (c:TrialComponent) WHERE c.`param.epochs` >= 60 AND c.`param.augment` RETURN count(c)"))
                .as("parameters compare in Cypher without parsing").isOne();

        assertThat(server.count("""
                MATCH (:Artifact:Dataset {uri: 's3://bucket/cifar10/train.tfrecords', kind: 'dataset'})
                      -[:CONSUMED_BY {name: 'training'}]->(:TrialComponent {name: 'training-job-1'})
                RETURN count(*)""")).isOne();
        assertThat(server.count("""
                MATCH (:Artifact:Code {uri: 'file:///src/train.py', kind: 'code'})
                      -[:CONSUMED_BY {name: 'code'}]->(:TrialComponent {name: 'training-job-1'})
                RETURN count(*)""")).isOne();
        assertThat(server.count("""
                MATCH (:TrialComponent {name: 'training-job-1'})-[:PRODUCED {name: 'model'}]->
                      (:Artifact:Model {uri: 's3://bucket/models/job-1/model.tar.gz', kind: 'model'})
                RETURN count(*)""")).isOne();
        assertThat(server.count("MATCH (:TrialComponent {name: 'training-job-1'})-[r:PART_OF]->(:Trial) RETURN count(r)")).isEqualTo(2);
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(3);
    }

    @Test
    void aMinimalComponentNeedsOnlyAName() {
        TrialComponent created = createComponent(components, TrialComponent.newBuilder().setName("bare"));
        assertThat(created.getStatus()).isEqualTo(TrialComponentStatus.TRIAL_COMPONENT_STATUS_UNSPECIFIED);
        assertThat(created.hasStartTime()).isFalse();
        assertThat(created.hasEndTime()).isFalse();
        assertThat(created.getTrialNamesList()).isEmpty();
        assertThat(server.count("MATCH (c:TrialComponent {name: 'bare'}) WHERE NOT (c)--() RETURN count(c)"))
                .as("a component may exist on its own").isOne();
    }

    @Test
    void oneUnknownTrialMakesTheWholeCreateNotFoundAndWritesNothing() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "known-trial");

        StatusRuntimeException e = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .putParameters("epochs", integer(30))
                .addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addOutputs(link("model", "s3://bucket/model", ArtifactKind.ARTIFACT_KIND_MODEL))
                .addTrialNames("known-trial")
                .addTrialNames("unknown-trial")), Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("unknown-trial");

        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isZero();
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isZero();
        assertThat(server.count("MATCH ()-[r:PART_OF]->() RETURN count(r)")).isZero();
    }

    @Test
    void aTakenNameIsAlreadyExists() {
        createComponent(components, TrialComponent.newBuilder().setName("job").setKind("training"));
        StatusRuntimeException e = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job").setKind("evaluation")
                .addInputs(link("in", "s3://bucket/new-input", ArtifactKind.ARTIFACT_KIND_DATASET))), Status.Code.ALREADY_EXISTS);
        assertThat(e.getStatus().getDescription()).contains("job");
        assertThat(get("job").getKind()).isEqualTo("training");
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isZero();
    }

    @Test
    void nonFiniteAndEmptyParametersAreInvalidAndNothingIsWritten() {
        StatusRuntimeException nan = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .putParameters("lr", number(Double.NaN))), Status.Code.INVALID_ARGUMENT);
        assertThat(nan.getStatus().getDescription()).startsWith("trial_component.parameters[lr]: ");

        StatusRuntimeException infinity = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .putParameters("lr", number(Double.POSITIVE_INFINITY))), Status.Code.INVALID_ARGUMENT);
        assertThat(infinity.getStatus().getDescription()).startsWith("trial_component.parameters[lr]: ");

        StatusRuntimeException empty = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .putParameters("lr", ParameterValue.getDefaultInstance())), Status.Code.INVALID_ARGUMENT);
        assertThat(empty.getStatus().getDescription()).startsWith("trial_component.parameters[lr]: ");

        StatusRuntimeException badName = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .putParameters("-lr", number(0.1))), Status.Code.INVALID_ARGUMENT);
        assertThat(badName.getStatus().getDescription()).startsWith("trial_component.parameters");

        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isZero();
    }

    @Test
    void badArtifactUriAndBadNameAreInvalid() {
        StatusRuntimeException uri = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .addInputs(link("training", "no-scheme/train", ArtifactKind.ARTIFACT_KIND_DATASET))), Status.Code.INVALID_ARGUMENT);
        assertThat(uri.getStatus().getDescription()).startsWith("trial_component.inputs[0].artifact.uri: ");

        StatusRuntimeException name = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("bad name")),
                Status.Code.INVALID_ARGUMENT);
        assertThat(name.getStatus().getDescription()).startsWith("trial_component.name: ");

        assertThat(server.count("MATCH (n) WHERE n:TrialComponent OR n:Artifact RETURN count(n)")).isZero();
    }

    @Test
    void anEndTimeBeforeTheStartTimeIsInvalid() {
        StatusRuntimeException onCreate = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job")
                .setStartTime(END).setEndTime(START)), Status.Code.INVALID_ARGUMENT);
        assertThat(onCreate.getStatus().getDescription()).startsWith("trial_component.end_time: ");
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isZero();

        createComponent(components, TrialComponent.newBuilder().setName("job").setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_IN_PROGRESS)
                .setStartTime(END));
        StatusRuntimeException onUpdate = failure(() -> components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("job").setEndTime(START).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(onUpdate.getStatus().getDescription()).startsWith("end_time: ");
        assertThat(get("job").hasEndTime()).isFalse();
    }

    @Test
    void completingAJobWithoutAnEndTimeSetsItToNow() {
        createComponent(components, TrialComponent.newBuilder().setName("job").setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_IN_PROGRESS).setStartTime(START));
        Instant before = Instant.now().minusSeconds(1);

        TrialComponent completed = components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("job").setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .setStatusMessage("done").build()).getTrialComponent();

        assertThat(completed.getStatus()).isEqualTo(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED);
        assertThat(completed.getStatusMessage()).isEqualTo("done");
        assertThat(completed.getStartTime()).isEqualTo(START);
        assertThat(completed.hasEndTime()).isTrue();
        assertThat(instant(completed.getEndTime())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(completed.getKind()).as("unset fields keep their value").isEqualTo("training");
        Record node = server.single("MATCH (c:TrialComponent {name: 'job'}) RETURN c.status AS status, c.endTime IS NOT NULL AS hasEnd");
        assertThat(node.get("status").asString()).isEqualTo("Completed");
        assertThat(node.get("hasEnd").asBoolean()).isTrue();
    }

    @Test
    void updateSetsStartTimeForInProgressAndKeepsAGivenEndTime() {
        createComponent(components, TrialComponent.newBuilder().setName("job"));
        Instant before = Instant.now().minusSeconds(1);
        TrialComponent running = components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("job").setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_IN_PROGRESS).build()).getTrialComponent();
        assertThat(running.hasStartTime()).isTrue();
        assertThat(instant(running.getStartTime())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(running.hasEndTime()).isFalse();

        Timestamp end = Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 3600).build();
        TrialComponent failed = components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("job").setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_FAILED).setEndTime(end)
                .setStatusMessage("CUDA out of memory").build()).getTrialComponent();
        assertThat(failed.getEndTime()).isEqualTo(end);
        assertThat(failed.getStartTime()).isEqualTo(running.getStartTime());
        assertThat(server.single("MATCH (c:TrialComponent {name: 'job'}) RETURN c.status AS s").get("s").asString()).isEqualTo("Failed");
    }

    @Test
    void updateChangesDisplayNameAndMetadata() {
        createComponent(components, TrialComponent.newBuilder().setName("job").setDisplayName("Old")
                .putMetadata("keep", "k").putMetadata("drop", "d").putMetadata("image", "v1"));
        TrialComponent updated = components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("job").setDisplayName("New").addRemoveMetadata("drop").putSetMetadata("image", "v2")
                .putSetMetadata("gpus", "8").build()).getTrialComponent();
        assertThat(updated.getDisplayName()).isEqualTo("New");
        assertThat(updated.getMetadataMap()).containsExactlyInAnyOrderEntriesOf(Map.of("keep", "k", "image", "v2", "gpus", "8"));
        assertThat(server.single("MATCH (c:TrialComponent {name: 'job'}) RETURN c.`meta.drop` AS d").get("d").isNull()).isTrue();

        StatusRuntimeException unknown = failure(() -> components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("no-such-job").setDisplayName("x").build()), Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("no-such-job");
    }

    @Test
    void logParametersOverwritesWithTheNewTypeAndRemoves() {
        createComponent(components, TrialComponent.newBuilder().setName("job")
                .putParameters("batch-size", integer(128))
                .putParameters("learning-rate", number(0.001))
                .putParameters("momentum", number(0.9)));

        LogParametersResponse response = components.logParameters(LogParametersRequest.newBuilder()
                .setTrialComponentName("job")
                .putParameters("batch-size", text("auto"))
                .putParameters("epochs", integer(60))
                .addRemoveParameters("learning-rate")
                .addRemoveParameters("never-set")
                .build());

        Map<String, ParameterValue> expected = Map.of("batch-size", text("auto"), "epochs", integer(60), "momentum", number(0.9));
        assertThat(response.getParametersMap()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(get("job").getParametersMap()).containsExactlyInAnyOrderEntriesOf(expected);

        Record node = server.single("""
                MATCH (c:TrialComponent {name: 'job'})
                RETURN c.`param.batch-size` AS batch, c.`param.learning-rate` AS lr, c.`param.epochs` AS epochs""");
        assertThat(node.get("batch").asObject()).isEqualTo("auto");
        assertThat(node.get("lr").isNull()).isTrue();
        assertThat(node.get("epochs").asObject()).isEqualTo(60L);

        StatusRuntimeException nan = failure(() -> components.logParameters(LogParametersRequest.newBuilder()
                .setTrialComponentName("job").putParameters("momentum", number(Double.NaN)).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(nan.getStatus().getDescription()).startsWith("parameters[momentum]: ");
        assertThat(get("job").getParametersMap().get("momentum")).isEqualTo(number(0.9));

        StatusRuntimeException unknown = failure(() -> components.logParameters(LogParametersRequest.newBuilder()
                .setTrialComponentName("no-such-job").putParameters("x", integer(1)).build()), Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("no-such-job");
    }

    @Test
    void associatingTwiceIsANoOpAndDisassociatingRemovesTheEdge() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "t1");
        createComponent(components, TrialComponent.newBuilder().setName("job"));

        assertThat(associate("job", "t1")).isTrue();
        assertThat(associate("job", "t1")).as("the second time is a no-op").isFalse();
        assertThat(server.count("MATCH (:TrialComponent {name: 'job'})-[r:PART_OF]->(:Trial {name: 't1'}) RETURN count(r)")).isOne();
        assertThat(get("job").getTrialNamesList()).containsExactly("t1");

        assertThat(components.disassociateTrialComponent(DisassociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("job").setTrialName("t1").build()).getRemoved()).isTrue();
        assertThat(components.disassociateTrialComponent(DisassociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("job").setTrialName("t1").build()).getRemoved()).isFalse();
        assertThat(server.count("MATCH (:TrialComponent {name: 'job'})-[r:PART_OF]->() RETURN count(r)")).isZero();
        assertThat(get("job").getTrialNamesList()).isEmpty();
        assertThat(server.count("MATCH (t:Trial {name: 't1'}) RETURN count(t)")).as("the trial stays").isOne();

        StatusRuntimeException unknownTrial = failure(() -> associate("job", "no-such-trial"), Status.Code.NOT_FOUND);
        assertThat(unknownTrial.getStatus().getDescription()).contains("no-such-trial");
        StatusRuntimeException unknownComponent = failure(() -> associate("no-such-job", "t1"), Status.Code.NOT_FOUND);
        assertThat(unknownComponent.getStatus().getDescription()).contains("no-such-job");
        StatusRuntimeException disassociateUnknown = failure(() -> components.disassociateTrialComponent(
                DisassociateTrialComponentRequest.newBuilder().setTrialComponentName("job").setTrialName("no-such-trial").build()),
                Status.Code.NOT_FOUND);
        assertThat(disassociateUnknown.getStatus().getDescription()).contains("no-such-trial");
    }

    @Test
    void oneComponentInEighteenTrialsIsListedByEachTrialAndOnceByExperiment() {
        createExperiment(experiments, "cifar10");
        createExperiment(experiments, "other");
        createTrial(trials, "other", "other-trial");
        List<String> trialNames = new ArrayList<>();
        for (int i = 1; i <= 18; i++) {
            String trial = "trial-%02d".formatted(i);
            trialNames.add(trial);
            createTrial(trials, "cifar10", trial);
            createComponent(components, TrialComponent.newBuilder().setName(trial + "-job").setKind("training").addTrialNames(trial));
        }
        createComponent(components, TrialComponent.newBuilder().setName("experiment-metadata").setKind("tracker").addAllTrialNames(trialNames));
        createComponent(components, TrialComponent.newBuilder().setName("other-job").addTrialNames("other-trial"));

        assertThat(get("experiment-metadata").getTrialNamesList()).containsExactlyElementsOf(trialNames);
        assertThat(server.count("MATCH (:TrialComponent {name: 'experiment-metadata'})-[r:PART_OF]->(:Trial) RETURN count(r)"))
                .isEqualTo(18);

        for (String trial : trialNames) {
            assertThat(names(ListTrialComponentsRequest.newBuilder().setTrialName(trial).build()))
                    .as("components of %s", trial).containsExactly("experiment-metadata", trial + "-job");
        }

        List<String> expected = new ArrayList<>();
        expected.add("experiment-metadata");
        trialNames.forEach(t -> expected.add(t + "-job"));
        assertThat(names(ListTrialComponentsRequest.newBuilder().setExperimentName("cifar10").build()))
                .as("each component once, in name order").containsExactlyElementsOf(expected);

        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListTrialComponentsResponse page = components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                    .setExperimentName("cifar10").setPageSize(4).setPageToken(token).build());
            assertThat(page.getTrialComponentsCount()).isLessThanOrEqualTo(4);
            page.getTrialComponentsList().forEach(c -> paged.add(c.getName()));
            token = page.getNextPageToken();
        } while (!token.isEmpty() && ++pages < 20);
        assertThat(paged).as("pages neither repeat nor skip").containsExactlyElementsOf(expected);

        assertThat(names(ListTrialComponentsRequest.newBuilder().setExperimentName("cifar10").setTrialName("trial-07").build()))
                .as("filters combine with AND").containsExactly("experiment-metadata", "trial-07-job");
        assertThat(names(ListTrialComponentsRequest.newBuilder().setExperimentName("other").setTrialName("trial-07").build()))
                .isEmpty();
    }

    @Test
    void listFiltersByKindAndStatusAndRefusesUnknownParents() {
        createComponent(components, TrialComponent.newBuilder().setName("job-1").setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED));
        createComponent(components, TrialComponent.newBuilder().setName("job-2").setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_FAILED));
        createComponent(components, TrialComponent.newBuilder().setName("job-3").setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_IN_PROGRESS));
        createComponent(components, TrialComponent.newBuilder().setName("prep").setKind("processing")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED));
        createComponent(components, TrialComponent.newBuilder().setName("params").setKind("tracker"));

        assertThat(names(ListTrialComponentsRequest.getDefaultInstance()))
                .containsExactly("job-1", "job-2", "job-3", "params", "prep");
        assertThat(names(ListTrialComponentsRequest.newBuilder().setKind("training").build()))
                .containsExactly("job-1", "job-2", "job-3");
        assertThat(names(ListTrialComponentsRequest.newBuilder().setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED).build()))
                .containsExactly("job-1", "prep");
        assertThat(names(ListTrialComponentsRequest.newBuilder().setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED).build())).containsExactly("job-1");
        assertThat(names(ListTrialComponentsRequest.newBuilder().setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_STOPPED).build()))
                .isEmpty();

        StatusRuntimeException trial = failure(() -> components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                .setTrialName("no-such-trial").build()), Status.Code.NOT_FOUND);
        assertThat(trial.getStatus().getDescription()).contains("no-such-trial");
        StatusRuntimeException experiment = failure(() -> components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                .setExperimentName("no-such-experiment").build()), Status.Code.NOT_FOUND);
        assertThat(experiment.getStatus().getDescription()).contains("no-such-experiment");
        StatusRuntimeException pageSize = failure(() -> components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                .setPageSize(1001).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(pageSize.getStatus().getDescription()).startsWith("page_size: ");
    }

    @Test
    void linkArtifactsReusesOneNodePerUri() {
        createComponent(components, TrialComponent.newBuilder().setName("job-a"));
        createComponent(components, TrialComponent.newBuilder().setName("job-b"));

        LinkArtifactsResponse first = components.linkArtifacts(LinkArtifactsRequest.newBuilder().setTrialComponentName("job-a")
                .addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addOutputs(link("model", "s3://bucket/model-a", ArtifactKind.ARTIFACT_KIND_MODEL)).build());
        assertThat(first.getInputsList()).hasSize(1);
        assertThat(first.getOutputsList()).hasSize(1);
        String id = first.getInputs(0).getArtifact().getId();

        // Same URI from another component, with no kind and a digest: the same artifact, described further.
        LinkArtifactsResponse second = components.linkArtifacts(LinkArtifactsRequest.newBuilder().setTrialComponentName("job-b")
                .addInputs(ArtifactLink.newBuilder().setName("training").setArtifact(Artifact.newBuilder()
                        .setUri("s3://bucket/train").setDigest("sha256:feed"))).build());
        assertThat(second.getInputs(0).getArtifact().getId()).isEqualTo(id);
        assertThat(second.getInputs(0).getArtifact().getKind()).as("an existing artifact keeps its kind")
                .isEqualTo(ArtifactKind.ARTIFACT_KIND_DATASET);
        assertThat(second.getInputs(0).getArtifact().getDigest()).isEqualTo("sha256:feed");

        // The same link again: a no-op.
        components.linkArtifacts(LinkArtifactsRequest.newBuilder().setTrialComponentName("job-a")
                .addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET)).build());

        assertThat(server.count("MATCH (a:Artifact {uri: 's3://bucket/train'}) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH (:Artifact:Dataset {uri: 's3://bucket/train'})-[r:CONSUMED_BY]->(:TrialComponent) RETURN count(r)"))
                .isEqualTo(2);
        assertThat(server.single("MATCH (a:Artifact {uri: 's3://bucket/train'}) RETURN a.digest AS d").get("d").asString())
                .isEqualTo("sha256:feed");
        assertThat(get("job-a").getInputsList()).hasSize(1);

        StatusRuntimeException unknown = failure(() -> components.linkArtifacts(LinkArtifactsRequest.newBuilder()
                .setTrialComponentName("no-such-job").addInputs(link("x", "s3://bucket/x", ArtifactKind.ARTIFACT_KIND_DATASET)).build()),
                Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("no-such-job");
        assertThat(server.count("MATCH (a:Artifact {uri: 's3://bucket/x'}) RETURN count(a)")).isZero();
    }

    @Test
    void linkingADatasetAsAModelIsAFailedPrecondition() {
        createComponent(components, TrialComponent.newBuilder().setName("prep")
                .addOutputs(link("train", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET)));
        createComponent(components, TrialComponent.newBuilder().setName("job"));

        StatusRuntimeException onLink = failure(() -> components.linkArtifacts(LinkArtifactsRequest.newBuilder()
                .setTrialComponentName("job")
                .addInputs(link("other", "s3://bucket/other-input", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addOutputs(link("model", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_MODEL)).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(onLink.getStatus().getDescription()).contains("s3://bucket/train");

        StatusRuntimeException onCreate = failure(() -> createComponent(components, TrialComponent.newBuilder().setName("job-2")
                .addInputs(link("model", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_MODEL))), Status.Code.FAILED_PRECONDITION);
        assertThat(onCreate.getStatus().getDescription()).contains("s3://bucket/train");

        assertThat(server.count("MATCH (a:Artifact:Dataset {uri: 's3://bucket/train', kind: 'dataset'}) WHERE NOT a:Model RETURN count(a)"))
                .isOne();
        assertThat(server.count("MATCH (:TrialComponent {name: 'job'})-[r]-() RETURN count(r)")).as("a refused link writes nothing").isZero();
        assertThat(server.count("MATCH (a:Artifact {uri: 's3://bucket/other-input'}) RETURN count(a)")).isZero();
        assertThat(server.count("MATCH (c:TrialComponent {name: 'job-2'}) RETURN count(c)")).isZero();
    }

    @Test
    void unlinkArtifactsRemovesTheLinksAndKeepsTheArtifacts() {
        createComponent(components, TrialComponent.newBuilder().setName("job")
                .addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addInputs(link("validation", "s3://bucket/validation", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addOutputs(link("model", "s3://bucket/model", ArtifactKind.ARTIFACT_KIND_MODEL)));

        long removed = components.unlinkArtifacts(UnlinkArtifactsRequest.newBuilder().setTrialComponentName("job")
                .addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_UNSPECIFIED))
                .addOutputs(link("model", "s3://bucket/model", ArtifactKind.ARTIFACT_KIND_UNSPECIFIED))
                .addInputs(link("wrong-name", "s3://bucket/validation", ArtifactKind.ARTIFACT_KIND_UNSPECIFIED))
                .build()).getRemovedLinks();

        assertThat(removed).isEqualTo(2);
        TrialComponent job = get("job");
        assertThat(job.getInputsList()).extracting(l -> l.getArtifact().getUri()).containsExactly("s3://bucket/validation");
        assertThat(job.getOutputsList()).isEmpty();
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).as("the artifacts stay").isEqualTo(3);
        assertThat(server.count("MATCH ()-[r:CONSUMED_BY|PRODUCED]-() RETURN count(DISTINCT r)")).isOne();

        assertThat(components.unlinkArtifacts(UnlinkArtifactsRequest.newBuilder().setTrialComponentName("job")
                .addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_UNSPECIFIED)).build()).getRemovedLinks())
                .as("removing a missing link is a no-op").isZero();
        StatusRuntimeException unknown = failure(() -> components.unlinkArtifacts(UnlinkArtifactsRequest.newBuilder()
                .setTrialComponentName("no-such-job")
                .addInputs(link("validation", "s3://bucket/validation", ArtifactKind.ARTIFACT_KIND_UNSPECIFIED)).build()),
                Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("no-such-job");
    }

    @Test
    void deleteRemovesAssociationsAndEdgesAndOnlyTheArtifactsNoOneElseUses() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "t1");
        createComponent(components, TrialComponent.newBuilder().setName("doomed").addTrialNames("t1")
                .addInputs(link("shared", "s3://bucket/shared-input", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addInputs(link("own", "s3://bucket/own-input", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addOutputs(link("model", "s3://bucket/produced-model", ArtifactKind.ARTIFACT_KIND_MODEL)));
        createComponent(components, TrialComponent.newBuilder().setName("survivor").addTrialNames("t1")
                .addInputs(link("shared", "s3://bucket/shared-input", ArtifactKind.ARTIFACT_KIND_DATASET))
                .addInputs(link("model", "s3://bucket/produced-model", ArtifactKind.ARTIFACT_KIND_MODEL)));

        DeleteTrialComponentResponse response = components.deleteTrialComponent(DeleteTrialComponentRequest.newBuilder()
                .setName("doomed").build());

        assertThat(response.getDeletedArtifacts()).isOne();
        failure(() -> get("doomed"), Status.Code.NOT_FOUND);
        assertThat(server.count("MATCH (c:TrialComponent {name: 'doomed'}) RETURN count(c)")).isZero();
        assertThat(server.single("MATCH (a:Artifact) RETURN collect(a.uri) AS uris").get("uris").asList(v -> v.asString()))
                .containsExactlyInAnyOrder("s3://bucket/shared-input", "s3://bucket/produced-model");
        assertThat(server.count("MATCH ()-[r:PRODUCED]->(:Artifact {uri: 's3://bucket/produced-model'}) RETURN count(r)"))
                .as("the model outlives its only producer, without the edge").isZero();
        assertThat(server.count("MATCH (:Artifact {uri: 's3://bucket/produced-model'})-[r:CONSUMED_BY]->(:TrialComponent {name: 'survivor'}) RETURN count(r)"))
                .isOne();
        assertThat(server.count("MATCH (:Artifact {uri: 's3://bucket/shared-input'})-[r:CONSUMED_BY]->() RETURN count(r)")).isOne();
        assertThat(server.count("MATCH ()-[r:PART_OF]->(:Trial {name: 't1'}) RETURN count(r)")).isOne();
        assertThat(trials.getTrial(GetTrialRequest.newBuilder().setName("t1").build()).getTrial().getTrialComponentCount()).isOne();

        StatusRuntimeException again = failure(() -> components.deleteTrialComponent(DeleteTrialComponentRequest.newBuilder()
                .setName("doomed").build()), Status.Code.NOT_FOUND);
        assertThat(again.getStatus().getDescription()).contains("doomed");
    }

    // --- helpers -------------------------------------------------------------------------------

    private TrialComponent get(String name) {
        return components.getTrialComponent(GetTrialComponentRequest.newBuilder().setName(name).build()).getTrialComponent();
    }

    private boolean associate(String component, String trial) {
        return components.associateTrialComponent(AssociateTrialComponentRequest.newBuilder()
                .setTrialComponentName(component).setTrialName(trial).build()).getCreated();
    }

    private List<String> names(ListTrialComponentsRequest request) {
        return components.listTrialComponents(request).getTrialComponentsList().stream().map(TrialComponent::getName).toList();
    }
}
