package io.trialgraph.client;

/**
 * The live summary of one metric of one component, exact at all times (the server updates it in
 * the same transaction as the points). Statistics cover finite values only; NaN and infinities
 * are counted apart.
 *
 * @param trialComponentName the component
 * @param metricName the metric, e.g. "val_acc"
 * @param count points stored, NaN and infinities included
 * @param nonFiniteCount points whose value is NaN or infinite
 * @param min smallest finite value (NaN when there is none)
 * @param max largest finite value (NaN when there is none)
 * @param mean mean of the finite values
 * @param std sample standard deviation of the finite values (0 with fewer than two)
 * @param first value at the lowest step (the earliest stored, for equal steps)
 * @param last value at the highest step (the latest stored, for equal steps)
 * @param firstStep lowest step
 * @param lastStep highest step
 * @param minStep step of the minimum (the first such)
 * @param maxStep step of the maximum (the first such)
 * @param firstTimestamp earliest timestamp, milliseconds since the epoch
 * @param lastTimestamp latest timestamp, milliseconds since the epoch
 */
public record MetricSummary(String trialComponentName, String metricName, long count, long nonFiniteCount,
        double min, double max, double mean, double std, double first, double last,
        long firstStep, long lastStep, long minStep, long maxStep, long firstTimestamp, long lastTimestamp) {
}
