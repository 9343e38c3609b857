package io.trialgraph.cli;

import io.trialgraph.client.Lineage;
import io.trialgraph.client.LineageRequest;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trialgraph lineage NODE}: what produced a node, what used it, or both. */
@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = {"The lineage of an artifact or a component: the nodes within --depth data-flow hops and the edges"
            + " between them, nearest first.",
            "NODE is an artifact URI (anything with ':' or '/', e.g. s3://bucket/model.tar.gz) or a component name;"
            + " 'artifact:<uri>' and 'component:<name>' (the keys this command prints) say which explicitly."},
        footer = {"", "Examples:", "  trialgraph lineage s3://trialgraph-demo/cifar10/models/custom-adam-60/model.tar.gz",
            "  trialgraph lineage s3://trialgraph-demo/cifar10/data/train/train.tfrecords --downstream --depth 2",
            "  trialgraph lineage custom-adam-60-training --both --format dot | dot -Tsvg > lineage.svg"})
final class LineageCommand implements Runnable {

    /** Which way to walk: one of the three flags. */
    static final class Direction {
        @Option(names = "--upstream", description = "What produced NODE: its jobs, their inputs, ... (the default).")
        boolean upstream;

        @Option(names = "--downstream", description = "What used NODE: the jobs that consumed it, their outputs, ...")
        boolean downstream;

        @Option(names = "--both", description = "Both ways from NODE.")
        boolean both;
    }

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "NODE", description = "An artifact URI or a component name.")
    String node;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Direction direction;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "10", description = "Most data-flow hops, 1 to 50 (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or dot (Graphviz; default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (format == Output.Format.csv) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: lineage is table, json or dot, not csv");
        }
        LineageRequest.Builder builder = direction == null || direction.upstream ? LineageRequest.upstream()
                : direction.downstream ? LineageRequest.downstream() : LineageRequest.both();
        start(builder, node);
        LineageRequest request = builder.maxDepth(depth).build();
        try (TrialGraphClient client = connection.connect()) {
            PrintWriter out = spec.commandLine().getOut();
            if (format == Output.Format.dot) {
                out.print(client.lineageDot(request));
                out.flush();
                return;
            }
            Lineage lineage = client.lineage(request);
            if (format == Output.Format.json) {
                Output.json(out, lineage);
                return;
            }
            List<List<Object>> rows = new ArrayList<>();
            for (Lineage.Node n : lineage.nodes()) {
                rows.add(Arrays.asList(n.depth(), n.kind(), n.isArtifact() ? n.uri() : n.name(), n.status()));
            }
            Output.table(out, List.of("depth", "kind", "node", "status"), rows);
            out.println();
            List<List<Object>> edges = new ArrayList<>();
            for (Lineage.Edge e : lineage.edges()) {
                edges.add(Arrays.asList(e.fromKey(), e.type(), e.name(), e.toKey()));
            }
            Output.table(out, List.of("from", "edge", "as", "to"), edges);
            if (lineage.truncated()) {
                out.println("(truncated: more nodes are within reach than one answer holds; lower --depth)");
            }
        }
    }

    /** An artifact by URI or a component by name, as the Lineage API names start nodes. */
    static void start(LineageRequest.Builder builder, String node) {
        if (node.startsWith("component:")) {
            builder.fromComponent(node.substring("component:".length()));
        } else if (node.startsWith("artifact:")) {
            builder.fromArtifact(node.substring("artifact:".length()));
        } else if (node.contains(":") || node.contains("/")) {
            // Component names are letters, digits, '-', '_' and '.': a ':' or '/' means a URI.
            builder.fromArtifact(node);
        } else {
            builder.fromComponent(node);
        }
    }
}
