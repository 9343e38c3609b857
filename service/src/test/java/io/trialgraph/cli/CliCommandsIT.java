package io.trialgraph.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.trialgraph.testing.SeedStudy;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Every command of {@code trialgraph} in each of its output formats, run in this JVM against a
 * real server holding the seed study (one step an epoch, so 30 to 120 points a curve).
 */
@TrialGraphTest
class CliCommandsIT {

    private static final String EXPERIMENT = Cifar10Study.EXPERIMENT;
    private static final String BEST_JOB = "custom-adam-60-training";

    private TestServer server;

    @BeforeEach
    void recordTheStudy(TestServer server) {
        this.server = server;
        SeedStudy.record(server, Cifar10Study.first().withStepsPerEpoch(1));
    }

    private Cli.Result ok(String... args) {
        Cli.Result result = Cli.run(server, args);
        assertThat(result.exitCode())
                .as("exit code of %s; stderr: %s", List.of(args), result.err())
                .isZero();
        assertThat(result.err()).isEmpty();
        return result;
    }

    @Test
    void experimentsListAndShow() {
        Cli.Result table = ok("experiments", "list");
        assertThat(table.out().lines().findFirst().orElseThrow())
                .startsWith("name")
                .contains("trials")
                .contains("description");
        assertThat(table.tableRows())
                .singleElement()
                .asString()
                .startsWith(EXPERIMENT)
                .contains(" 18 ")
                .contains(Cifar10Study.DESCRIPTION);

        List<List<String>> csv = ok("experiments", "list", "--format", "csv").csv();
        assertThat(csv.get(0)).containsExactly("name", "trials", "created", "description");
        assertThat(csv).hasSize(2);
        assertThat(csv.get(1).get(0)).isEqualTo(EXPERIMENT);
        assertThat(csv.get(1).get(1)).isEqualTo("18");

        JsonNode json = ok("experiments", "list", "--format", "json").json();
        assertThat(json.size()).isOne();
        assertThat(json.get(0).get("name").asText()).isEqualTo(EXPERIMENT);
        assertThat(json.get(0).get("trialCount").asLong()).isEqualTo(18);
        assertThat(json.get(0).get("tags").get("dataset").asText()).isEqualTo("cifar10");

        assertThat(ok("experiments", "list", "--prefix", "nothing-").tableRows())
                .isEmpty();

        Cli.Result show = ok("experiments", "show", EXPERIMENT);
        assertThat(show.out())
                .contains("description:  " + Cifar10Study.DESCRIPTION)
                .containsPattern("trials: +18")
                .containsPattern("tags: +dataset=cifar10");
        assertThat(ok("experiments", "show", EXPERIMENT, "--format", "json")
                        .json()
                        .get("trialCount")
                        .asLong())
                .isEqualTo(18);
        List<List<String>> fields =
                ok("experiments", "show", EXPERIMENT, "--format", "csv").csv();
        assertThat(fields.get(0)).containsExactly("field", "value");
        assertThat(fields).contains(List.of("name", EXPERIMENT));
    }

    @Test
    void trialsListAndShow() {
        assertThat(ok("trials", "list", "--experiment", EXPERIMENT).tableRows())
                .hasSize(18)
                .allSatisfy(row -> assertThat(row).contains(EXPERIMENT));
        assertThat(ok("trials", "list").tableRows()).hasSize(18);

        // The tags cell holds a comma: CSV quotes it, and the strict parse keeps every row five cells wide.
        List<List<String>> csv = ok("trials", "list", "--experiment", EXPERIMENT, "--format", "csv")
                .csv();
        assertThat(csv).hasSize(19);
        assertThat(csv.get(0)).containsExactly("name", "experiment", "components", "tags", "created");
        assertThat(csv)
                .contains(List.of(
                        "custom-adam-60",
                        EXPERIMENT,
                        "3",
                        "model=custom,optimizer=adam",
                        csv.get(3).get(4)));

        JsonNode json = ok("trials", "list", "--experiment", EXPERIMENT, "--format", "json")
                .json();
        assertThat(json.size()).isEqualTo(18);
        assertThat(json.get(0).get("name").asText()).isEqualTo("custom-adam-120");

        assertThat(ok("trials", "show", "custom-adam-60").out())
                .containsPattern("experiment: +" + EXPERIMENT)
                .containsPattern("components: +3");
        assertThat(ok("trials", "show", "custom-adam-60", "--format", "json")
                        .json()
                        .get("tags")
                        .get("optimizer")
                        .asText())
                .isEqualTo("adam");
    }

