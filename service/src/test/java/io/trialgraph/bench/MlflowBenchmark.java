package io.trialgraph.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trialgraph.TrialGraphServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * MLflow's REST API, timed end to end over HTTP from a client in the same JVM (client and server
 * share the machine's cores):
 *
 * <ul>
 *   <li>log-batch of 1,000 metrics into one run, as MLflow's batching clients send them: 10 keys
 *       x 100 steps, and 1,000 keys x 1 step (a step's worth of per-class metrics). 10 x 100 is
 *       timed twice: right after the server starts (while the JIT still compiles) and after 1,000
 *       more batches (a server that has been running). Each timing also prints the JVM's CPU time
 *       per batch, steadier than latency on a shared machine. Baseline in the same run: the same
 *       1,000 points as 1,000 log-metric requests (what {@code mlflow.log_metric} in a loop
 *       sends).</li>
 *   <li>runs/search over an experiment of 10,000 runs (3 parameters, 2 metrics of 10 steps, 2 tags
 *       each, logged through the API): the first page of 100 of MLflow's UI, a filtered and ordered
 *       search, and MlflowClient.search_runs's default page of 1,000. Baseline in the same run: the
 *       same filter and order as trialgraph's own analytics table over HTTP (computed, cache off).</li>
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=mlflow}
 */
public final class MlflowBenchmark {

    private static final int RUNS = Integer.getInteger("bench.mlflowRuns", 10_000);
    private static final int BATCHES = 300;
    /** Untimed batches before the first timing: the connections and the first compilations. */
    private static final int COLD_WARM_UP = 30;
    /**
     * Untimed batches before the warm timing. Measured on the 2-core machine, the JVM's CPU time
     * per batch falls for about the first 600 batches (the JIT compiling Micronaut's, the
     * driver's and Neo4j's Cypher runtime) and stays level after.
     */
    private static final int WARM_UP = 1_000;

