package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.analytics.StatsRow;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCypher;
import io.trialgraph.analytics.TableRequests;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.ListTrialComponentsRequest;
import io.trialgraph.api.v1.ListTrialComponentsResponse;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.MetricSummary;
import io.trialgraph.api.v1.SortKey;
import io.trialgraph.api.v1.TableRows;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.service.AnalyticsService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Value;

/**
 * The experiment table at live-ingest speed. An experiment of 10,000 trials, each with a training
 * job of 10 parameters and 6 metrics of 1,000 steps (written through the real ingest path), plus a
 * metadata component shared by every trial; and an experiment of 100,000 trials of the same shape
 * whose metrics are written straight in the stored layout (ingesting 600 million points would take
 * the benchmark an hour; the table reads the statistics only). Every figure is computed while 8
 * streams keep writing into the 10,000-trial experiment (a batch of 6 metrics x 10 steps every
 * {@code bench.liveIntervalMs} per stream), so the answer cache never helps: its hits are printed.
 *
 * <p>Baselines in the same run: the query of the previous commit (statistics read from a
 * {@code :Metric} node per column, text kept below), run straight through the driver like the
 * current query (Cypher only, no gRPC), and the client-side table (SageMaker's
 * ExperimentAnalytics style: list every component, fetch every summary, sort in the client). Then
 * ingest throughput with 8 streams flat out, alone and while the first page is read in a loop.
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=analytics}
 * (options: {@code -Dbench.trials=10000 -Dbench.bigTrials=100000} (0 skips it) {@code
 * -Dbench.runs=30 -Dbench.liveIntervalMs=50}; {@code -Dbench.runs=0} skips the timed requests and
 * measures ingest throughput only, {@code -Dbench.throughputBatches} sets the length of its window).
 */
public final class AnalyticsBenchmark {

    private static final int TRIALS = Integer.getInteger("bench.trials", 10_000);
    private static final int BIG_TRIALS = Integer.getInteger("bench.bigTrials", 100_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 30);
    private static final long LIVE_INTERVAL_MS = Long.getLong("bench.liveIntervalMs", 50);
    private static final int STEPS = 1_000;
    private static final List<String> METRICS = List.of("loss", "acc", "val_loss", "val_acc", "test_loss", "test_acc");
    private static final String[] OPTIMIZERS = {"adam", "sgd", "rmsprop"};
    private static final int[] EPOCHS = {30, 60, 120};
    private static final String FILTER = "kind = \"training\" AND params.epochs >= 60 AND metrics.test_acc.last > 0.5";

    /** The previous commit's query for the sorted table (TableCypher of 4588039, these columns). */
    private static final String OLD_SORTED = """
            MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(t:Trial)<-[:PART_OF]-(c:TrialComponent)
            WITH DISTINCT c
            OPTIONAL MATCH (m0:Metric {component: c.name, name: $m0})
            WITH c, m0
            WITH c, m0 ORDER BY m0.last IS NULL, m0.last DESC, c.name
            WITH collect(c) AS sorted
            WITH size(sorted) AS total, sorted[$offset..($offset + $limit)] AS page
            UNWIND page AS c
            RETURN total, [c.name, c[$k0], c[$k1], c[$k2], c[$k3], c[$k4], c[$k5], c[$k6], c[$k7], c[$k8], c[$k9]] AS values,
                   COLLECT { MATCH (c)-[:HAS_METRIC]->(m:Metric) WHERE m.name IN $shown RETURN [m.name, m.last] } AS ms""";

    /** The previous commit's query for the filtered table, best row per optimizer. */
    private static final String OLD_GROUPED = """
            MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(t:Trial)<-[:PART_OF]-(c:TrialComponent)
            WITH DISTINCT c
            OPTIONAL MATCH (m0:Metric {component: c.name, name: $m0})
            WITH c, m0
            WHERE ((c.kind = $v0) AND (c[$e] >= $v2) AND (m0.last > $v3))
            WITH c, m0, c[$g] AS grouped
            WITH c, m0, grouped ORDER BY grouped, m0.last IS NULL, m0.last DESC, c.name
            WITH grouped, collect({c: c, m0: m0})[0] AS best
            WITH best.c AS c, best.m0 AS m0
            WITH c, m0 ORDER BY m0.last IS NULL, m0.last DESC, c.name
            WITH collect(c) AS sorted
            WITH size(sorted) AS total, sorted[$offset..($offset + $limit)] AS page
            UNWIND page AS c
            RETURN total, [c.name, c[$k0], c[$k1], c[$k2], c[$k3], c[$k4], c[$k5], c[$k6], c[$k7], c[$k8], c[$k9]] AS values,
                   COLLECT { MATCH (c)-[:HAS_METRIC]->(m:Metric) WHERE m.name IN $shown RETURN [m.name, m.last] } AS ms""";

