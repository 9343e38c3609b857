// The Java client's MetricLogger against the server bench_logger.py started: the same points
// (4 metrics in turn), the same measure (first log() until flush() returns). Run by
// bench_logger.py as a single-file program: java -cp 'service/target/lib/*' JavaLoggerBaseline.java TARGET POINTS RUNS
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.TrialGraphClient;
import java.time.Duration;
import java.util.Locale;

public class JavaLoggerBaseline {
    public static void main(String[] args) {
        String target = args[0];
        int points = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        String[] metrics = {"loss", "acc", "val_loss", "val_acc"};
        try (TrialGraphClient client = TrialGraphClient.builder().target(target).plaintext()
                .deadline(Duration.ofMinutes(5)).build()) {
            for (int run = -1; run < runs; run++) { // one warm-up run
                String component = "bench-java-" + System.nanoTime();
                client.createTrialComponent(component, "training");
                try (MetricLogger logger = client.newMetricLogger().build()) {
                    long start = System.nanoTime();
                    for (int i = 0; i < points; i++) {
                        logger.log(component, metrics[i & 3], i >> 2, i * 1e-6);
                    }
                    long logged = System.nanoTime();
                    logger.flush(Duration.ofMinutes(5));
                    long flushed = System.nanoTime();
                    if (run >= 0) {
                        System.out.printf(Locale.ROOT, "java %d %.1f %.0f%n", run, (double) (logged - start) / points,
                                points / ((flushed - start) / 1e9));
                    }
                }
            }
        }
    }
}
