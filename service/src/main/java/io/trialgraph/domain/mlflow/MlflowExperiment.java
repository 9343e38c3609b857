package io.trialgraph.domain.mlflow;

import java.time.Instant;
import java.util.Map;

/**
 * An experiment as MLflow sees it.
 *
 * @param id MLflow's experiment id (a stable string; "0" is the Default experiment)
 * @param name the MLflow name (the trialgraph name, or the original name where that was not a
 *     valid trialgraph name)
 * @param graphName the experiment's trialgraph name
 * @param tags MLflow's tags, including {@code mlflow.note.content} for the description
 */
public record MlflowExperiment(
        String id,
        String name,
        String graphName,
        String artifactLocation,
        boolean deleted,
        Instant createdAt,
        Instant updatedAt,
        Map<String, String> tags) {}
