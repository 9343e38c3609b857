package io.trialgraph.cli;

import io.trialgraph.client.Series;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialgraph metrics COMPONENT METRIC}: a metric's points; {@code metrics plot}: a chart of several. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Prints the points of one metric of a component (step, value, timestamp), optionally downsampled"
            + " to keep the curve's shape.",
        subcommands = PlotCommand.class,
        footer = {"", "Examples:", "  trialgraph metrics custom-adam-60-training val_acc --max-points 100",
            "  trialgraph metrics plot val_acc custom-adam-60-training custom-adam-120-training --output val_acc.png"})
final class MetricsCommand implements Runnable {

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMPONENT", description = "The component (e.g. a training job).")
    String component;

    @Parameters(index = "1", arity = "0..1", paramLabel = "METRIC", description = "The metric, e.g. val_acc.")
    String metric;

    @Option(names = "--max-points", paramLabel = "N", defaultValue = "0",
            description = "At most N points (at least 4), each bucket keeping its first, last, lowest and highest point;"
                + " 0 for all (default).")
    int maxPoints;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (component == null || metric == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing COMPONENT and METRIC (or the plot subcommand)");
        }
        if (format != Output.Format.csv && format != Output.Format.json) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: metrics are csv or json");
        }
        try (TrialGraphClient client = connection.connect()) {
            Series series = client.readMetricSeries(component, metric, null, null, maxPoints);
            PrintWriter out = spec.commandLine().getOut();
            if (format == Output.Format.json) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("component", series.trialComponentName());
                json.put("metric", series.metricName());
                json.put("totalPoints", series.totalPoints());
                json.put("steps", series.steps());
                json.put("values", series.values());
                json.put("timestamps", series.timestamps());
                Output.json(out, json);
                return;
            }
            List<List<Object>> rows = new ArrayList<>(series.size());
            for (int i = 0; i < series.size(); i++) {
                rows.add(Arrays.asList(series.steps()[i], series.values()[i], series.timestamps()[i]));
            }
            Output.csv(out, List.of("step", "value", "timestamp"), rows);
        }
    }
}
