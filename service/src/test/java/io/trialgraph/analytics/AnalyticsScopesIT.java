package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.trialgraph.cli.Cifar10Study;
import io.trialgraph.client.Table;
import io.trialgraph.client.TableRequest;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import io.trialgraph.testing.SeedStudy;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Rows per trial and tables across experiments on the seed study (the CIFAR-10 study of the
 * reference workflow, one step an epoch), checked against values worked out by hand from the
 * study's definition: the job of custom-adam-60 ends at test_acc 0.87, each trial has a
 * {@code <trial>-metadata} tracker and shares {@code experiment-metadata} (also a tracker), and
 * every training job reads the three datasets.
 */
@TrialGraphTest
class AnalyticsScopesIT {

    private static final String TRAIN = Cifar10Study.dataset("train");

    private static TrialGraphClient client(TestServer server) {
        return TrialGraphClient.builder()
                .target("127.0.0.1:" + server.port())
                .plaintext()
                .deadline(Duration.ofSeconds(120))
                .build();
    }

    private static Cifar10Study study(int copy) {
        return Cifar10Study.copy(copy).withStepsPerEpoch(1);
    }

    /** The values of a column, row by row. */
    private static List<Object> column(Table table, String column) {
        int index = table.columns().indexOf(column);
        assertThat(index).as("column %s in %s", column, table.columns()).isNotNegative();
        return table.rows().stream().map(row -> row.get(index)).toList();
    }

    /** The value of {@code column} in the row whose {@code name} is {@code name}. */
    private static Object cell(Table table, String name, String column) {
        int names = table.columns().indexOf("name");
        int index = table.columns().indexOf(column);
        assertThat(index).as("column %s in %s", column, table.columns()).isNotNegative();
        return table.rows().stream()
                .filter(row -> name.equals(row.get(names)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name))
                .get(index);
    }

    /** One test, so the study is recorded once (twice: the second copy for the tables across experiments). */
    @Test
    void rowsPerTrialAndTablesAcrossExperiments(TestServer server) {
        SeedStudy.record(server, study(1));
        try (TrialGraphClient client = client(server)) {
            rowsPerTrial(client);
        }
        SeedStudy.record(server, study(2));
        try (TrialGraphClient client = client(server)) {
            acrossExperiments(client);
        }
    }

