package io.trialgraph.graph;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.SeedStudy.BUCKET;
import static io.trialgraph.testing.SeedStudy.EXPERIMENT;
import static io.trialgraph.testing.SeedStudy.SCRIPT;
import static io.trialgraph.testing.SeedStudy.dataset;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.ListTrialComponentsRequest;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.testing.SeedStudy;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Steps 1-4 of the reference workflow (docs/workflow.md, without metrics): the CIFAR-10 study
 * recorded through the API ({@link SeedStudy}), then checked in Cypher the way a user would explore it.
 */
@TrialGraphTest
class SeedWorkflowIT {

    @Test
    void theCifar10StudyIsRecordedAsTheExpectedGraph(TestServer server) {
        ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments = experiments(server, 300);
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, 300);

        // Steps 1-4: the experiment, the preprocessing, the experiment metadata, 18 trials with their jobs.
        List<String> trialNames = SeedStudy.record(server).trialNames();

        // The API view.
        assertThat(experiments
                        .getExperiment(GetExperimentRequest.newBuilder()
                                .setName(EXPERIMENT)
                                .build())
                        .getExperiment()
                        .getTrialCount())
                .isEqualTo(18);
        assertThat(components
                        .listTrialComponents(ListTrialComponentsRequest.newBuilder()
                                .setExperimentName(EXPERIMENT)
                                .setPageSize(1000)
                                .build())
                        .getTrialComponentsCount())
                .as("experiment-metadata once, 18 trial-metadata, 18 training jobs")
                .isEqualTo(37);
        assertThat(components
                        .listTrialComponents(ListTrialComponentsRequest.newBuilder()
                                .setExperimentName(EXPERIMENT)
                                .setKind("training")
                                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                                .build())
                        .getTrialComponentsCount())
                .isEqualTo(18);

        // The graph view.
        assertThat(server.count("MATCH (e:Experiment) RETURN count(e)")).isOne();
        assertThat(server.single("MATCH (e:Experiment) RETURN e.description AS d")
                        .get("d")
                        .asString())
                .isEqualTo("My custom model beats ResNet50 on CIFAR-10.");
        assertThat(server.count(
                        "MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $name}) RETURN count(t)",
                        "name",
                        EXPERIMENT))
                .isEqualTo(18);
        assertThat(server.count("MATCH (t:Trial) RETURN count(t)")).isEqualTo(18);
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isEqualTo(1 + 18 + 18 + 1);
        assertThat(server.count("MATCH (a:Artifact:Dataset) RETURN count(a)")).isEqualTo(3);
        assertThat(server.count("MATCH (a:Artifact:Code) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH (a:Artifact:Model) RETURN count(a)")).isEqualTo(18);
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(3 + 1 + 18);

        assertThat(server.count(
                        "MATCH (:TrialComponent {name: 'experiment-metadata'})-[r:PART_OF]->(:Trial) RETURN count(r)"))
                .isEqualTo(18);
        assertThat(server.count("""
                MATCH (:TrialComponent {name: 'cifar10-preprocessing'})-[r:PRODUCED]->(:Dataset) RETURN count(r)""")).isEqualTo(3);
        assertThat(server.count("""
                MATCH (:Code {uri: $script})-[r:CONSUMED_BY]->(c:TrialComponent)
                RETURN count(r)""", "script", SCRIPT))
                .as("preprocessing and experiment-metadata")
                .isEqualTo(2);
        assertThat(server.count("""
                MATCH (job:TrialComponent {kind: 'training'})
                WHERE COUNT { (:Artifact)-[:CONSUMED_BY]->(job) } = 3
                  AND COUNT { (:Dataset)-[:CONSUMED_BY]->(job) } = 3
                  AND COUNT { (job)-[:PRODUCED]->(:Artifact) } = 1
                  AND COUNT { (job)-[:PRODUCED]->(:Model) } = 1
                  AND COUNT { (job)-[:PART_OF]->(:Trial) } = 1
                RETURN count(job)"""))
                .as("every training job: 3 datasets in, 1 model out, 1 trial")
                .isEqualTo(18);
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
        assertThat(server.count(
                        "MATCH (c:TrialComponent {kind: 'training'}) WHERE c.`param.epochs` = 60 RETURN count(c)"))
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
            assertThat(server.count(
                            "MATCH (c:TrialComponent)-[:PART_OF]->(:Trial {name: $trial}) RETURN count(c)",
                            "trial",
                            trial))
                    .as("components of %s", trial)
                    .isEqualTo(3);
        }
    }
}
