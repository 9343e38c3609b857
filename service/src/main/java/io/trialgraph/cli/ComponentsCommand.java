package io.trialgraph.cli;

import io.trialgraph.client.ArtifactLink;
import io.trialgraph.client.MetricSummary;
import io.trialgraph.client.TrialComponent;
import io.trialgraph.client.TrialComponentFilter;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialgraph components list|show}: trial components (jobs, trackers, processing steps). */
@Command(name = "components", mixinStandardHelpOptions = true,
        description = "Lists trial components (jobs, trackers, processing steps) or shows one with its metrics.",
        subcommands = {ComponentsCommand.ListComponents.class, ComponentsCommand.ShowComponent.class})
final class ComponentsCommand extends GroupCommand {

    /** At most one scope: an experiment or a trial. */
    static final class Scope {
        @Option(names = "--experiment", paramLabel = "EXPERIMENT", description = "Only components of this experiment's trials.")
        String experiment;

        @Option(names = "--trial", paramLabel = "TRIAL", description = "Only components of this trial.")
        String trial;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists components in name order.")
    static final class ListComponents implements Runnable {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        FormatOption format;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Scope scope;

        @Option(names = "--kind", paramLabel = "KIND", description = "Only components of this kind, e.g. training.")
        String kind;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            TrialComponentFilter filter = TrialComponentFilter.all();
            if (scope != null && scope.experiment != null) {
                filter = TrialComponentFilter.inExperiment(scope.experiment);
            } else if (scope != null && scope.trial != null) {
                filter = TrialComponentFilter.inTrial(scope.trial);
            }
            if (kind != null) {
                filter = filter.withKind(kind);
            }
            try (TrialGraphClient client = connection.connect()) {
                List<TrialComponent> components = client.listAllTrialComponents(filter);
                Output.listing(spec.commandLine().getOut(), format.tabular(spec), components,
                        List.of("name", "kind", "status", "trials", "start", "end"),
                        c -> Arrays.asList(c.name(), c.kind(), c.status() == null ? "" : c.status().toString(),
                                trials(c.trialNames(), format.format), c.startTime(), c.endTime()));
            }
        }
    }

    /** All trial names in CSV; in a table the first two and how many more, so a shared component keeps the table narrow. */
    static String trials(List<String> names, Output.Format format) {
        if (format != Output.Format.table || names.size() <= 2) {
            return String.join(",", names);
        }
        return names.get(0) + "," + names.get(1) + ",... (" + names.size() + " trials)";
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows one component: parameters, metadata, inputs, outputs and a summary of each metric.")
    static final class ShowComponent implements Runnable {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        FormatOption format;

        @Parameters(paramLabel = "NAME", description = "The component's name.")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            try (TrialGraphClient client = connection.connect()) {
                TrialComponent c = client.getTrialComponent(name);
                List<MetricSummary> metrics = client.getMetricSummaries(name);
                PrintWriter out = spec.commandLine().getOut();
                if (format.format == Output.Format.json) {
                    Map<String, Object> shown = new LinkedHashMap<>();
                    shown.put("component", c);
                    shown.put("metrics", metrics);
                    Output.json(out, shown);
                    return;
                }
                Fields fields = new Fields()
                        .add("name", c.name())
                        .add("display name", c.displayName())
                        .add("kind", c.kind())
                        .add("status", c.status())
                        .add("status message", c.statusMessage())
                        .add("start", c.startTime())
                        .add("end", c.endTime())
                        .add("trials", String.join(", ", c.trialNames()));
                new TreeMap<>(c.parameters()).forEach((parameter, value) -> fields.add("param " + parameter, value));
                new TreeMap<>(c.metadata()).forEach((key, value) -> fields.add("meta " + key, value));
                c.inputs().forEach(link -> fields.add("input " + link.name(), describe(link)));
                c.outputs().forEach(link -> fields.add("output " + link.name(), describe(link)));
                Output.Format chosen = format.tabular(spec);
                fields.print(out, chosen);
                if (!metrics.isEmpty() && chosen == Output.Format.table) {
                    out.println();
                    List<List<Object>> rows = new ArrayList<>();
                    for (MetricSummary m : metrics) {
                        rows.add(Arrays.asList(m.metricName(), m.count(), m.first(), m.last(), m.min(), m.max(), m.mean(),
                                m.lastStep()));
                    }
                    Output.table(out, List.of("metric", "count", "first", "last", "min", "max", "mean", "last step"), rows);
                }
            }
        }

        private static String describe(ArtifactLink link) {
            return link.artifact().uri() + (link.artifact().kind() == null ? "" : " (" + link.artifact().kind().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
    }
}
