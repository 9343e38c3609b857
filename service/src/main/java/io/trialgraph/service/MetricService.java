package io.trialgraph.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.trialgraph.domain.Downsampling;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.TrialGraphException;
import io.trialgraph.rules.InputRules;
import io.trialgraph.store.MetricStore;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The rules of metric ingestion and reading. */
@Singleton
public class MetricService {

    /** The most points one batch may carry. */
    public static final int MAX_BATCH_POINTS = InputRules.MAX_BATCH_POINTS;

    public static final int MAX_METRIC_NAME = InputRules.METRIC_NAME_MAX;
    public static final int MAX_WRITER_ID = InputRules.WRITER_ID_MAX;
    public static final int MAX_SUMMARY_COMPONENTS = 1_000;

    private final MetricStore store;
    // Metered per batch, never per point: a few nanoseconds against a commit of milliseconds.
    private final Counter storedPoints;
    private final DistributionSummary batchPoints;
    private final Timer commits;
    private final Counter rejectedBatches;

    MetricService(MetricStore store, MeterRegistry registry) {
        this.store = store;
        this.storedPoints = Counter.builder("trialgraph.ingest.points")
                .description("Metric points stored (a batch sent again after a reconnect counts once)")
                .register(registry);
        this.batchPoints = DistributionSummary.builder("trialgraph.ingest.batch.points")
                .description("Points per ingested batch, rejected batches included")
                .baseUnit("points")
                .register(registry);
        this.commits = Timer.builder("trialgraph.ingest.commit")
                .description(
                        "Time to commit a batch to Neo4j (points, summaries and the writer's sequence in one transaction)")
                .register(registry);
        this.rejectedBatches = Counter.builder("trialgraph.ingest.batches.rejected")
                .description("Batches rejected whole (unknown component, a rule broken)")
                .register(registry);
    }

    /**
     * What became of one batch.
     *
     * @param storedPoints points written now (0 for a batch committed before, or a rejected one)
     * @param rejection why the batch was rejected (nothing of it stored), or null
     */
    public record Outcome(long storedPoints, TrialGraphException rejection) {}

    /** @throws InvalidArgumentException when the writer id is unusable (the stream cannot go on) */
    public static String writerId(String writerId) {
        return Rules.check("writer_id", writerId, InputRules.writerIdProblem(writerId));
    }

    /**
     * Stores a batch exactly once, or rejects it whole when it breaks a rule or names an unknown
     * component; either way the writer's sequence moves past it.
     */
    public Outcome ingest(MetricBatch batch) {
        batchPoints.record(batch.pointCount());
        try {
            validate(batch);
            long started = System.nanoTime();
            long stored = store.append(batch);
            commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            storedPoints.increment(stored);
            return new Outcome(stored, null);
        } catch (InvalidArgumentException | NotFoundException rejected) {
            return reject(batch.writerId(), batch.sequence(), rejected);
        }
    }

    /** Rejects a batch that could not even be read (e.g. columns of unequal length): its sequence moves on, nothing is stored. */
    public Outcome reject(String writerId, long sequence, TrialGraphException why) {
        store.skip(writerId, sequence);
        rejectedBatches.increment();
        return new Outcome(0, why);
    }

    private static void validate(MetricBatch batch) {
        long points = batch.pointCount();
        Rules.check("series", points, InputRules.batchPointsProblem(points));
        for (int i = 0; i < batch.series().size(); i++) {
            MetricBatch.Series series = batch.series().get(i);
            String at = "series[" + i + "]";
            Rules.name(at + ".trial_component_name", series.component());
            metricName(at + ".metric_name", series.metric());
            MetricPoints p = series.points();
            for (int j = 0; j < p.size(); j++) {
                step(at + ".steps[" + j + "]", p.step(j));
            }
        }
    }

    /** A step: not negative. */
    public static long step(String field, long step) {
        if (step < 0) {
            throw new InvalidArgumentException(field, "must not be negative, is " + step);
        }
        return step;
    }

    /** Counts points stored another way than a gRPC batch (MLflow's REST API) in the ingest meters. */
    public void recordStored(long points, long commitNanos) {
        batchPoints.record(points);
        commits.record(commitNanos, TimeUnit.NANOSECONDS);
        storedPoints.increment(points);
    }

    /** A metric name: 1-255 characters, no control characters. */
    static String metricName(String field, String name) {
        return Rules.metricName(field, name);
    }

    /** Summaries of the named components' metrics (all metrics when {@code metrics} is empty). */
    public List<MetricSummary> summaries(List<String> components, List<String> metrics) {
        if (components.isEmpty() || components.size() > MAX_SUMMARY_COMPONENTS) {
            throw new InvalidArgumentException(
                    "trial_component_names",
                    "must name 1 to " + MAX_SUMMARY_COMPONENTS + " components, names " + components.size());
        }
        for (int i = 0; i < components.size(); i++) {
            Rules.name("trial_component_names[" + i + "]", components.get(i));
        }
        for (int i = 0; i < metrics.size(); i++) {
            metricName("metric_names[" + i + "]", metrics.get(i));
        }
        return store.summaries(components, metrics);
    }

