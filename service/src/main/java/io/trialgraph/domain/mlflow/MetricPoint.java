package io.trialgraph.domain.mlflow;

/**
 * One logged metric value of MLflow's: a key, a value, a timestamp in epoch milliseconds, a step.
 *
 * @param modelId the logged model the value is about (MLflow 3), or empty
 */
public record MetricPoint(String key, double value, long timestamp, long step, String modelId) {}
