package io.trialgraph.metrics;

import static io.trialgraph.metrics.MetricsTestSupport.T0;
import static io.trialgraph.metrics.MetricsTestSupport.assertSummary;
import static io.trialgraph.metrics.MetricsTestSupport.batch;
import static io.trialgraph.metrics.MetricsTestSupport.chunkNodes;
import static io.trialgraph.metrics.MetricsTestSupport.createComponents;
import static io.trialgraph.metrics.MetricsTestSupport.metricNodes;
import static io.trialgraph.metrics.MetricsTestSupport.readAll;
import static io.trialgraph.metrics.MetricsTestSupport.rejections;
import static io.trialgraph.metrics.MetricsTestSupport.run;
import static io.trialgraph.metrics.MetricsTestSupport.series;
import static io.trialgraph.metrics.MetricsTestSupport.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.DeleteTrialComponentRequest;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.MetricSummary;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.metrics.MetricsTestSupport.Point;
import io.trialgraph.metrics.MetricsTestSupport.Read;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ReadMetricSeries and GetMetricSummaries against a real server and Neo4j, and metrics of deleted components. */
@TrialGraphTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricReadIT {

    private TestServer server;
    private MetricServiceGrpc.MetricServiceBlockingStub metrics;
    private long sequence;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        this.metrics = MetricServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        this.sequence = 0;
    }

    // ---------------------------------------------------------------- reading series

    @Test
    void readReturnsEveryPointInStepOrderWhateverOrderAndBatchSizesTheyCameIn() {
        createComponents(server, "c");
        Random random = new Random(42);
        List<Long> even = new ArrayList<>();
        List<Long> odd = new ArrayList<>();
        for (long s = 0; s < 10_000; s++) {
            (s % 2 == 0 ? even : odd).add(s);
        }
        Collections.shuffle(even, random);
        Collections.shuffle(odd, random);
        List<MetricSeries> groups = new ArrayList<>();
        groups.add(series("c", "loss", points(even))); // one big batch
        for (int i = 0; i < odd.size(); i += 100) { // and 50 small ones, interleaved in steps
            groups.add(series("c", "loss", points(odd.subList(i, i + 100))));
        }
        ingest(groups);

        Read read = readAll(server.channel(), "c", "loss");
        assertThat(read.totalPoints()).isEqualTo(10_000);
        assertThat(read.points()).hasSize(10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(read.points().get(i)).as("point " + i).isEqualTo(point(i));
        }
    }

    @Test
    void readRespectsTheStepRangeInclusively() {
        createComponents(server, "c");
        List<MetricSeries> groups = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            groups.add(series("c", "acc", run(b * 1000L, 1000, b * 1000L)));
        }
        groups.add(series("c", "acc", List.of(new Point(1500, -1, T0)))); // a repeated step
        ingest(groups);

        Read middle = read(range("acc", 1000L, 1999L, 0));
        assertThat(middle.totalPoints()).isEqualTo(1001);
        assertThat(middle.points()).hasSize(1001);
        assertThat(middle.points().get(0).step()).isEqualTo(1000);
        assertThat(middle.points().get(1000).step()).isEqualTo(1999);
        assertThat(middle.steps()).isSorted().allMatch(s -> s >= 1000 && s <= 1999);

        Read one = read(range("acc", 1500L, 1500L, 0));
        assertThat(one.totalPoints()).isEqualTo(2);
        assertThat(one.points()).extracting(Point::value).containsExactlyInAnyOrder(1500.0, -1.0);

        Read from = read(range("acc", 2990L, null, 0));
        assertThat(from.steps()).containsExactly(2990L, 2991L, 2992L, 2993L, 2994L, 2995L, 2996L, 2997L, 2998L, 2999L);
        assertThat(from.totalPoints()).isEqualTo(10);

        Read upTo = read(range("acc", null, 4L, 0));
        assertThat(upTo.steps()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(upTo.totalPoints()).isEqualTo(5);

        Read beyond = read(range("acc", 5000L, null, 0));
        assertThat(beyond.points()).isEmpty();
        assertThat(beyond.totalPoints()).isZero();
    }

    @Test
    void downsamplingKeepsFirstLastMinimumAndMaximum() {
        createComponents(server, "c");
        int n = 100_000;
        long minStep = 33_333;
        long maxStep = 61_234;
        List<Point> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double value = i == minStep ? -1000 : i == maxStep ? 1000 : Math.sin(i / 500.0) * 10 + (i % 7) * 0.01;
            all.add(new Point(i, value, T0 + i));
        }
        ingest(List.of(series("c", "loss", all)));
        Map<Long, Point> byStep = new HashMap<>();
        all.forEach(p -> byStep.put(p.step(), p));

        Read everything = read(range("loss", null, null, 0));
        assertThat(everything.points()).containsExactlyElementsOf(all);
        assertThat(everything.responses()).as("a long series comes in several responses").isGreaterThan(1);

        for (int maxPoints : new int[] {1000, 4, 5, 999}) {
            Read down = read(range("loss", null, null, maxPoints));
            String at = "max_points " + maxPoints + ": ";
            assertThat(down.totalPoints()).as(at + "total_points").isEqualTo(n);
            assertThat(down.points()).as(at + "points").isNotEmpty().hasSizeLessThanOrEqualTo(maxPoints);
            assertThat(down.steps()).as(at + "steps in order").isSorted().doesNotHaveDuplicates();
            assertThat(down.points()).as(at + "every point is a stored point").allMatch(p -> p.equals(byStep.get(p.step())));
            assertThat(down.points()).as(at + "first, last, minimum, maximum")
                    .contains(all.get(0), all.get(n - 1), all.get((int) minStep), all.get((int) maxStep));
        }

        Read window = read(range("loss", 50_000L, 59_999L, 100));
        assertThat(window.totalPoints()).isEqualTo(10_000);
        assertThat(window.points()).hasSizeLessThanOrEqualTo(100).contains(all.get(50_000), all.get(59_999));
        assertThat(window.steps()).allMatch(s -> s >= 50_000 && s <= 59_999);

        Read more = read(range("loss", null, 9L, 100));
        assertThat(more.points()).as("fewer points than max_points: all of them").containsExactlyElementsOf(all.subList(0, 10));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, -1})
    void maxPointsBelowFourIsInvalid(int maxPoints) {
        createComponents(server, "c");
        ingest(List.of(series("c", "loss", run(0, 10, 0))));
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> read(range("loss", null, null, maxPoints)));
        assertThat(e).as("max_points " + maxPoints).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("max_points");
    }

    @Test
    void readingAnUnknownComponentOrMetricIsNotFound() {
        createComponents(server, "c");
        ingest(List.of(series("c", "loss", run(0, 10, 0))));

        StatusRuntimeException component = catchThrowableOfType(StatusRuntimeException.class,
                () -> readAll(server.channel(), "nobody", "loss"));
        assertThat(component).isNotNull();
        assertThat(component.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(component.getStatus().getDescription()).contains("nobody");

        StatusRuntimeException metric = catchThrowableOfType(StatusRuntimeException.class,
                () -> readAll(server.channel(), "c", "val_loss"));
        assertThat(metric).isNotNull();
        assertThat(metric.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(metric.getStatus().getDescription()).contains("val_loss");
    }

    // ---------------------------------------------------------------- summaries

    @Test
    void summariesOfManyComponentsAreFilteredByMetricAndOrderedByComponentThenMetric() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add(String.format("comp-%02d", i));
        }
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, new Random(7));
        createComponents(server, shuffled.toArray(String[]::new));
        createComponents(server, "idle"); // a component without metrics

        Map<String, List<Point>> raw = new HashMap<>();
        List<MetricSeries> groups = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String c = shuffled.get(i);
            int k = names.indexOf(c);
            add(groups, raw, c, "loss", run(0, 10 + k, 100L * k));
            add(groups, raw, c, "acc", List.of(new Point(3, 0.5 + k, T0 + 3), new Point(1, 0.25, T0 + 1)));
            if (k % 2 == 0) {
                add(groups, raw, c, "lr", run(0, 2, k));
            }
        }
        ingest(groups);

        List<String> requested = new ArrayList<>(shuffled);
        requested.add(3, "idle");
        List<MetricSummary> filtered = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addAllTrialComponentNames(requested).addMetricNames("loss").addMetricNames("acc").build()).getSummariesList();
        List<String> expected = new ArrayList<>();
        for (String c : names) {
            expected.add(c + "/acc");
            expected.add(c + "/loss");
        }
        assertThat(filtered).extracting(s -> s.getTrialComponentName() + "/" + s.getMetricName()).containsExactlyElementsOf(expected);
        for (MetricSummary s : filtered) {
            assertSummary(s, s.getTrialComponentName(), s.getMetricName(),
                    raw.get(s.getTrialComponentName() + "/" + s.getMetricName()));
        }

        List<MetricSummary> unfiltered = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addTrialComponentNames("comp-04").addTrialComponentNames("comp-01").addTrialComponentNames("idle").build())
                .getSummariesList();
        assertThat(unfiltered).extracting(s -> s.getTrialComponentName() + "/" + s.getMetricName())
                .containsExactly("comp-01/acc", "comp-01/loss", "comp-04/acc", "comp-04/loss", "comp-04/lr");

        List<MetricSummary> onlyLr = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addAllTrialComponentNames(names).addMetricNames("lr").build()).getSummariesList();
        assertThat(onlyLr).extracting(MetricSummary::getTrialComponentName)
                .containsExactly("comp-00", "comp-02", "comp-04", "comp-06", "comp-08", "comp-10");

        assertThat(metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder().addTrialComponentNames("idle").build())
                .getSummariesList()).isEmpty();
    }

    @Test
    void summariesOfAnUnknownComponentAreNotFoundAndOfNoComponentInvalid() {
        createComponents(server, "c");
        ingest(List.of(series("c", "loss", run(0, 10, 0))));

        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                        .addTrialComponentNames("c").addTrialComponentNames("missing-one").build()));
        assertThat(unknown).isNotNull();
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("missing-one");

        StatusRuntimeException empty = catchThrowableOfType(StatusRuntimeException.class,
                () -> metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder().addMetricNames("loss").build()));
        assertThat(empty).isNotNull();
        assertThat(empty.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    // ---------------------------------------------------------------- deletion

    @Test
    void deletingAComponentDeletesItsMetricsAndChunks() {
        createComponents(server, "keep", "drop");
        ingest(List.of(
                series("keep", "loss", run(0, 5000, 0)), series("keep", "acc", run(0, 100, 0)),
                series("drop", "loss", run(0, 5000, 0)), series("drop", "acc", run(0, 100, 0))));
        long keepChunks = stored(server, "keep", "loss").chunks() + stored(server, "keep", "acc").chunks();
        assertThat(chunkNodes(server)).as("both components have chunks").isGreaterThan(keepChunks);

        TrialComponentServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .deleteTrialComponent(DeleteTrialComponentRequest.newBuilder().setName("drop").build());

        assertThat(metricNodes(server)).isEqualTo(2);
        assertThat(server.count("MATCH (m:Metric {component: 'drop'}) RETURN count(m)")).isZero();
        assertThat(chunkNodes(server)).isEqualTo(keepChunks);
        assertThat(server.count("MATCH (c:MetricChunk) WHERE NOT ()-[:HAS_CHUNK]->(c) RETURN count(c)")).as("orphan chunks").isZero();
        assertThat(readAll(server.channel(), "keep", "loss").totalPoints()).isEqualTo(5000);
        StatusRuntimeException gone = catchThrowableOfType(StatusRuntimeException.class,
                () -> readAll(server.channel(), "drop", "loss"));
        assertThat(gone).isNotNull();
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        // A new component of the same name starts with no metrics of the old one.
        createComponents(server, "drop");
        assertThat(metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder().addTrialComponentNames("drop").build())
                .getSummariesList()).isEmpty();
        ingest(List.of(series("drop", "loss", run(7, 3, 70))));
        MetricSummary summary = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addTrialComponentNames("drop").build()).getSummaries(0);
        assertSummary(summary, "drop", "loss", run(7, 3, 70));
        assertThat(readAll(server.channel(), "drop", "loss").steps()).containsExactly(7L, 8L, 9L);
    }

    // ---------------------------------------------------------------- helpers

    /** Sends each group as its own batch of one stream and checks all were stored. */
    private void ingest(List<MetricSeries> groups) {
        List<IngestMetricsRequest> batches = new ArrayList<>();
        for (MetricSeries group : groups) {
            batches.add(batch("reader-test", ++sequence, group));
        }
        IngestStream stream = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = stream.sendAndAwait(batches);
        assertThat(rejections(responses)).as("rejected batches while preparing data").isEmpty();
        assertThat(stream.complete()).isEqualTo(Status.OK);
    }

    private static void add(List<MetricSeries> groups, Map<String, List<Point>> raw, String component, String metric,
            List<Point> points) {
        groups.add(series(component, metric, points));
        raw.computeIfAbsent(component + "/" + metric, k -> new ArrayList<>()).addAll(points);
    }

    private Read read(ReadMetricSeriesRequest request) {
        return MetricsTestSupport.read(server.channel(), request);
    }

    private static ReadMetricSeriesRequest range(String metric, Long minStep, Long maxStep, int maxPoints) {
        ReadMetricSeriesRequest.Builder builder = ReadMetricSeriesRequest.newBuilder()
                .setTrialComponentName("c").setMetricName(metric).setMaxPoints(maxPoints);
        if (minStep != null) {
            builder.setMinStep(minStep);
        }
        if (maxStep != null) {
            builder.setMaxStep(maxStep);
        }
        return builder.build();
    }

    private static Point point(long step) {
        return new Point(step, step * 0.5, T0 + step);
    }

    private static List<Point> points(List<Long> steps) {
        return steps.stream().map(MetricReadIT::point).toList();
    }
}
