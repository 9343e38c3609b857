package io.trialgraph.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.Channel;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.MetricSummary;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.ReadMetricSeriesResponse;
import io.trialgraph.api.v1.RejectedBatch;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.testing.TestServer;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.store.PointCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.Record;

/** Shared helpers of the metric tests: building batches, driving ingest streams, reading back. */
final class MetricsTestSupport {

    /** The longest any single wait of a metric test may take. */
    static final long TIMEOUT_SECONDS = 60;

    /** A fixed, plausible epoch-millisecond base for explicit timestamps. */
    static final long T0 = 1_700_000_000_000L;

    private MetricsTestSupport() {
    }

    // ---------------------------------------------------------------- components

    static void createComponents(TestServer server, String... names) {
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub stub = TrialComponentServiceGrpc
                .newBlockingStub(server.channel()).withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (String name : names) {
            stub.createTrialComponent(CreateTrialComponentRequest.newBuilder()
                    .setTrialComponent(TrialComponent.newBuilder().setName(name)).build());
        }
    }

    // ---------------------------------------------------------------- points and batches

    /** One point as a test knows it; a list of them in the order sent is the "raw" series. */
    record Point(long step, double value, long timestamp) {
    }

    static MetricSeries series(String component, String metric, List<Point> points) {
        MetricSeries.Builder builder = MetricSeries.newBuilder().setTrialComponentName(component).setMetricName(metric);
        for (Point p : points) {
            builder.addSteps(p.step()).addValues(p.value()).addTimestamps(p.timestamp());
        }
        return builder.build();
    }

    static IngestMetricsRequest batch(String writer, long sequence, MetricSeries... series) {
        return IngestMetricsRequest.newBuilder().setWriterId(writer).setSequence(sequence).addAllSeries(List.of(series)).build();
    }

