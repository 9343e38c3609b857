package io.trialgraph.http.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.trialgraph.domain.mlflow.LoggedModel;
import io.trialgraph.domain.mlflow.MetricPoint;
import io.trialgraph.domain.mlflow.MlflowExperiment;
import io.trialgraph.domain.mlflow.MlflowRun;
import io.trialgraph.http.Json;
import java.time.Instant;
import java.util.Map;

/**
 * MLflow's messages as protobuf's JSON mapping writes them (MLflow's server does the same):
 * proto field names, int64 as numbers, enums by name, NaN and infinities as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, unset fields and empty lists left out.
 */
final class MlflowJson {

    private MlflowJson() {}

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    static HttpResponse<String> ok(ObjectNode answer) {
        return HttpResponse.ok(Json.write(answer)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** The empty response most writes answer with. */
    static HttpResponse<String> empty() {
        return ok(object());
    }

    static ObjectNode experiment(MlflowExperiment e) {
        ObjectNode node = object();
        node.put("experiment_id", e.id());
        node.put("name", e.name());
        node.put("artifact_location", e.artifactLocation());
        node.put("lifecycle_stage", e.deleted() ? "deleted" : "active");
        putTime(node, "last_update_time", e.updatedAt());
        putTime(node, "creation_time", e.createdAt());
        putEntries(node, "tags", e.tags());
        return node;
    }

    static ObjectNode run(MlflowRun run) {
        ObjectNode node = object();
        node.set("info", runInfo(run));
        ObjectNode data = node.putObject("data");
        if (!run.metrics().isEmpty()) {
            ArrayNode metrics = data.putArray("metrics");
            for (MlflowRun.LatestMetric m : run.metrics()) {
                metrics.add(metric(m.key(), m.value(), m.timestamp(), m.step()));
            }
        }
        putEntries(data, "params", run.params());
        putEntries(data, "tags", run.tags());
        ObjectNode inputs = node.putObject("inputs");
        if (!run.datasets().isEmpty()) {
            ArrayNode datasets = inputs.putArray("dataset_inputs");
            for (MlflowRun.DatasetInput input : run.datasets()) {
                ObjectNode item = datasets.addObject();
                putEntries(item, "tags", input.tags());
                MlflowRun.Dataset d = input.dataset();
                ObjectNode dataset = item.putObject("dataset");
                dataset.put("name", d.name());
                dataset.put("digest", d.digest());
                dataset.put("source_type", d.sourceType());
                dataset.put("source", d.source());
                putIfNotEmpty(dataset, "schema", d.schema());
                putIfNotEmpty(dataset, "profile", d.profile());
            }
        }
        if (!run.modelInputs().isEmpty()) {
            ArrayNode models = inputs.putArray("model_inputs");
            run.modelInputs().forEach(model -> models.addObject().put("model_id", model));
        }
        ObjectNode outputs = node.putObject("outputs");
        if (!run.modelOutputs().isEmpty()) {
            ArrayNode models = outputs.putArray("model_outputs");
            run.modelOutputs()
                    .forEach(model ->
                            models.addObject().put("model_id", model.modelId()).put("step", model.step()));
        }
        return node;
    }

    static ObjectNode runInfo(MlflowRun run) {
        ObjectNode info = object();
        info.put("run_id", run.runId());
        info.put("run_uuid", run.runId());
        info.put("run_name", run.runName());
        info.put("experiment_id", run.experimentId());
        info.put("user_id", run.userId());
        info.put("status", run.status().name());
        putTime(info, "start_time", run.startTime());
        putTime(info, "end_time", run.endTime());
        info.put("artifact_uri", run.artifactUri());
        info.put("lifecycle_stage", run.deleted() ? "deleted" : "active");
        return info;
    }

    static ObjectNode metric(String key, double value, long timestamp, long step) {
        ObjectNode node = object();
        node.put("key", key);
        putDouble(node, "value", value);
        node.put("timestamp", timestamp);
        node.put("step", step);
        return node;
    }

    static ObjectNode metric(MetricPoint point) {
        return metric(point.key(), point.value(), point.timestamp(), point.step());
    }

    static ObjectNode loggedModel(LoggedModel m) {
        ObjectNode node = object();
        ObjectNode info = node.putObject("info");
        info.put("model_id", m.modelId());
        info.put("experiment_id", m.experimentId());
        info.put("name", m.name());
        putTime(info, "creation_timestamp_ms", m.createdAt());
        putTime(info, "last_updated_timestamp_ms", m.updatedAt());
        info.put("artifact_uri", m.artifactLocation());
        info.put("status", m.status());
        putIfNotEmpty(info, "model_type", m.modelType());
        putIfNotEmpty(info, "source_run_id", m.sourceRunId());
        putIfNotEmpty(info, "status_message", m.statusMessage());
        putEntries(info, "tags", m.tags());
        ObjectNode data = node.putObject("data");
        putEntries(data, "params", m.params());
        return node;
    }

    /** A double as protobuf's JSON writes it: a number, or "NaN", "Infinity", "-Infinity". */
    static void putDouble(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.put(field, "NaN");
        } else if (Double.isInfinite(value)) {
            node.put(field, value > 0 ? "Infinity" : "-Infinity");
        } else {
            node.put(field, value);
        }
    }

    private static void putTime(ObjectNode node, String field, Instant time) {
        if (time != null) {
            node.put(field, time.toEpochMilli());
        }
    }

    private static void putIfNotEmpty(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    /** MLflow's key/value lists ({@code [{"key": ..., "value": ...}]}), left out when empty. */
    private static void putEntries(ObjectNode node, String field, Map<String, String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ArrayNode list = node.putArray(field);
        entries.forEach((key, value) -> list.addObject().put("key", key).put("value", value));
    }
}
