package io.trialgraph.cli;

import io.trialgraph.client.Table;
import io.trialgraph.client.TableRequest;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trialgraph demo}: records the CIFAR-10 study ({@link Cifar10Study}) through the client
 * library, prints its table best first and the commands to try next. Each run records a new copy.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Records an example study (docs/workflow.md: 'my custom model beats ResNet50 on CIFAR-10':"
                    + " 1 experiment, 18 trials, a training job each streaming loss, acc, val_loss and val_acc per step)"
                    + " through the Java client, then prints the jobs best first and commands to try.",
            "The first run records experiment cifar10-custom-vs-resnet (trials custom-adam-60, ...);"
                    + " each next run a fresh copy whose names end with -2, -3, ..."
        })
final class DemoCommand implements Runnable {

    /** The columns of the table the demo prints. */
    static final List<String> COLUMNS = List.of(
            "name",
            "params.model",
            "params.optimizer",
            "params.epochs",
            "metrics.test_acc.last",
            "metrics.val_acc.max",
            "metrics.loss.last");

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (TrialGraphClient client = connection.connect()) {
            Cifar10Study study = Cifar10Study.copy(firstFreeCopy(client));
            out.println("Recording experiment " + study.experiment() + " at " + connection.target
                    + " (18 trials, 18 training jobs streaming metrics) ...");
            out.flush();
            long started = System.nanoTime();
            Cifar10Study.Recorded recorded = study.record(client);
            out.printf(
                    "Recorded %d trials and %,d metric points in %.1f s.%n%n",
                    recorded.trialNames().size(), recorded.metricPoints(), (System.nanoTime() - started) / 1e9);

            TableRequest request = TableRequest.experiment(recorded.experiment())
                    .withColumns(COLUMNS.toArray(new String[0]))
                    .withFilter("kind = \"training\"")
                    .withSort("metrics.test_acc.last", true);
            Table table = AnalyticsCommand.fetch(client, request, Integer.MAX_VALUE);
            out.println("The training jobs, best test accuracy first:");
            out.println();
            Output.table(out, table.columns(), table.rows());
            out.println();
            nextSteps(out, recorded, table);
        }
    }

    /** The first copy of the study whose experiment does not exist yet. */
    private static int firstFreeCopy(TrialGraphClient client) {
        for (int copy = 1; ; copy++) {
            try {
                client.getExperiment(Cifar10Study.copy(copy).experiment());
            } catch (TrialGraphException e) {
                if (e.code() == io.grpc.Status.Code.NOT_FOUND) {
                    return copy;
                }
                throw e;
            }
        }
    }

    private static void nextSteps(PrintWriter out, Cifar10Study.Recorded recorded, Table table) {
        String experiment = recorded.experiment();
        List<String> best =
                table.rows().stream().limit(3).map(row -> (String) row.get(0)).toList();
        String bestTrial = best.get(0).substring(0, best.get(0).length() - "-training".length());
        out.println("Try next:");
        out.println(
                "  trialgraph analytics " + experiment + " --filter 'kind = \"training\" AND params.epochs = 60' \\");
        out.println(
                "      --sort metrics.test_acc.last:desc --columns name,params.optimizer,metrics.test_acc.last,metrics.val_acc.max");
        out.println("  trialgraph analytics " + experiment
                + " --filter 'kind = \"training\"' --sort metrics.test_acc.last:desc"
                + " --group-by params.epochs --columns name,params.epochs,metrics.test_acc.last");
        out.println("  trialgraph lineage " + Cifar10Study.model(bestTrial));
        out.println("  trialgraph lineage " + Cifar10Study.model(bestTrial) + " --format dot > lineage.dot");
        out.println("  trialgraph metrics plot val_acc " + String.join(" ", best) + " --output val_acc.png");
        out.println("  trialgraph components show " + best.get(0));
        out.println(
                "  trialgraph cypher 'MATCH (:Dataset {uri: $train})-[:CONSUMED_BY]->(job:TrialComponent)-[:PRODUCED]->(m:Model)"
                        + " RETURN job.name, m.uri ORDER BY job.name LIMIT 5' --param train="
                        + Cifar10Study.dataset("train"));
    }
}
