package io.trialgraph.metrics;

import static io.trialgraph.metrics.MetricsTestSupport.T0;
import static io.trialgraph.metrics.MetricsTestSupport.assertAcknowledgedUpTo;
import static io.trialgraph.metrics.MetricsTestSupport.assertSummary;
import static io.trialgraph.metrics.MetricsTestSupport.batch;
import static io.trialgraph.metrics.MetricsTestSupport.chunkNodes;
import static io.trialgraph.metrics.MetricsTestSupport.createComponents;
import static io.trialgraph.metrics.MetricsTestSupport.inStepOrder;
import static io.trialgraph.metrics.MetricsTestSupport.largestTail;
import static io.trialgraph.metrics.MetricsTestSupport.metricNodes;
import static io.trialgraph.metrics.MetricsTestSupport.readAll;
import static io.trialgraph.metrics.MetricsTestSupport.rejections;
import static io.trialgraph.metrics.MetricsTestSupport.run;
import static io.trialgraph.metrics.MetricsTestSupport.series;
import static io.trialgraph.metrics.MetricsTestSupport.stored;
import static io.trialgraph.metrics.MetricsTestSupport.storedPoints;
import static io.trialgraph.metrics.MetricsTestSupport.valueSum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.MetricSummary;
import io.trialgraph.api.v1.RejectedBatch;
import io.trialgraph.metrics.MetricsTestSupport.Point;
import io.trialgraph.metrics.MetricsTestSupport.Read;
import io.trialgraph.metrics.MetricsTestSupport.Stored;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** IngestMetrics against a real server and Neo4j: acknowledgements, rejections, exactly-once, storage shape. */
@TrialGraphTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricIngestIT {

    private TestServer server;
    private MetricServiceGrpc.MetricServiceBlockingStub metrics;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        this.metrics = MetricServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- acknowledgements and summaries

    @Test
    void batchesOfSeveralSeriesAreAcknowledgedInOrderAndSummariesMatchTheRawPoints() {
        createComponents(server, "resnet-b", "resnet-a");
        double inf = Double.POSITIVE_INFINITY;
        double nan = Double.NaN;
        // Steps out of order, repeated steps (at the lowest and the highest step), NaN and infinities.
        List<IngestMetricsRequest> batches = List.of(
                batch("trainer-1", 1,
                        series("resnet-a", "loss", pts(5, 2.5, 50, 3, 3.0, 30, 4, 2.75, 40)),
                        series("resnet-a", "acc", pts(3, 0.1, 31, 4, 0.2, 41, 5, nan, 51)),
                        series("resnet-b", "loss", pts(10, 1.0, 100, 0, inf, 1))),
                batch("trainer-1", 2,
                        series("resnet-a", "loss", pts(1, 4.0, 10, 7, 1.25, 70)),
                        series("resnet-b", "loss", pts(0, 0.5, 2, 20, -inf, 200)),
                        // a second group of the same series in the same batch: step 7 again, stored later
                        series("resnet-a", "loss", pts(7, 1.5, 71, 2, 3.5, 20))),
                batch("trainer-1", 5, // sequences may skip numbers
                        series("resnet-a", "acc", pts(1, 0.05, 11, 2, 0.9, 21)),
                        series("resnet-b", "loss", pts(15, nan, 150, 20, 0.25, 201, 12, -3.0, 120)),
                        series("resnet-a", "loss", pts(6, -1.0, 60))),
                batch("trainer-1", 6,
                        series("resnet-a", "loss", pts(1, 9.0, 5))));

        IngestStream stream = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = new ArrayList<>();
        for (IngestMetricsRequest b : batches) {
            responses.addAll(stream.sendAndAwait(b));
        }
        assertThat(stream.complete()).as("end of the stream").isEqualTo(Status.OK);

        assertAcknowledgedUpTo(responses, 6);
        assertThat(rejections(responses)).isEmpty();
        assertStoredPointsMatchNewlyAcknowledgedBatches(responses, batches);
        assertThat(storedPoints(responses)).isEqualTo(batches.stream().mapToLong(MetricsTestSupport::pointCount).sum());

        Map<String, List<Point>> raw = rawPoints(batches);
        List<MetricSummary> summaries = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addTrialComponentNames("resnet-b").addTrialComponentNames("resnet-a").build()).getSummariesList();
        assertThat(summaries).extracting(s -> s.getTrialComponentName() + "/" + s.getMetricName())
                .containsExactly("resnet-a/acc", "resnet-a/loss", "resnet-b/loss");
        assertSummary(summaries.get(0), "resnet-a", "acc", raw.get("resnet-a/acc"));
        assertSummary(summaries.get(1), "resnet-a", "loss", raw.get("resnet-a/loss"));
        assertSummary(summaries.get(2), "resnet-b", "loss", raw.get("resnet-b/loss"));

        // Spot checks of the rules a user would notice first, beside the computed comparison.
        MetricSummary loss = summaries.get(1);
        assertThat(loss.getFirst()).as("value at the lowest step (1), the earliest stored").isEqualTo(4.0);
        assertThat(loss.getLast()).as("value at the highest step (7), the latest stored").isEqualTo(1.5);
        MetricSummary bLoss = summaries.get(2);
        assertThat(bLoss.getNonFiniteCount()).isEqualTo(3);
        assertThat(bLoss.getMin()).as("min ignores -Infinity").isEqualTo(-3.0);
        assertThat(bLoss.getMax()).as("max ignores +Infinity").isEqualTo(1.0);
        assertThat(bLoss.getMean()).as("mean of the finite values").isCloseTo((1.0 + 0.5 + 0.25 - 3.0) / 4, within(1e-12));
        assertThat(bLoss.getFirst()).as("first is the earliest stored value at step 0, even if infinite").isEqualTo(inf);
        assertThat(bLoss.getLast()).as("last is the latest stored value at step 20").isEqualTo(0.25);

        // Non-finite values are stored as given and read back.
        Read acc = readAll(server.channel(), "resnet-a", "acc");
        assertThat(acc.points()).extracting(Point::step).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(acc.points().get(4).value()).isNaN();
        Read b = readAll(server.channel(), "resnet-b", "loss");
        assertThat(b.steps()).containsExactly(0L, 0L, 10L, 12L, 15L, 20L, 20L);
        assertThat(b.points()).extracting(Point::value).containsExactlyInAnyOrder(inf, 0.5, 1.0, -3.0, nan, -inf, 0.25);
        assertThat(b.points().get(2).value()).isEqualTo(1.0);
        assertThat(b.points().get(3).value()).isEqualTo(-3.0);
        assertThat(b.points().get(4).value()).isNaN();
        assertThat(metricNodes(server)).isEqualTo(3);
        assertThat(server.count("MATCH (:TrialComponent {name: 'resnet-a'})-[:HAS_METRIC]->(m:Metric) RETURN count(m)")).isEqualTo(2);
    }

    @Test
    void seriesOfOnlyNonFiniteValuesHasNaNMinAndMax() {
        createComponents(server, "c");
        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(batch("w", 1, series("c", "grad_norm",
                pts(2, Double.NaN, 1, 1, Double.POSITIVE_INFINITY, 2, 3, Double.NEGATIVE_INFINITY, 3))));
        stream.complete();

        MetricSummary summary = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addTrialComponentNames("c").build()).getSummaries(0);
        assertThat(summary.getCount()).isEqualTo(3);
        assertThat(summary.getNonFiniteCount()).isEqualTo(3);
        assertThat(summary.getMin()).isNaN();
        assertThat(summary.getMax()).isNaN();
        assertThat(summary.getStd()).isZero();
        assertThat(summary.getFirst()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(summary.getLast()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(readAll(server.channel(), "c", "grad_norm").points()).extracting(Point::value)
                .containsExactly(Double.POSITIVE_INFINITY, Double.NaN, Double.NEGATIVE_INFINITY);
    }

    @Test
    void missingOrZeroTimestampsBecomeTheTimeTheServerReceivedThePoints() {
        createComponents(server, "c");
        long before = System.currentTimeMillis();
        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(
                batch("w", 1, MetricSeries.newBuilder().setTrialComponentName("c").setMetricName("no-ts")
                        .addSteps(1).addSteps(2).addValues(1).addValues(2).build()),
                batch("w", 2, MetricSeries.newBuilder().setTrialComponentName("c").setMetricName("zero-ts")
                        .addSteps(1).addValues(1).addTimestamps(0).build()));
        stream.complete();
        long after = System.currentTimeMillis();

        for (String metric : List.of("no-ts", "zero-ts")) {
            for (Point p : readAll(server.channel(), "c", metric).points()) {
                assertThat(p.timestamp()).as(metric + " timestamp").isBetween(before - 1000, after + 1000);
            }
        }
    }

    // ---------------------------------------------------------------- rejected batches

    @Test
    void batchNamingAnUnknownComponentIsRejectedWholeAndTheStreamGoesOn() {
        createComponents(server, "known");
        IngestStream stream = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = stream.sendAndAwait(
                batch("w", 1, series("known", "loss", run(0, 2, 10))),
                batch("w", 2,
                        series("known", "loss", run(100, 3, 1000)),
                        series("known", "fresh-metric", run(0, 1, 1)),
                        series("ghost", "loss", run(0, 2, 1))),
                batch("w", 3, series("known", "loss", run(2, 2, 20))));

        assertAcknowledgedUpTo(responses, 3);
        List<RejectedBatch> rejected = rejections(responses);
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).getSequence()).isEqualTo(2);
        assertThat(rejected.get(0).getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(rejected.get(0).getMessage()).contains("ghost");
        assertThat(storedPoints(responses)).isEqualTo(4);
        assertThat(stream.complete()).isEqualTo(Status.OK);

        // Nothing of batch 2 is stored: not the points of the known component, not the new metric.
        assertThat(readAll(server.channel(), "known", "loss").steps()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(stored(server, "known", "loss").points()).isEqualTo(4);
        assertThat(metricNodes(server)).isEqualTo(1);
        assertThat(server.count("MATCH (c:TrialComponent {name: 'ghost'}) RETURN count(c)")).isZero();
    }

    static Stream<Arguments> invalidBatches() {
        List<Point> two = run(50, 2, 7);
        return Stream.of(
                Arguments.of("empty metric name", List.of(series("c", "", two))),
                Arguments.of("256-character metric name", List.of(series("c", "m".repeat(256), two))),
                Arguments.of("control character in metric name", List.of(series("c", "lo\nss", two))),
                Arguments.of("negative step", List.of(series("c", "acc", List.of(new Point(3, 1, T0), new Point(-1, 2, T0))))),
                Arguments.of("fewer values than steps", List.of(MetricSeries.newBuilder().setTrialComponentName("c")
                        .setMetricName("acc").addSteps(1).addSteps(2).addValues(0.5).build())),
                Arguments.of("more values than steps", List.of(MetricSeries.newBuilder().setTrialComponentName("c")
                        .setMetricName("acc").addSteps(1).addValues(0.5).addValues(0.6).build())),
                Arguments.of("timestamps neither empty nor one per step", List.of(MetricSeries.newBuilder()
                        .setTrialComponentName("c").setMetricName("acc").addSteps(1).addSteps(2).addValues(0.5)
                        .addValues(0.6).addTimestamps(T0).build())),
                Arguments.of("100,001 points in one batch", List.of(
                        series("c", "acc", run(0, 60_000, 0)), series("c", "lr", run(0, 40_001, 0)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBatches")
    void invalidBatchIsRejectedWithInvalidArgumentAndTheStreamGoesOn(String rule, List<MetricSeries> invalid) {
        createComponents(server, "c");
        List<MetricSeries> second = new ArrayList<>();
        second.add(series("c", "loss", run(10, 3, 100))); // a valid group beside the invalid one
        second.addAll(invalid);
        IngestStream stream = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = stream.sendAndAwait(
                batch("w", 1, series("c", "loss", run(0, 2, 0))),
                IngestMetricsRequest.newBuilder().setWriterId("w").setSequence(2).addAllSeries(second).build(),
                batch("w", 3, series("c", "loss", run(2, 2, 2))));

        assertAcknowledgedUpTo(responses, 3);
        List<RejectedBatch> rejected = rejections(responses);
        assertThat(rejected).as(rule).hasSize(1);
        assertThat(rejected.get(0).getSequence()).isEqualTo(2);
        assertThat(rejected.get(0).getCode()).as(rule + ": code").isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(rejected.get(0).getMessage()).as(rule + ": message").isNotBlank();
        assertThat(storedPoints(responses)).isEqualTo(4);
        assertThat(stream.complete()).isEqualTo(Status.OK);

        assertThat(readAll(server.channel(), "c", "loss").steps()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(metricNodes(server)).as("only the loss metric exists").isEqualTo(1);
    }

    @Test
    void aBatchOfExactly100000PointsAndA255CharacterNameAreAccepted() {
        createComponents(server, "c");
        String longest = "m".repeat(255);
        IngestStream stream = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = stream.sendAndAwait(batch("w", 1,
                series("c", longest, run(0, 60_000, 0)), series("c", "lr", run(0, 40_000, 0))));
        assertThat(rejections(responses)).isEmpty();
        assertThat(storedPoints(responses)).isEqualTo(100_000);
        stream.complete();
        assertThat(stored(server, "c", longest).points()).isEqualTo(60_000);
        assertThat(stored(server, "c", "lr").points()).isEqualTo(40_000);
    }

    // ---------------------------------------------------------------- stream-level errors

    @Test
    void emptyWriterIdFailsTheStreamWithInvalidArgument() {
        createComponents(server, "c");
        IngestStream stream = IngestStream.open(server.channel());
        stream.send(batch("", 1, series("c", "loss", run(0, 3, 0))));
        Status status = stream.awaitEnd();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("writer_id");
        assertThat(stream.responses()).isEmpty();
        assertThat(metricNodes(server)).isZero();
    }

    @Test
    void repeatedSequenceFailsTheStreamAndEarlierBatchesStayCommitted() {
        createComponents(server, "c");
        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(batch("w", 1, series("c", "loss", run(0, 2, 0))), batch("w", 3, series("c", "loss", run(2, 2, 0))));
        stream.send(batch("w", 3, series("c", "loss", run(4, 2, 0))));
        Status status = stream.awaitEnd();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("sequence");
        assertThat(readAll(server.channel(), "c", "loss").steps()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void decreasingSequenceFailsTheStreamAndTheWriterGoesOnAfterReconnecting() {
        createComponents(server, "c");
        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(batch("w", 1, series("c", "loss", run(0, 2, 0))), batch("w", 5, series("c", "loss", run(2, 2, 0))));
        stream.send(batch("w", 4, series("c", "loss", run(4, 2, 0))));
        assertThat(stream.awaitEnd().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(stored(server, "c", "loss").points()).isEqualTo(4);

        IngestStream again = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = again.sendAndAwait(batch("w", 6, series("c", "loss", run(4, 2, 0))));
        assertThat(storedPoints(responses)).isEqualTo(2);
        assertThat(again.complete()).isEqualTo(Status.OK);
        assertThat(readAll(server.channel(), "c", "loss").steps()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    // ---------------------------------------------------------------- exactly once

    @Test
    void resendingEveryBatchOnANewStreamStoresEachPointExactlyOnce() {
        createComponents(server, "c");
        int n = 5;
        int m = 3;
        List<IngestMetricsRequest> batches = new ArrayList<>();
        for (int seq = 1; seq <= n + m; seq++) {
            batches.add(batch("writer-x", seq,
                    series("c", "loss", run(seq * 1000L, 300, seq * 7L)),
                    series("c", "acc", run(seq * 10L, 3, seq))));
        }
        IngestStream first = IngestStream.open(server.channel());
        List<IngestMetricsResponse> firstAcks = first.sendAndAwait(batches.subList(0, n));
        assertThat(storedPoints(firstAcks)).isEqualTo(n * 303L);
        assertThat(first.complete()).isEqualTo(Status.OK);

        // A client that lost its acknowledgements resends everything on a new stream.
        IngestStream second = IngestStream.open(server.channel());
        List<IngestMetricsResponse> secondAcks = second.sendAndAwait(batches);
        assertThat(second.complete()).isEqualTo(Status.OK);

        assertAcknowledgedUpTo(secondAcks, n + m);
        assertThat(rejections(secondAcks)).isEmpty();
        assertThat(secondAcks.stream().filter(r -> r.getAcknowledgedSequence() <= n).mapToLong(IngestMetricsResponse::getStoredPoints))
                .as("stored_points of re-sent, already committed batches").containsOnly(0L);
        assertThat(storedPoints(secondAcks)).as("stored_points of the resend").isEqualTo(m * 303L);

        Stored loss = stored(server, "c", "loss");
        Stored acc = stored(server, "c", "acc");
        assertThat(loss.points() + acc.points()).isEqualTo((n + m) * 303L);
        assertThat(loss.valueSum() + acc.valueSum()).isEqualTo(valueSum(batches));
        MetricSummary summary = metrics.getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                .addTrialComponentNames("c").addMetricNames("loss").build()).getSummaries(0);
        assertThat(summary.getCount()).isEqualTo((n + m) * 300L);
    }

    enum Disconnect { CANCEL_CALL, SHUTDOWN_CHANNEL }

    @ParameterizedTest
    @EnumSource(Disconnect.class)
    void clientThatDropsItsStreamMidwayAndResendsUnacknowledgedBatchesStoresEachPointOnce(Disconnect how) throws Exception {
        createComponents(server, "c");
        int total = 30;
        List<IngestMetricsRequest> batches = new ArrayList<>();
        for (int seq = 1; seq <= total; seq++) {
            batches.add(batch("dropper", seq, series("c", "loss", run(seq * 10_000L, 700, seq * 3L)),
                    series("c", "lr", run(seq, 1, seq))));
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        long acknowledged;
        try {
            IngestStream first = IngestStream.open(channel);
            first.sendAll(batches);
            first.awaitAck(3);
            acknowledged = first.acknowledged();
            if (how == Disconnect.CANCEL_CALL) {
                first.cancel();
            } else {
                channel.shutdownNow();
            }
            assertThat(acknowledged).as("the drop happens mid-way").isLessThan(total);

            ManagedChannel next = how == Disconnect.CANCEL_CALL
                    ? channel
                    : ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                IngestStream second = IngestStream.open(next);
                List<IngestMetricsResponse> responses = second.sendAndAwait(batches.subList((int) acknowledged, total));
                assertAcknowledgedUpTo(responses, total);
                assertThat(rejections(responses)).isEmpty();
                assertThat(second.complete()).isEqualTo(Status.OK);
            } finally {
                next.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        Stored loss = stored(server, "c", "loss");
        Stored lr = stored(server, "c", "lr");
        assertThat(loss.points()).isEqualTo(total * 700L);
        assertThat(lr.points()).isEqualTo(total);
        assertThat(loss.valueSum() + lr.valueSum()).isEqualTo(valueSum(batches));
        Read read = readAll(server.channel(), "c", "loss");
        assertThat(read.totalPoints()).isEqualTo(total * 700L);
        assertThat(read.steps()).doesNotHaveDuplicates().isSorted();
    }

    // ---------------------------------------------------------------- durability

    @Test
    void pointsAndTheWritersHighWaterMarkSurviveAServerRestart() throws Exception {
        createComponents(server, "c");
        Map<String, Object> settings = new HashMap<>(server.neo4j().serverProperties());
        settings.put("grpc.server.port", 0);
        List<IngestMetricsRequest> batches = List.of(
                batch("restart-writer", 1, series("c", "loss", run(0, 1000, 0))),
                batch("restart-writer", 2, series("c", "loss", run(1000, 10, 5000))));

        try (TrialGraphServer first = TrialGraphServer.start(settings)) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", first.grpcPort()).usePlaintext().build();
            try {
                IngestStream stream = IngestStream.open(channel);
                stream.sendAndAwait(batches);
                assertThat(stream.complete()).isEqualTo(Status.OK);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        try (TrialGraphServer second = TrialGraphServer.start(settings)) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", second.grpcPort()).usePlaintext().build();
            try {
                Read read = readAll(channel, "c", "loss");
                assertThat(read.totalPoints()).isEqualTo(1010);
                assertThat(read.points()).containsExactlyElementsOf(inInsertionOrder(batches));
                MetricSummary summary = MetricServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .getMetricSummaries(GetMetricSummariesRequest.newBuilder().addTrialComponentNames("c").build())
                        .getSummaries(0);
                assertSummary(summary, "c", "loss", inInsertionOrder(batches));

                // The writer's committed sequence survived too: a resend after the restart stores nothing.
                IngestStream stream = IngestStream.open(channel);
                List<IngestMetricsResponse> responses = stream.sendAndAwait(batches);
                assertThat(storedPoints(responses)).isZero();
                assertThat(stream.complete()).isEqualTo(Status.OK);
                assertThat(stored(server, "c", "loss").points()).isEqualTo(1010);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    // ---------------------------------------------------------------- storage shape

    @Test
    void hundredThousandPointsBecomeFewChunksNeverOneNodePerPoint() {
        createComponents(server, "c");
        IngestStream stream = IngestStream.open(server.channel());
        // One series in a single batch of the largest size ...
        stream.sendAndAwait(batch("w", 1, series("c", "bulk", run(0, 100_000, 0))));
        // ... and one in 200 batches of 500 points, sent without waiting.
        List<IngestMetricsRequest> steady = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            steady.add(batch("w", 2 + i, series("c", "steady", run(i * 500L, 500, i))));
        }
        List<IngestMetricsResponse> responses = stream.sendAndAwait(steady);
        assertThat(storedPoints(responses)).isEqualTo(100_000);
        assertThat(stream.complete()).isEqualTo(Status.OK);

        Stored bulk = stored(server, "c", "bulk");
        Stored steadyStored = stored(server, "c", "steady");
        assertThat(bulk.points()).isEqualTo(100_000);
        assertThat(steadyStored.points()).isEqualTo(100_000);
        assertThat(bulk.chunks()).as("chunks of the bulk series").isPositive().isLessThan(200);
        assertThat(steadyStored.chunks()).as("chunks of the steady series").isPositive().isLessThan(200);
        assertThat(largestTail(server)).as("points in a metric's tail").isLessThanOrEqualTo(2048);
        assertThat(server.count("MATCH (n) RETURN count(n)")).as("nodes in the whole graph").isLessThan(500);

        Read read = readAll(server.channel(), "c", "steady");
        assertThat(read.totalPoints()).isEqualTo(100_000);
        assertThat(read.points()).hasSize(100_000);
        assertThat(read.points().get(0).step()).isZero();
        assertThat(read.points().get(99_999).step()).isEqualTo(99_999);
        assertThat(read.steps()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void manySmallBatchesDoNotCreateAChunkPerBatch() {
        createComponents(server, "c");
        List<IngestMetricsRequest> batches = new ArrayList<>();
        List<Point> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // Later batches bring lower steps, so the stored order is not the step order.
            List<Point> points = run((499 - i) * 8L, 8, i * 8L);
            sent.addAll(points);
            batches.add(batch("small", i + 1, series("c", "loss", points)));
        }
        IngestStream stream = IngestStream.open(server.channel());
        List<IngestMetricsResponse> responses = stream.sendAndAwait(batches);
        assertAcknowledgedUpTo(responses, 500);
        assertThat(storedPoints(responses)).isEqualTo(4000);
        assertThat(stream.complete()).isEqualTo(Status.OK);

        Stored stored = stored(server, "c", "loss");
        assertThat(stored.points()).isEqualTo(4000);
        assertThat(stored.valueSum()).isEqualTo(valueSum(batches));
        assertThat(chunkNodes(server)).as("chunks after 500 batches of 8 points").isLessThan(50);
        assertThat(largestTail(server)).isLessThanOrEqualTo(2048);
        assertThat(readAll(server.channel(), "c", "loss").points()).containsExactlyElementsOf(inStepOrder(sent));
    }

    // ---------------------------------------------------------------- helpers

    /** Points from (step, value, timestamp offset) triples. */
    private static List<Point> pts(double... triples) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            points.add(new Point((long) triples[i], triples[i + 1], T0 + (long) triples[i + 2]));
        }
        return points;
    }

    /** Raw points per "component/metric", in the order they were sent. */
    private static Map<String, List<Point>> rawPoints(List<IngestMetricsRequest> batches) {
        Map<String, List<Point>> raw = new LinkedHashMap<>();
        for (IngestMetricsRequest b : batches) {
            for (MetricSeries s : b.getSeriesList()) {
                List<Point> list = raw.computeIfAbsent(s.getTrialComponentName() + "/" + s.getMetricName(), k -> new ArrayList<>());
                for (int i = 0; i < s.getStepsCount(); i++) {
                    list.add(new Point(s.getSteps(i), s.getValues(i), s.getTimestamps(i)));
                }
            }
        }
        return raw;
    }

    private static List<Point> inInsertionOrder(List<IngestMetricsRequest> batches) {
        return inStepOrder(rawPoints(batches).values().iterator().next());
    }

    /** Each response's stored_points equals the points of the batches it acknowledges for the first time. */
    private static void assertStoredPointsMatchNewlyAcknowledgedBatches(List<IngestMetricsResponse> responses,
            List<IngestMetricsRequest> batches) {
        long previous = 0;
        for (IngestMetricsResponse response : responses) {
            long from = previous;
            long expected = batches.stream()
                    .filter(b -> b.getSequence() > from && b.getSequence() <= response.getAcknowledgedSequence())
                    .mapToLong(MetricsTestSupport::pointCount).sum();
            assertThat(response.getStoredPoints()).as("stored_points of the response acknowledging " + response.getAcknowledgedSequence())
                    .isEqualTo(expected);
            previous = response.getAcknowledgedSequence();
        }
    }
}
