package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The experiment table through the client: sorted, filtered, grouped, exported. */
@TrialGraphTest
class ClientAnalyticsIT {

    @Test
    void theTableRanksJobsAndExportsCsv(TestServer server) {
        try (TrialGraphClient client = TrialGraphClient.builder().target("127.0.0.1:" + server.port()).plaintext().build()) {
            client.createExperiment("study", "custom beats resnet", Map.of());
            double[] accuracy = {0.71, 0.93, 0.85, 0.64};
            int[] epochs = {30, 30, 60, 60};
            for (int i = 0; i < accuracy.length; i++) {
                client.createTrial("study", "trial-" + i, Map.of());
                try (Tracker job = client.tracker("job-" + i, "training", "trial-" + i)) {
                    job.logParameters(Map.of("epochs", epochs[i]));
                    job.logMetric("test_acc", 0, accuracy[i] / 2);
                    job.logMetric("test_acc", 1, accuracy[i]);
                }
            }

            Table ranked = client.table(TableRequest.experiment("study").withColumns("name", "params.epochs", "metrics.test_acc.last")
                    .withSort("metrics.test_acc.last", true));
            assertThat(ranked.columns()).containsExactly("name", "params.epochs", "metrics.test_acc.last");
            assertThat(ranked.rows()).extracting(row -> row.get(0)).containsExactly("job-1", "job-2", "job-0", "job-3");
            assertThat(ranked.rows().get(0)).containsExactly("job-1", 30L, 0.93);
            assertThat(ranked.totalRows()).isEqualTo(4);

            Table best = client.table(TableRequest.experiment("study").withColumns("name").withFilter("kind = \"training\"")
                    .withSort("metrics.test_acc.last", true).withGroupBy("params.epochs"));
            assertThat(best.rows()).extracting(row -> row.get(0)).containsExactlyInAnyOrder("job-1", "job-2");

            String csv = client.tableCsv(TableRequest.experiment("study").withColumns("name", "metrics.test_acc.last")
                    .withSort("metrics.test_acc.last", false));
            assertThat(csv.lines().toList()).containsExactly("name,metrics.test_acc.last", "job-3,0.64", "job-0,0.71", "job-2,0.85",
                    "job-1,0.93");

            assertThatThrownBy(() -> client.table(TableRequest.experiment("study").withFilter("params.epochs = ")))
                    .isInstanceOfSatisfying(TrialGraphException.class, e -> {
                        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("position");
                    });
            assertThatThrownBy(() -> client.table(TableRequest.experiment("nope")))
                    .isInstanceOfSatisfying(TrialGraphException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND));
            assertThat(client.table(TableRequest.trials(List.of("trial-0"))).totalRows()).isEqualTo(1);
        }
    }
}
