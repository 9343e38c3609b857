package io.trialgraph.graph;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.link;
import static io.trialgraph.testing.ApiFixtures.number;
import static io.trialgraph.testing.ApiFixtures.text;
import static io.trialgraph.testing.ApiFixtures.time;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.ListTrialComponentsRequest;
import io.trialgraph.api.v1.Trial;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Steps 1-4 of the reference workflow (DESIGN.md section 1, without metrics): the CIFAR-10 study
 * recorded through the API, then checked in Cypher the way a user would explore it.
 */
@TrialGraphTest
class SeedWorkflowIT {

    private static final String EXPERIMENT = "cifar10-custom-vs-resnet";
    private static final String BUCKET = "s3://trialgraph-demo/cifar10";
    private static final String SCRIPT = BUCKET + "/code/generate_cifar10_tfrecords.py";
    private static final List<String> SPLITS = List.of("train", "validation", "test");

    @Test
    void theCifar10StudyIsRecordedAsTheExpectedGraph(TestServer server) {
        ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments = experiments(server, 300);
        TrialServiceGrpc.TrialServiceBlockingStub trials = trials(server, 300);
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, 300);

        // 1. The experiment states the hypothesis.
        experiments.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(Experiment.newBuilder()
                .setName(EXPERIMENT)
                .setDisplayName("CIFAR-10: custom model vs ResNet50")
                .setDescription("My custom model beats ResNet50 on CIFAR-10.")
                .putTags("dataset", "cifar10")).build());

        // 3. How the data was made: the script in, three datasets out.
        TrialComponent.Builder processing = TrialComponent.newBuilder()
                .setName("cifar10-preprocessing")
                .setKind("processing")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .setStartTime(time(0))
                .setEndTime(time(600))
                .addInputs(link("code", SCRIPT, ArtifactKind.ARTIFACT_KIND_CODE));
        SPLITS.forEach(split -> processing.addOutputs(link(split, dataset(split), ArtifactKind.ARTIFACT_KIND_DATASET)));
        createComponent(components, processing);

        // The experiment-wide metadata: static hyperparameters, the variable space, datasets and script.
        TrialComponent.Builder experimentMetadata = TrialComponent.newBuilder()
                .setName("experiment-metadata")
                .setKind("tracker")
                .putParameters("batch-size", integer(128))
                .putParameters("learning-rate", number(0.001))
                .putParameters("weight-decay", number(1e-6))
                .putParameters("momentum", number(0.9))
                .putParameters("model-space", text("resnet,custom"))
                .putParameters("optimizer-space", text("adam,sgd,rmsprop"))
                .putParameters("epochs-space", text("30,60,120"))
                .addInputs(link("code", SCRIPT, ArtifactKind.ARTIFACT_KIND_CODE));
        SPLITS.forEach(split -> experimentMetadata.addInputs(link(split, dataset(split), ArtifactKind.ARTIFACT_KIND_DATASET)));
        createComponent(components, experimentMetadata);

        // 2 and 4. One trial per variable set, each with its metadata and its training job.
        List<String> trialNames = new ArrayList<>();
        int job = 0;
        for (String model : List.of("resnet", "custom")) {
            for (String optimizer : List.of("adam", "sgd", "rmsprop")) {
                for (long epochs : List.of(30L, 60L, 120L)) {
                    String trial = "%s-%s-%d".formatted(model, optimizer, epochs);
                    trialNames.add(trial);
                    trials.createTrial(CreateTrialRequest.newBuilder().setTrial(Trial.newBuilder()
                            .setName(trial).setExperimentName(EXPERIMENT)
                            .putTags("model", model).putTags("optimizer", optimizer)).build());

                    components.associateTrialComponent(AssociateTrialComponentRequest.newBuilder()
                            .setTrialComponentName("experiment-metadata").setTrialName(trial).build());

                    createComponent(components, TrialComponent.newBuilder()
                            .setName(trial + "-metadata")
                            .setKind("tracker")
                            .putParameters("model", text(model))
                            .putParameters("optimizer", text(optimizer))
                            .putParameters("epochs", integer(epochs))
                            .addTrialNames(trial));

                    TrialComponent.Builder training = TrialComponent.newBuilder()
                            .setName(trial + "-training")
                            .setKind("training")
                            .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                            .setStartTime(time(3600L * (job + 1)))
                            .setEndTime(time(3600L * (job + 1) + 60 * epochs))
                            .putParameters("model", text(model))
                            .putParameters("optimizer", text(optimizer))
                            .putParameters("epochs", integer(epochs))
                            .putMetadata("instance-type", "ml.p3.2xlarge")
                            .addOutputs(link("model", BUCKET + "/models/" + trial + "/model.tar.gz", ArtifactKind.ARTIFACT_KIND_MODEL))
                            .addTrialNames(trial);
                    SPLITS.forEach(split -> training.addInputs(link(split, dataset(split), ArtifactKind.ARTIFACT_KIND_DATASET)));
                    createComponent(components, training);
                    job++;
                }
            }
        }

        // The API view.
        assertThat(experiments.getExperiment(GetExperimentRequest.newBuilder().setName(EXPERIMENT).build())
                .getExperiment().getTrialCount()).isEqualTo(18);
        assertThat(components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                .setExperimentName(EXPERIMENT).setPageSize(1000).build()).getTrialComponentsCount())
                .as("experiment-metadata once, 18 trial-metadata, 18 training jobs").isEqualTo(37);
        assertThat(components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                .setExperimentName(EXPERIMENT).setKind("training").setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .build()).getTrialComponentsCount()).isEqualTo(18);

        // The graph view.
        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)")).isOne();
        assertThat(server.single("MATCH (e:Experiment) RETURN e.description AS d").get("d").asString())
                .isEqualTo("My custom model beats ResNet50 on CIFAR-10.");
        assertThat(server.count("MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $name}) RETURN count(t)", "name", EXPERIMENT))
                .isEqualTo(18);
        assertThat(server.count("MATCH (t:Trial) RETURN count(t)")).isEqualTo(18);
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isEqualTo(1 + 18 + 18 + 1);
        assertThat(server.count("MATCH (a:Artifact:Dataset) RETURN count(a)")).isEqualTo(3);
        assertThat(server.count("MATCH (a:Artifact:Code) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH (a:Artifact:Model) RETURN count(a)")).isEqualTo(18);
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(3 + 1 + 18);

        assertThat(server.count("MATCH (:TrialComponent {name: 'experiment-metadata'})-[r:PART_OF]->(:Trial) RETURN count(r)"))
                .isEqualTo(18);
        assertThat(server.count("""
                MATCH (:TrialComponent {name: 'cifar10-preprocessing'})-[r:PRODUCED]->(:Dataset) RETURN count(r)""")).isEqualTo(3);
        assertThat(server.count("""
                MATCH (:Code {uri: $script})-[r:CONSUMED_BY]->(c:TrialComponent)
                RETURN count(r)""", "script", SCRIPT)).as("preprocessing and experiment-metadata").isEqualTo(2);
        assertThat(server.count("""
                MATCH (job:TrialComponent {kind: 'training'})
                WHERE COUNT { (:Artifact)-[:CONSUMED_BY]->(job) } = 3
                  AND COUNT { (:Dataset)-[:CONSUMED_BY]->(job) } = 3
                  AND COUNT { (job)-[:PRODUCED]->(:Artifact) } = 1
                  AND COUNT { (job)-[:PRODUCED]->(:Model) } = 1
                  AND COUNT { (job)-[:PART_OF]->(:Trial) } = 1
                RETURN count(job)""")).as("every training job: 3 datasets in, 1 model out, 1 trial").isEqualTo(18);
        assertThat(server.count("""
                MATCH (:TrialComponent {kind: 'training'})-[r:PRODUCED]->(:Model)
                RETURN count(r)""")).isEqualTo(18);

        // "Which models were trained on dataset train?"
        assertThat(server.count("""
                MATCH (:Dataset {uri: $train})-[:CONSUMED_BY]->(:TrialComponent {kind: 'training'})-[:PRODUCED]->(m:Model)
                RETURN count(DISTINCT m)""", "train", dataset("train"))).isEqualTo(18);

        // "What data and code produced model X?": its job's datasets, and upstream the script.
        assertThat(server.count("""
                MATCH (m:Model {uri: $model})<-[:PRODUCED]-(:TrialComponent)<-[:CONSUMED_BY]-(d:Dataset)
                      <-[:PRODUCED]-(:TrialComponent)<-[:CONSUMED_BY]-(code:Code {uri: $script})
                RETURN count(DISTINCT d)""", "model", BUCKET + "/models/custom-sgd-60/model.tar.gz", "script", SCRIPT))
                .isEqualTo(3);

        // Parameters are typed: Cypher filters jobs at 60 epochs and the static hyperparameters without parsing.
        assertThat(server.count("MATCH (c:TrialComponent {kind: 'training'}) WHERE c.`param.epochs` = 60 RETURN count(c)"))
                .isEqualTo(6);
        assertThat(server.count("""
                MATCH (c:TrialComponent {name: 'experiment-metadata'})
                WHERE c.`param.batch-size` = 128 AND c.`param.learning-rate` = 0.001 AND c.`param.weight-decay` = 1e-6
                  AND c.`param.momentum` = 0.9
                RETURN count(c)""")).isOne();
        assertThat(server.count("""
                MATCH (c:TrialComponent {name: 'experiment-metadata'})-[:PART_OF]->(t:Trial)-[:IN_EXPERIMENT]->(e:Experiment)
                RETURN count(DISTINCT e)""")).isOne();
        assertThat(trialNames).hasSize(18).doesNotHaveDuplicates();
        for (String trial : trialNames) {
            assertThat(server.count("MATCH (c:TrialComponent)-[:PART_OF]->(:Trial {name: $trial}) RETURN count(c)", "trial", trial))
                    .as("components of %s", trial).isEqualTo(3);
        }
    }

    private static String dataset(String split) {
        return BUCKET + "/data/" + split + "/" + split + ".tfrecords";
    }
}
