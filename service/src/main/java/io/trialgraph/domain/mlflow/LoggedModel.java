package io.trialgraph.domain.mlflow;

import java.time.Instant;
import java.util.Map;

/**
 * An MLflow 3 logged model, kept as a model artifact ({@code models:/<model_id>}) that its
 * source run's component produced.
 *
 * @param status LOGGED_MODEL_PENDING, LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED
 */
public record LoggedModel(
        String modelId,
        String experimentId,
        String name,
        String artifactLocation,
        String status,
        String statusMessage,
        String modelType,
        String sourceRunId,
        Instant createdAt,
        Instant updatedAt,
        Map<String, String> params,
        Map<String, String> tags) {

    public static final String PENDING = "LOGGED_MODEL_PENDING";
    public static final String READY = "LOGGED_MODEL_READY";
    public static final String UPLOAD_FAILED = "LOGGED_MODEL_UPLOAD_FAILED";

    /** @return the URI of the model artifact that stands for this model in the graph */
    public static String uri(String modelId) {
        return "models:/" + modelId;
    }
}
