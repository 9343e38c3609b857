package io.trialgraph.domain;

import java.util.List;

/**
 * One batch of points from a metric writer.
 *
 * @param sequence the batch's position in the writer's sequence
 * @param series points grouped by component and metric
 */
public record MetricBatch(String writerId, long sequence, List<Series> series) {

    /** Points of one metric of one component. */
    public record Series(String component, String metric, MetricPoints points) {
    }

    /** @return the number of points in the batch */
    public long pointCount() {
        long count = 0;
        for (Series s : series) {
            count += s.points().size();
        }
        return count;
    }
}
