package io.trialgraph.mlflow;

import static io.trialgraph.mlflow.MlflowTrackingIT.entries;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trialgraph.client.Lineage;
import io.trialgraph.client.LineageRequest;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Datasets a run used (log-inputs) and models it logged (MLflow 2's log-model, MLflow 3's logged
 * models) become lineage: {@code CONSUMED_BY} and {@code PRODUCED} edges of the run's component.
 */
@TrialGraphTest
class MlflowLineageIT {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void datasetsAndModelsOfARunAreItsLineage(TestServer server) throws Exception {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"lineage\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok(
                        "runs/create", "{\"experiment_id\": \"%s\", \"run_name\": \"train\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();

        // mlflow.log_input(mlflow.data.from_pandas(df, source="s3://bucket/cifar/train.csv", name="cifar-train"),
        // context="training")
        mlflow.ok("runs/log-inputs", """
                {"run_id": "%s", "datasets": [
                  {"tags": [{"key": "mlflow.data.context", "value": "training"}],
                   "dataset": {"name": "cifar-train", "digest": "3f2a9c41", "source_type": "s3",
                               "source": "{\\"uri\\": \\"s3://bucket/cifar/train.csv\\"}",
                               "schema": "{\\"mlflow_colspec\\": [{\\"type\\": \\"double\\", \\"name\\": \\"x\\"}]}",
                               "profile": "{\\"num_rows\\": 50000}"}},
                  {"tags": [{"key": "mlflow.data.context", "value": "eval"}],
                   "dataset": {"name": "cifar-test", "digest": "77aa01bc", "source_type": "code", "source": "{}"}}]}""".formatted(runId));

        // MLflow 2: mlflow.sklearn.log_model(model, "model") uploads the files, then records the MLmodel.
        mlflow.ok("runs/log-model", """
                {"run_id": "%s", "model_json": "{\\"artifact_path\\": \\"model\\", \\"flavors\\": {\\"python_function\\": {\\"loader_module\\": \\"mlflow.sklearn\\"}, \\"sklearn\\": {\\"sklearn_version\\": \\"1.3.2\\"}}, \\"run_id\\": \\"%s\\", \\"utc_time_created\\": \\"2024-01-02 03:04:05.000000\\", \\"model_uuid\\": \\"0c1d\\", \\"mlflow_version\\": \\"2.9.2\\", \\"signature\\": {\\"inputs\\": \\"[]\\"}}"}""".formatted(runId, runId));

        JsonNode run = mlflow.okGet("runs/get", "run_id=" + runId).get("run");
        JsonNode inputs = run.at("/inputs/dataset_inputs");
        assertThat(inputs).hasSize(2);
        JsonNode train = inputs.get(1);
        assertThat(entries(train.get("tags"))).containsExactlyEntriesOf(Map.of("mlflow.data.context", "training"));
        assertThat(train.at("/dataset/name").asText()).isEqualTo("cifar-train");
        assertThat(train.at("/dataset/digest").asText()).isEqualTo("3f2a9c41");
        assertThat(train.at("/dataset/source_type").asText()).isEqualTo("s3");
        assertThat(train.at("/dataset/source").asText()).isEqualTo("{\"uri\": \"s3://bucket/cifar/train.csv\"}");
        assertThat(train.at("/dataset/profile").asText()).isEqualTo("{\"num_rows\": 50000}");
        assertThat(inputs.get(0).at("/dataset/name").asText()).isEqualTo("cifar-test");
        JsonNode history =
                new ObjectMapper().readTree(entries(run.at("/data/tags")).get("mlflow.log-model.history"));
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("artifact_path").asText()).isEqualTo("model");
        assertThat(history.get(0).has("signature")).isFalse();

