package io.trialgraph.cli;

import io.trialgraph.client.Experiment;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trialgraph experiments list|show}. */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "Lists experiments or shows one.",
        subcommands = {ExperimentsCommand.ListExperiments.class, ExperimentsCommand.ShowExperiment.class})
final class ExperimentsCommand extends GroupCommand {

    private static final List<String> COLUMNS = List.of("name", "trials", "created", "description");

    private static List<Object> row(Experiment e) {
        return java.util.Arrays.asList(e.name(), e.trialCount(), e.createTime(), e.description());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists experiments in name order.")
    static final class ListExperiments implements Runnable {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        FormatOption format;

        @Option(names = "--prefix", paramLabel = "PREFIX", description = "Only experiments whose name starts with this.")
        String prefix;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            try (TrialGraphClient client = connection.connect()) {
                List<Experiment> experiments = client.listAllExperiments(prefix, Map.of());
                Output.listing(spec.commandLine().getOut(), format.tabular(spec), experiments, COLUMNS, ExperimentsCommand::row);
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one experiment.")
    static final class ShowExperiment implements Runnable {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        FormatOption format;

        @Parameters(paramLabel = "NAME", description = "The experiment's name.")
        String name;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            try (TrialGraphClient client = connection.connect()) {
                Experiment e = client.getExperiment(name);
                PrintWriter out = spec.commandLine().getOut();
                if (format.format == Output.Format.json) {
                    Output.json(out, e);
                    return;
                }
                Fields fields = new Fields()
                        .add("name", e.name())
                        .add("display name", e.displayName())
                        .add("description", e.description())
                        .add("tags", Output.keyValues(e.tags()))
                        .add("trials", e.trialCount())
                        .add("created", e.createTime())
                        .add("updated", e.updateTime());
                fields.print(out, format.tabular(spec));
            }
        }
    }
}
