package io.trialgraph.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --format table|csv|json} of the commands that print rows. */
final class FormatOption {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (aligned columns), csv or json (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    /** @return the format, refusing formats that do not apply to rows (dot) */
    Output.Format tabular(CommandSpec spec) {
        if (format == Output.Format.dot) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: dot is for lineage only; use table, csv or json");
        }
        return format;
    }
}
