package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Metric ingest throughput, end to end and durable: client -> gRPC -> Neo4j committed -> ack.
 * In the same run, three baselines: the same points as one node per point through the driver, the
 * store without the analytics table's copy of the statistics (what the copy costs), and the gRPC
 * path with the store switched off. Then bytes on disk per stored point.
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=ingest}
 * (options: {@code -Dbench.points=2000000 -Dbench.repeats=3 -Dbench.diskPoints=10000000 -Dbench.streams=1,8,32
 * -Dbench.baselines=true -Dbench.warmupSeconds=30}).
 */
public final class IngestBenchmark {

    private static final int METRICS_PER_COMPONENT = 4;
    private static final int STEPS_PER_SERIES = Integer.getInteger("bench.stepsPerSeries", 2_500);
    private static final int BATCH_POINTS = METRICS_PER_COMPONENT * STEPS_PER_SERIES;
    private static final int IN_FLIGHT_BATCHES = 4;

    private IngestBenchmark() {}

    public static void main(String[] args) throws Exception {
        long points = Long.getLong("bench.points", 2_000_000L);
        int repeats = Integer.getInteger("bench.repeats", 3);
        long diskPoints = Long.getLong("bench.diskPoints", 10_000_000L);
        int[] streams = java.util.Arrays.stream(
                        System.getProperty("bench.streams", "1,8,32").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        boolean baselines = Boolean.parseBoolean(System.getProperty("bench.baselines", "true"));
        int warmupSeconds = Integer.getInteger("bench.warmupSeconds", 30);
        System.out.printf(
                Locale.ROOT,
                "Metric ingest: %,d points per run, batches of %,d points (%d metrics x %,d steps), "
                        + "%d batches in flight per stream, median of %d runs%n",
                points,
                BATCH_POINTS,
                METRICS_PER_COMPONENT,
                STEPS_PER_SERIES,
                IN_FLIGHT_BATCHES,
                repeats);
        System.out.printf(Locale.ROOT, "%-44s %8s %16s %10s%n", "path", "streams", "points/s (median)", "vs store");

        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-ingest");
        double[] stored8 = null;
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of())) {
            ManagedChannel channel = BenchmarkSupport.channel(server);
            createComponents(channel, 64);
            warmUp(channel, warmupSeconds);
            for (int n : streams) {
                double[] rates = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    rates[r] = ingest(channel, n, points, "s" + n + "r" + r);
                }
                if (n == 8 || stored8 == null) {
                    stored8 = rates;
                }
                print("trialgraph, durable (gRPC -> Neo4j -> ack)", n, BenchmarkSupport.median(rates), Double.NaN);
            }
            if (!baselines) {
                channel.shutdownNow();
                return;
            }
            double[] baseline = new double[repeats];
            try (Driver driver = BenchmarkSupport.boltDriver(server)) {
                for (int r = 0; r < repeats; r++) {
                    baseline[r] = nodePerPoint(driver, 8, Math.min(points, 1_000_000L));
                }
            }
            print(
                    "baseline: one node per point (driver)",
                    8,
                    BenchmarkSupport.median(baseline),
                    BenchmarkSupport.median(stored8) / BenchmarkSupport.median(baseline));
            channel.shutdownNow();
        } finally {
            BenchmarkSupport.delete(data);
        }

        // What the analytics table's copy of the statistics costs: the same ingest with the
        // store as it was before the copy (no component lock, no MetricStats write).
        Path plainData = BenchmarkSupport.temporaryFolder("trialgraph-bench-no-table-statistics");
        try (TrialGraphServer server =
                BenchmarkSupport.startServer(plainData, Map.of("bench.table-statistics", "false"))) {
            ManagedChannel channel = BenchmarkSupport.channel(server);
            createComponents(channel, 64);
            ingest(channel, 8, 2_000_000, "warmup");
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                rates[r] = ingest(channel, 8, points, "p" + r);
            }
            print(
                    "baseline: store without the table's statistics",
                    8,
                    BenchmarkSupport.median(rates),
                    BenchmarkSupport.median(stored8) / BenchmarkSupport.median(rates));
            channel.shutdownNow();
        } finally {
            BenchmarkSupport.delete(plainData);
        }

        Path transportData = BenchmarkSupport.temporaryFolder("trialgraph-bench-transport");
        try (TrialGraphServer server =
                BenchmarkSupport.startServer(transportData, Map.of("bench.discard-metrics", "true"))) {
            ManagedChannel channel = BenchmarkSupport.channel(server);
            createComponents(channel, 64);
            ingest(channel, 8, 200_000, "warmup");
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                rates[r] = ingest(channel, 8, points, "t" + r);
            }
            print(
                    "baseline: gRPC path, store switched off",
                    8,
                    BenchmarkSupport.median(rates),
                    BenchmarkSupport.median(stored8) / BenchmarkSupport.median(rates));
            channel.shutdownNow();
        } finally {
            BenchmarkSupport.delete(transportData);
        }

        if (diskPoints > 0) {
            Path diskData = BenchmarkSupport.temporaryFolder("trialgraph-bench-disk");
            try (TrialGraphServer server = BenchmarkSupport.startServer(diskData, Map.of())) {
                ManagedChannel channel = BenchmarkSupport.channel(server);
                createComponents(channel, 64);
                long before = BenchmarkSupport.size(diskData.resolve("data/databases"));
                long beforeAll = BenchmarkSupport.size(diskData);
                double rate = ingest(channel, 8, diskPoints, "disk");
                channel.shutdownNow();
                server.close();
                long after = BenchmarkSupport.size(diskData.resolve("data/databases"));
                long afterAll = BenchmarkSupport.size(diskData);
                System.out.printf(
                        Locale.ROOT,
                        "Disk after %,d points (8 streams, %,.0f points/s): store files %.1f bytes/point, "
                                + "store + transaction logs %.1f bytes/point%n",
                        diskPoints,
                        rate,
                        (after - before) / (double) diskPoints,
                        (afterAll - beforeAll) / (double) diskPoints);
            } finally {
                BenchmarkSupport.delete(diskData);
            }
        }
    }

    /**
     * Ingests with 8 streams for at least {@code seconds}, printing each round's rate: the rate climbs
     * for the first ten-odd seconds (the JIT compiles Neo4j's write path, the store files grow). A
     * warm-up of one round made the 8-stream figure depend on whether the 1-stream runs had come first:
     * same commit, one sitting, 1.36M points/s after one round against 1.83-2.28M after 20 s.
     */
    private static void warmUp(ManagedChannel channel, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> rates = new ArrayList<>();
        int round = 0;
        do {
            rates.add(String.format(Locale.ROOT, "%,.0f", ingest(channel, 8, 2_000_000, "warmup" + round++)));
        } while (System.nanoTime() < until);
        System.out.printf(Locale.ROOT, "warm-up (8 streams, points/s per round of 2M): %s%n", String.join(" ", rates));
    }

    private static void print(String path, int streams, double rate, double ratio) {
        System.out.printf(
                Locale.ROOT,
                "%-44s %8d %,16.0f %10s%n",
                path,
                streams,
                rate,
                Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.1fx", ratio));
    }

    private static void createComponents(ManagedChannel channel, int count) {
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub stub =
                TrialComponentServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < count; i++) {
            stub.createTrialComponent(CreateTrialComponentRequest.newBuilder()
                    .setTrialComponent(
                            TrialComponent.newBuilder().setName("job-" + i).setKind("training"))
                    .build());
        }
    }

    /** Sends {@code points} points over {@code streams} concurrent streams and returns acknowledged points per second. */
    private static double ingest(ManagedChannel channel, int streams, long points, String runId) throws Exception {
        long batchesPerStream = Math.max(1, points / streams / BATCH_POINTS);
        List<CompletableFuture<Long>> done = new ArrayList<>();
        long started = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            done.add(stream(channel, runId + "-w" + s, "job-" + (s % 64), batchesPerStream, s * 1_000_000_000L));
        }
        long acknowledged = 0;
        for (CompletableFuture<Long> future : done) {
            acknowledged += future.get(30, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return acknowledged / seconds;
    }

    /** One writer: keeps {@link #IN_FLIGHT_BATCHES} batches unacknowledged at most; completes with the points acknowledged. */
    private static CompletableFuture<Long> stream(
            ManagedChannel channel, String writerId, String component, long batches, long stepOffset) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        Semaphore window = new Semaphore(IN_FLIGHT_BATCHES);
        AtomicLong acknowledged = new AtomicLong();
        StreamObserver<IngestMetricsRequest> requests = MetricServiceGrpc.newStub(channel)
                .ingestMetrics(new StreamObserver<>() {
                    @Override
                    public void onNext(IngestMetricsResponse response) {
                        acknowledged.addAndGet(BATCH_POINTS);
                        window.release();
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(acknowledged.get());
                    }
                });
        Thread sender = new Thread(
                () -> {
                    try {
                        // Curves are computed once: the load generator shares the two cores with the server,
                        // and a real worker builds its batches on its own machine.
                        double[][] curves = new double[METRICS_PER_COMPONENT][STEPS_PER_SERIES];
                        for (int m = 0; m < METRICS_PER_COMPONENT; m++) {
                            for (int i = 0; i < STEPS_PER_SERIES; i++) {
                                curves[m][i] = Math.exp(-i / 1e3) + (m + 1) * 0.01 * Math.sin(i);
                            }
                        }
                        long step = stepOffset;
                        for (long b = 1; b <= batches; b++) {
                            window.acquire();
                            IngestMetricsRequest.Builder batch = IngestMetricsRequest.newBuilder()
                                    .setWriterId(writerId)
                                    .setSequence(b);
                            long now = System.currentTimeMillis();
                            for (int m = 0; m < METRICS_PER_COMPONENT; m++) {
                                MetricSeries.Builder series = MetricSeries.newBuilder()
                                        .setTrialComponentName(component)
                                        .setMetricName("metric-" + m);
                                for (int i = 0; i < STEPS_PER_SERIES; i++) {
                                    series.addSteps(step + i)
                                            .addValues(curves[m][i])
                                            .addTimestamps(now + i);
                                }
                                batch.addSeries(series);
                            }
                            step += STEPS_PER_SERIES;
                            synchronized (requests) {
                                requests.onNext(batch.build());
                            }
                        }
                        window.acquire(IN_FLIGHT_BATCHES);
                        requests.onCompleted();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        requests.onError(e);
                    }
                },
                "bench-" + writerId);
        sender.start();
        return result;
    }

    /** Baseline: the same points as one node each, UNWIND batches of 10,000, {@code sessions} sessions at once. */
    private static double nodePerPoint(Driver driver, int sessions, long points) throws Exception {
        long perSession = points / sessions;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long started = System.nanoTime();
        for (int s = 0; s < sessions; s++) {
            int writer = s;
            done.add(CompletableFuture.runAsync(
                    () -> {
                        try (Session session = driver.session()) {
                            for (long offset = 0; offset < perSession; offset += BATCH_POINTS) {
                                List<Map<String, Object>> rows = new ArrayList<>(BATCH_POINTS);
                                long now = System.currentTimeMillis();
                                for (int i = 0; i < BATCH_POINTS; i++) {
                                    rows.add(Map.of(
                                            "component",
                                            "job-" + writer,
                                            "metric",
                                            "metric-" + (i % METRICS_PER_COMPONENT),
                                            "step",
                                            offset + i,
                                            "value",
                                            Math.sin(i),
                                            "timestamp",
                                            now));
                                }
                                session.executeWrite(
                                        tx -> tx.run("""
                                UNWIND $rows AS row
                                CREATE (:BaselinePoint {component: row.component, metric: row.metric, step: row.step,
                                                        value: row.value, timestamp: row.timestamp})""", Map.of("rows", rows)).consume());
                            }
                        }
                    },
                    java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        for (CompletableFuture<Void> future : done) {
            future.get(30, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        try (Session session = driver.session()) {
            session.run("MATCH (p:BaselinePoint) CALL (p) { DELETE p } IN TRANSACTIONS OF 50000 ROWS")
                    .consume();
        }
        return perSession * sessions / seconds;
    }
}
