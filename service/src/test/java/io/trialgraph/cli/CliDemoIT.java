package io.trialgraph.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code trialgraph demo}: the seed study recorded through the client, its table best first, and a second run beside it. */
@TrialGraphTest
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CliDemoIT {

    @Test
    void demoRecordsTheStudyPrintsItsJobsBestFirstAndCanRunAgain(TestServer server) {
        Cli.Result first = Cli.run(server, "demo");

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out()).contains("Recording experiment cifar10-custom-vs-resnet at 127.0.0.1:" + server.port())
                .contains("Recorded 18 trials and 50,436 metric points");
        List<String> rows = first.tableRows();
        assertThat(rows).hasSize(18);
        assertThat(rows.get(0)).startsWith("custom-adam-60-training").contains("0.87");
        assertThat(rows.get(1)).startsWith("custom-adam-120-training");
        assertThat(rows.get(17)).startsWith("resnet-sgd-");
        assertThat(first.out()).contains("Try next:")
                .contains("trialgraph lineage " + Cifar10Study.model("custom-adam-60"))
                .contains("trialgraph metrics plot val_acc custom-adam-60-training custom-adam-120-training");

        assertThat(server.count("MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: 'cifar10-custom-vs-resnet'}) RETURN count(t)"))
                .isEqualTo(18);
        assertThat(server.count("MATCH (:TrialComponent {name: 'experiment-metadata'})-[r:PART_OF]->(:Trial) RETURN count(r)"))
                .isEqualTo(18);
        assertThat(server.count("MATCH (:TrialComponent {kind: 'training', status: 'Completed'})-[:PRODUCED]->(m:Model) RETURN count(m)"))
                .isEqualTo(18);
        assertThat(server.count("MATCH (:TrialComponent {kind: 'training'})-[:HAS_METRIC]->(m:Metric) RETURN count(m)"))
                .as("loss, acc, val_loss, val_acc, test_acc, test_loss per job").isEqualTo(18 * 6);

        // Again: a fresh copy of the study beside the first, every name with -2.
        Cli.Result second = Cli.run(server, "demo");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("Recording experiment cifar10-custom-vs-resnet-2");
        assertThat(second.tableRows().get(0)).startsWith("custom-adam-60-2-training");
        assertThat(server.count("MATCH (t:Trial) RETURN count(t)")).isEqualTo(36);
        assertThat(server.count("MATCH (d:Dataset) RETURN count(d)")).as("both copies read the same datasets").isEqualTo(3);
        assertThat(Cli.run(server, "experiments", "list").tableRows())
                .extracting(row -> row.split(" +")[0]).containsExactly("cifar10-custom-vs-resnet", "cifar10-custom-vs-resnet-2");
    }
}
