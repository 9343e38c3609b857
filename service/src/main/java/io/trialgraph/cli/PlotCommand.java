package io.trialgraph.cli;

import io.trialgraph.client.Series;
import io.trialgraph.client.TrialGraphClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialgraph metrics plot METRIC COMPONENT... --output FILE}: a line chart, value against step. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draws one metric against step for one or more components, a line each, into a PNG or SVG file.")
final class PlotCommand implements Runnable {

    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "METRIC", description = "The metric, e.g. val_acc.")
    String metric;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMPONENT", description = "The components, a line each.")
    List<String> components;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "FILE.png or FILE.svg.")
    Path output;

    @Option(names = "--max-points", paramLabel = "N", defaultValue = "1000",
            description = "Points per line, downsampled keeping the shape (default: ${DEFAULT-VALUE}; 0: all).")
    int maxPoints;

    @Option(names = "--width", paramLabel = "PIXELS", defaultValue = "900", description = "Width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", paramLabel = "PIXELS", defaultValue = "540", description = "Height (default: ${DEFAULT-VALUE}).")
    int height;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        String file = output.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean svg = file.endsWith(".svg");
        if (!svg && !file.endsWith(".png")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--output: must end with .png or .svg: " + output);
        }
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(metric + " vs step").xAxisTitle("step").yAxisTitle(metric).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        try (TrialGraphClient client = connection.connect()) {
            for (String component : components) {
                Series series = client.readMetricSeries(component, metric, null, null, maxPoints);
                double[] steps = Arrays.stream(series.steps()).asDoubleStream().toArray();
                XYSeries line = chart.addSeries(component, steps, series.values());
                line.setMarker(SeriesMarkers.NONE);
            }
        }
        try (OutputStream out = Files.newOutputStream(output)) {
            if (svg) {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            } else {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + output + " (" + metric + " of " + components.size() + " components)");
    }
}
