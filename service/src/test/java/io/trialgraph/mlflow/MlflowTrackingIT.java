package io.trialgraph.mlflow;

import static io.trialgraph.testing.HttpPort.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trialgraph.client.Experiment;
import io.trialgraph.client.Table;
import io.trialgraph.client.TableRequest;
import io.trialgraph.client.TrialComponent;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A training script that logs through MLflow, as MLflow's Python client (2.x and 3.x) sends it:
 * the same requests, field for field, and answers checked against the JSON shape of MLflow's
 * service.proto. The run then is a trial component like any other: typed parameters, the same
 * metric summaries, a row of the analytics table.
 */
@TrialGraphTest
class MlflowTrackingIT {

    private static final long T0 = 1_700_000_000_000L;

    /**
     * <pre>
     * mlflow.set_experiment("cifar10-mlflow")
     * with mlflow.start_run(run_name="resnet-adam"):
     *     mlflow.log_params({"lr": 0.001, "optimizer": "adam", "epochs": 30})
     *     for step in range(3):
     *         mlflow.log_metrics({"loss": ..., "acc": ...}, step=step)
     * </pre>
     */
    @Test
    void aTrainingScriptRecordsARun(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);

        // set_experiment: get-by-name answers RESOURCE_DOES_NOT_EXIST, so the client creates it and reads it back.
        MlflowRest.error(
                mlflow.get("experiments/get-by-name", "experiment_name=cifar10-mlflow"),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        JsonNode created = mlflow.ok("experiments/create", """
                {"name": "cifar10-mlflow"}""");
        assertThat(fieldNames(created)).containsExactly("experiment_id");
        String experimentId = created.get("experiment_id").asText();
        assertThat(experimentId).matches("[0-9]{18}");
        JsonNode experiment =
                mlflow.okGet("experiments/get", "experiment_id=" + experimentId).get("experiment");
        assertThat(fieldNames(experiment))
                .containsExactlyInAnyOrder(
                        "experiment_id",
                        "name",
                        "artifact_location",
                        "lifecycle_stage",
                        "last_update_time",
                        "creation_time");
        assertThat(experiment.get("experiment_id").asText()).isEqualTo(experimentId);
        assertThat(experiment.get("name").asText()).isEqualTo("cifar10-mlflow");
        assertThat(experiment.get("artifact_location").asText()).isEqualTo("mlartifacts/" + experimentId);
        assertThat(experiment.get("lifecycle_stage").asText()).isEqualTo("active");
        assertThat(experiment.get("creation_time").isIntegralNumber()).isTrue();
        assertThat(experiment.get("last_update_time").asLong())
                .isGreaterThanOrEqualTo(experiment.get("creation_time").asLong());

        // start_run: the client's context gives the user, source and run name tags.
        JsonNode run = mlflow.ok("runs/create", """
                {"experiment_id": "%s", "user_id": "alice", "start_time": %d,
                 "tags": [{"key": "mlflow.user", "value": "alice"}, {"key": "mlflow.source.name", "value": "train.py"},
                          {"key": "mlflow.source.type", "value": "LOCAL"}, {"key": "mlflow.runName", "value": "resnet-adam"}],
                 "run_name": "resnet-adam"}""".formatted(experimentId, T0)).get("run");
        assertThat(fieldNames(run)).containsExactly("info", "data", "inputs", "outputs");
        JsonNode info = run.get("info");
        String runId = info.get("run_id").asText();
        assertThat(runId).matches("[0-9a-f]{32}");
        assertThat(fieldNames(info))
                .containsExactlyInAnyOrder(
                        "run_id",
                        "run_uuid",
                        "run_name",
                        "experiment_id",
                        "user_id",
                        "status",
                        "start_time",
                        "artifact_uri",
                        "lifecycle_stage");
        assertThat(info.get("run_uuid").asText()).isEqualTo(runId);
        assertThat(info.get("run_name").asText()).isEqualTo("resnet-adam");
        assertThat(info.get("experiment_id").asText()).isEqualTo(experimentId);
        assertThat(info.get("user_id").asText()).isEqualTo("alice");
        assertThat(info.get("status").asText()).isEqualTo("RUNNING");
        assertThat(info.get("start_time").asLong()).isEqualTo(T0);
        assertThat(info.get("artifact_uri").asText())
                .isEqualTo("mlartifacts/" + experimentId + "/" + runId + "/artifacts");
        assertThat(info.get("lifecycle_stage").asText()).isEqualTo("active");
        assertThat(entries(run.at("/data/tags")))
                .containsEntry("mlflow.user", "alice")
                .containsEntry("mlflow.source.name", "train.py")
                .containsEntry("mlflow.runName", "resnet-adam");
        assertThat(run.at("/data/metrics").isMissingNode()).isTrue();
        assertThat(run.at("/data/params").isMissingNode()).isTrue();

        // log_params, then log_metrics once per step: each a log-batch.
        assertThat(fieldNames(mlflow.ok("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "lr", "value": "0.001"}, {"key": "optimizer", "value": "adam"},
                                            {"key": "epochs", "value": "30"}]}""".formatted(runId))))
                .isEmpty();
        double[] loss = {0.9, 0.5, 0.25};
        double[] acc = {0.6, 0.75, 0.875};
        for (int step = 0; step < 3; step++) {
            mlflow.ok("runs/log-batch", """
                    {"run_id": "%s", "metrics": [{"key": "loss", "value": %s, "timestamp": %d, "step": %d},
                                                 {"key": "acc", "value": %s, "timestamp": %d, "step": %d}]}""".formatted(
                            runId, loss[step], T0 + 1000 * step, step, acc[step], T0 + 1000 * step + 1, step));
        }
        // end_run
        JsonNode ended = mlflow.ok("runs/update", """
                {"run_uuid": "%s", "run_id": "%s", "status": "FINISHED", "end_time": %d}""".formatted(runId, runId, T0 + 5000));
        assertThat(ended.at("/run_info/status").asText()).isEqualTo("FINISHED");
        assertThat(ended.at("/run_info/end_time").asLong()).isEqualTo(T0 + 5000);

        JsonNode read = mlflow.okGet("runs/get", "run_uuid=" + runId + "&run_id=" + runId)
                .get("run");
        assertThat(read.at("/info/status").asText()).isEqualTo("FINISHED");
        assertThat(read.at("/info/end_time").asLong()).isEqualTo(T0 + 5000);
        assertThat(entries(read.at("/data/params")))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("epochs", "30", "lr", "0.001", "optimizer", "adam")));
        JsonNode metrics = read.at("/data/metrics");
        assertThat(metrics).hasSize(2);
        JsonNode latestAcc = metrics.get(0);
        assertThat(fieldNames(latestAcc)).containsExactly("key", "value", "timestamp", "step");
        assertThat(latestAcc.get("key").asText()).isEqualTo("acc");
        assertThat(latestAcc.get("value").asDouble()).isEqualTo(0.875);
        assertThat(latestAcc.get("timestamp").asLong()).isEqualTo(T0 + 2001);
        assertThat(latestAcc.get("step").asLong()).isEqualTo(2);
        assertThat(metrics.get(1).get("key").asText()).isEqualTo("loss");
        assertThat(metrics.get(1).get("value").asDouble()).isEqualTo(0.25);

        // MlflowClient.get_metric_history pages by 25,000.
        JsonNode history = mlflow.okGet(
                "metrics/get-history", "run_uuid=" + runId + "&run_id=" + runId + "&metric_key=loss&max_results=25000");
        assertThat(history.has("next_page_token")).isFalse();
        List<double[]> points = new ArrayList<>();
        history.get("metrics")
                .forEach(p -> points.add(new double[] {
                    p.get("step").asLong(),
                    p.get("value").asDouble(),
                    p.get("timestamp").asLong()
                }));
        assertThat(points)
                .containsExactly(
                        new double[] {0, 0.9, T0}, new double[] {1, 0.5, T0 + 1000}, new double[] {2, 0.25, T0 + 2000});

        // The run is a training component of a trial in the experiment, like any other.
        try (TrialGraphClient client = client(server)) {
            TrialComponent component = client.getTrialComponent(runId);
            assertThat(component.kind()).isEqualTo("training");
            assertThat(component.displayName()).isEqualTo("resnet-adam");
            assertThat(component.parameters())
                    .containsEntry("lr", 0.001)
                    .containsEntry("epochs", 30L)
                    .containsEntry("optimizer", "adam");
            assertThat(component.metadata()).containsEntry("mlflow.source.name", "train.py");
            assertThat(client.getTrial(runId).experimentName()).isEqualTo("cifar10-mlflow");
            assertThat(client.getMetricSummaries(runId))
                    .filteredOn(s -> s.metricName().equals("loss"))
                    .singleElement()
                    .satisfies(s -> {
                        assertThat(s.count()).isEqualTo(3);
                        assertThat(s.min()).isEqualTo(0.25);
                        assertThat(s.last()).isEqualTo(0.25);
                        assertThat(s.lastStep()).isEqualTo(2);
                    });
            Table table = client.table(TableRequest.experiment("cifar10-mlflow")
                    .withColumns("name", "status", "params.epochs", "metrics.acc.last")
                    .withFilter("kind = \"training\" AND params.epochs = 30 AND metrics.acc.max > 0.8"));
            assertThat(table.rows()).containsExactly(List.of(runId, "Completed", 30L, 0.875));
        }
    }

    @Test
    void aRunIsResumedByIdAndEndsAgain(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"resumable\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok("runs/create", """
                {"experiment_id": "%s", "start_time": %d, "tags": []}""".formatted(experimentId, T0))
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/log-metric", """
                {"run_uuid": "%s", "run_id": "%s", "key": "loss", "value": 1.5, "timestamp": %d, "step": 0}""".formatted(runId, runId, T0));
        mlflow.ok("runs/update", """
                {"run_uuid": "%s", "run_id": "%s", "status": "KILLED", "end_time": %d}""".formatted(runId, runId, T0 + 100));

        // mlflow.start_run(run_id=...): read the run, then mark it running again.
        assertThat(mlflow.okGet("runs/get", "run_uuid=" + runId + "&run_id=" + runId)
                        .at("/run/info/status")
                        .asText())
                .isEqualTo("KILLED");
        JsonNode resumed = mlflow.ok("runs/update", """
                {"run_uuid": "%s", "run_id": "%s", "status": "RUNNING"}""".formatted(runId, runId)).get("run_info");
        assertThat(resumed.get("status").asText()).isEqualTo("RUNNING");
        assertThat(resumed.has("end_time")).as("a resumed run has not ended").isFalse();
        assertThat(resumed.get("start_time").asLong()).isEqualTo(T0);
        mlflow.ok("runs/log-metric", """
                {"run_uuid": "%s", "run_id": "%s", "key": "loss", "value": 0.5, "timestamp": %d, "step": 1}""".formatted(runId, runId, T0 + 200));
        mlflow.ok("runs/update", """
                {"run_uuid": "%s", "run_id": "%s", "status": "FINISHED", "end_time": %d}""".formatted(runId, runId, T0 + 300));

        JsonNode run = mlflow.okGet("runs/get", "run_id=" + runId).get("run");
        assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
        assertThat(run.at("/info/end_time").asLong()).isEqualTo(T0 + 300);
        assertThat(run.at("/data/metrics/0/value").asDouble()).isEqualTo(0.5);
        assertThat(run.at("/info/run_name").asText()).as("a generated name").matches("[a-z]+-[a-z]+-[0-9]+");
        assertThat(mlflow.okGet("metrics/get-history", "run_id=" + runId + "&metric_key=loss")
                        .get("metrics"))
                .hasSize(2);
    }

    @Test
    void historyComesInPagesWithoutLosingOrRepeatingPoints(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"history\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        // mlflow.log_metric without a step logs at step 0 again and again; then steps 1, 2 three times each.
        StringBuilder metrics = new StringBuilder();
        List<Long> steps = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long step = i < 5 ? 0 : (i - 5) / 3 + 1;
            steps.add(step);
            metrics.append(i == 0 ? "" : ", ")
                    .append("{\"key\": \"loss\", \"value\": %d, \"timestamp\": %d, \"step\": %d}"
                            .formatted(i, T0 + i, step));
        }
        mlflow.ok("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": [%s]}".formatted(runId, metrics));
        List<Long> values = new ArrayList<>();
        List<Long> pageSteps = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            JsonNode page = mlflow.okGet(
                    "metrics/get-history",
                    "run_id=" + runId + "&metric_key=loss&max_results=3"
                            + (token.isEmpty() ? "" : "&page_token=" + token));
            page.get("metrics").forEach(p -> {
                values.add(p.get("value").asLong());
                pageSteps.add(p.get("step").asLong());
            });
            token = page.path("next_page_token").asText("");
            pages++;
        } while (!token.isEmpty() && pages < 10);
        assertThat(values).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(pageSteps).isEqualTo(steps);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void parametersReadBackAsLoggedAndNeverChange(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"params\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "wd", "value": "1e-05"}, {"key": "seed", "value": "007"},
                  {"key": "shuffle", "value": "True"}, {"key": "scale", "value": "60.0"}, {"key": "layers", "value": "[64, 64]"},
                  {"key": "batch", "value": "128"}, {"key": "momentum", "value": "0.9"}, {"key": "empty", "value": ""},
                  {"key": "_name_or_path", "value": "bert-base-uncased"}, {"key": "model/num hidden layers", "value": "12"}]}""".formatted(runId));
        // log_param of a value logged before is fine.
        mlflow.ok("runs/log-parameter", """
                {"run_uuid": "%s", "run_id": "%s", "key": "batch", "value": "128"}""".formatted(runId, runId));
        JsonNode params = mlflow.okGet("runs/get", "run_id=" + runId).at("/run/data/params");
        // Keys as MLflow allows them, Hugging Face's model configuration's among them.
        assertThat(entries(params))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "wd",
                        "1e-05",
                        "seed",
                        "007",
                        "shuffle",
                        "True",
                        "scale",
                        "60.0",
                        "layers",
                        "[64, 64]",
                        "batch",
                        "128",
                        "momentum",
                        "0.9",
                        "empty",
                        "",
                        "_name_or_path",
                        "bert-base-uncased",
                        "model/num hidden layers",
                        "12")));
        try (TrialGraphClient client = client(server)) {
            assertThat(client.getTrialComponent(runId).parameters())
                    .containsEntry("batch", 128L)
                    .containsEntry("momentum", 0.9)
                    .containsEntry("shuffle", true)
                    .containsEntry("wd", "1e-05")
                    .containsEntry("seed", "007");
        }

        // A new value is refused, and nothing of that request is stored.
        String message = MlflowRest.error(
                mlflow.post("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "batch", "value": "256"}],
                 "metrics": [{"key": "loss", "value": 1.0, "timestamp": %d, "step": 0}],
                 "tags": [{"key": "team", "value": "vision"}]}""".formatted(runId, T0)), 400, "INVALID_PARAMETER_VALUE");
        assertThat(message).contains("params[batch]").contains("'128'").contains("'256'");
        JsonNode run = mlflow.okGet("runs/get", "run_id=" + runId).get("run");
        assertThat(run.at("/data/metrics").isMissingNode()).isTrue();
        assertThat(entries(run.at("/data/tags"))).doesNotContainKey("team");
    }

    @Test
    void tagsAreSetRenamedAndDeleted(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"tags\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok(
                        "runs/create", "{\"experiment_id\": \"%s\", \"run_name\": \"first\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/set-tag", """
                {"run_uuid": "%s", "run_id": "%s", "key": "team", "value": "vision"}""".formatted(runId, runId));
        // Setting mlflow.runName renames the run, as MLflow's server does.
        mlflow.ok("runs/set-tag", """
                {"run_uuid": "%s", "run_id": "%s", "key": "mlflow.runName", "value": "second"}""".formatted(runId, runId));
        JsonNode run = mlflow.okGet("runs/get", "run_id=" + runId).get("run");
        assertThat(run.at("/info/run_name").asText()).isEqualTo("second");
        assertThat(entries(run.at("/data/tags")))
                .containsEntry("team", "vision")
                .containsEntry("mlflow.runName", "second");
        mlflow.ok("runs/delete-tag", "{\"run_id\": \"%s\", \"key\": \"team\"}".formatted(runId));
        assertThat(entries(mlflow.okGet("runs/get", "run_id=" + runId).at("/run/data/tags")))
                .doesNotContainKey("team");
        MlflowRest.error(
                mlflow.post("runs/delete-tag", "{\"run_id\": \"%s\", \"key\": \"team\"}".formatted(runId)),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        // update_run with a name renames the run too
        mlflow.ok("runs/update", "{\"run_id\": \"%s\", \"run_name\": \"third\"}".formatted(runId));
        try (TrialGraphClient client = client(server)) {
            assertThat(client.getTrialComponent(runId).displayName()).isEqualTo("third");
            assertThat(client.getTrial(runId).displayName()).isEqualTo("third");
        }
    }

    @Test
    void experimentsAreRenamedTaggedDeletedAndRestored(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        // A name that is no trialgraph name is kept as MLflow's name beside a derived one.
        String id = mlflow.ok("experiments/create", """
                {"name": "/Users/alice@example.com/My Experiment", "artifact_location": "s3://bucket/mlflow/exp",
                 "tags": [{"key": "team", "value": "vision"}, {"key": "mlflow.note.content", "value": "custom beats resnet"}]}""").get("experiment_id").asText();
        JsonNode experiment = mlflow.okGet(
                        "experiments/get-by-name",
                        "experiment_name=" + encode("/Users/alice@example.com/My Experiment"))
                .get("experiment");
        assertThat(experiment.get("experiment_id").asText()).isEqualTo(id);
        assertThat(experiment.get("artifact_location").asText()).isEqualTo("s3://bucket/mlflow/exp");
        assertThat(entries(experiment.get("tags")))
                .containsEntry("team", "vision")
                .containsEntry("mlflow.note.content", "custom beats resnet");
        try (TrialGraphClient client = client(server)) {
            Experiment graph = client.getExperiment("Users-alice-example.com-My-Experiment-" + id);
            assertThat(graph.displayName()).isEqualTo("/Users/alice@example.com/My Experiment");
            assertThat(graph.description()).isEqualTo("custom beats resnet");
            assertThat(graph.tags()).containsEntry("team", "vision");
        }
        String runId = mlflow.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(id))
                .at("/run/info/run_id")
                .asText();
        assertThat(mlflow.okGet("runs/get", "run_id=" + runId)
                        .at("/run/info/artifact_uri")
                        .asText())
                .isEqualTo("s3://bucket/mlflow/exp/" + runId + "/artifacts");

        mlflow.ok(
                "experiments/update", "{\"experiment_id\": \"%s\", \"new_name\": \"vision-baselines\"}".formatted(id));
        assertThat(mlflow.okGet("experiments/get-by-name", "experiment_name=vision-baselines")
                        .at("/experiment/experiment_id")
                        .asText())
                .isEqualTo(id);
        MlflowRest.error(
                mlflow.get(
                        "experiments/get-by-name",
                        "experiment_name=" + encode("/Users/alice@example.com/My Experiment")),
                404,
                "RESOURCE_DOES_NOT_EXIST");
        mlflow.ok(
                "experiments/set-experiment-tag",
                "{\"experiment_id\": \"%s\", \"key\": \"stage\", \"value\": \"2\"}".formatted(id));
        mlflow.ok("experiments/delete-experiment-tag", "{\"experiment_id\": \"%s\", \"key\": \"team\"}".formatted(id));
        assertThat(entries(
                        mlflow.okGet("experiments/get", "experiment_id=" + id).at("/experiment/tags")))
                .containsEntry("stage", "2")
                .doesNotContainKey("team");

        // Deleting an experiment deletes its runs (restorably); logging to them is refused meanwhile.
        mlflow.ok("experiments/delete", "{\"experiment_id\": \"%s\"}".formatted(id));
        assertThat(mlflow.okGet("experiments/get", "experiment_id=" + id)
                        .at("/experiment/lifecycle_stage")
                        .asText())
                .isEqualTo("deleted");
        assertThat(mlflow.okGet("runs/get", "run_id=" + runId)
                        .at("/run/info/lifecycle_stage")
                        .asText())
                .isEqualTo("deleted");
        MlflowRest.error(
                mlflow.post(
                        "runs/log-parameter",
                        "{\"run_id\": \"%s\", \"key\": \"a\", \"value\": \"1\"}".formatted(runId)),
                400,
                "INVALID_PARAMETER_VALUE");
        MlflowRest.error(
                mlflow.post("runs/create", "{\"experiment_id\": \"%s\"}".formatted(id)),
                400,
                "INVALID_PARAMETER_VALUE");
        MlflowRest.error(
                mlflow.post("experiments/create", "{\"name\": \"vision-baselines\"}"), 400, "RESOURCE_ALREADY_EXISTS");
        mlflow.ok("experiments/restore", "{\"experiment_id\": \"%s\"}".formatted(id));
        assertThat(mlflow.okGet("runs/get", "run_id=" + runId)
                        .at("/run/info/lifecycle_stage")
                        .asText())
                .isEqualTo("active");
        mlflow.ok("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"a\", \"value\": \"1\"}".formatted(runId));
    }

    @Test
    void theDefaultExperimentExistsAndTakesRuns(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        JsonNode experiment = mlflow.okGet("experiments/get", "experiment_id=0").get("experiment");
        assertThat(experiment.get("name").asText()).isEqualTo("Default");
        assertThat(experiment.get("artifact_location").asText()).isEqualTo("mlartifacts/0");
        // mlflow.start_run() without an experiment: the client sends experiment id "0".
        JsonNode run = mlflow.ok("runs/create", "{\"experiment_id\": \"0\", \"tags\": []}")
                .get("run");
        assertThat(run.at("/info/experiment_id").asText()).isEqualTo("0");
        assertThat(mlflow.okGet("experiments/get-by-name", "experiment_name=Default")
                        .at("/experiment/experiment_id")
                        .asText())
                .isEqualTo("0");
    }

    static TrialGraphClient client(TestServer server) {
        return TrialGraphClient.builder()
                .target("127.0.0.1:" + server.port())
                .plaintext()
                .build();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    /** MLflow's [{"key": k, "value": v}] lists as a map. */
    static Map<String, String> entries(JsonNode list) {
        Map<String, String> map = new TreeMap<>();
        if (list != null && list.isArray()) {
            list.forEach(entry -> {
                assertThat(fieldNames(entry)).containsExactly("key", "value");
                map.put(entry.get("key").asText(), entry.get("value").asText());
            });
        }
        return map;
    }
}
