package io.trialgraph.http.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.mlflow.LoggedModel;
import io.trialgraph.domain.mlflow.MetricPoint;
import io.trialgraph.domain.mlflow.MlflowExperiment;
import io.trialgraph.domain.mlflow.MlflowRules;
import io.trialgraph.domain.mlflow.MlflowRun;
import io.trialgraph.domain.mlflow.RunStatus;
import io.trialgraph.domain.mlflow.ViewType;
import io.trialgraph.http.Json;
import io.trialgraph.http.Rpc;
import io.trialgraph.service.mlflow.MlflowExperimentService;
import io.trialgraph.service.mlflow.MlflowModelService;
import io.trialgraph.service.mlflow.MlflowRunService;
import io.trialgraph.service.mlflow.MlflowRunService.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * MLflow's tracking REST API: the requests MLflow's clients send (see MLflow's
 * {@code service.proto}), answered from trialgraph's graph through the same services as gRPC.
 * Mounted twice, under {@code /api/2.0/mlflow} and {@code /ajax-api/2.0/mlflow}
 * ({@link MlflowApi}). Each route names its MLflow RPC ({@link Rpc}), whose role
 * {@code MethodRoles} declares; errors come in MLflow's shape ({@link MlflowErrors}).
 */
abstract class MlflowRoutes {

    /** MLflow's RPCs are named as in its service.proto. */
    static final String RPC = "mlflow.MlflowService/";

    private final MlflowExperimentService experiments;
    private final MlflowRunService runs;
    private final MlflowModelService models;

    MlflowRoutes(MlflowExperimentService experiments, MlflowRunService runs, MlflowModelService models) {
        this.experiments = experiments;
        this.runs = runs;
        this.models = models;
    }

    // ---- experiments

