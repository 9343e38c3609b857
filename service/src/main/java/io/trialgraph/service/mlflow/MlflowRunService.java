package io.trialgraph.service.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.mlflow.MetricPoint;
import io.trialgraph.domain.mlflow.MlflowExperiment;
import io.trialgraph.domain.mlflow.MlflowRules;
import io.trialgraph.domain.mlflow.MlflowRun;
import io.trialgraph.domain.mlflow.MlflowTags;
import io.trialgraph.domain.mlflow.OrderKey;
import io.trialgraph.domain.mlflow.RunStatus;
import io.trialgraph.domain.mlflow.SearchClause;
import io.trialgraph.domain.mlflow.SearchFilter;
import io.trialgraph.domain.mlflow.ViewType;
import io.trialgraph.service.MetricService;
import io.trialgraph.store.MlflowRunStore;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The rules of MLflow's runs: what a run is made of (a trial and its training component), how
 * parameters, tags and metrics are logged (MLflow's batch limits and value lengths, trialgraph's
 * key and metric rules, parameters that never change), and how runs are searched and read.
 */
@Singleton
public class MlflowRunService {

    /** The most points one get-history page returns (MLflow's clients ask for 25,000). */
    public static final int MAX_HISTORY_PAGE = 100_000;
    /** The most points of one series a request reads into memory at once (about 24 MB). */
    static final long MAX_POINTS_HELD = 1_000_000;
    /** get-history-bulk-interval: runs per request, points per run. */
    public static final int MAX_BULK_RUNS = 100;

    public static final int MAX_BULK_POINTS = 2_500;
    public static final int DEFAULT_BULK_POINTS = 320;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String[] NAME_FIRST = {
        "amber", "brisk", "calm", "dapper", "eager", "fuzzy", "gentle", "hazy", "jolly", "keen", "lucid", "mellow",
        "nimble", "quiet", "rapid", "sunny", "tidy", "vivid", "witty", "zesty"
    };
    private static final String[] NAME_SECOND = {
        "badger", "crane", "dolphin", "falcon", "gecko", "heron", "ibis", "koala", "lynx", "marmot", "newt", "otter",
        "panda", "quail", "raven", "stork", "tapir", "urchin", "walrus", "yak"
    };

    private final MlflowRunStore store;
    private final MlflowExperimentService experiments;
    private final MetricService metrics;

    MlflowRunService(MlflowRunStore store, MlflowExperimentService experiments, MetricService metrics) {
        this.store = store;
        this.experiments = experiments;
        this.metrics = metrics;
    }

    /**
     * Starts a run (RUNNING) in an experiment.
     *
     * @param experimentId empty for the Default experiment
     * @param startTime null for now
     */
    public MlflowRun create(
            String experimentId, String userId, String runName, Instant startTime, Map<String, String> tags) {
        String experimentKey = experimentId.isEmpty() ? MlflowExperimentService.DEFAULT_ID : experimentId;
        MlflowExperimentService.experimentId("experiment_id", experimentKey);
        Rules.text("user_id", userId, Rules.DISPLAY_NAME_MAX);
        validateTags("tags", tags);
        String tagged = tags.get(MlflowTags.RUN_NAME);
        if (!runName.isEmpty() && tagged != null && !tagged.equals(runName)) {
            throw new InvalidArgumentException(
                    "run_name",
                    "differs from the tag " + MlflowTags.RUN_NAME + " ('" + MlflowRules.quoted(tagged)
                            + "'); give one name");
        }
        String name = !runName.isEmpty() ? runName : tagged != null && !tagged.isEmpty() ? tagged : randomName();
        MlflowRules.runName("run_name", name);
        Map<String, String> allTags = new TreeMap<>(tags);
        allTags.put(MlflowTags.RUN_NAME, name);
        MlflowExperiment experiment = experiments.get(experimentKey);
        String id = UUID.randomUUID().toString().replace("-", "");
        String user = !userId.isEmpty() ? userId : tags.getOrDefault(MlflowTags.USER, "");
        MlflowRun run = store.create(new MlflowRunStore.NewRun(
                id,
                experiment.id(),
                name,
                user,
                startTime == null ? Instant.now() : startTime,
                experiments.runArtifactUri(experiment, id),
                allTags));
        return run;
    }

