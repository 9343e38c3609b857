package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reference workflow of DESIGN.md section 1 (the CIFAR-10 study, steps 1-7) played through
 * the Java client only: experiment, 18 trials, the processing and experiment-metadata
 * components, per trial a metadata component and a training job tracked with a {@link Tracker}
 * that streams its metrics per step; then the analysis table from the summaries, the curves of
 * the best jobs, the lineage of a model and a Cypher question. Checked through the client and in
 * the graph.
 */
@TrialGraphTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientWorkflowIT {

    private static final String EXPERIMENT = "cifar10-custom-vs-resnet";
    private static final String BUCKET = "s3://trialgraph-demo/cifar10";
    private static final String SCRIPT = BUCKET + "/code/generate_cifar10_tfrecords.py";
    private static final List<String> SPLITS = List.of("train", "validation", "test");
    private static final List<String> MODELS = List.of("resnet", "custom");
    private static final List<String> OPTIMIZERS = List.of("adam", "sgd", "rmsprop");
    private static final List<Integer> EPOCHS = List.of(30, 60, 120);
    private static final int STEPS_PER_EPOCH = 10;

    /** The final test accuracy the synthetic job reaches: custom beats resnet, adam wins, 60 epochs is best. */
    private static double finalAccuracy(String model, String optimizer, int epochs) {
        double base = model.equals("custom") ? 0.80 : 0.75;
        double opt = switch (optimizer) {
            case "adam" -> 0.05;
            case "rmsprop" -> 0.03;
            default -> 0.0;
        };
        double ep = switch (epochs) {
            case 60 -> 0.02;
            case 120 -> 0.01;
            default -> 0.0;
        };
        return base + opt + ep;
    }

    @Test
    void theCifar10StudyRecordedAndAnalysedThroughTheClient(TestServer server) {
        try (TrialGraphClient client = TrialGraphClient.builder().target("127.0.0.1:" + server.port()).plaintext().build()) {

            // 1. The experiment states the hypothesis.
            Experiment experiment = client.createExperiment(EXPERIMENT, "CIFAR-10: custom model vs ResNet50",
                    "My custom model beats ResNet50 on CIFAR-10.", Map.of("dataset", "cifar10"));
            assertThat(experiment.createTime()).isNotNull();

            // 3. How the data was made: the script in, three datasets out.
            TrialComponentSpec.Builder processing = TrialComponentSpec.builder("cifar10-preprocessing")
                    .kind("processing").status(ComponentStatus.COMPLETED)
                    .input("code", SCRIPT, ArtifactKind.CODE);
            SPLITS.forEach(split -> processing.output(split, dataset(split), ArtifactKind.DATASET));
            client.createTrialComponent(processing.build());

            // 2. The variable space: a trial per variable set.
            List<String[]> variables = new ArrayList<>();
            for (String model : MODELS) {
                for (String optimizer : OPTIMIZERS) {
                    for (int epochs : EPOCHS) {
                        variables.add(new String[] {model, optimizer, String.valueOf(epochs)});
                    }
                }
            }
            List<String> trialNames = inParallel(variables, v -> {
                String trial = trialName(v[0], v[1], Integer.parseInt(v[2]));
                client.createTrial(EXPERIMENT, trial, Map.of("model", v[0], "optimizer", v[1]));
                return trial;
            });

            // The experiment-wide metadata, shared by every trial (many-to-many).
            TrialComponentSpec.Builder metadata = TrialComponentSpec.builder("experiment-metadata").kind("tracker")
                    .parameter("batch-size", 128).parameter("learning-rate", 0.001).parameter("weight-decay", 1e-6)
                    .parameter("momentum", 0.9).parameter("model-space", "resnet,custom")
                    .parameter("optimizer-space", "adam,sgd,rmsprop").parameter("epochs-space", "30,60,120")
                    .input("code", SCRIPT, ArtifactKind.CODE)
                    .trials(trialNames.subList(1, trialNames.size()));
            SPLITS.forEach(split -> metadata.input(split, dataset(split), ArtifactKind.DATASET));
            client.createTrialComponent(metadata.build());
            assertThat(client.associateTrialComponent("experiment-metadata", trialNames.get(0))).isTrue();

            // 4. Per trial, run like jobs on a cluster (six at a time, sharing the client's metric
            // logger): a metadata component with the trial's variables and a tracked training job.
            List<Long> points = inParallel(variables, v -> {
                String trial = trialName(v[0], v[1], Integer.parseInt(v[2]));
                client.createTrialComponent(TrialComponentSpec.builder(trial + "-metadata").kind("tracker")
                        .parameter("model", v[0]).parameter("optimizer", v[1]).parameter("epochs", Integer.parseInt(v[2]))
                        .trial(trial).build());
                return train(client, v[0], v[1], Integer.parseInt(v[2]));
            });
            assertThat(client.metricLogger().stats().bufferedPoints()).isZero();
            assertThat(client.metricLogger().stats().storedPoints()).isEqualTo(points.stream().mapToLong(Long::longValue).sum());

            // The API view.
            assertThat(client.getExperiment(EXPERIMENT).trialCount()).isEqualTo(18);
            assertThat(client.listAllTrials(EXPERIMENT)).hasSize(18);
            assertThat(client.listAllTrialComponents(TrialComponentFilter.inExperiment(EXPERIMENT)))
                    .as("experiment-metadata once, 18 trial-metadata, 18 training jobs").hasSize(37);
            List<TrialComponent> jobs = client.listAllTrialComponents(TrialComponentFilter.inExperiment(EXPERIMENT)
                    .withKind("training").withStatus(ComponentStatus.COMPLETED));
            assertThat(jobs).hasSize(18);
            TrialComponent oneJob = client.getTrialComponent("custom-adam-60-training");
            assertThat(oneJob.parameters()).containsEntry("epochs", 60L).containsEntry("optimizer", "adam")
                    .containsEntry("learning-rate", 0.001).containsEntry("augmentation", true);
            assertThat(oneJob.inputs()).extracting(ArtifactLink::name).containsExactly("test", "train", "validation");
            assertThat(oneJob.outputs()).extracting(ArtifactLink::uri).containsExactly(modelUri("custom-adam-60"));
            assertThat(oneJob.startTime()).isNotNull();
            assertThat(oneJob.endTime()).isAfterOrEqualTo(oneJob.startTime());
            assertThat(oneJob.trialNames()).containsExactly("custom-adam-60");

            // 5. The analysis table: a row per job with its parameters and metric statistics.
            List<String> jobNames = jobs.stream().map(TrialComponent::name).toList();
            List<MetricSummary> summaries = client.getMetricSummaries(jobNames, List.of("test_acc", "val_acc"));
            assertThat(summaries).hasSize(36);
            Map<String, Row> table = new LinkedHashMap<>();
            for (TrialComponent job : jobs) {
                table.put(job.name(), new Row(job.name(), ((Long) job.parameters().get("epochs")).intValue(), 0, 0));
            }
            for (MetricSummary s : summaries) {
                Row row = table.get(s.trialComponentName());
                table.put(row.job(), s.metricName().equals("test_acc")
                        ? new Row(row.job(), row.epochs(), s.last(), row.valAccMax())
                        : new Row(row.job(), row.epochs(), row.testAccLast(), s.max()));
            }
            Comparator<Row> byTestAcc = Comparator.comparingDouble(Row::testAccLast).reversed();
            List<Row> at60 = table.values().stream().filter(r -> r.epochs() == 60).sorted(byTestAcc).toList();
            assertThat(at60).hasSize(6);
            assertThat(at60.get(0).job()).isEqualTo("custom-adam-60-training");
            assertThat(at60.get(0).testAccLast()).isCloseTo(0.87, within(1e-12));
            List<Row> best = table.values().stream().sorted(byTestAcc).toList();
            assertThat(best.get(0).job()).as("best overall").isEqualTo("custom-adam-60-training");
            assertThat(table.values().stream().filter(r -> r.epochs() == 30).sorted(byTestAcc).findFirst().orElseThrow().job())
                    .as("best at 30 epochs").isEqualTo("custom-adam-30-training");
            assertThat(best.get(0).valAccMax()).isLessThan(best.get(0).testAccLast()).isGreaterThan(0.8);

            MetricSummary loss = client.getMetricSummaries(List.of("resnet-sgd-120-training"), List.of("loss")).get(0);
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
                assertThat(java.util.Arrays.stream(curve.timestamps()).min().orElseThrow()).isPositive();
            }
            Series full = client.readMetricSeries("custom-adam-60-training", "acc");
            assertThat(full.size()).isEqualTo(600);
            assertThat(full.values()[599]).isCloseTo(accuracy(0.87, 599, 600), within(1e-12));

            // 7. Lineage: what data, code and jobs produced the best model?
            Lineage upstream = client.lineage(LineageRequest.upstream().fromArtifact(modelUri("custom-adam-60")).build());
            assertThat(upstream.nodes()).extracting(Lineage.Node::kind).containsExactlyInAnyOrder(
                    "model", "component:training", "dataset", "dataset", "dataset", "component:processing", "code");
            assertThat(upstream.edges()).hasSize(1 + 3 + 3 + 1);
            assertThat(upstream.truncated()).isFalse();
            assertThat(upstream.hasCycle()).isFalse();
            assertThat(upstream.nodesOfKind("code")).singleElement().satisfies(code -> {
                assertThat(code.uri()).isEqualTo(SCRIPT);
                assertThat(code.depth()).isEqualTo(4);
            });
            // ... and which models were trained on the training set?
            Lineage downstream = client.lineage(LineageRequest.downstream().fromArtifact(dataset("train"))
                    .includeKinds("model").build());
            assertThat(downstream.nodesOfKind("model")).hasSize(18);
            assertThat(client.lineageDot(LineageRequest.upstream().fromArtifact(modelUri("custom-adam-60")).build()))
                    .startsWith("digraph").contains(SCRIPT);

            // The same question in Cypher, and the path behind one model.
            QueryResult models = client.query("""
                    MATCH (:Dataset {uri: $train})-[:CONSUMED_BY]->(job:TrialComponent {kind: 'training'})-[:PRODUCED]->(m:Model)
                    RETURN job.name AS job, m.uri AS model, job.`param.epochs` AS epochs ORDER BY job""",
                    Map.of("train", dataset("train")));
            assertThat(models.columns()).containsExactly("job", "model", "epochs");
            assertThat(models.size()).isEqualTo(18);
            assertThat(models.column("epochs")).containsOnly(30L, 60L, 120L);
            assertThat(models.truncated()).isFalse();
            QueryResult path = client.query("""
                    MATCH p = (:Dataset {uri: $train})-[:CONSUMED_BY]->(:TrialComponent {name: $job})-[:PRODUCED]->(:Model)
                    RETURN p""", Map.of("train", dataset("train"), "job", "custom-adam-60-training"));
            QueryResult.Path p = (QueryResult.Path) path.get(0, "p");
            assertThat(p.nodes()).hasSize(3);
            assertThat(p.nodes().get(0).labels()).contains("Artifact", "Dataset");
            assertThat(p.nodes().get(1).properties()).containsEntry("param.epochs", 60L);
            assertThat(p.relationships()).extracting(QueryResult.Relationship::type).containsExactly("CONSUMED_BY", "PRODUCED");
        }

        // The graph, as a Cypher user sees it.
        assertThat(server.count("MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $e}) RETURN count(t)", "e", EXPERIMENT))
                .isEqualTo(18);
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isEqualTo(1 + 1 + 18 + 18);
        assertThat(server.count("MATCH (:TrialComponent {name: 'experiment-metadata'})-[r:PART_OF]->(:Trial) RETURN count(r)"))
                .isEqualTo(18);
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(3 + 1 + 18);
        assertThat(server.count("MATCH (c:TrialComponent {kind: 'training', status: 'Completed'}) WHERE c.endTime >= c.startTime "
                + "RETURN count(c)")).isEqualTo(18);
        assertThat(server.count("MATCH (c:TrialComponent {kind: 'training'}) WHERE c.`param.epochs` = 60 RETURN count(c)"))
                .isEqualTo(6);
        assertThat(server.count("MATCH (:TrialComponent {kind: 'training'})-[:HAS_METRIC]->(m:Metric) RETURN count(m)"))
                .isEqualTo(18 * 6);
        assertThat(server.count("MATCH (m:Metric) RETURN sum(m.count)"))
                .isEqualTo(4L * STEPS_PER_EPOCH * 6 * (30 + 60 + 120) + 18 * 2);
    }

    /**
     * One training job, tracked: the parameters, metadata and inputs known at its start go with the
     * component's creation (one call); then metrics per step, the test metrics and the model.
     */
    private static long train(TrialGraphClient client, String model, String optimizer, int epochs) {
        String trial = trialName(model, optimizer, epochs);
        double accuracy = finalAccuracy(model, optimizer, epochs);
        int steps = epochs * STEPS_PER_EPOCH;
        long points = 0;
        TrialComponentSpec.Builder spec = TrialComponentSpec.builder(trial + "-training").kind("training").trial(trial)
                .parameters(Map.of("model", model, "optimizer", optimizer, "epochs", epochs,
                        "learning-rate", 0.001, "batch-size", 128, "augmentation", true))
                .metadata("instance-type", "ml.p3.2xlarge");
        SPLITS.forEach(split -> spec.input(split, dataset(split), ArtifactKind.DATASET));
        try (Tracker job = client.tracker(spec.build())) {
            for (int step = 0; step < steps; step++) {
                double acc = accuracy(accuracy, step, steps);
                job.logMetric("loss", step, 1 - acc);
                job.logMetric("acc", step, acc);
                job.logMetric("val_loss", step, 1.02 - acc);
                job.logMetric("val_acc", step, acc - 0.02);
                points += 4;
            }
            job.logMetric("test_acc", steps, accuracy);
            job.logMetric("test_loss", steps, 1 - accuracy);
            points += 2;
            job.logOutput("model", modelUri(trial), ArtifactKind.MODEL);
        }
        return points;
    }

    /** Runs a task per item on six threads and returns the results in item order; fails with the first failure. */
    private static <T, R> List<R> inParallel(List<T> items, Function<T, R> task) {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Accuracy at a step: rises towards the final accuracy, reaching it at the last step. */
    private static double accuracy(double last, int step, int steps) {
        return last * (1 - Math.exp(-5.0 * (step + 1) / steps)) / (1 - Math.exp(-5.0));
    }

    private record Row(String job, int epochs, double testAccLast, double valAccMax) {
    }

    private static String trialName(String model, String optimizer, int epochs) {
        return "%s-%s-%d".formatted(model, optimizer, epochs);
    }

    private static String dataset(String split) {
        return BUCKET + "/data/" + split + "/" + split + ".tfrecords";
    }

    private static String modelUri(String trial) {
        return BUCKET + "/models/" + trial + "/model.tar.gz";
    }
}
