package io.trialgraph.bench;

import java.util.Arrays;

/** Entry point of {@code -Pbench}: runs the benchmark named by {@code -Dbench=...}. */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : System.getProperty("bench", "");
        switch (name) {
            case "ingest" -> IngestBenchmark.main(Arrays.copyOfRange(args, Math.min(1, args.length), args.length));
            case "series" -> SeriesReadBenchmark.main(new String[0]);
            case "analytics" -> AnalyticsBenchmark.main(new String[0]);
            case "lineage" -> LineageBenchmark.main(new String[0]);
            case "layouts" -> TableLayoutBenchmark.main(new String[0]);
            case "logger" -> MetricLoggerBenchmark.main(new String[0]);
            case "mlflow" -> MlflowBenchmark.main(new String[0]);
            case "recovery" -> RecoveryBenchmark.main(new String[0]);
            case "web" -> WebUiBenchmark.main(new String[0]);
            default -> {
                System.err.println("usage: -Dbench=ingest|series|lineage|analytics|layouts|logger|mlflow|recovery|web");
                System.exit(2);
            }
        }
        System.exit(0);
    }
}
