package io.trialgraph.bench;

import io.trialgraph.TrialGraphServer;
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.TrialGraphClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The Java client's {@link MetricLogger} against a real server on a fresh embedded Neo4j (same
 * JVM, same cores): what {@code log()} costs the training thread, and how many points a second
 * reach Neo4j durably end to end (from the first {@code log()} until {@code flush()} returns, so
 * every point is committed).
 *
 * <p>A run logs {@code bench.loggerPoints} points (default 4M) of four metrics in turn to a fresh
 * component, as a training loop would; one warm-up run, then {@code bench.repeats} runs (default
 * 3), medians. Two loggers: (a) the defaults a training job gets (1M-point buffer, so the loop
 * blocks when the server falls behind: the caller's cost then includes waiting), and (b) a
 * buffer big enough never to block, which isolates the caller-thread cost.
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=logger}
 */
public final class MetricLoggerBenchmark {

    private static final String[] METRICS = {"loss", "acc", "val_loss", "val_acc"};

    private MetricLoggerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int points = Integer.getInteger("bench.loggerPoints", 4_000_000);
        int repeats = Integer.getInteger("bench.repeats", 3);
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-logger");
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of());
                TrialGraphClient client = TrialGraphClient.builder().target("127.0.0.1:" + server.grpcPort()).plaintext()
                        .deadline(Duration.ofMinutes(5)).build()) {
            System.out.printf(Locale.ROOT, "MetricLogger, %,d points a run (4 metrics in turn), 1 warm-up + %d runs%n", points, repeats);
            measure(client, "default logger (1M-point buffer, blocks when full)", points, repeats, false);
            measure(client, "logger with a buffer that never fills", points, repeats, true);
        } finally {
            BenchmarkSupport.delete(data);
        }
    }

    private static void measure(TrialGraphClient client, String what, int points, int repeats, boolean neverBlock) {
        double[] nanosPerCall = new double[repeats];
        double[] pointsPerSecond = new double[repeats];
        for (int run = -1; run < repeats; run++) {
            String component = "bench-" + (neverBlock ? "unbounded" : "default") + "-" + (run + 1);
            client.createTrialComponent(component, "training");
            MetricLogger.Builder builder = client.newMetricLogger();
            if (neverBlock) {
                builder.bufferPoints(points + 1_000_000L);
            }
            try (MetricLogger logger = builder.build()) {
                long start = System.nanoTime();
                for (int i = 0; i < points; i++) {
                    logger.log(component, METRICS[i & 3], i >> 2, i * 1e-6);
                }
                long logged = System.nanoTime();
                logger.flush(Duration.ofMinutes(5));
                long flushed = System.nanoTime();
                if (logger.stats().storedPoints() != points) {
                    throw new IllegalStateException("stored " + logger.stats().storedPoints() + " of " + points);
                }
                if (run >= 0) {
                    nanosPerCall[run] = (double) (logged - start) / points;
                    pointsPerSecond[run] = points / ((flushed - start) / 1e9);
                }
            }
            System.gc();
        }
        System.out.printf(Locale.ROOT, "%-52s log(): median %.1f ns a call on the caller's thread (runs %s)%n", what,
                BenchmarkSupport.median(nanosPerCall), format(nanosPerCall, "%.1f"));
        System.out.printf(Locale.ROOT, "%-52s end to end: median %,.0f points/s durable (runs %s)%n", "",
                BenchmarkSupport.median(pointsPerSecond), format(pointsPerSecond, "%,.0f"));
    }

    private static String format(double[] values, String pattern) {
        return Arrays.toString(Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, pattern, v)).toArray());
    }
}
