package io.trialgraph.graph;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.instant;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.DeleteExperimentRequest;
import io.trialgraph.api.v1.DeleteExperimentResponse;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.ListExperimentsRequest;
import io.trialgraph.api.v1.ListExperimentsResponse;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.api.v1.UpdateExperimentRequest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neo4j.driver.Record;

/** ExperimentService against a real server and Neo4j: the answers and the graph they leave. */
@TrialGraphTest
class ExperimentServiceIT {

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
    void createStoresEveryFieldAndGetReturnsIt() {
        Instant before = Instant.now().minusSeconds(1);
        Experiment created = experiments.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(Experiment.newBuilder()
                .setName("cifar10-custom-vs-resnet")
                .setDisplayName("CIFAR-10: custom vs ResNet50")
                .setDescription("My custom model beats ResNet50 on CIFAR-10.")
                .putTags("team", "vision")
                .putTags("project/area", "classification")
                .setTrialCount(42))
                .build()).getExperiment();

        assertThat(created.getName()).isEqualTo("cifar10-custom-vs-resnet");
        assertThat(created.getDisplayName()).isEqualTo("CIFAR-10: custom vs ResNet50");
        assertThat(created.getDescription()).isEqualTo("My custom model beats ResNet50 on CIFAR-10.");
        assertThat(created.getTagsMap()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "vision", "project/area", "classification"));
        assertThat(created.getTrialCount()).as("trial_count is output only").isZero();
        assertThat(created.hasCreateTime()).isTrue();
        assertThat(instant(created.getCreateTime())).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        assertThat(created.hasUpdateTime()).isTrue();

        assertThat(experiments.getExperiment(GetExperimentRequest.newBuilder().setName("cifar10-custom-vs-resnet").build())
                .getExperiment()).isEqualTo(created);

        Record node = server.single("""
                MATCH (e:Experiment {name: $name})
                RETURN e.displayName AS displayName, e.description AS description, e.`tag.team` AS team,
                       e.`tag.project/area` AS area, e.createdAt IS NOT NULL AS hasCreatedAt, e.updatedAt IS NOT NULL AS hasUpdatedAt""",
                "name", "cifar10-custom-vs-resnet");
        assertThat(node.get("displayName").asString()).isEqualTo("CIFAR-10: custom vs ResNet50");
        assertThat(node.get("description").asString()).isEqualTo("My custom model beats ResNet50 on CIFAR-10.");
        assertThat(node.get("team").asString()).isEqualTo("vision");
        assertThat(node.get("area").asString()).isEqualTo("classification");
        assertThat(node.get("hasCreatedAt").asBoolean()).isTrue();
        assertThat(node.get("hasUpdatedAt").asBoolean()).isTrue();
    }

    @Test
    void aNameOf120CharactersIsAccepted() {
        String name = "a".repeat(119) + "9";
        assertThat(createExperiment(experiments, name).getName()).isEqualTo(name);
        assertThat(server.count("MATCH (e:Experiment {name: $name}) RETURN count(e)", "name", name)).isOne();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-starts-with-dash", "has space", "has/slash", "_starts-with-underscore", "semi;colon"})
    void invalidNamesAreRefusedAndNothingIsWritten(String name) {
        StatusRuntimeException e = failure(() -> createExperiment(experiments, name), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("experiment.name: ");
        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)")).isZero();
    }

    @Test
    void aNameOf121CharactersIsRefused() {
        StatusRuntimeException e = failure(() -> createExperiment(experiments, "a".repeat(121)), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("experiment.name: ");
        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)")).isZero();
    }

    @Test
    void invalidTagKeyAndTooLongFieldsAreRefused() {
        StatusRuntimeException badKey = failure(() -> experiments.createExperiment(CreateExperimentRequest.newBuilder()
                .setExperiment(Experiment.newBuilder().setName("tags").putTags("-bad", "x")).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(badKey.getStatus().getDescription()).startsWith("experiment.tags");

        StatusRuntimeException longDisplayName = failure(() -> experiments.createExperiment(CreateExperimentRequest.newBuilder()
                .setExperiment(Experiment.newBuilder().setName("long").setDisplayName("x".repeat(257))).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(longDisplayName.getStatus().getDescription()).startsWith("experiment.display_name: ");

        StatusRuntimeException longTagValue = failure(() -> experiments.createExperiment(CreateExperimentRequest.newBuilder()
                .setExperiment(Experiment.newBuilder().setName("long").putTags("k", "v".repeat(1025))).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(longTagValue.getStatus().getDescription()).startsWith("experiment.tags");

        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)")).isZero();
    }

    @Test
    void aTakenNameIsAlreadyExistsAndTheFirstExperimentIsKept() {
        experiments.createExperiment(CreateExperimentRequest.newBuilder()
                .setExperiment(Experiment.newBuilder().setName("taken").setDescription("first")).build());

        StatusRuntimeException e = failure(() -> experiments.createExperiment(CreateExperimentRequest.newBuilder()
                .setExperiment(Experiment.newBuilder().setName("taken").setDescription("second")).build()), Status.Code.ALREADY_EXISTS);
        assertThat(e.getStatus().getDescription()).contains("taken");

        assertThat(server.count("MATCH (e:Experiment {name: 'taken'}) RETURN count(e)")).isOne();
        assertThat(get("taken").getDescription()).isEqualTo("first");
    }

    @Test
    void unknownExperimentIsNotFoundOnGetUpdateAndDelete() {
        StatusRuntimeException onGet = failure(() -> get("ghost"), Status.Code.NOT_FOUND);
        assertThat(onGet.getStatus().getDescription()).contains("ghost");

        StatusRuntimeException onUpdate = failure(() -> experiments.updateExperiment(UpdateExperimentRequest.newBuilder()
                .setName("ghost").setDescription("boo").build()), Status.Code.NOT_FOUND);
        assertThat(onUpdate.getStatus().getDescription()).contains("ghost");

        StatusRuntimeException onDelete = failure(() -> experiments.deleteExperiment(DeleteExperimentRequest.newBuilder()
                .setName("ghost").setCascade(true).build()), Status.Code.NOT_FOUND);
        assertThat(onDelete.getStatus().getDescription()).contains("ghost");

        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)"))
                .as("an update of an unknown experiment must not create it").isZero();
    }

    @Test
    void getWithAnInvalidNameIsInvalidArgument() {
        StatusRuntimeException e = failure(() -> get("bad name"), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("name: ");
    }

    @Test
    void listPagesThroughAllExperimentsInNameOrder() {
        for (String name : List.of("exp-d", "exp-b", "exp-e", "exp-a", "exp-c")) {
            createExperiment(experiments, name);
        }

        List<List<String>> pages = new ArrayList<>();
        String token = "";
        do {
            ListExperimentsResponse page = experiments.listExperiments(ListExperimentsRequest.newBuilder()
                    .setPageSize(2).setPageToken(token).build());
            pages.add(page.getExperimentsList().stream().map(Experiment::getName).toList());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pages.size() < 10);

        assertThat(pages).containsExactly(List.of("exp-a", "exp-b"), List.of("exp-c", "exp-d"), List.of("exp-e"));

        ListExperimentsResponse all = experiments.listExperiments(ListExperimentsRequest.getDefaultInstance());
        assertThat(all.getExperimentsList()).extracting(Experiment::getName)
                .containsExactly("exp-a", "exp-b", "exp-c", "exp-d", "exp-e");
        assertThat(all.getNextPageToken()).as("everything fits the default page").isEmpty();
    }

    @Test
    void listFiltersByNamePrefixAndTags() {
        createExperiment(experiments, "cifar-a", Map.of("team", "vision", "stage", "prod"));
        createExperiment(experiments, "cifar-b", Map.of("team", "vision"));
        createExperiment(experiments, "mnist-a", Map.of("team", "vision", "stage", "prod"));
        createExperiment(experiments, "imdb-a", Map.of("team", "nlp"));

        assertThat(names(ListExperimentsRequest.newBuilder().setNamePrefix("cifar-").build()))
                .containsExactly("cifar-a", "cifar-b");
        assertThat(names(ListExperimentsRequest.newBuilder().putTags("team", "vision").build()))
                .containsExactly("cifar-a", "cifar-b", "mnist-a");
        assertThat(names(ListExperimentsRequest.newBuilder().putTags("team", "vision").putTags("stage", "prod").build()))
                .as("every tag must match").containsExactly("cifar-a", "mnist-a");
        assertThat(names(ListExperimentsRequest.newBuilder().setNamePrefix("cifar-").putTags("stage", "prod").build()))
                .as("prefix and tags combine").containsExactly("cifar-a");
        assertThat(names(ListExperimentsRequest.newBuilder().putTags("team", "audio").build())).isEmpty();
        assertThat(names(ListExperimentsRequest.newBuilder().setNamePrefix("zzz").build())).isEmpty();
    }

    @Test
    void listRefusesBadPageSizesAndGarbageTokens() {
        createExperiment(experiments, "one");
        StatusRuntimeException negative = failure(() -> experiments.listExperiments(ListExperimentsRequest.newBuilder()
                .setPageSize(-1).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(negative.getStatus().getDescription()).startsWith("page_size: ");

        StatusRuntimeException tooLarge = failure(() -> experiments.listExperiments(ListExperimentsRequest.newBuilder()
                .setPageSize(1001).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(tooLarge.getStatus().getDescription()).startsWith("page_size: ");

        assertThat(experiments.listExperiments(ListExperimentsRequest.newBuilder().setPageSize(1000).build())
                .getExperimentsCount()).isOne();

        StatusRuntimeException garbage = failure(() -> experiments.listExperiments(ListExperimentsRequest.newBuilder()
                .setPageToken("%%% not a page token %%%").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(garbage.getStatus().getDescription()).startsWith("page_token: ");
    }

    @Test
    void updateChangesOnlyTheFieldsGiven() {
        Experiment created = experiments.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(Experiment.newBuilder()
                .setName("upd").setDisplayName("Old").setDescription("old hypothesis")
                .putTags("a", "1").putTags("b", "2").putTags("c", "3")).build()).getExperiment();

        Experiment renamed = experiments.updateExperiment(UpdateExperimentRequest.newBuilder()
                .setName("upd")
                .setDisplayName("New")
                .addRemoveTags("a").addRemoveTags("not-there")
                .addRemoveTags("b").putSetTags("b", "20")
                .putSetTags("d", "4")
                .build()).getExperiment();

        assertThat(renamed.getDisplayName()).isEqualTo("New");
        assertThat(renamed.getDescription()).as("unset description keeps its value").isEqualTo("old hypothesis");
        assertThat(renamed.getTagsMap()).as("remove_tags applies before set_tags")
                .containsExactlyInAnyOrderEntriesOf(Map.of("b", "20", "c", "3", "d", "4"));
        assertThat(renamed.getCreateTime()).isEqualTo(created.getCreateTime());
        assertThat(instant(renamed.getUpdateTime())).isAfterOrEqualTo(instant(created.getUpdateTime()));

        Experiment described = experiments.updateExperiment(UpdateExperimentRequest.newBuilder()
                .setName("upd").setDescription("new hypothesis").build()).getExperiment();
        assertThat(described.getDisplayName()).isEqualTo("New");
        assertThat(described.getDescription()).isEqualTo("new hypothesis");
        assertThat(described.getTagsMap()).hasSize(3);

        Experiment cleared = experiments.updateExperiment(UpdateExperimentRequest.newBuilder()
                .setName("upd").setDisplayName("").build()).getExperiment();
        assertThat(cleared.getDisplayName()).as("an explicitly set empty display name clears it").isEmpty();
        assertThat(get("upd")).isEqualTo(cleared);

        Record node = server.single("""
                MATCH (e:Experiment {name: 'upd'})
                RETURN e.`tag.a` AS a, e.`tag.b` AS b, e.`tag.d` AS d, e.description AS description""");
        assertThat(node.get("a").isNull()).as("a removed tag leaves no property").isTrue();
        assertThat(node.get("b").asString()).isEqualTo("20");
        assertThat(node.get("d").asString()).isEqualTo("4");
        assertThat(node.get("description").asString()).isEqualTo("new hypothesis");
    }

    @Test
    void updateWithAnInvalidTagIsRefusedAndChangesNothing() {
        experiments.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(Experiment.newBuilder()
                .setName("upd").setDisplayName("Old")).build());

        StatusRuntimeException e = failure(() -> experiments.updateExperiment(UpdateExperimentRequest.newBuilder()
                .setName("upd").setDisplayName("New").putSetTags("bad key", "x").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("set_tags");
        assertThat(get("upd").getDisplayName()).isEqualTo("Old");
    }

    @Test
    void trialCountFollowsTheTrials() {
        createExperiment(experiments, "counted");
        createTrial(trials, "counted", "t1");
        createTrial(trials, "counted", "t2");
        assertThat(get("counted").getTrialCount()).isEqualTo(2);
        assertThat(experiments.listExperiments(ListExperimentsRequest.getDefaultInstance()).getExperiments(0).getTrialCount())
                .isEqualTo(2);
    }

    @Test
    void deletingAnEmptyExperimentRemovesIt() {
        createExperiment(experiments, "empty");
        DeleteExperimentResponse response = experiments.deleteExperiment(DeleteExperimentRequest.newBuilder().setName("empty").build());
        assertThat(response).isEqualTo(DeleteExperimentResponse.getDefaultInstance());
        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)")).isZero();
        failure(() -> get("empty"), Status.Code.NOT_FOUND);
    }

    @Test
    void deletingAnExperimentWithTrialsNeedsCascadeAndARefusalDeletesNothing() {
        createExperiment(experiments, "busy");
        createTrial(trials, "busy", "busy-t1");
        createComponent(components, "busy-c1", List.of("busy-t1"), List.of("s3://bucket/busy/in"), List.of());

        StatusRuntimeException e = failure(() -> experiments.deleteExperiment(DeleteExperimentRequest.newBuilder()
                .setName("busy").build()), Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("busy");

        assertThat(server.count("MATCH (e:Experiment {name: 'busy'}) RETURN count(e)")).isOne();
        assertThat(server.count("MATCH (:Trial {name: 'busy-t1'})-[:IN_EXPERIMENT]->(:Experiment {name: 'busy'}) RETURN count(*)")).isOne();
        assertThat(server.count("MATCH (:TrialComponent {name: 'busy-c1'})-[:PART_OF]->(:Trial {name: 'busy-t1'}) RETURN count(*)")).isOne();
        assertThat(server.count("MATCH (:Artifact {uri: 's3://bucket/busy/in'})-[:CONSUMED_BY]->(:TrialComponent) RETURN count(*)")).isOne();
        assertThat(get("busy").getTrialCount()).isOne();
    }

    @Test
    void cascadeDeletesTrialsAndWhatBelongsOnlyToThemButKeepsWhatAnotherExperimentUses() {
        createExperiment(experiments, "doomed");
        createTrial(trials, "doomed", "doomed-t1");
        createTrial(trials, "doomed", "doomed-t2");
        createExperiment(experiments, "survivor");
        createTrial(trials, "survivor", "survivor-t1");

        // Belongs only to the doomed experiment's trials: deleted, with the artifacts only it used.
        createComponent(components, "doomed-job", List.of("doomed-t1", "doomed-t2"),
                List.of("s3://bucket/doomed/input", "s3://bucket/shared/input"), List.of("s3://bucket/doomed/model"));
        // Also in a trial of another experiment: survives, with its artifact.
        createComponent(components, "shared-metadata", List.of("doomed-t1", "survivor-t1"),
                List.of("s3://bucket/shared/input"), List.of());
        // In no trial at all: not the experiment's business.
        createComponent(components, "standalone", List.of(), List.of(), List.of("s3://bucket/standalone/out"));

        DeleteExperimentResponse response = experiments.deleteExperiment(DeleteExperimentRequest.newBuilder()
                .setName("doomed").setCascade(true).build());

        assertThat(response.getDeletedTrials()).isEqualTo(2);
        assertThat(response.getDeletedTrialComponents()).isEqualTo(1);
        assertThat(response.getDeletedArtifacts()).isEqualTo(2);

        assertThat(server.single("MATCH (e:Experiment) RETURN collect(e.name) AS names").get("names").asList(v -> v.asString()))
                .containsExactly("survivor");
        assertThat(server.single("MATCH (t:Trial) RETURN collect(t.name) AS names").get("names").asList(v -> v.asString()))
                .containsExactly("survivor-t1");
        assertThat(server.single("MATCH (c:TrialComponent) RETURN collect(c.name) AS names").get("names").asList(v -> v.asString()))
                .containsExactlyInAnyOrder("shared-metadata", "standalone");
        assertThat(server.single("MATCH (c:TrialComponent {name: 'shared-metadata'})-[:PART_OF]->(t:Trial) RETURN collect(t.name) AS names")
                .get("names").asList(v -> v.asString())).containsExactly("survivor-t1");
        assertThat(server.single("MATCH (a:Artifact) RETURN collect(a.uri) AS uris").get("uris").asList(v -> v.asString()))
                .containsExactlyInAnyOrder("s3://bucket/shared/input", "s3://bucket/standalone/out");
        assertThat(server.count("""
                MATCH (:Artifact {uri: 's3://bucket/shared/input'})-[r:CONSUMED_BY]->(c:TrialComponent)
                RETURN count(r)""")).as("only the surviving component's edge is left").isOne();
        failure(() -> get("doomed"), Status.Code.NOT_FOUND);
        assertThat(get("survivor").getTrialCount()).isOne();
    }

    // --- helpers -------------------------------------------------------------------------------

    private Experiment get(String name) {
        return experiments.getExperiment(GetExperimentRequest.newBuilder().setName(name).build()).getExperiment();
    }

    private List<String> names(ListExperimentsRequest request) {
        return experiments.listExperiments(request).getExperimentsList().stream().map(Experiment::getName).toList();
    }
}
