package io.trialgraph.cli;

import io.trialgraph.client.Trial;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialgraph trials list|show}. */
@Command(name = "trials", mixinStandardHelpOptions = true, description = "Lists trials or shows one.",
        subcommands = {TrialsCommand.ListTrials.class, TrialsCommand.ShowTrial.class})
final class TrialsCommand extends GroupCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists trials in name order.")
    static final class ListTrials implements Runnable {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        FormatOption format;

        @Option(names = "--experiment", paramLabel = "EXPERIMENT", description = "Only the trials of this experiment.")
        String experiment;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            try (TrialGraphClient client = connection.connect()) {
                List<Trial> trials = client.listAllTrials(experiment);
                Output.listing(spec.commandLine().getOut(), format.tabular(spec), trials,
                        List.of("name", "experiment", "components", "tags", "created"),
                        t -> java.util.Arrays.asList(t.name(), t.experimentName(), t.trialComponentCount(),
                                Output.keyValues(t.tags()), t.createTime()));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one trial.")
    static final class ShowTrial implements Runnable {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        FormatOption format;

        @Parameters(paramLabel = "NAME", description = "The trial's name.")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            try (TrialGraphClient client = connection.connect()) {
                Trial t = client.getTrial(name);
                PrintWriter out = spec.commandLine().getOut();
                if (format.format == Output.Format.json) {
                    Output.json(out, t);
                    return;
                }
                new Fields()
                        .add("name", t.name())
                        .add("experiment", t.experimentName())
                        .add("display name", t.displayName())
                        .add("tags", Output.keyValues(t.tags()))
                        .add("components", t.trialComponentCount())
                        .add("created", t.createTime())
                        .add("updated", t.updateTime())
                        .print(out, format.tabular(spec));
            }
        }
    }
}
