package io.trialgraph.metrics;

import static io.trialgraph.metrics.MetricsTestSupport.batch;
import static io.trialgraph.metrics.MetricsTestSupport.createComponents;
import static io.trialgraph.metrics.MetricsTestSupport.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.metrics.MetricsTestSupport.Point;
import io.trialgraph.store.MetricStore;
import io.trialgraph.store.PointCodec;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * The incremental series read ({@link MetricStore#openSeries}) block by block, on a series whose
 * chunks overlap every which way (steps logged again, out of order, batches big and small), against
 * the order the whole series has when read at once: every chunk in turn, then the tail, sorted by
 * step keeping that order for equal steps.
 */
@TrialGraphTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SeriesCursorIT {

    private TestServer server;
    private MetricStore store;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        this.store = server.server().context().getBean(MetricStore.class);
        createComponents(server, "job");
        Random random = new Random(7);
        List<IngestMetricsRequest> batches = new ArrayList<>();
        long sequence = 0;
        // Three runs of steps 0..2,999 (a job restarted twice), big batches: overlapping chunks.
        for (int run = 0; run < 3; run++) {
            batches.add(batch("cursor-it", ++sequence, series("job", "loss", run(0, 3_000, run))));
        }
        // Shuffled steps in big batches: each chunk spans almost everything.
        for (int b = 0; b < 3; b++) {
            List<Point> points = run(0, 4_000, 10 + b);
            java.util.Collections.shuffle(points, random);
            batches.add(batch("cursor-it", ++sequence, series("job", "loss", points)));
        }
        // Small batches, repeating steps, into the tail (and the chunks the tail fills).
        for (int b = 0; b < 40; b++) {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long step = random.nextInt(5_000);
                points.add(new Point(step, 100 + b + i / 1000.0, MetricsTestSupport.T0 + step));
            }
            batches.add(batch("cursor-it", ++sequence, series("job", "loss", points)));
        }
        IngestStream stream = IngestStream.open(server.channel());
        assertThat(MetricsTestSupport.rejections(stream.sendAndAwait(batches))).isEmpty();
        assertThat(stream.complete()).isEqualTo(Status.OK);
    }

    private static List<Point> run(long firstStep, int count, int tag) {
        List<Point> points = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            points.add(new Point(firstStep + i, tag * 1e6 + i, MetricsTestSupport.T0 + i));
        }
        return points;
    }

    @Test
    void everyBlockSizeReadsTheWholeSeriesInStoredOrder() {
        List<Point> expected = storedOrder(0, Long.MAX_VALUE);
        assertThat(expected).hasSize(3 * 3_000 + 3 * 4_000 + 40 * 60);
        assertThat(server.count("MATCH (:Metric)-[:HAS_CHUNK]->(c) RETURN count(c)"))
                .as("chunks")
                .isGreaterThan(10);
        for (int block : new int[] {499, 2_048, 5_000, 100_000}) {
            assertThat(readAll(0, Long.MAX_VALUE, block))
                    .as("blocks of %d", block)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aStepRangeReadsTheSamePointsAsFilteringTheWholeSeries() {
        for (long[] range :
                new long[][] {{1_234, 2_345}, {2_999, 3_000}, {4_500, Long.MAX_VALUE}, {777, 777}, {9_000, 9_999}}) {
            List<Point> expected = storedOrder(range[0], range[1]);
            MetricStore.SeriesCursor cursor =
                    store.openSeries("job", "loss", range[0], range[1], 1_000).orElseThrow();
            assertThat(cursor.total()).as("total in %s", Arrays.toString(range)).isEqualTo(expected.size());
            assertThat(readAll(range[0], range[1], 1_000))
                    .as("range %s", Arrays.toString(range))
                    .isEqualTo(expected);
        }
        // One point a block, where equal steps come from many chunks and the tail.
        assertThat(readAll(777, 779, 1)).isEqualTo(storedOrder(777, 779));
    }

    @Test
    void aCursorReadsTheSeriesAsItWasWhenOpened() {
        List<Point> expected = storedOrder(0, Long.MAX_VALUE);
        MetricStore.SeriesCursor cursor =
                store.openSeries("job", "loss", 0, Long.MAX_VALUE, 1_000).orElseThrow();
        List<Point> read = new ArrayList<>(points(cursor.next(5_000)));
        // Meanwhile a writer adds points everywhere, enough to move the tail into a new chunk.
        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(batch("cursor-it-later", 1, series("job", "loss", run(0, 2_500, 99))));
        assertThat(stream.complete()).isEqualTo(Status.OK);
        for (MetricPoints block = cursor.next(5_000); block.size() > 0; block = cursor.next(5_000)) {
            read.addAll(points(block));
        }
        assertThat(read).isEqualTo(expected);
        assertThat(cursor.total()).isEqualTo(expected.size());
    }

    private List<Point> readAll(long minStep, long maxStep, int block) {
        MetricStore.SeriesCursor cursor =
                store.openSeries("job", "loss", minStep, maxStep, 1_000).orElseThrow();
        List<Point> read = new ArrayList<>();
        for (MetricPoints points = cursor.next(block); points.size() > 0; points = cursor.next(block)) {
            assertThat(points.size()).isLessThanOrEqualTo(block);
            read.addAll(points(points));
        }
        assertThat(cursor.next(block).size()).isZero();
        return read;
    }

    /** The series as the whole-series read has always returned it, computed here from the stored chunks and tail. */
    private List<Point> storedOrder(long minStep, long maxStep) {
        List<Point> all = new ArrayList<>();
        try (Session session = server.neo4j().driver().session()) {
            Record row = session.run("""
                    MATCH (m:Metric {component: 'job', name: 'loss'})
                    OPTIONAL MATCH (m)-[:HAS_CHUNK]->(c:MetricChunk)
                    WITH m, c ORDER BY c.seq
                    RETURN m.tail AS tail, collect(c.points) AS chunks""").single();
            for (byte[] chunk : row.get("chunks").asList(value -> value.asByteArray())) {
                all.addAll(points(PointCodec.decode(chunk)));
            }
            if (!row.get("tail").isNull()) {
                all.addAll(points(PointCodec.decode(row.get("tail").asByteArray())));
            }
        }
        all.sort(Comparator.comparingLong(Point::step));
        return all.stream()
                .filter(p -> p.step() >= minStep && p.step() <= maxStep)
                .toList();
    }

    private static List<Point> points(MetricPoints points) {
        List<Point> list = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            list.add(new Point(points.step(i), points.value(i), points.timestamp(i)));
        }
        return list;
    }
}
