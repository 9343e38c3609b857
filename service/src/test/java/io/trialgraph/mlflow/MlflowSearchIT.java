package io.trialgraph.mlflow;

import static io.trialgraph.mlflow.MlflowTrackingIT.entries;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trialgraph.client.Tracker;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.testing.HttpPort;
import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MLflow's search of runs and experiments: its filter language, order_by, view types and pages,
 * over runs logged through MLflow.
 */
@TrialGraphTest
class MlflowSearchIT {

    private static final long T0 = 1_700_000_000_000L;
    private static final String[] OPTIMIZERS = {"adam", "sgd", "rmsprop"};

    /** 12 runs: run-i has optimizer OPTIMIZERS[i % 3], epochs 30 or 60, acc i/16, started at T0 + i. */
    private static List<String> study(MlflowRest mlflow, String experimentId) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String runId = mlflow.ok(
                            "runs/create", """
                    {"experiment_id": "%s", "run_name": "run-%d", "start_time": %d,
                     "tags": [{"key": "mlflow.runName", "value": "run-%d"}, {"key": "team", "value": "%s"}]}""".formatted(experimentId, i, T0 + i, i, i < 6 ? "vision" : "Vision-2"))
                    .at("/run/info/run_id")
                    .asText();
            mlflow.ok("runs/log-batch", """
                    {"run_id": "%s", "params": [{"key": "optimizer", "value": "%s"}, {"key": "epochs", "value": "%d"}],
                     "metrics": [{"key": "acc", "value": %s, "timestamp": %d, "step": 0},
                                 {"key": "acc", "value": %s, "timestamp": %d, "step": 1}]}""".formatted(
                            runId, OPTIMIZERS[i % 3], i % 2 == 0 ? 30 : 60, i / 32.0, T0, i / 16.0, T0 + 1));
            if (i % 4 == 0) {
                mlflow.ok(
                        "runs/update",
                        "{\"run_id\": \"%s\", \"status\": \"FINISHED\", \"end_time\": %d}"
                                .formatted(runId, T0 + 100 + i));
            }
            ids.add(runId);
        }
        return ids;
    }

    private static List<String> names(JsonNode answer) {
        List<String> names = new ArrayList<>();
        answer.path("runs").forEach(run -> names.add(run.at("/info/run_name").asText()));
        return names;
    }

    @Test
    void searchesRunsWithAFilterAnOrderAndPages(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"search\"}")
                .get("experiment_id")
                .asText();
        List<String> ids = study(mlflow, experimentId);

        // MlflowClient.search_runs(..., filter_string, order_by=["metrics.acc DESC"], max_results=3)
        String request = """
                {"experiment_ids": ["%s"], "filter": "metrics.acc > 0.2 and params.optimizer = 'adam'",
                 "run_view_type": "ACTIVE_ONLY", "max_results": 3, "order_by": ["metrics.acc DESC"]%s}""";
        JsonNode first = mlflow.ok("runs/search", request.formatted(experimentId, ""));
        // adam: runs 0, 3, 6, 9 with last acc 0, 3/16, 6/16, 9/16; above 0.2: 6 and 9
        assertThat(names(first)).containsExactly("run-9", "run-6");
        assertThat(first.has("next_page_token")).isFalse();
        JsonNode run = first.get("runs").get(0);
        assertThat(run.at("/info/run_id").asText()).isEqualTo(ids.get(9));
        assertThat(run.at("/info/experiment_id").asText()).isEqualTo(experimentId);
        assertThat(entries(run.at("/data/params")))
                .containsEntry("optimizer", "adam")
                .containsEntry("epochs", "60");
        assertThat(run.at("/data/metrics/0/value").asDouble()).isEqualTo(9 / 16.0);
        assertThat(run.at("/data/metrics/0/step").asLong()).isEqualTo(1);

        // Paging through all runs, newest start first (the default order).
        List<String> all = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            JsonNode page = mlflow.ok("runs/search", """
                    {"experiment_ids": ["%s"], "max_results": 5%s}""".formatted(
                            experimentId, token.isEmpty() ? "" : ", \"page_token\": \"" + token + "\""));
            all.addAll(names(page));
            token = page.path("next_page_token").asText("");
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(all)
                .containsExactly(
                        "run-11", "run-10", "run-9", "run-8", "run-7", "run-6", "run-5", "run-4", "run-3", "run-2",
                        "run-1", "run-0");

        // Parameters compare as the strings logged; tags with LIKE / ILIKE; attributes; several order keys.
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "params.epochs = '30' AND tags.team ILIKE 'vision%%' AND attributes.status = 'FINISHED'",
                 "order_by": ["params.optimizer", "metrics.acc DESC"]}""".formatted(experimentId))))
                .containsExactly("run-0", "run-8", "run-4");
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "tags.team LIKE 'V%%' and run_name != 'run-7' and start_time >= %d",
                 "order_by": ["start_time ASC"]}""".formatted(experimentId, T0 + 9))))
                .containsExactly("run-9", "run-10", "run-11");
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "attributes.run_id IN ('%s', '%s') and metrics.`acc` <= 0.5",
                 "order_by": ["attributes.run_name DESC"]}""".formatted(experimentId, ids.get(1), ids.get(11)))))
                .containsExactly("run-1");
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "params.missing = 'x'"}""".formatted(experimentId)))).isEmpty();

        // Deleted runs are left out unless asked for.
        mlflow.ok("runs/delete", "{\"run_id\": \"%s\"}".formatted(ids.get(11)));
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "max_results": 2}""".formatted(experimentId)))).containsExactly("run-10", "run-9");
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "run_view_type": "DELETED_ONLY"}""".formatted(experimentId)))).containsExactly("run-11");
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "run_view_type": 3, "max_results": 1}""".formatted(experimentId)))).containsExactly("run-11");
        mlflow.ok("runs/restore", "{\"run_id\": \"%s\"}".formatted(ids.get(11)));
        assertThat(names(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "max_results": 1}""".formatted(experimentId)))).containsExactly("run-11");
    }

    @Test
    void aFilterThatDoesNotParseIsRefusedWithItsPosition(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"bad-filters\"}")
                .get("experiment_id")
                .asText();
        String message = MlflowRest.error(
                mlflow.post("runs/search", """
                {"experiment_ids": ["%s"], "filter": "metrics.acc > 'high'"}""".formatted(experimentId)), 400, "INVALID_PARAMETER_VALUE");
        assertThat(message).isEqualTo("filter: at position 15: expected a number, found ''high''");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/search", """
                {"experiment_ids": ["%s"], "filter": "params.lr > '0.1'"}""".formatted(experimentId)), 400, "INVALID_PARAMETER_VALUE"))
                .contains("parameter 'lr' compares strings");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/search", """
                {"experiment_ids": ["%s"], "filter": "metrics.acc > 0.1 or metrics.acc < 0"}""".formatted(experimentId)), 400, "INVALID_PARAMETER_VALUE"))
                .contains("expected AND or the end of the filter");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/search", """
                {"experiment_ids": ["%s"], "order_by": ["metrics.acc SIDEWAYS"]}""".formatted(experimentId)), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("order_by[0]: ");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/search", """
                {"experiment_ids": ["%s"], "max_results": 50001}""".formatted(experimentId)), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("max_results: ");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/search", """
                {"experiment_ids": ["%s"], "page_token": "not-a-token"}""".formatted(experimentId)), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("page_token: ");
    }

    @Test
    void searchesExperiments(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        for (String name : List.of("cifar-a", "cifar-b", "mnist", "cifar c")) {
            mlflow.ok("experiments/create", """
                    {"name": "%s", "tags": [{"key": "dataset", "value": "%s"}]}""".formatted(name, name.substring(0, 5)));
        }
        String mnist = mlflow.okGet("experiments/get-by-name", "experiment_name=mnist")
                .at("/experiment/experiment_id")
                .asText();
        mlflow.ok("experiments/delete", "{\"experiment_id\": \"%s\"}".formatted(mnist));

        // mlflow.search_experiments(filter_string=..., order_by=[...]): a POST; MLflow's UI uses GET.
        JsonNode answer = mlflow.ok("experiments/search", """
                {"view_type": "ACTIVE_ONLY", "max_results": 2, "filter": "name LIKE 'cifar%'", "order_by": ["name DESC"]}""");
        List<String> names = new ArrayList<>();
        answer.get("experiments").forEach(e -> names.add(e.get("name").asText()));
        assertThat(names).containsExactly("cifar-b", "cifar-a");
        String token = answer.get("next_page_token").asText();
        JsonNode next = mlflow.okGet(
                "experiments/search",
                "max_results=2&filter=" + HttpPort.encode("name LIKE 'cifar%'") + "&order_by="
                        + HttpPort.encode("name DESC") + "&page_token=" + token);
        assertThat(next.get("experiments")).hasSize(1);
        assertThat(next.at("/experiments/0/name").asText()).isEqualTo("cifar c");
        assertThat(next.has("next_page_token")).isFalse();

        JsonNode deleted = mlflow.ok("experiments/search", "{\"view_type\": \"DELETED_ONLY\"}");
        assertThat(deleted.get("experiments")).hasSize(1);
        assertThat(deleted.at("/experiments/0/name").asText()).isEqualTo("mnist");
        assertThat(deleted.at("/experiments/0/lifecycle_stage").asText()).isEqualTo("deleted");
        assertThat(mlflow.ok("experiments/search", """
                {"filter": "tags.dataset = 'cifar' and creation_time > 0"}""").get("experiments")).hasSize(3);
        MlflowRest.error(
                mlflow.post("experiments/search", "{\"filter\": \"metrics.acc > 1\"}"), 400, "INVALID_PARAMETER_VALUE");
    }

    @Test
    void experimentsCreatedThroughGrpcAreFoundWithAnId(TestServer server) {
        try (TrialGraphClient client = MlflowTrackingIT.client(server)) {
            client.createExperiment("from-grpc", "made by the Java client", Map.of("team", "vision"));
            client.createTrial("from-grpc", "t1", Map.of());
            try (Tracker job = client.tracker("t1-training", "training", "t1")) {
                job.logParameters(Map.of("epochs", 30, "lr", 0.01));
            }
        }
        MlflowRest mlflow = MlflowRest.of(server);
        JsonNode experiment = mlflow.okGet("experiments/get-by-name", "experiment_name=from-grpc")
                .get("experiment");
        String id = experiment.get("experiment_id").asText();
        assertThat(id).matches("[0-9]{18}");
        assertThat(entries(experiment.get("tags")))
                .containsEntry("team", "vision")
                .containsEntry("mlflow.note.content", "made by the Java client");
        assertThat(mlflow.ok("experiments/search", "{}")
                        .at("/experiments/0/experiment_id")
                        .asText())
                .isEqualTo(id);
        // Its components are its runs; parameters read as MLflow strings.
        JsonNode runs = mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "params.epochs = '30'"}""".formatted(id));
        assertThat(runs.get("runs")).hasSize(1);
        JsonNode run = runs.get("runs").get(0);
        assertThat(run.at("/info/run_id").asText()).isEqualTo("t1-training");
        assertThat(entries(run.at("/data/params")))
                .containsEntry("epochs", "30")
                .containsEntry("lr", "0.01");
        assertThat(mlflow.okGet("runs/get", "run_id=t1-training")
                        .at("/run/info/experiment_id")
                        .asText())
                .isEqualTo(id);
    }
}
