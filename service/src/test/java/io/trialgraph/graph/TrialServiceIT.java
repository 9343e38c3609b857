package io.trialgraph.graph;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.instant;
import static io.trialgraph.testing.ApiFixtures.link;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.DeleteTrialRequest;
import io.trialgraph.api.v1.DeleteTrialResponse;
import io.trialgraph.api.v1.DisassociateTrialComponentRequest;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.GetTrialRequest;
import io.trialgraph.api.v1.LinkArtifactsRequest;
import io.trialgraph.api.v1.ListTrialsRequest;
import io.trialgraph.api.v1.ListTrialsResponse;
import io.trialgraph.api.v1.Trial;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.api.v1.UpdateTrialRequest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Record;

/** TrialService against a real server and Neo4j: the answers and the graph they leave. */
@TrialGraphTest
class TrialServiceIT {

    private TestServer server;
    private ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments;
    private TrialServiceGrpc.TrialServiceBlockingStub trials;
    private TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components;

    @BeforeEach
    void stubs(TestServer server) {
        this.server = server;
        experiments = experiments(server, 60);
        trials = trials(server, 60);
        components = components(server, 60);
    }

    @Test
    void createPutsTheTrialInItsExperimentAndGetReturnsIt() {
        createExperiment(experiments, "cifar10");
        Instant before = Instant.now().minusSeconds(1);
        Trial created = trials.createTrial(CreateTrialRequest.newBuilder().setTrial(Trial.newBuilder()
                .setName("resnet-adam-30")
                .setExperimentName("cifar10")
                .setDisplayName("ResNet, Adam, 30 epochs")
                .putTags("model", "resnet")
                .setTrialComponentCount(7)).build()).getTrial();

        assertThat(created.getName()).isEqualTo("resnet-adam-30");
        assertThat(created.getExperimentName()).isEqualTo("cifar10");
        assertThat(created.getDisplayName()).isEqualTo("ResNet, Adam, 30 epochs");
        assertThat(created.getTagsMap()).containsExactlyEntriesOf(Map.of("model", "resnet"));
        assertThat(created.getTrialComponentCount()).as("output only").isZero();
        assertThat(instant(created.getCreateTime())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(created.hasUpdateTime()).isTrue();

        assertThat(getTrial("resnet-adam-30")).isEqualTo(created);

        Record node = server.single("""
                MATCH (t:Trial {name: 'resnet-adam-30'})-[:IN_EXPERIMENT]->(e:Experiment)
                RETURN e.name AS experiment, t.displayName AS displayName, t.`tag.model` AS model, t.createdAt IS NOT NULL AS hasCreatedAt""");
        assertThat(node.get("experiment").asString()).isEqualTo("cifar10");
        assertThat(node.get("displayName").asString()).isEqualTo("ResNet, Adam, 30 epochs");
        assertThat(node.get("model").asString()).isEqualTo("resnet");
        assertThat(node.get("hasCreatedAt").asBoolean()).isTrue();
        assertThat(experiments.getExperiment(GetExperimentRequest.newBuilder().setName("cifar10").build())
                .getExperiment().getTrialCount()).isOne();
    }

    @Test
    void createInAnUnknownExperimentIsNotFoundAndWritesNothing() {
        StatusRuntimeException e = failure(() -> createTrial(trials, "nowhere", "orphan"), Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("nowhere");
        assertThat(server.count("MATCH (n) WHERE n:Trial OR n:Experiment RETURN count(n)")).isZero();
    }

    @Test
    void createNeedsAValidNameAndAnExperimentName() {
        createExperiment(experiments, "exp");
        StatusRuntimeException noExperiment = failure(() -> trials.createTrial(CreateTrialRequest.newBuilder()
                .setTrial(Trial.newBuilder().setName("t1")).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(noExperiment.getStatus().getDescription()).startsWith("trial.experiment_name: ");

        StatusRuntimeException badName = failure(() -> createTrial(trials, "exp", "bad name"), Status.Code.INVALID_ARGUMENT);
        assertThat(badName.getStatus().getDescription()).startsWith("trial.name: ");

        StatusRuntimeException emptyName = failure(() -> createTrial(trials, "exp", ""), Status.Code.INVALID_ARGUMENT);
        assertThat(emptyName.getStatus().getDescription()).startsWith("trial.name: ");

        assertThat(server.count("MATCH (t:Trial) RETURN count(t)")).isZero();
    }

    @Test
    void trialNamesAreUniqueAcrossExperiments() {
        createExperiment(experiments, "exp-1");
        createExperiment(experiments, "exp-2");
        createTrial(trials, "exp-1", "t1");

        StatusRuntimeException sameExperiment = failure(() -> createTrial(trials, "exp-1", "t1"), Status.Code.ALREADY_EXISTS);
        assertThat(sameExperiment.getStatus().getDescription()).contains("t1");
        StatusRuntimeException otherExperiment = failure(() -> createTrial(trials, "exp-2", "t1"), Status.Code.ALREADY_EXISTS);
        assertThat(otherExperiment.getStatus().getDescription()).contains("t1");

        assertThat(server.count("MATCH (t:Trial {name: 't1'}) RETURN count(t)")).isOne();
        assertThat(getTrial("t1").getExperimentName()).isEqualTo("exp-1");
    }

    @Test
    void getOfAnUnknownTrialIsNotFound() {
        StatusRuntimeException e = failure(() -> getTrial("ghost-trial"), Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("ghost-trial");
    }

    @Test
    void listPagesThroughTheTrialsOfOneExperimentInNameOrder() {
        createExperiment(experiments, "exp-a");
        createExperiment(experiments, "exp-b");
        for (String name : List.of("a-4", "a-2", "a-5", "a-1", "a-3")) {
            createTrial(trials, "exp-a", name);
        }
        createTrial(trials, "exp-b", "a-0-of-b");
        createTrial(trials, "exp-b", "b-1");

        List<List<String>> pages = new ArrayList<>();
        String token = "";
        do {
            ListTrialsResponse page = trials.listTrials(ListTrialsRequest.newBuilder()
                    .setExperimentName("exp-a").setPageSize(2).setPageToken(token).build());
            assertThat(page.getTrialsList()).extracting(Trial::getExperimentName).containsOnly("exp-a");
            pages.add(page.getTrialsList().stream().map(Trial::getName).toList());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pages.size() < 10);
        assertThat(pages).containsExactly(List.of("a-1", "a-2"), List.of("a-3", "a-4"), List.of("a-5"));

        assertThat(trials.listTrials(ListTrialsRequest.getDefaultInstance()).getTrialsList()).extracting(Trial::getName)
                .as("no experiment: all trials").containsExactly("a-0-of-b", "a-1", "a-2", "a-3", "a-4", "a-5", "b-1");
        assertThat(trials.listTrials(ListTrialsRequest.newBuilder().setExperimentName("exp-b").build()).getTrialsList())
                .extracting(Trial::getName).containsExactly("a-0-of-b", "b-1");
    }

    @Test
    void listOfAnUnknownExperimentIsNotFoundAndBadPagingIsInvalid() {
        StatusRuntimeException unknown = failure(() -> trials.listTrials(ListTrialsRequest.newBuilder()
                .setExperimentName("no-such-experiment").build()), Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("no-such-experiment");

        StatusRuntimeException pageSize = failure(() -> trials.listTrials(ListTrialsRequest.newBuilder()
                .setPageSize(1001).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(pageSize.getStatus().getDescription()).startsWith("page_size: ");

        StatusRuntimeException negative = failure(() -> trials.listTrials(ListTrialsRequest.newBuilder()
                .setPageSize(-5).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(negative.getStatus().getDescription()).startsWith("page_size: ");

        StatusRuntimeException token = failure(() -> trials.listTrials(ListTrialsRequest.newBuilder()
                .setPageToken("%%% not a page token %%%").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(token.getStatus().getDescription()).startsWith("page_token: ");
    }

    @Test
    void updateChangesDisplayNameAndTagsOnly() {
        createExperiment(experiments, "exp");
        Trial created = trials.createTrial(CreateTrialRequest.newBuilder().setTrial(Trial.newBuilder()
                .setName("t1").setExperimentName("exp").setDisplayName("Old")
                .putTags("keep", "k").putTags("drop", "d").putTags("change", "1")).build()).getTrial();

        Trial tagged = trials.updateTrial(UpdateTrialRequest.newBuilder().setName("t1")
                .addRemoveTags("drop").addRemoveTags("unknown")
                .putSetTags("change", "2").putSetTags("new", "n").build()).getTrial();
        assertThat(tagged.getDisplayName()).as("unset display name keeps its value").isEqualTo("Old");
        assertThat(tagged.getTagsMap()).containsExactlyInAnyOrderEntriesOf(Map.of("keep", "k", "change", "2", "new", "n"));
        assertThat(tagged.getExperimentName()).isEqualTo("exp");
        assertThat(tagged.getCreateTime()).isEqualTo(created.getCreateTime());

        Trial renamed = trials.updateTrial(UpdateTrialRequest.newBuilder().setName("t1").setDisplayName("New").build()).getTrial();
        assertThat(renamed.getDisplayName()).isEqualTo("New");
        assertThat(renamed.getTagsMap()).hasSize(3);
        assertThat(getTrial("t1")).isEqualTo(renamed);

        Record node = server.single("MATCH (t:Trial {name: 't1'}) RETURN t.`tag.drop` AS dropped, t.`tag.change` AS changed");
        assertThat(node.get("dropped").isNull()).isTrue();
        assertThat(node.get("changed").asString()).isEqualTo("2");

        StatusRuntimeException unknown = failure(() -> trials.updateTrial(UpdateTrialRequest.newBuilder()
                .setName("ghost-trial").setDisplayName("x").build()), Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("ghost-trial");
        assertThat(server.count("MATCH (t:Trial) RETURN count(t)")).isOne();
    }

    @Test
    void trialComponentCountFollowsAssociations() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "t1");
        createComponent(components, "c1", List.of("t1"), List.of(), List.of());
        createComponent(components, "c2", List.of("t1"), List.of(), List.of());
        createComponent(components, "c3", List.of(), List.of(), List.of());
        components.associateTrialComponent(AssociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("c3").setTrialName("t1").build());
        assertThat(getTrial("t1").getTrialComponentCount()).isEqualTo(3);

        components.disassociateTrialComponent(DisassociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("c1").setTrialName("t1").build());
        assertThat(getTrial("t1").getTrialComponentCount()).isEqualTo(2);
        assertThat(trials.listTrials(ListTrialsRequest.newBuilder().setExperimentName("exp").build()).getTrials(0)
                .getTrialComponentCount()).isEqualTo(2);
    }

    @Test
    void deletingATrialWithoutComponentsKeepsItsExperiment() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "t1");
        createTrial(trials, "exp", "t2");

        DeleteTrialResponse response = trials.deleteTrial(DeleteTrialRequest.newBuilder().setName("t1").build());

        assertThat(response).isEqualTo(DeleteTrialResponse.getDefaultInstance());
        failure(() -> getTrial("t1"), Status.Code.NOT_FOUND);
        assertThat(server.count("MATCH (t:Trial) RETURN count(t)")).isOne();
        assertThat(server.count("MATCH (e:Experiment {name: 'exp'}) RETURN count(e)")).isOne();
        assertThat(experiments.getExperiment(GetExperimentRequest.newBuilder().setName("exp").build())
                .getExperiment().getTrialCount()).isOne();

        StatusRuntimeException again = failure(() -> trials.deleteTrial(DeleteTrialRequest.newBuilder().setName("t1").build()),
                Status.Code.NOT_FOUND);
        assertThat(again.getStatus().getDescription()).contains("t1");
    }

    @Test
    void deletingATrialWithComponentsNeedsCascadeAndARefusalDeletesNothing() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "t1");
        createComponent(components, "c1", List.of("t1"), List.of("s3://bucket/c1/in"), List.of());

        StatusRuntimeException e = failure(() -> trials.deleteTrial(DeleteTrialRequest.newBuilder().setName("t1").build()),
                Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("t1");

        assertThat(server.count("MATCH (:TrialComponent {name: 'c1'})-[:PART_OF]->(:Trial {name: 't1'})-[:IN_EXPERIMENT]->(:Experiment) RETURN count(*)"))
                .isOne();
        assertThat(server.count("MATCH (:Artifact {uri: 's3://bucket/c1/in'})-[:CONSUMED_BY]->(:TrialComponent {name: 'c1'}) RETURN count(*)"))
                .isOne();
        assertThat(getTrial("t1").getTrialComponentCount()).isOne();
    }

    @Test
    void cascadeDeletesComponentsOnlyThisTrialHadAndArtifactsOnlyTheyUsed() {
        createExperiment(experiments, "exp");
        createTrial(trials, "exp", "t1");
        createTrial(trials, "exp", "t2");
        createComponent(components, "own", List.of("t1"), List.of("s3://bucket/own/in", "s3://bucket/shared/in"), List.of());
        components.linkArtifacts(LinkArtifactsRequest.newBuilder().setTrialComponentName("own")
                .addOutputs(link("model", "s3://bucket/own/model", ArtifactKind.ARTIFACT_KIND_MODEL)).build());
        createComponent(components, "shared", List.of("t1", "t2"), List.of("s3://bucket/shared/in"), List.of());

        DeleteTrialResponse response = trials.deleteTrial(DeleteTrialRequest.newBuilder().setName("t1").setCascade(true).build());

        assertThat(response.getDeletedTrialComponents()).isEqualTo(1);
        assertThat(response.getDeletedArtifacts()).isEqualTo(2);
        assertThat(server.single("MATCH (t:Trial) RETURN collect(t.name) AS names").get("names").asList(v -> v.asString()))
                .containsExactly("t2");
        assertThat(server.single("MATCH (c:TrialComponent) RETURN collect(c.name) AS names").get("names").asList(v -> v.asString()))
                .containsExactly("shared");
        assertThat(server.single("MATCH (:TrialComponent {name: 'shared'})-[:PART_OF]->(t:Trial) RETURN collect(t.name) AS names")
                .get("names").asList(v -> v.asString())).containsExactly("t2");
        assertThat(server.single("MATCH (a:Artifact) RETURN collect(a.uri) AS uris").get("uris").asList(v -> v.asString()))
                .containsExactly("s3://bucket/shared/in");
        assertThat(server.count("MATCH (:Artifact {uri: 's3://bucket/shared/in'})-[r:CONSUMED_BY]->() RETURN count(r)")).isOne();
        assertThat(server.count("MATCH (e:Experiment {name: 'exp'}) RETURN count(e)")).isOne();
    }

    // --- helpers -------------------------------------------------------------------------------

    private Trial getTrial(String name) {
        return trials.getTrial(GetTrialRequest.newBuilder().setName(name).build()).getTrial();
    }
}
