package io.trialgraph.client.internal;

import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.client.MetricLogger;
import java.util.List;

/**
 * A sealed batch of a {@link MetricLogger}: its sequence number, its points in columns, and the
 * request built from them once (then kept for resending, and the columns dropped). Package-private
 * bookkeeping of the logger; its fields are guarded by the logger's lock, except {@link #request},
 * which only the sender thread builds.
 */
public final class Batch {

    public final long sequence;
    public final int points;
    private List<BatchAccumulator.Column> columns;
    private IngestMetricsRequest request;
    /** When it was last sent (System.nanoTime), for the acknowledgement timeout. */
    public long sentAtNanos;
    /** How many times it was sent, over all streams. */
    public int timesSent;

    Batch(long sequence, int points, List<BatchAccumulator.Column> columns) {
        this.sequence = sequence;
        this.points = points;
        this.columns = columns;
    }

    /** The columns, until the request is built. */
    public List<BatchAccumulator.Column> columns() {
        return columns;
    }

    /** The request of this batch, built on first use; the same request on every resend. */
    public IngestMetricsRequest request(String writerId) {
        if (request == null) {
            IngestMetricsRequest.Builder builder =
                    IngestMetricsRequest.newBuilder().setWriterId(writerId).setSequence(sequence);
            for (BatchAccumulator.Column c : columns) {
                MetricSeries.Builder series = MetricSeries.newBuilder()
                        .setTrialComponentName(c.component)
                        .setMetricName(c.metric);
                for (int i = 0; i < c.size; i++) {
                    series.addSteps(c.steps[i]);
                }
                for (int i = 0; i < c.size; i++) {
                    series.addValues(c.values[i]);
                }
                for (int i = 0; i < c.size; i++) {
                    series.addTimestamps(c.timestamps[i]);
                }
                builder.addSeries(series);
            }
            request = builder.build();
            columns = null;
        }
        return request;
    }
}