    /** A row per trial shows its components' columns under their kind. */
    private static void rowsPerTrial(TrialGraphClient client) {
        Table table = client.table(
                TableRequest.experiment(SeedStudy.EXPERIMENT).perTrial().withPage(100, ""));

        assertThat(table.totalRows()).isEqualTo(18);
        assertThat(table.columns())
                .startsWith("name", "experiment")
                .contains(
                        "tracker.params.batch-size",
                        "tracker.params.optimizer",
                        "training.params.epochs",
                        "training.metrics.test_acc.last",
                        "training.metrics.val_acc.max")
                .doesNotContain("kind", "trials")
                .noneMatch(column -> column.startsWith("processing."));
        // By hand: custom-adam-60's training job ends at 0.87 after 60 steps (one an epoch);
        // its tracker holds the optimizer, the shared experiment-metadata the batch size.
        assertThat(cell(table, "custom-adam-60", "experiment")).isEqualTo(SeedStudy.EXPERIMENT);
        assertThat(cell(table, "custom-adam-60", "training.metrics.test_acc.last"))
                .isEqualTo(0.87);
        assertThat(cell(table, "custom-adam-60", "training.metrics.test_acc.count"))
                .isEqualTo(1L);
        assertThat(cell(table, "custom-adam-60", "training.metrics.acc.count")).isEqualTo(60L);
        assertThat(cell(table, "custom-adam-60", "training.metrics.acc.last_step"))
                .isEqualTo(59L);
        assertThat(cell(table, "custom-adam-60", "training.params.epochs")).isEqualTo(60L);
        assertThat(cell(table, "custom-adam-60", "tracker.params.optimizer")).isEqualTo("adam");
        assertThat(cell(table, "custom-adam-60", "tracker.params.batch-size")).isEqualTo(128L);
        // Several trackers per trial: each cell comes from the first one by name that has it.
        // "resnet-sgd-30-metadata" sorts after "experiment-metadata", which has no optimizer.
        assertThat(cell(table, "resnet-sgd-30", "tracker.params.optimizer")).isEqualTo("sgd");
        assertThat(cell(table, "resnet-sgd-30", "tracker.params.momentum")).isEqualTo(0.9);

        Table sixty = client.table(TableRequest.experiment(SeedStudy.EXPERIMENT)
                .perTrial()
                .withColumns("name", "training.name", "tracker.name", "training.metrics.test_acc.last")
                .withFilter("training.params.epochs = 60 AND training.status = 'Completed'")
                .withSort("training.metrics.test_acc.last", true));
        assertThat(column(sixty, "name"))
                .containsExactly(
                        "custom-adam-60",
                        "custom-rmsprop-60",
                        "resnet-adam-60",
                        "custom-sgd-60",
                        "resnet-rmsprop-60",
                        "resnet-sgd-60");
        assertThat(column(sixty, "training.metrics.test_acc.last"))
                .containsExactly(0.87, 0.842, 0.8195, 0.8135, 0.7965, 0.768);
        assertThat(column(sixty, "training.name")).first().isEqualTo("custom-adam-60-training");
        assertThat(column(sixty, "tracker.name"))
                .containsExactly(
                        "custom-adam-60-metadata",
                        "custom-rmsprop-60-metadata",
                        "experiment-metadata",
                        "custom-sgd-60-metadata",
                        "experiment-metadata",
                        "experiment-metadata");

        Table bestPerEpochs = client.table(TableRequest.experiment(SeedStudy.EXPERIMENT)
                .perTrial()
                .withColumns("name", "training.params.epochs")
                .withSort("training.metrics.test_acc.last", true)
                .withGroupBy("training.params.epochs"));
        assertThat(bestPerEpochs.rows())
                .containsExactly(
                        List.of("custom-adam-60", 60L),
                        List.of("custom-adam-120", 120L),
                        List.of("custom-adam-30", 30L));

        // Paging and the CSV export work on rows per trial as on component rows.
        TableRequest byName = TableRequest.experiment(SeedStudy.EXPERIMENT)
                .perTrial()
                .withColumns("name", "training.metrics.val_acc.max")
                .withSort("name", false);
        List<List<Object>> paged = new ArrayList<>();
        String token = "";
        do {
            Table page = client.table(byName.withPage(5, token));
            paged.addAll(page.rows());
            token = page.nextPageToken();
        } while (!token.isEmpty());
        assertThat(paged).isEqualTo(client.table(byName).rows()).hasSize(18);
        List<String> csv = client.tableCsv(byName).lines().toList();
        assertThat(csv).hasSize(19).first().isEqualTo("name,training.metrics.val_acc.max");
        assertThat(csv.get(1)).startsWith("custom-adam-120,");

        // The same error messages: the position in the filter, the column and the rule.
        assertThatThrownBy(() -> client.table(TableRequest.experiment(SeedStudy.EXPERIMENT)
                        .perTrial()
                        .withFilter("training.params.epochs = ")))
                .isInstanceOfSatisfying(TrialGraphException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage())
                            .contains("filter: at position 26: expected a value (a number, a \"string\", true or"
                                    + " false), found the end of the filter");
                });
        assertThatThrownBy(() -> client.table(
                        TableRequest.experiment(SeedStudy.EXPERIMENT).perTrial().withSort("status", false)))
                .isInstanceOfSatisfying(TrialGraphException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("sort[0].column: unknown column 'status'");
                });
    }

    /** Tables across experiments: every job that read a dataset, every experiment with a tag. */
    private static void acrossExperiments(TrialGraphClient client) {
        client.createExperiment("mnist-baseline", "another dataset", Map.of("dataset", "mnist"));
        client.createTrial("mnist-baseline", "mnist-1", Map.of());
        client.tracker("mnist-1-training", "training", "mnist-1").close();
        String second = study(2).experiment();

        // Every component that read the training data, in both copies: 18 jobs and the
        // experiment-metadata tracker each.
        Table readers = client.table(TableRequest.dataset(TRAIN).withColumns("name", "kind", "experiment"));
        assertThat(readers.totalRows()).isEqualTo(38);
        assertThat(cell(readers, "experiment-metadata-2", "experiment")).isEqualTo(second);
        assertThat(cell(readers, "custom-adam-60-training", "experiment")).isEqualTo(SeedStudy.EXPERIMENT);

        // "Which optimizer won on this dataset?": the best job of every experiment that used
        // it, in one call. By hand: custom-adam-60 in both copies.
        Table winners = client.table(TableRequest.dataset(TRAIN)
                .withColumns("experiment", "name", "params.optimizer", "metrics.test_acc.last")
                .withFilter("kind = 'training'")
                .withSort("metrics.test_acc.last", true)
                .withGroupBy("experiment"));
        assertThat(winners.rows())
                .containsExactlyInAnyOrder(
                        List.of(SeedStudy.EXPERIMENT, "custom-adam-60-training", "adam", 0.87),
                        List.of(second, "custom-adam-60-2-training", "adam", 0.87));

        // The same per trial.
        Table trialWinners = client.table(TableRequest.dataset(TRAIN)
                .perTrial()
                .withColumns("experiment", "name", "training.params.optimizer")
                .withSort("training.metrics.test_acc.last", true)
                .withGroupBy("experiment"));
        assertThat(trialWinners.totalRows()).isEqualTo(2);
        assertThat(trialWinners.rows())
                .containsExactlyInAnyOrder(
                        List.of(SeedStudy.EXPERIMENT, "custom-adam-60", "adam"),
                        List.of(second, "custom-adam-60-2", "adam"));
        assertThat(client.table(TableRequest.dataset(TRAIN).perTrial()).totalRows())
                .isEqualTo(36);

        // Experiments by tag: both copies are tagged dataset=cifar10, the third is not.
        Table tagged = client.table(TableRequest.experimentsTagged(Map.of("dataset", "cifar10"))
                .perTrial()
                .withColumns("experiment", "name")
                .withPage(1000, ""));
        assertThat(tagged.totalRows()).isEqualTo(36);
        assertThat(column(tagged, "experiment").stream().collect(Collectors.toSet()))
                .isEqualTo(Set.of(SeedStudy.EXPERIMENT, second));
        Table mnist = client.table(
                TableRequest.experimentsTagged(Map.of("dataset", "mnist")).withColumns("name", "experiment", "trials"));
        assertThat(mnist.rows()).containsExactly(List.of("mnist-1-training", "mnist-baseline", "mnist-1"));
        assertThat(client.table(TableRequest.experimentsTagged(Map.of("dataset", "cifar10", "team", "none")))
                        .totalRows())
                .isZero();

        assertThatThrownBy(() -> client.table(TableRequest.dataset("s3://nowhere/data.csv")))
                .isInstanceOfSatisfying(TrialGraphException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getMessage()).contains("artifact 's3://nowhere/data.csv' does not exist");
                });
        assertThatThrownBy(() -> client.table(TableRequest.dataset("no uri")))
                .isInstanceOfSatisfying(TrialGraphException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("dataset_uri: must be a URI");
                });
    }
}