        // MLflow 3: mlflow.sklearn.log_model(model, name="classifier") makes a logged model, links it and finalizes it.
        JsonNode created =
                mlflow.ok("logged-models", """
                {"experiment_id": "%s", "name": "classifier", "source_run_id": "%s",
                 "params": [{"key": "C", "value": "1.0"}], "tags": [{"key": "mlflow.source.name", "value": "train.py"}]}""".formatted(experimentId, runId)).get("model");
        String modelId = created.at("/info/model_id").asText();
        assertThat(modelId).matches("m-[0-9a-f]{32}");
        assertThat(created.at("/info/status").asText()).isEqualTo("LOGGED_MODEL_PENDING");
        assertThat(created.at("/info/artifact_uri").asText())
                .isEqualTo("mlartifacts/" + experimentId + "/models/" + modelId + "/artifacts");
        assertThat(created.at("/info/source_run_id").asText()).isEqualTo(runId);
        mlflow.ok(
                "runs/outputs",
                "{\"run_id\": \"%s\", \"models\": [{\"model_id\": \"%s\", \"step\": 0}]}".formatted(runId, modelId));
        // The run's points at the model's step come again, with the model's id: they are not stored twice.
        mlflow.ok(
                "runs/log-batch",
                "{\"run_id\": \"%s\", \"metrics\": [{\"key\": \"acc\", \"value\": 0.9, \"timestamp\": %d, \"step\": 0}]}"
                        .formatted(runId, T0));
        mlflow.ok("runs/log-batch", """
                {"run_id": "%s", "metrics": [{"key": "acc", "value": 0.9, "timestamp": %d, "step": 0, "model_id": "%s"}]}""".formatted(runId, T0, modelId));
        assertThat(mlflow.okGet("metrics/get-history", "run_id=" + runId + "&metric_key=acc")
                        .get("metrics"))
                .hasSize(1);
        JsonNode ready = MlflowRest.ok(mlflow.send("PATCH", "logged-models/" + modelId, """
                {"model_id": "%s", "status": "LOGGED_MODEL_READY"}""".formatted(modelId)))
                .get("model");
        assertThat(ready.at("/info/status").asText()).isEqualTo("LOGGED_MODEL_READY");
        assertThat(entries(ready.at("/data/params"))).containsEntry("C", "1.0");
        MlflowRest.ok(mlflow.send("PATCH", "logged-models/" + modelId + "/tags", """
                {"model_id": "%s", "tags": [{"key": "stage", "value": "candidate"}]}""".formatted(modelId)));
        assertThat(entries(mlflow.okGet("logged-models/" + modelId, "").at("/model/info/tags")))
                .containsEntry("stage", "candidate")
                .containsEntry("mlflow.source.name", "train.py");
        assertThat(mlflow.ok("logged-models/search", "{\"experiment_ids\": [\"%s\"]}".formatted(experimentId))
                        .get("models"))
                .hasSize(1);
        assertThat(mlflow.okGet("runs/get", "run_id=" + runId)
                        .at("/run/outputs/model_outputs/0/model_id")
                        .asText())
                .isEqualTo(modelId);

        try (TrialGraphClient client = MlflowTrackingIT.client(server)) {
            // What produced the MLflow 3 model? The run, and the data it trained on.
            Lineage upstream = client.lineage(
                    LineageRequest.upstream().fromArtifact("models:/" + modelId).build());
            assertThat(upstream.nodes()).extracting(Lineage.Node::name).contains(runId, "cifar-train", "cifar-test");
            assertThat(upstream.edges())
                    .filteredOn(e -> e.type().equals("CONSUMED_BY"))
                    .extracting(Lineage.Edge::name)
                    .containsExactlyInAnyOrder("training", "eval");
            // Which models came from the training data?
            Lineage downstream = client.lineage(LineageRequest.downstream()
                    .fromArtifact("s3://bucket/cifar/train.csv")
                    .build());
            assertThat(downstream.nodesOfKind("model"))
                    .extracting(Lineage.Node::uri)
                    .containsExactlyInAnyOrder("runs:/" + runId + "/model", "models:/" + modelId);
            assertThat(client.getArtifact("s3://bucket/cifar/train.csv").digest())
                    .isEqualTo("3f2a9c41");
            assertThat(client.getArtifact("runs:/" + runId + "/model").metadata())
                    .containsEntry("mlflow.flavors", "python_function,sklearn");
            assertThat(client.getArtifact("mlflow-dataset:cifar-test@77aa01bc")
                            .kind()
                            .name())
                    .isEqualTo("DATASET");
        }

        // Searching by dataset.
        assertThat(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "datasets.name IN ('cifar-train') and datasets.context = 'training'"}""".formatted(experimentId)).get("runs"))
                .hasSize(1);
        assertThat(mlflow.ok("runs/search", """
                {"experiment_ids": ["%s"], "filter": "datasets.digest = 'nope'"}""".formatted(experimentId)).has("runs"))
                .isFalse();

        // Deleting a model hides it from MLflow; its lineage stays.
        MlflowRest.ok(mlflow.send("DELETE", "logged-models/" + modelId, "{\"model_id\": \"%s\"}".formatted(modelId)));
        MlflowRest.error(mlflow.get("logged-models/" + modelId, ""), 404, "RESOURCE_DOES_NOT_EXIST");
        MlflowRest.error(
                mlflow.post(
                        "runs/outputs",
                        "{\"run_id\": \"%s\", \"models\": [{\"model_id\": \"m-00\", \"step\": 0}]}".formatted(runId)),
                404,
                "RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void aDatasetWithAPathOrNoUriStillGetsOne(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String runId = mlflow.ok("runs/create", "{\"experiment_id\": \"0\"}")
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/log-inputs", """
                {"run_id": "%s", "datasets": [
                  {"dataset": {"name": "local", "digest": "aa", "source_type": "local", "source": "{\\"uri\\": \\"/data/my train.csv\\"}"}},
                  {"dataset": {"name": "imdb", "digest": "bb", "source_type": "hugging_face", "source": "{\\"path\\": \\"imdb\\", \\"split\\": \\"train\\"}"}}]}""".formatted(runId));
        try (TrialGraphClient client = MlflowTrackingIT.client(server)) {
            assertThat(client.getTrialComponent(runId).inputs())
                    .extracting(link -> link.artifact().uri())
                    .containsExactlyInAnyOrder("file:///data/my%20train.csv", "mlflow-dataset:imdb@bb");
        }
        List<String> names = new ArrayList<>();
        mlflow.okGet("runs/get", "run_id=" + runId)
                .at("/run/inputs/dataset_inputs")
                .forEach(input -> names.add(input.at("/dataset/name").asText()));
        assertThat(names).containsExactly("imdb", "local");
    }
}