    /**
     * A series read back whole.
     *
     * @param totalPoints points in the step range before downsampling
     * @param points the points returned, in step order
     */
    public record Series(long totalPoints, MetricPoints points) {}

    /**
     * Reads a metric's points in [minStep, maxStep], downsampled to at most {@code maxPoints}
     * when that is not 0, into memory: for callers that ask for few points. Streams use
     * {@link #stream}.
     *
     * @param maxHeld the most points the answer may hold (what the caller's memory bound allows)
     * @throws ResourceExhaustedException before anything is read when the answer would hold more
     */
    public Series read(String component, String metric, Long minStep, Long maxStep, int maxPoints, long maxHeld) {
        SeriesStream stream = stream(component, metric, minStep, maxStep, maxPoints);
        long held = maxPoints == 0 ? stream.totalPoints() : Math.min(stream.totalPoints(), maxPoints);
        if (held > maxHeld) {
            throw new ResourceExhaustedException("max_points: " + component + "/" + metric + " has " + held
                    + " points in the step range, more than the " + maxHeld
                    + " this read may return at once; set max_points to downsample, narrow min_step/max_step,"
                    + " or read the series with ReadMetricSeries (streamed)");
        }
        List<MetricPoints> blocks = new java.util.ArrayList<>();
        for (MetricPoints block = stream.next(); block.size() > 0; block = stream.next()) {
            blocks.add(block);
        }
        return new Series(stream.totalPoints(), MetricPoints.concat(blocks));
    }

    /** Points a series stream reads from Neo4j at a time: about 600 KB of candidates while a block is merged. */
    static final int READ_BLOCK_POINTS = 16_384;
    /** Points read at a time to downsample: the points only pass through, so fewer, larger reads go faster. */
    static final int DOWNSAMPLE_READ_POINTS = 131_072;

    /**
     * A series read a block at a time, in step order: each {@link #next()} reads what it returns
     * (in its own short read transaction), so a reader that stops reading holds one block, never
     * the series, and no database resources.
     */
    public static final class SeriesStream {

        private final MetricStore.SeriesCursor cursor;
        private final Downsampling.M4 downsampling;
        private final int blockPoints;
        private boolean finished;

        private SeriesStream(MetricStore.SeriesCursor cursor, int maxPoints, int blockPoints) {
            this.cursor = cursor;
            this.blockPoints = blockPoints;
            this.downsampling = maxPoints == 0 || cursor.total() <= maxPoints
                    ? null
                    : new Downsampling.M4(cursor.total(), maxPoints);
        }

        /** @return points in the step range before downsampling */
        public long totalPoints() {
            return cursor.total();
        }

        /** @return the next points in step order, at most {@code blockPoints} of them; empty at the end */
        public MetricPoints next() {
            if (downsampling == null) {
                return cursor.next(blockPoints);
            }
            while (!finished && downsampling.pending() < blockPoints) {
                MetricPoints read = cursor.next(DOWNSAMPLE_READ_POINTS);
                if (read.size() == 0) {
                    downsampling.finish();
                    finished = true;
                } else {
                    downsampling.add(read);
                }
            }
            return downsampling.take();
        }
    }

    /**
     * Opens a read of a metric's points in [minStep, maxStep], downsampled to at most
     * {@code maxPoints} when that is not 0, delivered in blocks of at most {@code blockPoints}.
     *
     * @throws InvalidArgumentException when an argument breaks a rule
     * @throws NotFoundException when the component or the metric does not exist
     */
    public SeriesStream stream(String component, String metric, Long minStep, Long maxStep, int maxPoints) {
        Rules.name("trial_component_name", component);
        metricName("metric_name", metric);
        long from = minStep == null ? 0 : minStep;
        long to = maxStep == null ? Long.MAX_VALUE : maxStep;
        if (from < 0) {
            throw new InvalidArgumentException("min_step", "must not be negative, is " + from);
        }
        if (to < from) {
            throw new InvalidArgumentException("max_step", "must not be below min_step (" + from + "), is " + to);
        }
        if (maxPoints < 0 || (maxPoints != 0 && maxPoints < Downsampling.MIN_POINTS)) {
            throw new InvalidArgumentException(
                    "max_points",
                    "must be 0 (all points) or at least " + Downsampling.MIN_POINTS + ", is " + maxPoints);
        }
        MetricStore.SeriesCursor cursor = store.openSeries(
                        component, metric, from, to, maxPoints == 0 ? READ_BLOCK_POINTS : DOWNSAMPLE_READ_POINTS)
                .orElseThrow(() -> new NotFoundException("metric", component + "/" + metric));
        return new SeriesStream(cursor, maxPoints, READ_BLOCK_POINTS);
    }
}
