package io.trialgraph.domain.mlflow;

/**
 * One key of an MLflow search's {@code order_by}, e.g. {@code metrics.acc DESC}.
 *
 * @param entity METRIC, PARAM, TAG or ATTRIBUTE
 * @param key the metric, parameter or tag name, or the attribute (aliases resolved)
 */
public record OrderKey(SearchClause.Entity entity, String key, boolean ascending) {}