    /** {@code count} points with steps {@code firstStep, firstStep+1, ...} and integral values (exact sums). */
    static List<Point> run(long firstStep, int count, long valueBase) {
        List<Point> points = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            points.add(new Point(firstStep + i, valueBase + i, T0 + firstStep + i));
        }
        return points;
    }

    static long pointCount(IngestMetricsRequest request) {
        return request.getSeriesList().stream().mapToLong(MetricSeries::getStepsCount).sum();
    }

    static double valueSum(List<IngestMetricsRequest> requests) {
        double sum = 0;
        for (IngestMetricsRequest r : requests) {
            for (MetricSeries s : r.getSeriesList()) {
                for (double v : s.getValuesList()) {
                    sum += v;
                }
            }
        }
        return sum;
    }

    // ---------------------------------------------------------------- ingest responses (streams: {@link io.trialgraph.testing.IngestStream})

    static List<RejectedBatch> rejections(List<IngestMetricsResponse> responses) {
        return responses.stream().flatMap(r -> r.getRejectedBatchesList().stream()).toList();
    }

    static long storedPoints(List<IngestMetricsResponse> responses) {
        return responses.stream().mapToLong(IngestMetricsResponse::getStoredPoints).sum();
    }

    /** Asserts the acknowledged sequences strictly grow and end at {@code last}. */
    static void assertAcknowledgedUpTo(List<IngestMetricsResponse> responses, long last) {
        List<Long> acks = responses.stream().map(IngestMetricsResponse::getAcknowledgedSequence).toList();
        assertThat(acks).as("acknowledged sequences").isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(acks.get(acks.size() - 1)).as("last acknowledged sequence").isEqualTo(last);
    }

    // ---------------------------------------------------------------- reading

    /** A series read back: the concatenated points and what the first response said. */
    record Read(long totalPoints, List<Point> points, int responses) {
        List<Long> steps() {
            return points.stream().map(Point::step).toList();
        }
    }

    static Read read(Channel channel, ReadMetricSeriesRequest request) {
        Iterator<ReadMetricSeriesResponse> it = MetricServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS).readMetricSeries(request);
        List<Point> points = new ArrayList<>();
        long total = -1;
        int responses = 0;
        while (it.hasNext()) {
            ReadMetricSeriesResponse response = it.next();
            if (responses == 0) {
                total = response.getTotalPoints();
            }
            responses++;
            MetricSeries part = response.getPoints();
            assertThat(part.getValuesCount()).as("values per step in a read response").isEqualTo(part.getStepsCount());
            assertThat(part.getTimestampsCount()).as("timestamps per step in a read response").isEqualTo(part.getStepsCount());
            for (int i = 0; i < part.getStepsCount(); i++) {
                points.add(new Point(part.getSteps(i), part.getValues(i), part.getTimestamps(i)));
            }
        }
        return new Read(total, points, responses);
    }

    static Read readAll(Channel channel, String component, String metric) {
        return read(channel, ReadMetricSeriesRequest.newBuilder().setTrialComponentName(component).setMetricName(metric).build());
    }

    /** The raw points in step order, equal steps in the order they were sent (what a read returns). */
    static List<Point> inStepOrder(List<Point> sent) {
        List<Point> sorted = new ArrayList<>(sent);
        sorted.sort(Comparator.comparingLong(Point::step)); // stable
        return sorted;
    }

    // ---------------------------------------------------------------- the graph

    /** Points of one metric as stored in Neo4j (chunks plus tail): how many and the sum of their values. */
    record Stored(long points, double valueSum, long chunks, long tail) {
    }

    static Stored stored(TestServer server, String component, String metric) {
        Record row = server.single("""
                MATCH (m:Metric {component: $component, name: $metric})
                OPTIONAL MATCH (m)-[:HAS_CHUNK]->(c:MetricChunk)
                RETURN m.tail AS tail, collect(c.points) AS chunks""", "component", component, "metric", metric);
        long points = 0;
        double sum = 0;
        List<byte[]> chunks = row.get("chunks").asList(value -> value.asByteArray());
        for (byte[] chunk : chunks) {
            MetricPoints decoded = PointCodec.decode(chunk);
            points += decoded.size();
            sum += Arrays.stream(decoded.values()).sum();
        }
        MetricPoints tail = row.get("tail").isNull() ? MetricPoints.empty() : PointCodec.decode(row.get("tail").asByteArray());
        return new Stored(points + tail.size(), sum + Arrays.stream(tail.values()).sum(), chunks.size(), tail.size());
    }

    static long metricNodes(TestServer server) {
        return server.count("MATCH (m:Metric) RETURN count(m)");
    }

    static long chunkNodes(TestServer server) {
        return server.count("MATCH (c:MetricChunk) RETURN count(c)");
    }

    static long largestTail(TestServer server) {
        return server.count("MATCH (m:Metric) RETURN coalesce(max(m.tailCount), 0)");
    }

    // ---------------------------------------------------------------- summaries

    /** Asserts a summary equals the one computed here from the raw points, in the order they were sent. */
    static void assertSummary(MetricSummary actual, String component, String metric, List<Point> sent) {
        assertThat(actual.getTrialComponentName()).as("component").isEqualTo(component);
        assertThat(actual.getMetricName()).as("metric").isEqualTo(metric);
        String of = component + "/" + metric + " ";
        assertThat(actual.getCount()).as(of + "count").isEqualTo(sent.size());
        long nonFinite = sent.stream().filter(p -> !Double.isFinite(p.value())).count();
        assertThat(actual.getNonFiniteCount()).as(of + "non_finite_count").isEqualTo(nonFinite);

        Point first = null;
        Point last = null;
        Point min = null;
        Point max = null;
        double sum = 0;
        long finite = 0;
        long firstTimestamp = Long.MAX_VALUE;
        long lastTimestamp = Long.MIN_VALUE;
        for (Point p : sent) {
            if (first == null || p.step() < first.step()) {
                first = p;
            }
            if (last == null || p.step() >= last.step()) {
                last = p;
            }
            firstTimestamp = Math.min(firstTimestamp, p.timestamp());
            lastTimestamp = Math.max(lastTimestamp, p.timestamp());
            if (Double.isFinite(p.value())) {
                finite++;
                sum += p.value();
                if (min == null || p.value() < min.value() || (p.value() == min.value() && p.step() < min.step())) {
                    min = p;
                }
                if (max == null || p.value() > max.value() || (p.value() == max.value() && p.step() < max.step())) {
                    max = p;
                }
            }
        }
        assertThat(first).as("test data has points").isNotNull();
        assertThat(actual.getFirstStep()).as(of + "first_step").isEqualTo(first.step());
        assertThat(actual.getLastStep()).as(of + "last_step").isEqualTo(last.step());
        assertSameDouble(actual.getFirst(), first.value(), of + "first");
        assertSameDouble(actual.getLast(), last.value(), of + "last");
        assertThat(actual.getFirstTimestamp()).as(of + "first_timestamp").isEqualTo(firstTimestamp);
        assertThat(actual.getLastTimestamp()).as(of + "last_timestamp").isEqualTo(lastTimestamp);
        if (finite == 0) {
            assertThat(actual.getMin()).as(of + "min without finite values").isNaN();
            assertThat(actual.getMax()).as(of + "max without finite values").isNaN();
            assertThat(actual.getStd()).as(of + "std without finite values").isZero();
            return;
        }
        double mean = sum / finite;
        double squares = 0;
        for (Point p : sent) {
            if (Double.isFinite(p.value())) {
                squares += (p.value() - mean) * (p.value() - mean);
            }
        }
        double std = finite < 2 ? 0.0 : Math.sqrt(squares / (finite - 1));
        assertThat(actual.getMin()).as(of + "min").isEqualTo(min.value());
        assertThat(actual.getMax()).as(of + "max").isEqualTo(max.value());
        assertThat(actual.getMinStep()).as(of + "min_step").isEqualTo(min.step());
        assertThat(actual.getMaxStep()).as(of + "max_step").isEqualTo(max.step());
        assertThat(actual.getMean()).as(of + "mean").isCloseTo(mean, within(1e-9 * Math.max(1, Math.abs(mean))));
        assertThat(actual.getStd()).as(of + "std").isCloseTo(std, within(1e-9 * Math.max(1, std)));
    }

    static void assertSameDouble(double actual, double expected, String what) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }
}