    private static final int SEARCHES = 40;
    private static final long T0 = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] OPTIMIZERS = {"adam", "sgd", "rmsprop"};

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    private MlflowBenchmark(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public static void main(String[] args) throws Exception {
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-mlflow");
        try (TrialGraphServer server =
                BenchmarkSupport.startServer(data, Map.of("trialgraph.analytics.cache-cells", 0))) {
            MlflowBenchmark bench = new MlflowBenchmark(server.httpPort());
            bench.logBatch();
            bench.search();
        } finally {
            BenchmarkSupport.delete(data);
        }
    }

    private void logBatch() throws Exception {
        String experiment = post("experiments/create", "{\"name\": \"bench-log-batch\"}")
                .get("experiment_id")
                .asText();
        for (int shape = 0; shape < 2; shape++) {
            int keys = shape == 0 ? 10 : 1_000;
            String runId = post("runs/create", "{\"experiment_id\": \"" + experiment + "\"}")
                    .at("/run/info/run_id")
                    .asText();
            String what =
                    String.format(Locale.ROOT, "log-batch of 1,000 metrics (%,d keys x %,d steps)", keys, 1_000 / keys);
            BatchLogger batches = new BatchLogger(runId, keys);
            if (shape == 0) {
                // The first batches after start: the JIT is still compiling the server's and
                // Neo4j's hot paths (what a freshly started server answers).
                batches.log(COLD_WARM_UP);
                batches.timed(what + ", right after start");
                // Then as a server that has been running a while: the same run, warm.
                batches.log(WARM_UP);
            } else {
                batches.log(COLD_WARM_UP);
            }
            batches.timed(what);
        }
        // Baseline: the same 1,000 points, one log-metric request each.
        String runId = post("runs/create", "{\"experiment_id\": \"" + experiment + "\"}")
                .at("/run/info/run_id")
                .asText();
        double[] perThousand = new double[5];
        for (int r = -1; r < perThousand.length; r++) {
            long started = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                long step = (long) (r + 1) * 1_000 + i;
                post(
                        "runs/log-metric",
                        "{\"run_id\": \"" + runId + "\", \"key\": \"m" + (i % 10) + "\", \"value\": " + Math.cos(step)
                                + ", \"timestamp\": " + (T0 + step) + ", \"step\": " + step + "}");
            }
            if (r >= 0) {
                perThousand[r] = (System.nanoTime() - started) / 1e6;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "baseline: the same 1,000 points as 1,000 log-metric requests: median %.1f ms%n",
                BenchmarkSupport.median(perThousand));
    }

    /** Log-batches of 1,000 metrics into one run, each step's points for {@code keys} keys, steps counting on. */
    private final class BatchLogger {

        private final String runId;
        private final int keys;
        private long nextBatch;

        BatchLogger(String runId, int keys) {
            this.runId = runId;
            this.keys = keys;
        }

        /** Logs {@code count} batches untimed. */
        void log(int count) {
            for (int b = 0; b < count; b++) {
                post("runs/log-batch", next());
            }
        }

        /** Logs {@link #BATCHES} batches, each timed, and prints p50, p99 and the JVM's CPU time per batch. */
        void timed(String what) {
            double[] millis = new double[BATCHES];
            long cpuBefore = processCpuNanos();
            for (int b = 0; b < BATCHES; b++) {
                String body = next();
                long started = System.nanoTime();
                post("runs/log-batch", body);
                millis[b] = (System.nanoTime() - started) / 1e6;
            }
            double cpuPerBatch = (processCpuNanos() - cpuBefore) / 1e6 / BATCHES;
            System.out.printf(
                    Locale.ROOT,
                    "%s: p50 %.2f ms, p99 %.2f ms (%d batches); CPU of the whole JVM %.1f ms a batch%n",
                    what,
                    BenchmarkSupport.median(millis),
                    BenchmarkSupport.percentile(millis, 99),
                    BATCHES,
                    cpuPerBatch);
        }

        private String next() {
            StringJoiner metrics = new StringJoiner(", ", "[", "]");
            int steps = 1_000 / keys;
            long batch = nextBatch++;
            for (int s = 0; s < steps; s++) {
                long step = batch * steps + s;
                for (int k = 0; k < keys; k++) {
                    metrics.add("{\"key\": \"m" + k + "\", \"value\": " + Math.sin(step + k) + ", \"timestamp\": "
                            + (T0 + step) + ", \"step\": " + step + "}");
                }
            }
            return "{\"run_id\": \"" + runId + "\", \"metrics\": " + metrics + "}";
        }
    }

    /**
     * CPU time of this whole JVM (client, server, Neo4j, JIT compiler, garbage collector): a
     * figure that moves much less than latency when other processes share the machine.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Logs {@code runs} runs through the API into a new experiment; @return its id. */
    static String seed(int port, int runs) throws Exception {
        return new MlflowBenchmark(port).seed(runs);
    }

    private void search() throws Exception {
        long started = System.nanoTime();
        String experiment = seed(RUNS);
        System.out.printf(
                Locale.ROOT,
                "%n%,d runs logged through the API in %.1f s%n",
                RUNS,
                (System.nanoTime() - started) / 1e9);
        searches(experiment);
    }

    private String seed(int runs) throws Exception {
        String experiment = post("experiments/create", "{\"name\": \"bench-search\"}")
                .get("experiment_id")
                .asText();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            int run = i;
            work.add(pool.submit(() -> {
                String runId = post(
                                "runs/create",
                                "{\"experiment_id\": \"" + experiment + "\", \"run_name\": \"run-" + run
                                        + "\", \"start_time\": " + (T0 + run)
                                        + ", \"tags\": [{\"key\": \"team\", \"value\": \"t" + run % 7
                                        + "\"}]}")
                        .at("/run/info/run_id")
                        .asText();
                StringJoiner metrics = new StringJoiner(", ", "[", "]");
                for (int step = 0; step < 10; step++) {
                    double acc = (run % 1000) / 1000.0 * (step + 1) / 10;
                    metrics.add("{\"key\": \"acc\", \"value\": " + acc + ", \"timestamp\": " + (T0 + step)
                            + ", \"step\": " + step + "}");
                    metrics.add("{\"key\": \"loss\", \"value\": " + (1 - acc) + ", \"timestamp\": " + (T0 + step)
                            + ", \"step\": " + step + "}");
                }
                post(
                        "runs/log-batch",
                        "{\"run_id\": \"" + runId + "\", \"params\": [{\"key\": \"optimizer\", \"value\": \""
                                + OPTIMIZERS[run % 3] + "\"}, {\"key\": \"epochs\", \"value\": \"" + (30 << (run % 3))
                                + "\"}, {\"key\": \"lr\","
                                + " \"value\": \"0.001\"}], \"metrics\": " + metrics + "}");
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        return experiment;
    }

    private void searches(String experiment) {
        String filter = "metrics.acc > 0.5 and params.optimizer = 'adam'";
        time(
                "runs/search, MLflow UI's first page (100 runs, newest first)",
                () -> post(
                        "runs/search",
                        "{\"experiment_ids\": [\"" + experiment
                                + "\"], \"max_results\": 100, \"order_by\": [\"attributes.start_time DESC\"]}"));
        time(
                "runs/search, '" + filter + "' ordered by metrics.acc DESC, 100 runs",
                () -> post(
                        "runs/search",
                        "{\"experiment_ids\": [\"" + experiment + "\"], \"filter\": \"" + filter
                                + "\", \"max_results\": 100," + " \"order_by\": [\"metrics.acc DESC\"]}"));
        time(
                "runs/search, MlflowClient.search_runs default page (1,000 runs)",
                () -> post(
                        "runs/search",
                        "{\"experiment_ids\": [\"" + experiment
                                + "\"], \"run_view_type\": \"ACTIVE_ONLY\", \"max_results\": 1000}"));
        String table = "/api/v1/experiments/bench-search/table?filter="
                + encode("metrics.acc.last > 0.5 AND params.optimizer = \"adam\"")
                + "&sort=" + encode("metrics.acc.last:desc")
                + "&page_size=100&column=name&column=params.optimizer&column=params.epochs"
                + "&column=params.lr&column=metrics.acc.last&column=metrics.loss.last";
        time("baseline: the analytics table, same filter and order, 100 rows (computed)", () -> get(table));
    }

    private static void time(String what, Supplier<JsonNode> request) {
        double[] millis = new double[SEARCHES];
        int rows = 0;
        for (int i = -5; i < SEARCHES; i++) {
            long started = System.nanoTime();
            JsonNode answer = request.get();
            if (i >= 0) {
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
            rows = answer.has("runs")
                    ? answer.get("runs").size()
                    : answer.path("rows").size();
        }
        System.out.printf(
                Locale.ROOT,
                "%s: p50 %.1f ms, p99 %.1f ms (%d rows)%n",
                what,
                BenchmarkSupport.median(millis),
                BenchmarkSupport.percentile(millis, 99),
                rows);
    }

    private JsonNode post(String endpoint, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow/" + endpoint))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        request.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
