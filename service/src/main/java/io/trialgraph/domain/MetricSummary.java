package io.trialgraph.domain;

/**
 * The live summary of one metric of one component. Statistics cover finite values only; NaN
 * and infinities are counted in {@code nonFiniteCount}. {@code m2} is the sum of squared
 * deviations from the mean (Welford), kept so summaries of separate batches combine exactly.
 */
public record MetricSummary(String component, String metric, long count, long nonFiniteCount,
        double min, double max, double mean, double m2,
        double first, double last, long firstStep, long lastStep, long minStep, long maxStep,
        long firstTimestamp, long lastTimestamp) {

    /** @return the number of finite values the statistics cover */
    public long finiteCount() {
        return count - nonFiniteCount;
    }

    /** @return the sample standard deviation of the finite values; 0 with fewer than two */
    public double std() {
        long n = finiteCount();
        return n < 2 ? 0.0 : Math.sqrt(m2 / (n - 1));
    }

    /** The summary of a metric with no points yet. */
    public static MetricSummary empty(String component, String metric) {
        return new MetricSummary(component, metric, 0, 0, Double.NaN, Double.NaN, 0.0, 0.0,
                Double.NaN, Double.NaN, 0, 0, 0, 0, 0, 0);
    }

    /**
     * This summary with {@code points} added, as if every point had been stored one by one in
     * array order (so for equal steps the later point is "last" and the earlier "first").
     */
    public MetricSummary plus(MetricPoints points) {
        long newCount = count;
        long newNonFinite = nonFiniteCount;
        double newMin = min;
        double newMax = max;
        long newMinStep = minStep;
        long newMaxStep = maxStep;
        double newMean = mean;
        double newM2 = m2;
        double newFirst = first;
        double newLast = last;
        long newFirstStep = firstStep;
        long newLastStep = lastStep;
        long newFirstTimestamp = firstTimestamp;
        long newLastTimestamp = lastTimestamp;
        for (int i = 0; i < points.size(); i++) {
            long step = points.step(i);
            double value = points.value(i);
            long timestamp = points.timestamp(i);
            if (newCount == 0) {
                newFirst = value;
                newFirstStep = step;
                newLast = value;
                newLastStep = step;
                newFirstTimestamp = timestamp;
                newLastTimestamp = timestamp;
            } else {
                if (step < newFirstStep) {
                    newFirst = value;
                    newFirstStep = step;
                }
                if (step >= newLastStep) {
                    newLast = value;
                    newLastStep = step;
                }
                newFirstTimestamp = Math.min(newFirstTimestamp, timestamp);
                newLastTimestamp = Math.max(newLastTimestamp, timestamp);
            }
            newCount++;
            if (!Double.isFinite(value)) {
                newNonFinite++;
                continue;
            }
            long finite = newCount - newNonFinite;
            if (finite == 1) {
                newMin = value;
                newMax = value;
                newMinStep = step;
                newMaxStep = step;
            } else {
                if (value < newMin || (value == newMin && step < newMinStep)) {
                    newMinStep = step;
                    newMin = value;
                }
                if (value > newMax || (value == newMax && step < newMaxStep)) {
                    newMaxStep = step;
                    newMax = value;
                }
            }
            double delta = value - newMean;
            newMean += delta / finite;
            newM2 += delta * (value - newMean);
        }
        return new MetricSummary(component, metric, newCount, newNonFinite, newMin, newMax, newMean, newM2,
                newFirst, newLast, newFirstStep, newLastStep, newMinStep, newMaxStep, newFirstTimestamp, newLastTimestamp);
    }
}