    private AnalyticsBenchmark() {}

    private record Timing(String what, double[] millis, int rows) {}

    public static void main(String[] args) throws Exception {
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-analytics");
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of())) {
            ManagedChannel channel = BenchmarkSupport.channel(server);
            Driver driver = server.context().getBean(Neo4jConnection.class).driver();
            long started = System.nanoTime();
            build(channel, driver);
            System.out.printf(
                    Locale.ROOT,
                    "Experiment 'big' of %,d trials (10 parameters and %d metrics x %,d steps a job, through ingest)"
                            + " loaded in %.1f s%n",
                    TRIALS,
                    METRICS.size(),
                    STEPS,
                    (System.nanoTime() - started) / 1e9);
            if (BIG_TRIALS > 0) {
                started = System.nanoTime();
                buildStored(driver, "huge", BIG_TRIALS);
                System.out.printf(
                        Locale.ROOT,
                        "Experiment 'huge' of %,d trials (same shape, statistics written as stored) loaded in %.1f s%n",
                        BIG_TRIALS,
                        (System.nanoTime() - started) / 1e9);
            }

            AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics =
                    AnalyticsServiceGrpc.newBlockingStub(channel).withMaxInboundMessageSize(256 * 1024 * 1024);
            GetTableRequest first = request("big", 100);
            List<String> jobs =
                    IntStream.range(0, TRIALS).mapToObj(i -> "job-" + i).toList();
            if (RUNS > 0) {
                latency(server, channel, driver, analytics, jobs);
            }
            throughput(channel, analytics, jobs, first);
            channel.shutdownNow();
        } finally {
            BenchmarkSupport.delete(data);
        }
    }

    /** Every request timed in turn with its baselines while 8 streams write into 'big'. */
    private static void latency(
            TrialGraphServer server,
            ManagedChannel channel,
            Driver driver,
            AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics,
            List<String> jobs)
            throws Exception {
        GetTableRequest first = request("big", 100);
        GetTableRequest full = request("big", 10_000);
        GetTableRequest grouped = first.toBuilder()
                .setFilter(FILTER)
                .setGroupBy("params.optimizer")
                .build();
        GetTableRequest perTrial = perTrialRequest("big");
        GetTableRequest huge = request("huge", 100);
        AnalyticsService service = server.context().getBean(AnalyticsService.class);
        long hitsBefore = service.cacheStats().hitCount();
        long missesBefore = service.cacheStats().missCount();
        Map<String, Supplier<Integer>> queries = new LinkedHashMap<>();
        queries.put(
                "GetTable: first page of 100 rows, sorted by test_acc last, 17 columns",
                () -> analytics.getTable(first).getRowsCount());
        queries.put(
                "GetTable: the full table (10,001 rows, 17 columns)",
                () -> analytics.getTable(full).getRowsCount());
        queries.put(
                "GetTable: filtered + best row per optimizer",
                () -> analytics.getTable(grouped).getRowsCount());
        queries.put(
                "GetTable: rows per trial, first page of 100 (training.*)",
                () -> analytics.getTable(perTrial).getRowsCount());
        if (BIG_TRIALS > 0) {
            queries.put(
                    "GetTable: 100,000-trial experiment, first page of 100",
                    () -> analytics.getTable(huge).getRowsCount());
        }
        queries.put("Cypher only, this query: first page", () -> cypher(driver, first));
        queries.put("Cypher only, this query: full table", () -> cypher(driver, full));
        queries.put("Cypher only, this query: filtered + best per optimizer", () -> cypher(driver, grouped));
        queries.put("baseline: previous query, Cypher only: first page", () -> old(driver, OLD_SORTED, "big", 100));
        queries.put("baseline: previous query, Cypher only: full table", () -> old(driver, OLD_SORTED, "big", 10_001));
        queries.put(
                "baseline: previous query, Cypher only: filtered + best per optimizer",
                () -> old(driver, OLD_GROUPED, "big", 100));
        if (BIG_TRIALS > 0) {
            queries.put(
                    "baseline: previous query, Cypher only: 100,000 trials, first page",
                    () -> old(driver, OLD_SORTED, "huge", 100));
        }
        queries.put("baseline: client-side table (list, summaries, sort in the client)", () -> clientSide(channel));
        List<Timing> timings;
        double livePoints;
        double liveCommits;
        try (BenchIngest live = new BenchIngest(channel, "live", 8, jobs, METRICS, 10, STEPS, LIVE_INTERVAL_MS, 0)) {
            timings = timeInTurn(queries, RUNS);
            livePoints = live.pointsPerSecond();
            liveCommits = live.batchesPerSecond();
        }
        long hits = service.cacheStats().hitCount() - hitsBefore;
        long misses = service.cacheStats().missCount() - missesBefore;

        System.out.printf(
                Locale.ROOT,
                "While measuring, 8 streams wrote %,.0f points/s in %,.0f commits/s into 'big'; answer cache: %d"
                        + " hits, %d computed%n",
                livePoints,
                liveCommits,
                hits,
                misses);
        System.out.printf(
                Locale.ROOT,
                "%-84s %9s %9s %7s%n",
                "query (computed while 8 streams write)",
                "p50 ms",
                "p99 ms",
                "rows");
        for (Timing t : timings) {
            System.out.printf(
                    Locale.ROOT,
                    "%-84s %9.1f %9.1f %7d%n",
                    t.what(),
                    BenchmarkSupport.median(t.millis()),
                    BenchmarkSupport.percentile(t.millis(), 99),
                    t.rows());
        }
        ratio(timings, "baseline: previous query, Cypher only: first page", "Cypher only, this query: first page");
        ratio(timings, "baseline: previous query, Cypher only: full table", "Cypher only, this query: full table");
        ratio(timings, "baseline: previous query, Cypher only: filtered", "Cypher only, this query: filtered");
        ratio(timings, "baseline: client-side table", "GetTable: the full table");
        if (BIG_TRIALS > 0) {
            ratio(timings, "baseline: previous query, Cypher only: 100,000", "GetTable: 100,000-trial");
        }
        System.out.println("targets: first page p50 <= 30 ms, p99 <= 100 ms; full table p50 <= 100 ms;"
                + " filtered + best per group p50 <= 30 ms; 100,000 trials first page p50 <= 150 ms");
    }

    private static GetTableRequest request(String experiment, int pageSize) {
        GetTableRequest.Builder request = GetTableRequest.newBuilder()
                .setExperimentName(experiment)
                .setPageSize(pageSize)
                .addColumns("name");
        for (int p = 0; p < 10; p++) {
            request.addColumns("params.p" + p);
        }
        METRICS.forEach(metric -> request.addColumns("metrics." + metric + ".last"));
        return request.addSort(
                        SortKey.newBuilder().setColumn("metrics.test_acc.last").setDescending(true))
                .build();
    }

    private static GetTableRequest perTrialRequest(String experiment) {
        GetTableRequest.Builder request = GetTableRequest.newBuilder()
                .setExperimentName(experiment)
                .setRows(TableRows.TABLE_ROWS_TRIALS)
                .setPageSize(100)
                .addColumns("name");
        for (int p = 0; p < 10; p++) {
            request.addColumns("training.params.p" + p);
        }
        METRICS.forEach(metric -> request.addColumns("training.metrics." + metric + ".last"));
        return request.addSort(SortKey.newBuilder()
                        .setColumn("training.metrics.test_acc.last")
                        .setDescending(true))
                .build();
    }

    private static void ratio(List<Timing> timings, String baseline, String measured) {
        Timing b = find(timings, baseline);
        Timing m = find(timings, measured);
        System.out.printf(
                Locale.ROOT,
                "%s / %s at p50: %.1fx%n",
                b.what(),
                m.what(),
                BenchmarkSupport.median(b.millis()) / BenchmarkSupport.median(m.millis()));
    }

    private static Timing find(List<Timing> timings, String prefix) {
        return timings.stream()
                .filter(t -> t.what().startsWith(prefix))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Times each query {@code runs} times after a warm-up of three, taking them in turn (one run of
     * each, then the next round), so that what else the machine does falls on all of them alike.
     */
    private static List<Timing> timeInTurn(Map<String, Supplier<Integer>> queries, int runs) {
        for (int i = 0; i < 3; i++) {
            queries.values().forEach(Supplier::get);
        }
        Map<String, double[]> millis = new LinkedHashMap<>();
        Map<String, Integer> rows = new HashMap<>();
        queries.keySet().forEach(what -> millis.put(what, new double[runs]));
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, Supplier<Integer>> query : queries.entrySet()) {
                long started = System.nanoTime();
                rows.put(query.getKey(), query.getValue().get());
                millis.get(query.getKey())[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        List<Timing> timings = new ArrayList<>();
        millis.forEach((what, times) -> timings.add(new Timing(what, times, rows.get(what))));
        return timings;
    }

    /** This commit's query for a request, run straight through the driver: Cypher and Bolt only. */
    private static int cypher(Driver driver, GetTableRequest request) {
        Table.Query query = TableRequests.check(
                Table.Scope.ofExperiment(request.getExperimentName()),
                request.getColumnsList(),
                request.getFilter(),
                request.getSortList().stream().map(SortKey::getColumn).toList(),
                request.getSortList().stream().map(SortKey::getDescending).toList(),
                request.getGroupBy(),
                request.getPageSize(),
                "");
        TableCypher.Statement statement =
                TableCypher.page(query, query.columns()).rows();
        try (Session session = driver.session(
                SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build())) {
            return session.executeRead(tx -> {
                int rows = 0;
                for (org.neo4j.driver.Record record :
                        tx.run(statement.text(), statement.parameters()).list()) {
                    record.get("values").asList(Value::asObject);
                    rows++;
                }
                return rows;
            });
        }
    }

    /** The previous commit's query, its metric lists matched to columns in Java as it did. */
    private static int old(Driver driver, String text, String experiment, int limit) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("experiment", experiment);
        parameters.put("m0", "test_acc");
        parameters.put("shown", METRICS);
        parameters.put("offset", 0);
        parameters.put("limit", limit);
        parameters.put("v0", "training");
        parameters.put("v2", 60L);
        parameters.put("v3", 0.5);
        parameters.put("e", "param.epochs");
        parameters.put("g", "param.optimizer");
        for (int p = 0; p < 10; p++) {
            parameters.put("k" + p, "param.p" + p);
        }
        try (Session session = driver.session(
                SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build())) {
            return session.executeRead(tx -> {
                int rows = 0;
                for (org.neo4j.driver.Record record : tx.run(text, parameters).list()) {
                    List<Object> row = new ArrayList<>(record.get("values").asList(Value::asObject));
                    Map<String, List<Object>> metrics = new HashMap<>();
                    for (Value metric : record.get("ms").values()) {
                        List<Object> entry = metric.asList(Value::asObject);
                        metrics.put((String) entry.get(0), entry);
                    }
                    for (String name : METRICS) {
                        List<Object> entry = metrics.get(name);
                        row.add(entry == null ? null : entry.get(1));
                    }
                    rows++;
                }
                return rows;
            });
        }
    }

    /** The baseline: every component and every summary to the client, sorted there. */
    private static int clientSide(ManagedChannel channel) {
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components =
                TrialComponentServiceGrpc.newBlockingStub(channel).withMaxInboundMessageSize(256 * 1024 * 1024);
        MetricServiceGrpc.MetricServiceBlockingStub metrics =
                MetricServiceGrpc.newBlockingStub(channel).withMaxInboundMessageSize(256 * 1024 * 1024);
        List<TrialComponent> all = new ArrayList<>();
        String token = "";
        do {
            ListTrialComponentsResponse page = components.listTrialComponents(ListTrialComponentsRequest.newBuilder()
                    .setExperimentName("big")
                    .setPageSize(1_000)
                    .setPageToken(token)
                    .build());
            all.addAll(page.getTrialComponentsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        Map<String, Double> testAcc = new HashMap<>();
        for (int from = 0; from < all.size(); from += 1_000) {
            GetMetricSummariesRequest.Builder request = GetMetricSummariesRequest.newBuilder();
            all.subList(from, Math.min(all.size(), from + 1_000))
                    .forEach(c -> request.addTrialComponentNames(c.getName()));
            for (MetricSummary summary :
                    metrics.getMetricSummaries(request.build()).getSummariesList()) {
                if (summary.getMetricName().equals("test_acc")) {
                    testAcc.put(summary.getTrialComponentName(), summary.getLast());
                }
            }
        }
        all.sort(Comparator.comparing((TrialComponent c) -> testAcc.getOrDefault(c.getName(), Double.NEGATIVE_INFINITY))
                .reversed());
        return all.size();
    }

    /** Ingest with 8 streams flat out, alone and while the first page is read in a loop. */
    private static void throughput(
            ManagedChannel channel,
            AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics,
            List<String> jobs,
            GetTableRequest first)
            throws Exception {
        int repeats = Integer.getInteger("bench.repeats", 3);
        long batches = Long.getLong("bench.throughputBatches", 300);
        // The scope loaded and the reading path compiled before the first window, as after the timed requests.
        for (int i = 0; i < 20; i++) {
            analytics.getTable(first);
        }
        double[] alone = new double[repeats];
        double[] reading = new double[repeats];
        long step = 1_000_000;
        long reads = 0;
        for (int r = 0; r < repeats; r++) {
            try (BenchIngest ingest =
                    new BenchIngest(channel, "alone" + r, 8, jobs, METRICS, 1_000, step, 0, batches)) {
                ingest.await();
                alone[r] = ingest.pointsPerSecond();
            }
            step += 1_000_000;
            AtomicBoolean stop = new AtomicBoolean();
            long[] count = {0};
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    analytics.getTable(first);
                    count[0]++;
                }
            });
            reader.start();
            try (BenchIngest ingest =
                    new BenchIngest(channel, "reading" + r, 8, jobs, METRICS, 1_000, step, 0, batches)) {
                ingest.await();
                reading[r] = ingest.pointsPerSecond();
            }
            stop.set(true);
            reader.join();
            reads += count[0];
            step += 1_000_000;
        }
        System.out.printf(
                Locale.ROOT,
                "Ingest, 8 streams flat out into 'big' (batches of 6 x 1,000 points), median of %d: alone %,.0f points/s;"
                        + " while the first page is read in a loop (%,d reads) %,.0f points/s = %.0f%% of alone"
                        + " (target >= 80%%)%n",
                repeats,
                BenchmarkSupport.median(alone),
                reads,
                BenchmarkSupport.median(reading),
                100 * BenchmarkSupport.median(reading) / BenchmarkSupport.median(alone));
        // Each window while read against the window alone just before it: on a shared machine the
        // load of others changes between windows, and a pair taken back to back sees the same load.
        double[] pairs = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            pairs[r] = reading[r] / alone[r];
        }
        System.out.printf(
                Locale.ROOT,
                "  median of each window while read / the window alone before it: %.0f%%%n",
                100 * BenchmarkSupport.median(pairs));
        System.out.printf(
                Locale.ROOT,
                "  each window (points/s), alone: %s; while read: %s%n",
                Arrays.stream(alone)
                        .mapToObj(v -> String.format(Locale.ROOT, "%,.0f", v))
                        .toList(),
                Arrays.stream(reading)
                        .mapToObj(v -> String.format(Locale.ROOT, "%,.0f", v))
                        .toList());
    }

    /** Experiment 'big' of {@link #TRIALS} trials in a running server (also the web UI benchmark's data). */
    static void build(TrialGraphServer server, ManagedChannel channel) throws InterruptedException {
        build(channel, server.context().getBean(Neo4jConnection.class).driver());
    }

    /** Experiment 'big': trials and components over Bolt, metrics through the real ingest path. */
    private static void build(ManagedChannel channel, Driver driver) throws InterruptedException {
        ExperimentServiceGrpc.newBlockingStub(channel)
                .createExperiment(CreateExperimentRequest.newBuilder()
                        .setExperiment(Experiment.newBuilder().setName("big").setDescription("10,000 trials"))
                        .build());
        createTrials(driver, "big", "", TRIALS, false);
        List<String> jobs = IntStream.range(0, TRIALS).mapToObj(i -> "job-" + i).toList();
        try (BenchIngest ingest = new BenchIngest(channel, "load", 8, jobs, METRICS, STEPS, 0, 0, (TRIALS + 7) / 8)) {
            ingest.await();
        }
    }

    /** An experiment whose metrics are written straight in the stored layout (Metric nodes and MetricStats). */
    private static void buildStored(Driver driver, String experiment, int trials) {
        try (Session session = driver.session()) {
            session.run(
                            "CREATE (:Experiment {name: $e, createdAt: datetime(), updatedAt: datetime()})",
                            Map.of("e", experiment))
                    .consume();
        }
        createTrials(driver, experiment, experiment + "-", trials, true);
    }

    /**
     * Trials {@code <prefix>trial-i}, each with a training job {@code <prefix>job-i} of 10
     * parameters (and, when {@code stored}, its 6 metrics' statistics as ingest would have left
     * them after 1,000 steps, and Metric nodes with what the previous query reads of them: name
     * and last), and one metadata component in every trial.
     */
    private static void createTrials(Driver driver, String experiment, String prefix, int trials, boolean stored) {
        try (Session session = driver.session()) {
            for (int from = 0; from < trials; from += 1_000) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = from; i < Math.min(trials, from + 1_000); i++) {
                    Map<String, Object> params = new HashMap<>();
                    for (int p = 0; p < 10; p++) {
                        params.put(
                                "param.p" + p, p % 2 == 0 ? (Object) (long) (i % (p + 7)) : (Object) (i * 0.001 * p));
                    }
                    params.put("param.optimizer", OPTIMIZERS[i % 3]);
                    params.put("param.epochs", (long) EPOCHS[(i / 3) % 3]);
                    Map<String, Object> row = new HashMap<>();
                    row.put("i", i);
                    row.put("params", params);
                    if (stored) {
                        double quality = (i * 7919L % 1000) / 1000.0;
                        List<Map<String, Object>> metrics = new ArrayList<>();
                        List<Double> values = new ArrayList<>();
                        for (int m = 0; m < METRICS.size(); m++) {
                            double last = quality * (1 - Math.exp(-(STEPS - 1) / 200.0)) + m * 0.01;
                            Map<String, Object> summary = new HashMap<>();
                            summary.put("last", last);
                            summary.put("min", m * 0.01);
                            summary.put("max", last);
                            summary.put("mean", last * 0.8);
                            summary.put("std", 0.1);
                            summary.put("first", m * 0.01);
                            summary.put("count", (long) STEPS);
                            summary.put("nonFiniteCount", 0L);
                            summary.put("minStep", 0L);
                            summary.put("maxStep", (long) STEPS - 1);
                            summary.put("firstStep", 0L);
                            summary.put("lastStep", (long) STEPS - 1);
                            for (io.trialgraph.analytics.Stat stat : io.trialgraph.analytics.Stat.values()) {
                                values.add(((Number) summary.get(stat.property())).doubleValue());
                            }
                            metrics.add(Map.of("name", METRICS.get(m), "last", last));
                        }
                        assert values.size() == METRICS.size() * StatsRow.WIDTH;
                        row.put("metrics", metrics);
                        row.put("names", METRICS);
                        row.put("values", values);
                    }
                    rows.add(row);
                }
                String metrics = stored ? """
                          CREATE (c)-[:HAS_STATS]->(:MetricStats {component: c.name, names: row.names, values: row.values})
                          WITH c, row
                          UNWIND row.metrics AS metric
                          CREATE (c)-[:HAS_METRIC]->(:Metric {component: c.name, name: metric.name, last: metric.last})""" : "";
                session.executeWrite(
                        tx -> tx.run("""
                                MATCH (e:Experiment {name: $experiment})
                                UNWIND $rows AS row
                                CREATE (t:Trial {name: $prefix + 'trial-' + row.i, createdAt: datetime(), updatedAt: datetime()})
                                       -[:IN_EXPERIMENT]->(e)
                                CREATE (c:TrialComponent {name: $prefix + 'job-' + row.i, kind: 'training', status: 'Completed',
                                                          createdAt: datetime(), updatedAt: datetime()})-[:PART_OF]->(t)
                                SET c += row.params
                                """ + metrics, Map.of("experiment", experiment, "prefix", prefix, "rows", rows))
                                .consume());
            }
            session.executeWrite(tx -> tx.run("""
                            CREATE (m:TrialComponent {name: $prefix + 'experiment-metadata', kind: 'tracker',
                                                      createdAt: datetime(), updatedAt: datetime()})
                            WITH m MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $experiment})
                            CREATE (m)-[:PART_OF]->(t)""", Map.of("experiment", experiment, "prefix", prefix))
                    .consume());
        }
    }
}
