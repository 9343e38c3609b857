package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trialgraph.cli.Cifar10Study;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reference workflow of docs/workflow.md (the CIFAR-10 study, steps 1-7) played through
 * the Java client only: experiment, 18 trials, the processing and experiment-metadata
 * components, per trial a metadata component and a training job tracked with a {@link Tracker}
 * that streams its metrics per step; then the analysis table from the summaries, the curves of
 * the best jobs, the lineage of a model and a Cypher question. Checked through the client and in
 * the graph.
 */
@TrialGraphTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientWorkflowIT {

    private static final String EXPERIMENT = Cifar10Study.EXPERIMENT;
    private static final String SCRIPT = Cifar10Study.SCRIPT;
    private static final int STEPS_PER_EPOCH = Cifar10Study.STEPS_PER_EPOCH;

    @Test
    void theCifar10StudyRecordedAndAnalysedThroughTheClient(TestServer server) {
        try (TrialGraphClient client = TrialGraphClient.builder()
                .target("127.0.0.1:" + server.port())
                .plaintext()
                .build()) {

            // Steps 1-4: what training code records (the same study as `trialgraph demo`): the experiment,
            // the preprocessing, 18 trials sharing the experiment-metadata, and per trial a metadata
            // component and a tracked training job streaming its metrics, six jobs at a time.
            Cifar10Study.Recorded recorded = Cifar10Study.first().record(client);
            List<String> trialNames = recorded.trialNames();
            assertThat(trialNames).hasSize(18).doesNotHaveDuplicates();
            assertThat(client.getExperiment(EXPERIMENT).createTime()).isNotNull();
            assertThat(client.metricLogger().stats().bufferedPoints()).isZero();
            assertThat(client.metricLogger().stats().storedPoints()).isEqualTo(recorded.metricPoints());

            // The API view.
            assertThat(client.getExperiment(EXPERIMENT).trialCount()).isEqualTo(18);
            assertThat(client.listAllTrials(EXPERIMENT)).hasSize(18);
            assertThat(client.listAllTrialComponents(TrialComponentFilter.inExperiment(EXPERIMENT)))
                    .as("experiment-metadata once, 18 trial-metadata, 18 training jobs")
                    .hasSize(37);
            List<TrialComponent> jobs = client.listAllTrialComponents(TrialComponentFilter.inExperiment(EXPERIMENT)
                    .withKind("training")
                    .withStatus(ComponentStatus.COMPLETED));
            assertThat(jobs).hasSize(18);
            TrialComponent oneJob = client.getTrialComponent("custom-adam-60-training");
            assertThat(oneJob.parameters())
                    .containsEntry("epochs", 60L)
                    .containsEntry("optimizer", "adam")
                    .containsEntry("learning-rate", 0.001)
                    .containsEntry("augmentation", true);
            assertThat(oneJob.inputs()).extracting(ArtifactLink::name).containsExactly("test", "train", "validation");
            assertThat(oneJob.outputs())
                    .extracting(ArtifactLink::uri)
                    .containsExactly(Cifar10Study.model("custom-adam-60"));
            assertThat(oneJob.startTime()).isNotNull();
            assertThat(oneJob.endTime()).isAfterOrEqualTo(oneJob.startTime());
            assertThat(oneJob.trialNames()).containsExactly("custom-adam-60");

            // 5. The analysis table: a row per job with its parameters and metric statistics.
            List<String> jobNames = jobs.stream().map(TrialComponent::name).toList();
            List<MetricSummary> summaries = client.getMetricSummaries(jobNames, List.of("test_acc", "val_acc"));
            assertThat(summaries).hasSize(36);
            Map<String, Row> table = new LinkedHashMap<>();
            for (TrialComponent job : jobs) {
                table.put(
                        job.name(), new Row(job.name(), ((Long) job.parameters().get("epochs")).intValue(), 0, 0));
            }
            for (MetricSummary s : summaries) {
                Row row = table.get(s.trialComponentName());
                table.put(
                        row.job(),
                        s.metricName().equals("test_acc")
                                ? new Row(row.job(), row.epochs(), s.last(), row.valAccMax())
                                : new Row(row.job(), row.epochs(), row.testAccLast(), s.max()));
            }
            Comparator<Row> byTestAcc =
                    Comparator.comparingDouble(Row::testAccLast).reversed();
            List<Row> at60 = table.values().stream()
                    .filter(r -> r.epochs() == 60)
                    .sorted(byTestAcc)
                    .toList();
            assertThat(at60).hasSize(6);
            assertThat(at60.get(0).job()).isEqualTo("custom-adam-60-training");
            assertThat(at60.get(0).testAccLast()).isCloseTo(0.87, within(1e-12));
            List<Row> best = table.values().stream().sorted(byTestAcc).toList();
            assertThat(best.get(0).job()).as("best overall").isEqualTo("custom-adam-60-training");
            assertThat(table.values().stream()
                            .filter(r -> r.epochs() == 30)
                            .sorted(byTestAcc)
                            .findFirst()
                            .orElseThrow()
                            .job())
                    .as("best at 30 epochs")
                    .isEqualTo("custom-adam-30-training");
            assertThat(best.get(0).valAccMax())
                    .isLessThan(best.get(0).testAccLast())
                    .isGreaterThan(0.8);

            MetricSummary loss = client.getMetricSummaries(List.of("resnet-sgd-120-training"), List.of("loss"))
                    .get(0);
            assertThat(loss.count()).isEqualTo(120L * STEPS_PER_EPOCH);
            assertThat(loss.firstStep()).isZero();
            assertThat(loss.lastStep()).isEqualTo(120L * STEPS_PER_EPOCH - 1);
            assertThat(loss.nonFiniteCount()).isZero();

            // 6. val_acc against step for the three best jobs, downsampled for a plot.
            for (Row row : best.subList(0, 3)) {
                Series curve = client.readMetricSeries(row.job(), "val_acc", null, null, 100);
                int steps = row.epochs() * STEPS_PER_EPOCH;
                assertThat(curve.totalPoints()).isEqualTo(steps);
                assertThat(curve.size()).isBetween(4, 100);
                assertThat(curve.downsampled()).isTrue();
                assertThat(curve.steps()[0]).isZero();
                assertThat(curve.steps()[curve.size() - 1]).isEqualTo(steps - 1);
                assertThat(curve.steps()).isSorted();
                assertThat(java.util.Arrays.stream(curve.timestamps()).min().orElseThrow())
                        .isPositive();
            }
            Series full = client.readMetricSeries("custom-adam-60-training", "acc");
            assertThat(full.size()).isEqualTo(600);
            assertThat(full.values()[599])
                    .isCloseTo(
                            Cifar10Study.accuracy(Cifar10Study.finalAccuracy("custom", "adam", 60), 599, 600),
                            within(1e-12));

            // 7. Lineage: what data, code and jobs produced the best model?
            Lineage upstream = client.lineage(LineageRequest.upstream()
                    .fromArtifact(Cifar10Study.model("custom-adam-60"))
                    .build());
            assertThat(upstream.nodes())
                    .extracting(Lineage.Node::kind)
                    .containsExactlyInAnyOrder(
                            "model",
                            "component:training",
                            "dataset",
                            "dataset",
                            "dataset",
                            "component:processing",
                            "code");
            assertThat(upstream.edges()).hasSize(1 + 3 + 3 + 1);
            assertThat(upstream.truncated()).isFalse();
            assertThat(upstream.hasCycle()).isFalse();
            assertThat(upstream.nodesOfKind("code")).singleElement().satisfies(code -> {
                assertThat(code.uri()).isEqualTo(SCRIPT);
                assertThat(code.depth()).isEqualTo(4);
            });
            // ... and which models were trained on the training set?
            Lineage downstream = client.lineage(LineageRequest.downstream()
                    .fromArtifact(Cifar10Study.dataset("train"))
                    .includeKinds("model")
                    .build());
            assertThat(downstream.nodesOfKind("model")).hasSize(18);
            assertThat(client.lineageDot(LineageRequest.upstream()
                            .fromArtifact(Cifar10Study.model("custom-adam-60"))
                            .build()))
                    .startsWith("digraph")
                    .contains(SCRIPT);

            // The same question in Cypher, and the path behind one model.
            QueryResult models = client.query("""
                    MATCH (:Dataset {uri: $train})-[:CONSUMED_BY]->(job:TrialComponent {kind: 'training'})-[:PRODUCED]->(m:Model)
                    RETURN job.name AS job, m.uri AS model, job.`param.epochs` AS epochs ORDER BY job""", Map.of("train", Cifar10Study.dataset("train")));
            assertThat(models.columns()).containsExactly("job", "model", "epochs");
            assertThat(models.size()).isEqualTo(18);
            assertThat(models.column("epochs")).containsOnly(30L, 60L, 120L);
            assertThat(models.truncated()).isFalse();
            QueryResult path =
                    client.query("""
                    MATCH p = (:Dataset {uri: $train})-[:CONSUMED_BY]->(:TrialComponent {name: $job})-[:PRODUCED]->(:Model)
                    RETURN p""", Map.of("train", Cifar10Study.dataset("train"), "job", "custom-adam-60-training"));
            QueryResult.Path p = (QueryResult.Path) path.get(0, "p");
            assertThat(p.nodes()).hasSize(3);
            assertThat(p.nodes().get(0).labels()).contains("Artifact", "Dataset");
            assertThat(p.nodes().get(1).properties()).containsEntry("param.epochs", 60L);
            assertThat(p.relationships())
                    .extracting(QueryResult.Relationship::type)
                    .containsExactly("CONSUMED_BY", "PRODUCED");
        }

        // The graph, as a Cypher user sees it.
        assertThat(server.count(
                        "MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $e}) RETURN count(t)", "e", EXPERIMENT))
                .isEqualTo(18);
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isEqualTo(1 + 1 + 18 + 18);
        assertThat(server.count(
                        "MATCH (:TrialComponent {name: 'experiment-metadata'})-[r:PART_OF]->(:Trial) RETURN count(r)"))
                .isEqualTo(18);
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(3 + 1 + 18);
        assertThat(server.count(
                        "MATCH (c:TrialComponent {kind: 'training', status: 'Completed'}) WHERE c.endTime >= c.startTime "
                                + "RETURN count(c)"))
                .isEqualTo(18);
        assertThat(server.count(
                        "MATCH (c:TrialComponent {kind: 'training'}) WHERE c.`param.epochs` = 60 RETURN count(c)"))
                .isEqualTo(6);
        assertThat(server.count("MATCH (:TrialComponent {kind: 'training'})-[:HAS_METRIC]->(m:Metric) RETURN count(m)"))
                .isEqualTo(18 * 6);
        assertThat(server.count("MATCH (m:Metric) RETURN sum(m.count)"))
                .isEqualTo(4L * STEPS_PER_EPOCH * 6 * (30 + 60 + 120) + 18 * 2);
    }

    private record Row(String job, int epochs, double testAccLast, double valAccMax) {}
}
