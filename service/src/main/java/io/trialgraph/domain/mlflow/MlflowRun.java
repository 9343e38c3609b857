package io.trialgraph.domain.mlflow;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as MLflow sees it: a trial component (its name is the run id) with its parameters,
 * metadata (the run's tags), latest metric values, dataset inputs and model outputs.
 *
 * @param experimentId the MLflow id of the experiment of the component's trial; empty when it has
 *     none, null when that experiment has no MLflow id yet
 * @param userId the user MLflow recorded (the {@code mlflow.user} tag when no user id was sent)
 * @param endTime null while it runs
 * @param params parameter values as MLflow strings ({@link ParamValues#text})
 */
public record MlflowRun(
        String runId,
        String runName,
        String experimentId,
        String userId,
        RunStatus status,
        Instant startTime,
        Instant endTime,
        String artifactUri,
        boolean deleted,
        List<LatestMetric> metrics,
        Map<String, String> params,
        Map<String, String> tags,
        List<DatasetInput> datasets,
        List<String> modelInputs,
        List<ModelOutput> modelOutputs) {

    /** A metric's latest value: the one at its highest step. */
    public record LatestMetric(String key, double value, long timestamp, long step) {}

    /** A dataset the run consumed, with its input tags (e.g. {@code mlflow.data.context}). */
    public record DatasetInput(Dataset dataset, Map<String, String> tags) {}

    /** MLflow's description of a dataset. */
    public record Dataset(
            String name, String digest, String sourceType, String source, String schema, String profile) {}

    /** A logged model the run produced, at a step. */
    public record ModelOutput(String modelId, long step) {}
}