    @Test
    void componentsListAndShowWithMetrics() {
        assertThat(ok("components", "list", "--experiment", EXPERIMENT).tableRows())
                .as("experiment-metadata, 18 trial-metadata, 18 training jobs")
                .hasSize(37);
        assertThat(ok("components", "list", "--trial", "custom-adam-60").tableRows())
                .extracting(row -> row.split(" +")[0])
                .containsExactly("custom-adam-60-metadata", BEST_JOB, "experiment-metadata");
        assertThat(ok("components", "list", "--experiment", EXPERIMENT, "--kind", "training", "--format", "csv")
                        .csv())
                .hasSize(19);
        assertThat(ok("components", "list", "--format", "json").json().size())
                .as("with the preprocessing")
                .isEqualTo(38);

        Cli.Result show = ok("components", "show", BEST_JOB);
        assertThat(show.out())
                .containsPattern("status: +COMPLETED")
                .containsPattern("param epochs: +60")
                .containsPattern("output model: +" + Cifar10Study.model("custom-adam-60") + " \\(model\\)");
        assertThat(show.out().lines().filter(line -> line.startsWith("val_acc")))
                .singleElement()
                .asString()
                .contains(" 60 ")
                .endsWith(" 59");

        JsonNode json = ok("components", "show", BEST_JOB, "--format", "json").json();
        assertThat(json.get("component").get("parameters").get("epochs").asLong())
                .isEqualTo(60);
        assertThat(json.get("metrics").size()).isEqualTo(6);
    }

    @Test
    void analyticsInEveryFormat() {
        String[] query = {
            "analytics",
            EXPERIMENT,
            "--filter",
            "kind = \"training\"",
            "--sort",
            "metrics.test_acc.last:desc",
            "--columns",
            "name,params.epochs,metrics.test_acc.last"
        };

        Cli.Result table = ok(concat(query, "--limit", "5"));
        assertThat(table.out().lines().findFirst().orElseThrow())
                .containsPattern("name +params.epochs +metrics.test_acc.last");
        assertThat(table.tableRows()).hasSize(5);
        assertThat(table.tableRows().get(0)).matches(BEST_JOB + " +60 +0.87");
        assertThat(table.out()).contains("(5 of 18 rows)");

        List<List<String>> csv = ok(concat(query, "--format", "csv")).csv();
        assertThat(csv.get(0)).containsExactly("name", "params.epochs", "metrics.test_acc.last");
        assertThat(csv).hasSize(19);
        assertThat(csv.get(1)).containsExactly(BEST_JOB, "60", "0.87");
        assertThat(csv.subList(1, 19))
                .extracting(row -> Double.parseDouble(row.get(2)))
                .isSortedAccordingTo((a, b) -> Double.compare(b, a));

        JsonNode json = ok(concat(query, "--format", "json")).json();
        assertThat(json.size()).isEqualTo(18);
        assertThat(json.get(0).get("name").asText()).isEqualTo(BEST_JOB);
        assertThat(json.get(0).get("params.epochs").asLong()).isEqualTo(60);
        assertThat(json.get(0).get("metrics.test_acc.last").asDouble()).isCloseTo(0.87, within(1e-12));

        // The best job per number of epochs.
        assertThat(ok(concat(query, "--group-by", "params.epochs")).tableRows())
                .extracting(row -> row.split(" +")[0])
                .containsExactly(BEST_JOB, "custom-adam-120-training", "custom-adam-30-training");

        // Without --columns: the server's default (every parameter and statistic).
        List<List<String>> all = ok("analytics", EXPERIMENT, "--format", "csv").csv();
        assertThat(all).hasSize(38);
        assertThat(all.get(0)).contains("name", "kind", "params.epochs", "metrics.val_acc.max", "metrics.loss.last");

        // A row per trial, its components' columns under their kind.
        Cli.Result perTrial = ok(
                "analytics",
                EXPERIMENT,
                "--per-trial",
                "--filter",
                "training.params.epochs = 60",
                "--sort",
                "training.metrics.test_acc.last:desc",
                "--columns",
                "name,tracker.params.optimizer,training.metrics.test_acc.last",
                "--limit",
                "1");
        assertThat(perTrial.tableRows()).singleElement().asString().matches("custom-adam-60 +adam +0.87");
        // Across experiments: the best trial of every experiment that read the training data,
        // and every component of the experiments tagged dataset=cifar10.
        List<List<String>> winners = ok(
                        "analytics",
                        "--dataset",
                        Cifar10Study.dataset("train"),
                        "--per-trial",
                        "--sort",
                        "training.metrics.test_acc.last:desc",
                        "--group-by",
                        "experiment",
                        "--columns",
                        "experiment,name,training.params.optimizer",
                        "--format",
                        "csv")
                .csv();
        assertThat(winners)
                .containsExactly(
                        List.of("experiment", "name", "training.params.optimizer"),
                        List.of(EXPERIMENT, "custom-adam-60", "adam"));
        assertThat(ok("analytics", "--experiment-tag", "dataset=cifar10", "--columns", "name", "--format", "csv")
                        .csv())
                .hasSize(38);
        Cli.Result twoScopes = Cli.run(server, "analytics", EXPERIMENT, "--dataset", Cifar10Study.dataset("train"));
        assertThat(twoScopes.exitCode()).isEqualTo(2);
        assertThat(twoScopes.err()).contains("name exactly one of EXPERIMENT, --dataset URI and --experiment-tag K=V");
    }