    @Post(uri = "/experiments/create", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "createExperiment")
    HttpResponse<String> createExperiment(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            String id = experiments.create(
                    request.text("name"), request.text("artifact_location"), entryMap(request, "tags"));
            return MlflowJson.object().put("experiment_id", id);
        });
    }

    @Get(uri = "/experiments/get", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "getExperiment")
    HttpResponse<String> getExperiment(HttpRequest<?> http) {
        return answer(
                () -> experimentAnswer(experiments.get(MlflowRequest.query(http).required("experiment_id"))));
    }

    @Get(uri = "/experiments/get-by-name", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "getExperimentByName")
    HttpResponse<String> getExperimentByName(HttpRequest<?> http) {
        return answer(() ->
                experimentAnswer(experiments.getByName(MlflowRequest.query(http).required("experiment_name"))));
    }

    @Post(uri = "/experiments/search", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "searchExperiments")
    HttpResponse<String> searchExperiments(@Body @Nullable String body) {
        return answer(() -> searchExperiments(MlflowRequest.body(body)));
    }

    @Get(uri = "/experiments/search", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "searchExperiments")
    HttpResponse<String> searchExperimentsByQuery(HttpRequest<?> http) {
        return answer(() -> searchExperiments(MlflowRequest.query(http)));
    }

    private ObjectNode searchExperiments(MlflowRequest request) {
        Page<MlflowExperiment> page = experiments.search(
                request.text("filter"),
                request.texts("order_by"),
                ViewType.parse(request.at("view_type"), request.text("view_type")),
                request.int64("max_results", 0),
                request.text("page_token"));
        ObjectNode answer = MlflowJson.object();
        if (!page.items().isEmpty()) {
            ArrayNode list = answer.putArray("experiments");
            page.items().forEach(experiment -> list.add(MlflowJson.experiment(experiment)));
        }
        return withToken(answer, page);
    }

    @Post(uri = "/experiments/update", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "updateExperiment")
    HttpResponse<String> updateExperiment(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            String id = request.required("experiment_id");
            if (request.has("new_name")) {
                experiments.rename(id, request.text("new_name"));
            } else {
                experiments.get(id);
            }
            return MlflowJson.object();
        });
    }

    @Post(uri = "/experiments/delete", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "deleteExperiment")
    HttpResponse<String> deleteExperiment(@Body @Nullable String body) {
        return answer(() -> {
            experiments.setDeleted(MlflowRequest.body(body).required("experiment_id"), true);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/experiments/restore", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "restoreExperiment")
    HttpResponse<String> restoreExperiment(@Body @Nullable String body) {
        return answer(() -> {
            experiments.setDeleted(MlflowRequest.body(body).required("experiment_id"), false);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/experiments/set-experiment-tag", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "setExperimentTag")
    HttpResponse<String> setExperimentTag(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            experiments.setTag(request.required("experiment_id"), request.text("key"), present(request, "value"));
            return MlflowJson.object();
        });
    }

    @Post(uri = "/experiments/delete-experiment-tag", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "deleteExperimentTag")
    HttpResponse<String> deleteExperimentTag(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            experiments.deleteTag(request.required("experiment_id"), request.text("key"));
            return MlflowJson.object();
        });
    }

    // ---- runs

    @Post(uri = "/runs/create", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "createRun")
    HttpResponse<String> createRun(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            Long start = request.int64("start_time");
            MlflowRun run = runs.create(
                    request.text("experiment_id"),
                    request.text("user_id"),
                    request.text("run_name"),
                    start == null ? null : Instant.ofEpochMilli(start),
                    entryMap(request, "tags"));
            return runAnswer(run);
        });
    }

    @Get(uri = "/runs/get", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "getRun")
    HttpResponse<String> getRun(HttpRequest<?> http) {
        return answer(() -> runAnswer(runs.get(MlflowRequest.query(http).required("run_id", "run_uuid"))));
    }

    @Post(uri = "/runs/update", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "updateRun")
    HttpResponse<String> updateRun(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            RunStatus status =
                    request.has("status") ? RunStatus.parse(request.at("status"), request.text("status")) : null;
            Long end = request.int64("end_time");
            MlflowRun run = runs.update(
                    request.required("run_id", "run_uuid"),
                    status,
                    end == null ? null : Instant.ofEpochMilli(end),
                    request.text("run_name"));
            ObjectNode answer = MlflowJson.object();
            answer.set("run_info", MlflowJson.runInfo(run));
            return answer;
        });
    }

    @Post(uri = "/runs/delete", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "deleteRun")
    HttpResponse<String> deleteRun(@Body @Nullable String body) {
        return answer(() -> {
            runs.setDeleted(MlflowRequest.body(body).required("run_id"), true);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/restore", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "restoreRun")
    HttpResponse<String> restoreRun(@Body @Nullable String body) {
        return answer(() -> {
            runs.setDeleted(MlflowRequest.body(body).required("run_id"), false);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/log-metric", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "logMetric")
    HttpResponse<String> logMetric(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            runs.logBatch(request.required("run_id", "run_uuid"), List.of(metric(request)), List.of(), List.of());
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/log-parameter", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "logParam")
    HttpResponse<String> logParam(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            runs.logBatch(request.required("run_id", "run_uuid"), List.of(), List.of(entry(request)), List.of());
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/set-tag", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "setTag")
    HttpResponse<String> setTag(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            runs.logBatch(request.required("run_id", "run_uuid"), List.of(), List.of(), List.of(entry(request)));
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/delete-tag", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "deleteTag")
    HttpResponse<String> deleteTag(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            runs.deleteTag(request.required("run_id"), request.text("key"));
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/log-batch", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "logBatch")
    HttpResponse<String> logBatch(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRules.batchRequestSize(body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length);
            MlflowRequest request = MlflowRequest.body(body);
            List<MlflowRequest> metricMessages = request.messages("metrics");
            List<MlflowRequest> paramMessages = request.messages("params");
            List<MlflowRequest> tagMessages = request.messages("tags");
            // The counts are checked first, as MLflow does, before any message is read.
            MlflowRules.batchLimits(metricMessages.size(), paramMessages.size(), tagMessages.size());
            List<MetricPoint> points = new ArrayList<>(metricMessages.size());
            metricMessages.forEach(message -> points.add(metric(message)));
            runs.logBatch(request.required("run_id"), points, entries(paramMessages), entries(tagMessages));
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/log-model", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "logModel")
    HttpResponse<String> logModel(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            runs.logModel(request.required("run_id"), modelJson(request.required("model_json")));
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/log-inputs", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "logInputs")
    HttpResponse<String> logInputs(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            List<MlflowRunService.DatasetRequest> datasets = new ArrayList<>();
            for (MlflowRequest input : request.messages("datasets")) {
                MlflowRequest d = input.message("dataset");
                datasets.add(new MlflowRunService.DatasetRequest(
                        new MlflowRun.Dataset(
                                d.text("name"),
                                d.text("digest"),
                                d.text("source_type"),
                                d.text("source"),
                                d.text("schema"),
                                d.text("profile")),
                        entries(input.messages("tags"))));
            }
            List<String> modelIds = new ArrayList<>();
            request.messages("models").forEach(model -> modelIds.add(model.required("model_id")));
            runs.logInputs(request.required("run_id"), datasets, modelIds);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/outputs", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "logOutputs")
    HttpResponse<String> logOutputs(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            Map<String, Long> steps = new LinkedHashMap<>();
            request.messages("models").forEach(model -> steps.put(model.required("model_id"), model.int64("step", 0)));
            runs.logOutputs(request.required("run_id"), steps);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/runs/search", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "searchRuns")
    HttpResponse<String> searchRuns(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            Page<MlflowRun> page = runs.search(
                    request.texts("experiment_ids"),
                    request.text("filter"),
                    ViewType.parse(request.at("run_view_type"), request.text("run_view_type")),
                    request.int64("max_results", 0),
                    request.texts("order_by"),
                    request.text("page_token"));
            ObjectNode answer = MlflowJson.object();
            if (!page.items().isEmpty()) {
                ArrayNode list = answer.putArray("runs");
                page.items().forEach(run -> list.add(MlflowJson.run(run)));
            }
            return withToken(answer, page);
        });
    }

    // ---- metrics

    @Get(uri = "/metrics/get-history", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "getMetricHistory")
    HttpResponse<String> getMetricHistory(HttpRequest<?> http) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.query(http);
            Page<MetricPoint> page = runs.history(
                    request.required("run_id", "run_uuid"),
                    request.required("metric_key"),
                    request.int64("max_results", 0),
                    request.text("page_token"));
            ObjectNode answer = MlflowJson.object();
            if (!page.items().isEmpty()) {
                ArrayNode list = answer.putArray("metrics");
                page.items().forEach(point -> list.add(MlflowJson.metric(point)));
            }
            return withToken(answer, page);
        });
    }

    @Get(uri = "/metrics/get-history-bulk-interval", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "getMetricHistoryBulkInterval")
    HttpResponse<String> getMetricHistoryBulkInterval(HttpRequest<?> http) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.query(http);
            List<MlflowRunService.RunPoint> points = runs.historyBulk(
                    request.texts("run_ids"),
                    request.required("metric_key"),
                    request.int64("start_step"),
                    request.int64("end_step"),
                    request.int64("max_results", 0));
            ObjectNode answer = MlflowJson.object();
            if (!points.isEmpty()) {
                ArrayNode list = answer.putArray("metrics");
                points.forEach(p -> list.add(MlflowJson.metric(p.point()).put("run_id", p.runId())));
            }
            return answer;
        });
    }

    // ---- logged models (MLflow 3)

    @Post(uri = "/logged-models", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "createLoggedModel")
    HttpResponse<String> createLoggedModel(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            LoggedModel model = models.create(
                    request.required("experiment_id"),
                    request.text("name"),
                    request.text("model_type"),
                    request.text("source_run_id"),
                    entries(request.messages("params")),
                    entries(request.messages("tags")));
            return modelAnswer(model);
        });
    }

    @Get(uri = "/logged-models/{modelId}", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "getLoggedModel")
    HttpResponse<String> getLoggedModel(@PathVariable String modelId) {
        return answer(() -> modelAnswer(models.get(modelId)));
    }

    @Patch(uri = "/logged-models/{modelId}", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "finalizeLoggedModel")
    HttpResponse<String> finalizeLoggedModel(@PathVariable String modelId, @Body @Nullable String body) {
        return answer(() -> {
            String status = MlflowRequest.body(body).text("status");
            String named = switch (status) {
                case "1" -> LoggedModel.PENDING;
                case "2" -> LoggedModel.READY;
                case "3" -> LoggedModel.UPLOAD_FAILED;
                default -> status;
            };
            return modelAnswer(models.finalize(modelId, named));
        });
    }

    @Delete(uri = "/logged-models/{modelId}", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "deleteLoggedModel")
    HttpResponse<String> deleteLoggedModel(@PathVariable String modelId) {
        return answer(() -> {
            models.delete(modelId);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/logged-models/search", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "searchLoggedModels")
    HttpResponse<String> searchLoggedModels(@Body @Nullable String body) {
        return answer(() -> {
            MlflowRequest request = MlflowRequest.body(body);
            Page<LoggedModel> page = models.search(
                    request.texts("experiment_ids"),
                    request.text("filter"),
                    !request.messages("order_by").isEmpty(),
                    request.int64("max_results", 0),
                    request.text("page_token"));
            ObjectNode answer = MlflowJson.object();
            if (!page.items().isEmpty()) {
                ArrayNode list = answer.putArray("models");
                page.items().forEach(model -> list.add(MlflowJson.loggedModel(model)));
            }
            return withToken(answer, page);
        });
    }

    @Patch(uri = "/logged-models/{modelId}/tags", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "setLoggedModelTags")
    HttpResponse<String> setLoggedModelTags(@PathVariable String modelId, @Body @Nullable String body) {
        return answer(() -> modelAnswer(
                models.setTags(modelId, entries(MlflowRequest.body(body).messages("tags")))));
    }

    @Delete(uri = "/logged-models/{modelId}/tags/{tagKey}", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "deleteLoggedModelTag")
    HttpResponse<String> deleteLoggedModelTag(@PathVariable String modelId, @PathVariable String tagKey) {
        return answer(() -> {
            models.deleteTag(modelId, tagKey);
            return MlflowJson.object();
        });
    }

    @Post(uri = "/logged-models/{modelId}/params", produces = MediaType.APPLICATION_JSON)
    @Rpc(RPC + "LogLoggedModelParams")
    HttpResponse<String> logLoggedModelParams(@PathVariable String modelId, @Body @Nullable String body) {
        return answer(() -> {
            models.logParams(modelId, entries(MlflowRequest.body(body).messages("params")));
            return MlflowJson.object();
        });
    }

    // ---- helpers

    /** Runs a route; whatever it throws becomes MLflow's error response. */
    private static HttpResponse<String> answer(Supplier<ObjectNode> route) {
        try {
            return MlflowJson.ok(route.get());
        } catch (RuntimeException failure) {
            return MlflowErrors.response(failure);
        }
    }

    private static ObjectNode experimentAnswer(MlflowExperiment experiment) {
        ObjectNode answer = MlflowJson.object();
        answer.set("experiment", MlflowJson.experiment(experiment));
        return answer;
    }

    private static ObjectNode runAnswer(MlflowRun run) {
        ObjectNode answer = MlflowJson.object();
        answer.set("run", MlflowJson.run(run));
        return answer;
    }

    private static ObjectNode modelAnswer(LoggedModel model) {
        ObjectNode answer = MlflowJson.object();
        answer.set("model", MlflowJson.loggedModel(model));
        return answer;
    }

    private static ObjectNode withToken(ObjectNode answer, Page<?> page) {
        if (!page.nextPageToken().isEmpty()) {
            answer.put("next_page_token", page.nextPageToken());
        }
        return answer;
    }

    private static MetricPoint metric(MlflowRequest message) {
        Long timestamp = message.int64("timestamp");
        if (timestamp == null) {
            throw new InvalidArgumentException(message.at("timestamp"), "is required");
        }
        return new MetricPoint(
                message.text("key"),
                message.number("value"),
                timestamp,
                message.int64("step", 0),
                message.text("model_id"));
    }

    private static Entry entry(MlflowRequest message) {
        return new Entry(message.text("key"), present(message, "value"));
    }

    /** @return the field's value; null when absent (so a rule can say it is required) */
    private static String present(MlflowRequest message, String field) {
        return message.has(field) ? message.text(field) : null;
    }

    private static List<Entry> entries(List<MlflowRequest> messages) {
        List<Entry> entries = new ArrayList<>(messages.size());
        messages.forEach(message -> entries.add(entry(message)));
        return entries;
    }

    /** Key/value messages as a map: a later value of a key wins. */
    private static Map<String, String> entryMap(MlflowRequest request, String field) {
        List<MlflowRequest> messages = request.messages(field);
        if (messages.size() > Rules.MAX_ENTRIES) {
            throw new InvalidArgumentException(
                    field, "must have at most " + Rules.MAX_ENTRIES + " entries, has " + messages.size());
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (MlflowRequest message : messages) {
            String value = present(message, "value");
            if (value == null) {
                throw new InvalidArgumentException(message.at("value"), "is required");
            }
            map.put(message.text("key"), value);
        }
        return map;
    }

    /** The fields of an MLmodel file (MLflow 2's log-model) that trialgraph records. */
    private static MlflowRunService.LoggedModelJson modelJson(String text) {
        JsonNode model;
        try {
            model = Json.read(text);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("model_json", e.getMessage().substring("body: ".length()));
        }
        if (!model.path("flavors").isObject()) {
            throw new InvalidArgumentException("model_json", "has no flavors");
        }
        List<String> flavors = new ArrayList<>();
        Iterator<String> names = model.path("flavors").fieldNames();
        names.forEachRemaining(flavors::add);
        ObjectNode entry = model.deepCopy();
        // The history keeps what MLflow's UI lists, not the (large) signature and input example.
        entry.remove("signature");
        entry.remove("saved_input_example_info");
        return new MlflowRunService.LoggedModelJson(
                model.path("artifact_path").asText(""),
                flavors,
                model.path("model_uuid").asText(""),
                model.path("utc_time_created").asText(""),
                model.path("mlflow_version").asText(""),
                Json.write(entry));
    }
}
