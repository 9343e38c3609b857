package io.trialgraph.client;

import java.util.Arrays;

/**
 * One metric's points as {@link TrialGraphClient#readMetricSeries} returned them: in step order,
 * as three columns of equal length ({@code steps[i]}, {@code values[i]}, {@code timestamps[i]}
 * describe point i), ready to plot. The arrays belong to the caller; the record does not copy them.
 *
 * @param trialComponentName the component
 * @param metricName the metric
 * @param totalPoints points in the requested step range before downsampling
 * @param steps step of each point, ascending
 * @param values value of each point
 * @param timestamps time of each point, milliseconds since the epoch
 */
public record Series(String trialComponentName, String metricName, long totalPoints, long[] steps, double[] values,
        long[] timestamps) {

    /** @return the number of points returned */
    public int size() {
        return steps.length;
    }

    /** @return true when the series was downsampled (fewer points returned than in the range) */
    public boolean downsampled() {
        return steps.length < totalPoints;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Series s && s.trialComponentName.equals(trialComponentName) && s.metricName.equals(metricName)
                && s.totalPoints == totalPoints && Arrays.equals(s.steps, steps) && Arrays.equals(s.values, values)
                && Arrays.equals(s.timestamps, timestamps);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * trialComponentName.hashCode() + metricName.hashCode()) + Arrays.hashCode(steps);
    }

    @Override
    public String toString() {
        return "Series[" + trialComponentName + "/" + metricName + ", " + steps.length + " of " + totalPoints + " points]";
    }
}
