package io.trialgraph.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run logged through MLflow's REST API, seen with the trialgraph command like any other job. */
@TrialGraphTest
class CliMlflowIT {

    @Test
    void anMlflowRunIsAJobOfTheCommandLine(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"cli-mlflow\"}")
                .get("experiment_id")
                .asText();
        String runId = mlflow.ok(
                        "runs/create",
                        "{\"experiment_id\": \"%s\", \"run_name\": \"resnet-sgd\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/log-inputs", """
                {"run_id": "%s", "datasets": [{"tags": [{"key": "mlflow.data.context", "value": "training"}],
                  "dataset": {"name": "train", "digest": "d1", "source_type": "s3", "source": "{\\"uri\\": \\"s3://b/train\\"}"}}]}""".formatted(runId));
        mlflow.ok("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "lr", "value": "0.1"}],
                 "metrics": [{"key": "loss", "value": 2.0, "timestamp": 1, "step": 0}, {"key": "loss", "value": 0.5, "timestamp": 2, "step": 1}]}""".formatted(runId));
        mlflow.ok("runs/update", "{\"run_id\": \"%s\", \"status\": \"FINISHED\"}".formatted(runId));

        Cli.Result table = Cli.run(
                server,
                "analytics",
                "cli-mlflow",
                "--columns",
                "name,status,params.lr,metrics.loss.last",
                "--format",
                "csv");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.csv())
                .containsExactly(
                        List.of("name", "status", "params.lr", "metrics.loss.last"),
                        List.of(runId, "Completed", "0.1", "0.5"));

        Cli.Result show = Cli.run(server, "components", "show", runId);
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out())
                .contains("resnet-sgd")
                .contains("lr")
                .contains("s3://b/train")
                .contains("loss");

        Cli.Result lineage = Cli.run(server, "lineage", "s3://b/train", "--downstream");
        assertThat(lineage.exitCode()).as(lineage.err()).isZero();
        assertThat(lineage.out()).contains("component:training").contains(runId);
    }
}
