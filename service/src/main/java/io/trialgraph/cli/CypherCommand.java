package io.trialgraph.cli;

import io.trialgraph.client.QueryResult;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialgraph cypher "QUERY"}: a read-only Cypher query through the service. */
@Command(name = "cypher", mixinStandardHelpOptions = true,
        description = {"Runs a read-only Cypher query through the service (writes are refused with PERMISSION_DENIED)."
            + " The graph's labels and properties are in the README, The graph."},
        footer = {"", "Example:", "  trialgraph cypher 'MATCH (job:TrialComponent {kind: \"training\"})-[:HAS_METRIC]->(m:Metric {name: \"test_acc\"})"
            + " WHERE job.`param.epochs` = $epochs RETURN job.name, m.last ORDER BY m.last DESC' --param epochs=60"})
final class CypherCommand implements Runnable {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "QUERY", description = "The Cypher query, with $name parameters.")
    String query;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "A parameter (repeat it): numbers and true/false are typed, anything else is a string.")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Option(names = "--max-rows", paramLabel = "N", defaultValue = "0", description = "At most N rows (0: the server's 10,000).")
    int maxRows;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (format != Output.Format.table && format != Output.Format.json) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: cypher is table or json");
        }
        Map<String, Object> typed = new LinkedHashMap<>();
        parameters.forEach((name, value) -> typed.put(name, value(value)));
        try (TrialGraphClient client = connection.connect()) {
            QueryResult result = client.query(query, typed, null, maxRows);
            PrintWriter out = spec.commandLine().getOut();
            Output.rows(out, format, result.columns(), result.rows());
            if (format == Output.Format.table) {
                String count = Output.rowCount(result.size(), result.size());
                out.println(result.truncated() ? count.replace(")", ", truncated at the row cap)") : count);
            }
        }
    }

    /** A parameter's value: a whole number, a decimal number, a boolean, or else the text itself. */
    static Object value(String text) {
        if (INTEGER.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(text);
            }
        }
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        return text;
    }
}
