package io.trialgraph.service.mlflow;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.mlflow.LoggedModel;
import io.trialgraph.domain.mlflow.MlflowExperiment;
import io.trialgraph.domain.mlflow.MlflowRules;
import io.trialgraph.store.MlflowModelStore;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of MLflow 3's logged models: created pending in an experiment (with a place for the
 * client to upload the model's files), finalized ready or failed, tagged, linked to the run that
 * produced them.
 */
@Singleton
public class MlflowModelService {

    /** The most models one search returns (MLflow's limit). */
    public static final int MAX_SEARCH_RESULTS = 50;

    private static final Set<String> FINAL_STATUSES = Set.of(LoggedModel.READY, LoggedModel.UPLOAD_FAILED);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String[] NAME_WORDS = {"model", "weights", "estimator", "network", "predictor"};

    private final MlflowModelStore store;
    private final MlflowExperimentService experiments;

    MlflowModelService(MlflowModelStore store, MlflowExperimentService experiments) {
        this.store = store;
        this.experiments = experiments;
    }

    /**
     * Creates a pending logged model.
     *
     * @param name empty for a generated one
     */
    public LoggedModel create(
            String experimentId,
            String name,
            String modelType,
            String sourceRunId,
            List<MlflowRunService.Entry> params,
            List<MlflowRunService.Entry> tags) {
        MlflowExperimentService.experimentId("experiment_id", experimentId);
        Rules.text("name", name, Rules.DISPLAY_NAME_MAX);
        if (name.contains("/") || name.contains(":") || name.contains("%")) {
            throw new InvalidArgumentException(
                    "name", "must not contain '/', ':' or '%': '" + MlflowRules.quoted(name) + "'");
        }
        Rules.text("model_type", modelType, Rules.DISPLAY_NAME_MAX);
        if (!sourceRunId.isEmpty()) {
            Rules.name("source_run_id", sourceRunId);
        }
        Map<String, String> paramValues = entries("params", params, MlflowRules.PARAM_VALUE_MAX);
        Map<String, String> tagValues = entries("tags", tags, MlflowRules.TAG_VALUE_MAX);
        MlflowExperiment experiment = experiments.get(experimentId);
        String id = "m-" + UUID.randomUUID().toString().replace("-", "");
        String modelName = name.isEmpty()
                ? NAME_WORDS[RANDOM.nextInt(NAME_WORDS.length)] + "-"
                        + HexFormat.of().toHexDigits((byte) RANDOM.nextInt())
                : name;
        return store.create(new LoggedModel(
                id,
                experiment.id(),
                modelName,
                experiments.modelArtifactLocation(experiment, id),
                LoggedModel.PENDING,
                "",
                modelType,
                sourceRunId,
                null,
                null,
                paramValues,
                tagValues));
    }

    /** @return the model, unless deleted */
    public LoggedModel get(String modelId) {
        modelId("model_id", modelId);
        return store.find(modelId).orElseThrow(() -> new NotFoundException("logged model", modelId));
    }

    /** Marks the model ready, or its upload failed. */
    public LoggedModel finalize(String modelId, String status) {
        modelId("model_id", modelId);
        if (!FINAL_STATUSES.contains(status)) {
            throw new InvalidArgumentException(
                    "status",
                    "must be " + LoggedModel.READY + " or " + LoggedModel.UPLOAD_FAILED + ", is '"
                            + MlflowRules.quoted(status) + "'");
        }
        return store.update(modelId, status, Map.of(), List.of(), Map.of());
    }

    public LoggedModel setTags(String modelId, List<MlflowRunService.Entry> tags) {
        modelId("model_id", modelId);
        return store.update(modelId, null, entries("tags", tags, MlflowRules.TAG_VALUE_MAX), List.of(), Map.of());
    }

    public void deleteTag(String modelId, String key) {
        modelId("model_id", modelId);
        MlflowRules.key("tag_key", key);
        store.update(modelId, null, Map.of(), List.of(key), Map.of());
    }

    public void logParams(String modelId, List<MlflowRunService.Entry> params) {
        modelId("model_id", modelId);
        store.update(modelId, null, Map.of(), List.of(), entries("params", params, MlflowRules.PARAM_VALUE_MAX));
    }

    /** Marks the model deleted; the artifact and its lineage stay. */
    public void delete(String modelId) {
        modelId("model_id", modelId);
        store.delete(modelId);
    }

    /**
     * Models of the experiments, newest first. Filters and orders are not supported.
     *
     * @param maxResults 0 for the default (50)
     */
    public Page<LoggedModel> search(
            List<String> experimentIds, String filter, boolean ordered, long maxResults, String pageToken) {
        if (experimentIds.isEmpty()) {
            throw new InvalidArgumentException("experiment_ids", "must name at least one experiment");
        }
        for (int i = 0; i < experimentIds.size(); i++) {
            MlflowExperimentService.experimentId("experiment_ids[" + i + "]", experimentIds.get(i));
        }
        if (!filter.isBlank()) {
            throw new InvalidArgumentException(
                    "filter",
                    "searching logged models by a filter is not supported by trialgraph;" + " search runs instead");
        }
        if (ordered) {
            throw new InvalidArgumentException(
                    "order_by", "logged models come newest first; other orders are not supported");
        }
        if (maxResults < 0 || maxResults > MAX_SEARCH_RESULTS) {
            throw new InvalidArgumentException(
                    "max_results", "must be between 1 and " + MAX_SEARCH_RESULTS + ", is " + maxResults);
        }
        int limit = maxResults == 0 ? MAX_SEARCH_RESULTS : (int) maxResults;
        int offset = OffsetToken.decode("page_token", pageToken);
        List<LoggedModel> rows = store.search(experimentIds, offset, limit + 1);
        List<LoggedModel> items = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
        return new Page<>(items, rows.size() > limit ? OffsetToken.encode(offset + limit) : "");
    }

    /** A logged model's id, e.g. {@code m-<32 hex digits>}. */
    static String modelId(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (id.length() > 64 || !id.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new InvalidArgumentException(field, "is not a logged model id: '" + MlflowRules.quoted(id) + "'");
        }
        return id;
    }

    private static Map<String, String> entries(String field, List<MlflowRunService.Entry> entries, int valueMax) {
        if (entries.size() > Rules.MAX_ENTRIES) {
            throw new InvalidArgumentException(
                    field, "must have at most " + Rules.MAX_ENTRIES + " entries, has " + entries.size());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            MlflowRunService.Entry entry = entries.get(i);
            MlflowRules.key(field + "[" + i + "].key", entry.key());
            MlflowRules.required(field + "[" + i + "].value", entry.value(), valueMax);
            values.put(entry.key(), entry.value());
        }
        return values;
    }
}