    @Test
    void lineageAsTableJsonAndDot() {
        String model = Cifar10Study.model("custom-adam-60");
        Cli.Result table = ok("lineage", model);
        assertThat(table.tableRows()).hasSize(7);
        assertThat(table.tableRows().get(0)).matches(" *0 +model +" + model);
        assertThat(table.tableRows().get(6)).matches(" *4 +code +" + Cifar10Study.SCRIPT);
        assertThat(table.out()).contains("component:cifar10-preprocessing").contains("PRODUCED");

        JsonNode json = ok("lineage", model, "--upstream", "--format", "json").json();
        assertThat(json.get("nodes").size()).isEqualTo(7);
        assertThat(json.get("edges").size()).isEqualTo(8);
        assertThat(json.get("truncated").asBoolean()).isFalse();

        String dot = ok("lineage", model, "--format", "dot").out();
        assertThat(dot).startsWith("digraph").contains(Cifar10Study.SCRIPT).endsWith("}\n");

        // From a component, downstream: its model; from the train dataset, one hop: the jobs that read it.
        assertThat(ok("lineage", BEST_JOB, "--downstream", "--format", "json")
                        .json()
                        .get("nodes")
                        .size())
                .isEqualTo(2);
        assertThat(ok("lineage", Cifar10Study.dataset("train"), "--downstream", "--depth", "1")
                        .tableRows())
                .as("the dataset, 18 training jobs and the experiment-metadata")
                .hasSize(20);
        assertThat(ok("lineage", "component:" + BEST_JOB, "--both").tableRows())
                .as("the job, its datasets, their processing and script, its model")
                .hasSize(7);
    }

    @Test
    void metricsAsCsvAndJson() {
        List<List<String>> csv = ok("metrics", BEST_JOB, "val_acc").csv();
        assertThat(csv.get(0)).containsExactly("step", "value", "timestamp");
        assertThat(csv).hasSize(61);
        assertThat(csv.get(1).get(0)).isEqualTo("0");
        assertThat(Double.parseDouble(csv.get(60).get(1))).isBetween(0.84, 0.86);

        List<List<String>> downsampled =
                ok("metrics", BEST_JOB, "val_acc", "--max-points", "8").csv();
        assertThat(downsampled.size() - 1).isBetween(4, 8);

        JsonNode json = ok("metrics", BEST_JOB, "test_acc", "--format", "json").json();
        assertThat(json.get("totalPoints").asLong()).isOne();
        assertThat(json.get("values").get(0).asDouble()).isCloseTo(0.87, within(1e-12));
        assertThat(json.get("steps").get(0).asLong()).isEqualTo(60);
    }

    @Test
    void plotWritesPngAndSvg(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("val_acc.png");
        Cli.Result result = ok(
                "metrics",
                "plot",
                "val_acc",
                BEST_JOB,
                "custom-adam-120-training",
                "custom-rmsprop-60-training",
                "--output",
                png.toString());
        assertThat(result.out()).contains("wrote " + png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(540);

        Path svg = dir.resolve("val_acc.svg");
        ok("metrics", "plot", "val_acc", BEST_JOB, "--output", svg.toString());
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setFeature(
                "http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // no network for the SVG DTD
        Document document = xml.newDocumentBuilder().parse(svg.toFile());
        assertThat(document.getDocumentElement().getNodeName()).isEqualTo("svg");
        assertThat(document.getElementsByTagName("*").getLength())
                .as("axes, lines, legend")
                .isGreaterThan(10);
    }

    @Test
    void cypherWithTypedParametersAsTableAndJson() {
        String query = "MATCH (job:TrialComponent {kind: 'training'})-[:HAS_METRIC]->(m:Metric {name: 'test_acc'})"
                + " WHERE job.`param.epochs` = $epochs AND job.`param.augmentation` = $augmented"
                + " RETURN job.name AS job, m.last AS test_acc ORDER BY test_acc DESC";
        Cli.Result table = ok("cypher", query, "--param", "epochs=60", "--param", "augmented=true");
        assertThat(table.tableRows()).hasSize(6);
        assertThat(table.tableRows().get(0)).matches(BEST_JOB + " +0.87");
        assertThat(table.out()).contains("(6 rows)");

        JsonNode json = ok("cypher", query, "-p", "epochs=60", "-p", "augmented=true", "--format", "json")
                .json();
        assertThat(json.size()).isEqualTo(6);
        assertThat(json.get(0).get("job").asText()).isEqualTo(BEST_JOB);

        JsonNode path = ok(
                        "cypher",
                        "MATCH p = (:Dataset {uri: $train})-[:CONSUMED_BY]->(:TrialComponent {name: $job}) RETURN p",
                        "--param",
                        "train=" + Cifar10Study.dataset("train"),
                        "--param",
                        "job=" + BEST_JOB,
                        "--format",
                        "json")
                .json();
        assertThat(path.get(0).get("p").get("nodes").size()).isEqualTo(2);
        assertThat(ok("cypher", "MATCH (e:Experiment) RETURN e").tableRows())
                .singleElement()
                .asString()
                .startsWith("(:Experiment {")
                .contains("\"name\":\"" + EXPERIMENT + "\"");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
