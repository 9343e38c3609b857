package io.trialgraph.cli;

import io.trialgraph.client.Table;
import io.trialgraph.client.TableRequest;
import io.trialgraph.client.TrialGraphClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trialgraph analytics EXPERIMENT | --dataset URI | --experiment-tag K=V...}: the table,
 * built by the server.
 */
@Command(
        name = "analytics",
        mixinStandardHelpOptions = true,
        description = {
            "The experiment table: a row per component (or per trial, --per-trial) with its parameters and"
                    + " metric statistics, over one experiment, every experiment with some tags, or every job that consumed a"
                    + " dataset.",
            "Columns: name, display_name, kind, status, status_message, trials, start_time, end_time, experiment,"
                    + " params.<name>, metrics.<metric>.<stat> (stat: min max mean std last first count non_finite_count"
                    + " min_step max_step first_step last_step). Default: name, kind, status, trials, every parameter and every"
                    + " statistic. Per trial: name, display_name, experiment and <kind>.<column>, e.g."
                    + " training.metrics.test_acc.last.",
            "Filter: kind = \"training\" AND params.epochs = 60 AND metrics.test_acc.last > 0.8 (see the README, Analytics)."
        },
        footer = {
            "",
            "Examples:",
            "  trialgraph analytics cifar10-custom-vs-resnet --filter 'kind = \"training\"' \\",
            "      --sort metrics.test_acc.last:desc --columns name,params.epochs,metrics.test_acc.last --limit 5",
            "  trialgraph analytics --dataset s3://bucket/train.tfrecords --per-trial \\",
            "      --sort training.metrics.test_acc.last:desc --group-by experiment"
        })
final class AnalyticsCommand implements Runnable {

    /** Rows fetched per call when no limit asks for fewer. */
    private static final int PAGE = 1_000;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    FormatOption format;

    @Parameters(
            paramLabel = "EXPERIMENT",
            arity = "0..1",
            description = "The experiment (or --dataset or --experiment-tag).")
    String experiment;

    @Option(
            names = "--dataset",
            paramLabel = "URI",
            description = "Every job that consumed this artifact, in any experiment.")
    String dataset;

    @Option(
            names = "--experiment-tag",
            paramLabel = "K=V",
            description = "Every experiment with this tag (repeat it: all" + " must match).")
    Map<String, String> experimentTags;

    @Option(names = "--per-trial", description = "A row per trial, with its components' columns under their kind.")
    boolean perTrial;

    @Option(names = "--filter", paramLabel = "EXPR", description = "Only rows matching this expression.")
    String filter;

    @Option(
            names = "--sort",
            paramLabel = "COL[:desc]",
            description = "Sort by a column, most significant first (repeat it); " + "add :desc for largest first.")
    List<String> sort = new ArrayList<>();

    @Option(names = "--columns", paramLabel = "C", split = ",", description = "The columns, comma-separated.")
    List<String> columns = new ArrayList<>();

    @Option(
            names = "--group-by",
            paramLabel = "C",
            description = "Keep the best row (by --sort) per value of this column.")
    String groupBy;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows (default: all).")
    Integer limit;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        TableRequest request = request(spec, scope(), filter, sort, columns, groupBy);
        if (perTrial) {
            request = request.perTrial();
        }
        if (limit != null && limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit: must be 1 or more, is " + limit);
        }
        Output.Format chosen = format.tabular(spec);
        try (TrialGraphClient client = connection.connect()) {
            Table table = fetch(client, request, limit == null ? Integer.MAX_VALUE : limit);
            PrintWriter out = spec.commandLine().getOut();
            Output.rows(out, chosen, table.columns(), table.rows());
            if (chosen == Output.Format.table) {
                out.println(Output.rowCount(table.rows().size(), table.totalRows()));
            }
        }
    }

    /** The scope the options name: exactly one of EXPERIMENT, --dataset and --experiment-tag, else a usage error. */
    private TableRequest scope() {
        int scopes = (experiment == null ? 0 : 1) + (dataset == null ? 0 : 1) + (experimentTags == null ? 0 : 1);
        if (scopes != 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "name exactly one of EXPERIMENT, --dataset URI and --experiment-tag K=V (it names " + scopes + ")");
        }
        if (dataset != null) {
            return TableRequest.dataset(dataset);
        }
        if (experimentTags != null) {
            return TableRequest.experimentsTagged(experimentTags);
        }
        return TableRequest.experiment(experiment);
    }

    /** The request for the options; a malformed sort key is a usage error. */
    static TableRequest request(
            CommandSpec spec,
            TableRequest scope,
            String filter,
            List<String> sort,
            List<String> columns,
            String groupBy) {
        TableRequest request = scope.withColumns(columns.toArray(new String[0]));
        if (filter != null) {
            request = request.withFilter(filter);
        }
        for (String key : sort) {
            String column = key;
            boolean descending = false;
            int colon = key.lastIndexOf(':');
            if (colon >= 0) {
                String order = key.substring(colon + 1);
                column = key.substring(0, colon);
                if (order.equalsIgnoreCase("desc")) {
                    descending = true;
                } else if (!order.equalsIgnoreCase("asc")) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--sort: '" + key + "': the order after ':' must be asc or desc");
                }
            }
            request = request.withSort(column, descending);
        }
        if (groupBy != null) {
            request = request.withGroupBy(groupBy);
        }
        return request;
    }

    /** Up to {@code limit} rows, page after page. */
    static Table fetch(TrialGraphClient client, TableRequest request, int limit) {
        List<List<Object>> rows = new ArrayList<>();
        Table page;
        String token = "";
        do {
            page = client.table(request.withPage(Math.min(PAGE, limit - rows.size()), token));
            rows.addAll(page.rows());
            token = page.nextPageToken();
        } while (!token.isEmpty() && rows.size() < limit);
        return new Table(page.columns(), rows.size() > limit ? rows.subList(0, limit) : rows, page.totalRows(), token);
    }
}
