package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.ReadMetricSeriesResponse;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.domain.Downsampling;
import io.trialgraph.domain.MetricPoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Reading a curve: a series of 100,000 points downsampled to 1,000 over gRPC, against the same
 * points stored one node per point, read with Cypher and downsampled the same way.
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=series}
 */
public final class SeriesReadBenchmark {

    private static final int POINTS = 100_000;
    private static final int MAX_POINTS = 1_000;
    private static final int READS = 200;

    private SeriesReadBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-series");
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of())) {
            ManagedChannel channel = BenchmarkSupport.channel(server);
            TrialComponentServiceGrpc.newBlockingStub(channel)
                    .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                            .setTrialComponent(TrialComponent.newBuilder().setName("job"))
                            .build());
            long[] steps = new long[POINTS];
            double[] values = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                steps[i] = i;
                values[i] = Math.exp(-i / 20_000.0) + 0.05 * Math.sin(i / 7.0);
            }
            ingest(channel, steps, values);

            MetricServiceGrpc.MetricServiceBlockingStub metrics = MetricServiceGrpc.newBlockingStub(channel);
            ReadMetricSeriesRequest request = ReadMetricSeriesRequest.newBuilder()
                    .setTrialComponentName("job")
                    .setMetricName("val_acc")
                    .setMaxPoints(MAX_POINTS)
                    .build();
            double[] service = time(() -> {
                int n = 0;
                for (Iterator<ReadMetricSeriesResponse> it = metrics.readMetricSeries(request); it.hasNext(); ) {
                    n += it.next().getPoints().getStepsCount();
                }
                check(n <= MAX_POINTS, "downsampled to " + n);
            });

            try (Driver driver = BenchmarkSupport.boltDriver(server);
                    Session session = driver.session()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = 0; i < POINTS; i++) {
                    rows.add(Map.of("step", steps[i], "value", values[i], "timestamp", 1_700_000_000_000L + i));
                }
                session.run(
                                "CREATE INDEX baseline_point IF NOT EXISTS FOR (p:BaselinePoint) ON (p.component, p.metric)")
                        .consume();
                session.run("CALL db.awaitIndexes()").consume();
                session.executeWrite(tx -> tx.run("""
                        UNWIND $rows AS row
                        CREATE (:BaselinePoint {component: 'job', metric: 'val_acc', step: row.step, value: row.value,
                                                timestamp: row.timestamp})""", Map.of("rows", rows)).consume());
                double[] baseline = time(() -> {
                    List<Record> records = session.run("""
                            MATCH (p:BaselinePoint {component: 'job', metric: 'val_acc'})
                            RETURN p.step AS step, p.value AS value, p.timestamp AS timestamp ORDER BY step""").list();
                    long[] s = new long[records.size()];
                    double[] v = new double[records.size()];
                    long[] t = new long[records.size()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = records.get(i).get(0).asLong();
                        v[i] = records.get(i).get(1).asDouble();
                        t[i] = records.get(i).get(2).asLong();
                    }
                    check(Downsampling.m4(new MetricPoints(s, v, t), MAX_POINTS).size() <= MAX_POINTS, "baseline");
                });
                System.out.printf(
                        Locale.ROOT,
                        "Series read: %,d points downsampled to at most %,d, %d reads each%n",
                        POINTS,
                        MAX_POINTS,
                        READS);
                System.out.printf(Locale.ROOT, "%-52s %9s %9s%n", "path", "p50 ms", "p99 ms");
                System.out.printf(
                        Locale.ROOT,
                        "%-52s %9.2f %9.2f%n",
                        "trialgraph ReadMetricSeries (gRPC, chunks)",
                        BenchmarkSupport.median(service),
                        BenchmarkSupport.percentile(service, 99));
                System.out.printf(
                        Locale.ROOT,
                        "%-52s %9.2f %9.2f   (trialgraph %.1fx faster at p50)%n",
                        "baseline: one node per point, Cypher + same downsampling",
                        BenchmarkSupport.median(baseline),
                        BenchmarkSupport.percentile(baseline, 99),
                        BenchmarkSupport.median(baseline) / BenchmarkSupport.median(service));
            }
            channel.shutdownNow();
        } finally {
            BenchmarkSupport.delete(data);
        }
    }

    private static void ingest(ManagedChannel channel, long[] steps, double[] values) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<IngestMetricsRequest> requests = MetricServiceGrpc.newStub(channel)
                .ingestMetrics(new StreamObserver<>() {
                    @Override
                    public void onNext(IngestMetricsResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        t.printStackTrace();
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        int perBatch = 10_000;
        for (int from = 0, sequence = 1; from < steps.length; from += perBatch, sequence++) {
            MetricSeries.Builder series =
                    MetricSeries.newBuilder().setTrialComponentName("job").setMetricName("val_acc");
            for (int i = from; i < Math.min(steps.length, from + perBatch); i++) {
                series.addSteps(steps[i]).addValues(values[i]).addTimestamps(1_700_000_000_000L + i);
            }
            requests.onNext(IngestMetricsRequest.newBuilder()
                    .setWriterId("series-bench")
                    .setSequence(sequence)
                    .addSeries(series)
                    .build());
        }
        requests.onCompleted();
        done.await(5, TimeUnit.MINUTES);
    }

    /** Milliseconds of each of {@link #READS} runs, after as many warm-up runs. */
    private static double[] time(Runnable read) {
        for (int i = 0; i < READS; i++) {
            read.run();
        }
        double[] millis = new double[READS];
        for (int i = 0; i < READS; i++) {
            long started = System.nanoTime();
            read.run();
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        return millis;
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }
}