    /** @return the run, deleted or not */
    public MlflowRun get(String runId) {
        runId("run_id", runId);
        return experiments
                .withIds(
                        () -> store.find(runId),
                        run -> run.isPresent() && run.get().experimentId() == null)
                .orElseThrow(() -> new NotFoundException("run", runId));
    }

    /**
     * Sets a run's status, end time and name.
     *
     * @param status null when unchanged
     * @param endTime null when not given
     * @param runName empty when unchanged
     */
    public MlflowRun update(String runId, RunStatus status, Instant endTime, String runName) {
        runId("run_id", runId);
        if (!runName.isEmpty()) {
            MlflowRules.runName("run_name", runName);
        }
        store.update(runId, status, endTime, runName.isEmpty() ? null : runName);
        return get(runId);
    }

    /** Marks a run deleted (restorable), or active again. */
    public void setDeleted(String runId, boolean deleted) {
        runId("run_id", runId);
        store.setDeleted(runId, deleted);
    }

    /** A parameter or tag as logged: key and value. */
    public record Entry(String key, String value) {}

    /**
     * Logs metrics, parameters and tags of a run in one transaction (MLflow's log-batch): at most
     * 1,000 metrics, 100 parameters and 100 tags, 1,000 together.
     */
    public void logBatch(String runId, List<MetricPoint> points, List<Entry> params, List<Entry> tags) {
        runId("run_id", runId);
        MlflowRules.batchLimits(points.size(), params.size(), tags.size());
        Map<String, String> paramValues = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Entry param = params.get(i);
            String at = "params[" + i + "]";
            MlflowRules.key(at + ".key", param.key());
            MlflowRules.paramValue(at + ".value", param.value());
            if (paramValues.put(param.key(), param.value()) != null) {
                throw new InvalidArgumentException(
                        at + ".key", "'" + param.key() + "' is given twice; a request logs each parameter once");
            }
        }
        Map<String, String> tagValues = new LinkedHashMap<>();
        for (int i = 0; i < tags.size(); i++) {
            Entry tag = tags.get(i);
            String at = "tags[" + i + "]";
            MlflowRules.key(at + ".key", tag.key());
            MlflowRules.tagValue(at + ".value", tag.value());
            if (tag.key().equals(MlflowTags.RUN_NAME)) {
                MlflowRules.runName(at + ".value", tag.value());
            }
            tagValues.put(tag.key(), tag.value()); // the last value of a key wins, as in MLflow
        }
        List<MetricBatch.Series> series = series(runId, points);
        long started = System.nanoTime();
        long stored = store.log(runId, paramValues, tagValues, List.of(), series, writerId(runId));
        if (stored > 0) {
            metrics.recordStored(stored, System.nanoTime() - started);
        }
    }

    /** Removes a tag of a run; it must exist. */
    public void deleteTag(String runId, String key) {
        runId("run_id", runId);
        MlflowRules.key("key", key);
        store.log(runId, Map.of(), Map.of(), List.of(key), List.of(), writerId(runId));
    }

    /**
     * Metric points grouped into series by key, in the order logged. Points about a logged model
     * (MLflow 3 logs a run's points at the model's step again, with the model's id) that the run
     * holds already are not stored twice.
     */
    private List<MetricBatch.Series> series(String runId, List<MetricPoint> points) {
        Map<String, List<MetricPoint>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            MetricPoint point = points.get(i);
            String at = "metrics[" + i + "]";
            Rules.metricName(at + ".key", point.key());
            MetricService.step(at + ".step", point.step());
            if (point.timestamp() < 0) {
                throw new InvalidArgumentException(at + ".timestamp", "must not be negative, is " + point.timestamp());
            }
            byKey.computeIfAbsent(point.key(), key -> new ArrayList<>()).add(point);
        }
        List<MetricBatch.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<MetricPoint>> entry : byKey.entrySet()) {
            List<MetricPoint> kept = withoutModelRepeats(runId, entry.getKey(), entry.getValue());
            long[] steps = new long[kept.size()];
            double[] values = new double[kept.size()];
            long[] timestamps = new long[kept.size()];
            for (int i = 0; i < kept.size(); i++) {
                steps[i] = kept.get(i).step();
                values[i] = kept.get(i).value();
                timestamps[i] = kept.get(i).timestamp();
            }
            if (!kept.isEmpty()) {
                series.add(new MetricBatch.Series(runId, entry.getKey(), new MetricPoints(steps, values, timestamps)));
            }
        }
        return series;
    }

    private List<MetricPoint> withoutModelRepeats(String runId, String key, List<MetricPoint> points) {
        long minStep = Long.MAX_VALUE;
        long maxStep = Long.MIN_VALUE;
        for (MetricPoint point : points) {
            if (!point.modelId().isEmpty()) {
                minStep = Math.min(minStep, point.step());
                maxStep = Math.max(maxStep, point.step());
            }
        }
        if (minStep > maxStep) {
            return points;
        }
        Set<List<Object>> stored = new HashSet<>();
        try {
            MetricPoints existing = metrics.read(runId, key, minStep, maxStep, 0, MAX_POINTS_HELD)
                    .points();
            for (int i = 0; i < existing.size(); i++) {
                stored.add(List.of(existing.step(i), existing.timestamp(i), existing.value(i)));
            }
        } catch (NotFoundException noneYet) {
            return points;
        }
        List<MetricPoint> kept = new ArrayList<>();
        for (MetricPoint point : points) {
            if (point.modelId().isEmpty()
                    || !stored.contains(List.of(point.step(), point.timestamp(), point.value()))) {
                kept.add(point);
            }
        }
        return kept;
    }

    /** A dataset input as MLflow describes it. */
    public record DatasetRequest(MlflowRun.Dataset dataset, List<Entry> tags) {}

    /**
     * Records the datasets (and MLflow 3 logged models) a run used: each dataset becomes an
     * artifact of kind dataset, linked {@code CONSUMED_BY} under its context (train, eval, ...).
     */
    public void logInputs(String runId, List<DatasetRequest> datasets, List<String> modelIds) {
        runId("run_id", runId);
        if (datasets.size() > MlflowRules.MAX_DATASETS_PER_REQUEST) {
            throw new InvalidArgumentException(
                    "datasets",
                    "at most " + MlflowRules.MAX_DATASETS_PER_REQUEST + " datasets a request, has " + datasets.size());
        }
        List<MlflowRunStore.Input> inputs = new ArrayList<>();
        for (int i = 0; i < datasets.size(); i++) {
            inputs.add(input("datasets[" + i + "]", datasets.get(i)));
        }
        for (int i = 0; i < modelIds.size(); i++) {
            MlflowModelService.modelId("models[" + i + "].model_id", modelIds.get(i));
        }
        store.logInputs(runId, inputs, List.copyOf(new LinkedHashSet<>(modelIds)));
    }

    private static MlflowRunStore.Input input(String at, DatasetRequest request) {
        MlflowRun.Dataset d = request.dataset();
        MlflowRules.required(at + ".dataset.name", d.name(), MlflowRules.DATASET_NAME_MAX);
        if (d.name().isEmpty()) {
            throw new InvalidArgumentException(at + ".dataset.name", "is required");
        }
        MlflowRules.required(at + ".dataset.digest", d.digest(), MlflowRules.DATASET_DIGEST_MAX);
        MlflowRules.required(at + ".dataset.source_type", d.sourceType(), Rules.KEY_MAX);
        MlflowRules.required(at + ".dataset.source", d.source(), MlflowRules.DATASET_SOURCE_MAX);
        Rules.text(at + ".dataset.schema", d.schema(), MlflowRules.DATASET_SCHEMA_MAX);
        Rules.text(at + ".dataset.profile", d.profile(), MlflowRules.DATASET_PROFILE_MAX);
        Map<String, String> tags = new TreeMap<>();
        String context = "";
        for (int j = 0; j < request.tags().size(); j++) {
            Entry tag = request.tags().get(j);
            MlflowRules.key(at + ".tags[" + j + "].key", tag.key());
            MlflowRules.required(at + ".tags[" + j + "].value", tag.value(), MlflowRules.INPUT_TAG_VALUE_MAX);
            tags.put(tag.key(), tag.value());
            if (tag.key().equals(MlflowTags.DATASET_CONTEXT)) {
                context = tag.value();
            }
        }
        Map<String, String> metadata = new HashMap<>();
        metadata.put(MlflowRunStore.DatasetKeys.SOURCE_TYPE, d.sourceType());
        metadata.put(MlflowRunStore.DatasetKeys.SOURCE, d.source());
        if (!d.schema().isEmpty()) {
            metadata.put(MlflowRunStore.DatasetKeys.SCHEMA, d.schema());
        }
        if (!d.profile().isEmpty()) {
            metadata.put(MlflowRunStore.DatasetKeys.PROFILE, d.profile());
        }
        String uri = datasetUri(d);
        Rules.uri(at + ".dataset.source", uri);
        // The edge is named by the context when that is a valid key (train, eval, ...); the tags keep it anyway.
        String linkName = context.matches("[A-Za-z0-9][A-Za-z0-9._\\-/:]{0,127}") ? context : "";
        return new MlflowRunStore.Input(MlflowRunStore.dataset(uri, d.name(), d.digest(), metadata), linkName, tags);
    }

    /**
     * The artifact URI of an MLflow dataset: the URI its source names ({@code uri}, {@code url}
     * or {@code path} with a scheme; an absolute path becomes {@code file://...}), so the same
     * data meets the same node whoever records it; otherwise {@code mlflow-dataset:<name>@<digest>}.
     */
    static String datasetUri(MlflowRun.Dataset dataset) {
        try {
            JsonNode source = JSON.readTree(dataset.source());
            if (source != null && source.isObject()) {
                for (String field : List.of("uri", "url", "path")) {
                    String value = source.path(field).asText("");
                    if (value.matches("[A-Za-z][A-Za-z0-9+.-]+:\\S+")) {
                        return value;
                    }
                    if (value.startsWith("/") && value.length() > 1) {
                        return "file://" + value.replace(" ", "%20");
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // a source that is not JSON names no URI
        }
        return "mlflow-dataset:" + URLEncoder.encode(dataset.name(), StandardCharsets.UTF_8) + "@"
                + URLEncoder.encode(dataset.digest(), StandardCharsets.UTF_8);
    }

    /** Records the logged models a run produced, each at a step. */
    public void logOutputs(String runId, Map<String, Long> stepByModel) {
        runId("run_id", runId);
        int i = 0;
        for (Map.Entry<String, Long> model : stepByModel.entrySet()) {
            MlflowModelService.modelId("models[" + i + "].model_id", model.getKey());
            MetricService.step("models[" + i + "].step", model.getValue());
            i++;
        }
        store.logOutputs(runId, stepByModel);
    }

    /** An MLflow 2 model (the MLmodel file's fields that matter here). */
    public record LoggedModelJson(
            String artifactPath,
            List<String> flavors,
            String modelUuid,
            String utcTimeCreated,
            String mlflowVersion,
            String historyEntry) {}

    /**
     * Records an MLflow 2 model the run logged: a model artifact {@code runs:/<run_id>/<path>}
     * that the run produced, and its entry in the run's {@link MlflowTags#LOGGED_MODELS} tag.
     */
    public void logModel(String runId, LoggedModelJson model) {
        runId("run_id", runId);
        if (model.artifactPath().isEmpty()) {
            throw new InvalidArgumentException("model_json", "has no artifact_path");
        }
        MlflowRules.key("model_json.artifact_path", model.artifactPath());
        Map<String, String> metadata = new TreeMap<>();
        metadata.put("mlflow.flavors", String.join(",", model.flavors()));
        if (!model.modelUuid().isEmpty()) {
            metadata.put("mlflow.modelUuid", model.modelUuid());
        }
        if (!model.utcTimeCreated().isEmpty()) {
            metadata.put("mlflow.utcTimeCreated", model.utcTimeCreated());
        }
        if (!model.mlflowVersion().isEmpty()) {
            metadata.put("mlflow.version", model.mlflowVersion());
        }
        metadata.forEach((key, value) -> Rules.text("model_json." + key, value, Rules.TAG_VALUE_MAX));
        String uri = "runs:/" + runId + "/" + model.artifactPath();
        Artifact artifact =
                new Artifact("", uri, ArtifactKind.MODEL, model.artifactPath(), "", "", 0, metadata, null, null);
        store.logModel(runId, artifact, model.artifactPath(), model.historyEntry(), MlflowRules.TAG_VALUE_MAX);
    }

    /**
     * Runs of the experiments matching the filter, in the order asked.
     *
     * @param maxResults 0 for the default (1,000)
     */
    public Page<MlflowRun> search(
            List<String> experimentIds,
            String filter,
            ViewType view,
            long maxResults,
            List<String> orderBy,
            String pageToken) {
        if (experimentIds.isEmpty()) {
            throw new InvalidArgumentException("experiment_ids", "must name at least one experiment");
        }
        if (experimentIds.size() > MlflowRules.MAX_RESULTS) {
            throw new InvalidArgumentException(
                    "experiment_ids", "at most " + MlflowRules.MAX_RESULTS + ", has " + experimentIds.size());
        }
        for (int i = 0; i < experimentIds.size(); i++) {
            MlflowExperimentService.experimentId("experiment_ids[" + i + "]", experimentIds.get(i));
        }
        List<SearchClause> clauses = SearchFilter.parse("filter", filter, SearchFilter.Target.RUNS);
        List<OrderKey> order = MlflowExperimentService.orderKeys(orderBy, SearchFilter.Target.RUNS);
        int limit = MlflowExperimentService.maxResults("max_results", maxResults);
        int offset = OffsetToken.decode("page_token", pageToken);
        List<MlflowRun> rows = store.search(experimentIds, clauses, view, order, offset, limit + 1);
        List<MlflowRun> items = rows.size() > limit ? rows.subList(0, limit) : rows;
        return new Page<>(List.copyOf(items), rows.size() > limit ? OffsetToken.encode(offset + limit) : "");
    }

    /**
     * A page of a metric's values in step order (MLflow's get-history).
     *
     * @param maxResults 0 for as many as one page holds (100,000)
     * @return empty when the run has no such metric
     */
    public Page<MetricPoint> history(String runId, String key, long maxResults, String pageToken) {
        runId("run_id", runId);
        Rules.metricName("metric_key", key);
        if (maxResults < 0 || maxResults > MAX_HISTORY_PAGE) {
            throw new InvalidArgumentException(
                    "max_results", "must be between 1 and " + MAX_HISTORY_PAGE + ", is " + maxResults);
        }
        int limit = maxResults == 0 ? MAX_HISTORY_PAGE : (int) maxResults;
        OffsetToken.StepPosition from = OffsetToken.decodeStep("page_token", pageToken);
        get(runId);
        MetricService.SeriesStream stream;
        try {
            stream = metrics.stream(runId, key, from.step(), null, 0);
        } catch (NotFoundException noSuchMetric) {
            return new Page<>(List.of(), "");
        }
        // Read only what this page needs (and one point more, to know whether another page follows),
        // a block at a time: a page never holds the rest of a long series.
        long wanted = from.skip() + (long) limit + 1;
        List<MetricPoints> blocks = new ArrayList<>();
        long read = 0;
        while (read < wanted) {
            MetricPoints block = stream.next();
            if (block.size() == 0) {
                break;
            }
            blocks.add(block);
            read += block.size();
        }
        MetricPoints points = MetricPoints.concat(blocks);
        int start = 0;
        while (start < points.size() && start < from.skip() && points.step(start) == from.step()) {
            start++;
        }
        int end = (int) Math.min(points.size(), (long) start + limit);
        List<MetricPoint> page = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            page.add(new MetricPoint(key, points.value(i), points.timestamp(i), points.step(i), ""));
        }
        if (end >= points.size()) {
            return new Page<>(page, "");
        }
        long lastStep = points.step(end - 1);
        int sameStep = 0;
        for (int i = end - 1; i >= 0 && points.step(i) == lastStep; i--) {
            sameStep++;
        }
        return new Page<>(page, OffsetToken.encodeStep(new OffsetToken.StepPosition(lastStep, sameStep)));
    }

    /** A metric value of one of several runs. */
    public record RunPoint(String runId, MetricPoint point) {}

    /**
     * A metric of several runs, each within a step range and thinned to at most {@code maxResults}
     * points that keep its shape (first, last, lowest and highest of equal-count buckets), for
     * charts (MLflow's get-history-bulk-interval).
     */
    public List<RunPoint> historyBulk(List<String> runIds, String key, Long startStep, Long endStep, long maxResults) {
        if (runIds.isEmpty() || runIds.size() > MAX_BULK_RUNS) {
            throw new InvalidArgumentException(
                    "run_ids", "must name 1 to " + MAX_BULK_RUNS + " runs, names " + runIds.size());
        }
        Rules.metricName("metric_key", key);
        if ((startStep == null) != (endStep == null)) {
            throw new InvalidArgumentException(
                    startStep == null ? "start_step" : "end_step",
                    "is required when " + (startStep == null ? "end_step" : "start_step") + " is given");
        }
        if (maxResults < 0 || maxResults > MAX_BULK_POINTS) {
            throw new InvalidArgumentException(
                    "max_results", "must be between 1 and " + MAX_BULK_POINTS + ", is " + maxResults);
        }
        int points = maxResults == 0 ? DEFAULT_BULK_POINTS : (int) Math.max(maxResults, 4);
        List<RunPoint> answer = new ArrayList<>();
        for (int i = 0; i < runIds.size(); i++) {
            String runId = runId("run_ids[" + i + "]", runIds.get(i));
            get(runId);
            MetricPoints series;
            try {
                series = metrics.read(runId, key, startStep, endStep, points, MAX_POINTS_HELD)
                        .points();
            } catch (NotFoundException noSuchMetric) {
                continue;
            }
            for (int j = 0; j < series.size(); j++) {
                answer.add(new RunPoint(
                        runId, new MetricPoint(key, series.value(j), series.timestamp(j), series.step(j), "")));
            }
        }
        return answer;
    }

    /** A run id: the run's component name. */
    static String runId(String field, String runId) {
        return Rules.name(field, runId);
    }

    /** The metric writer of a run's points: one per run, so its writes serialise. */
    private static String writerId(String runId) {
        return "mlflow-run:" + runId;
    }

    private static void validateTags(String field, Map<String, String> tags) {
        tags.forEach((key, value) -> {
            MlflowRules.key(field + "[" + key + "]", key);
            MlflowRules.tagValue(field + "[" + key + "].value", value);
        });
    }

    private static String randomName() {
        return NAME_FIRST[RANDOM.nextInt(NAME_FIRST.length)] + "-" + NAME_SECOND[RANDOM.nextInt(NAME_SECOND.length)]
                + "-" + RANDOM.nextInt(1000);
    }
}
