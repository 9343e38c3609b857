package io.trialgraph.observability;

import static io.trialgraph.testing.ApiFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.ManagementPort;
import io.trialgraph.testing.ManagementPort.Scrape;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The management port as Prometheus and a prober see it: real HTTP GETs against a real server
 * while real gRPC calls and ingest streams run. The server is shared by the test JVM, so each
 * test compares a scrape after with a scrape before.
 */
@TrialGraphTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusMetricsIT {

    private static final Map<String, String> GET_EXPERIMENT_NOT_FOUND = Map.of(
            "service", "trialgraph.v1.ExperimentService", "method", "GetExperiment", "statusCode", "NOT_FOUND");

    private TestServer server;
    private ManagementPort management;

    @BeforeEach
    void connect(TestServer server) {
        this.server = server;
        this.management = new ManagementPort(server.managementPort());
    }

    @Test
    void ingestCounterGrowsByExactlyThePointsOfAStreamedBatch() {
        TrialComponentServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                        .setTrialComponent(TrialComponent.newBuilder().setName("training-job")).build());
        Scrape before = management.scrape();

        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(batch("worker-1", 1, 1_000, 500), batch("worker-1", 2, 1_500, 234));
        // A batch sent again after a reconnect is acknowledged but stored (and counted) once.
        stream.complete();
        IngestStream resent = IngestStream.open(server.channel());
        resent.sendAndAwait(batch("worker-1", 2, 1_500, 234));
        resent.complete();
        Scrape after = management.scrape();

        assertThat(delta(before, after, "trialgraph_ingest_points_total", Map.of())).isEqualTo(734);
        assertThat(delta(before, after, "trialgraph_ingest_batch_points_count", Map.of())).isEqualTo(3);
        assertThat(delta(before, after, "trialgraph_ingest_batch_points_sum", Map.of())).isEqualTo(968);
        assertThat(delta(before, after, "trialgraph_ingest_commit_seconds_count", Map.of())).isEqualTo(3);
        assertThat(after.require("trialgraph_ingest_commit_seconds_sum")).isPositive();
    }

    @Test
    void callCounterCountsANotFoundCallByServiceMethodAndStatus() {
        Scrape before = management.scrape();
        ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments =
                ExperimentServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);

        failure(() -> experiments.getExperiment(GetExperimentRequest.newBuilder().setName("no-such-experiment").build()),
                Status.Code.NOT_FOUND);

        double expected = before.valueOrZero("grpc_server_processing_duration_seconds_count", GET_EXPERIMENT_NOT_FOUND) + 1;
        Scrape after = management.scrapeUntil(scrape ->
                scrape.valueOrZero("grpc_server_processing_duration_seconds_count", GET_EXPERIMENT_NOT_FOUND) >= expected);
        assertThat(after.value("grpc_server_processing_duration_seconds_count", GET_EXPERIMENT_NOT_FOUND)).hasValue(expected);
        assertThat(after.value("grpc_server_processing_duration_seconds_sum", GET_EXPERIMENT_NOT_FOUND)).isPresent();
    }

    @Test
    void neo4jPoolGaugesShowTheDriversConnections() {
        // Any call borrows a connection from the pool and gives it back.
        failure(() -> ExperimentServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getExperiment(GetExperimentRequest.newBuilder().setName("no-such-experiment").build()), Status.Code.NOT_FOUND);

        Scrape scrape = management.scrape();

        assertThat(scrape.value("trialgraph_neo4j_pool_max", Map.of())).hasValue(64);
        assertThat(scrape.value("trialgraph_neo4j_pool_in_use", Map.of())).isPresent();
        assertThat(scrape.value("trialgraph_neo4j_pool_acquiring", Map.of())).isPresent();
        assertThat(scrape.require("trialgraph_neo4j_pool_idle")).as("connections kept open for the next call")
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.require("trialgraph_neo4j_pool_acquisition_seconds_count")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void managementPortServesHealthAndMetricsOnly() {
        HttpResponse<String> health = management.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");

        for (String path : new String[] {"/beans", "/env", "/loggers", "/info", "/metrics", "/routes", "/threaddump", "/"}) {
            assertThat(management.get(path).statusCode()).as("GET " + path).isEqualTo(404);
        }
    }

    private static double delta(Scrape before, Scrape after, String name, Map<String, String> labels) {
        return after.valueOrZero(name, labels) - before.valueOrZero(name, labels);
    }

    /** A batch of {@code count} points of one series, steps from {@code firstStep}. */
    private static IngestMetricsRequest batch(String writer, long sequence, long firstStep, int count) {
        MetricSeries.Builder series = MetricSeries.newBuilder().setTrialComponentName("training-job").setMetricName("loss");
        for (int i = 0; i < count; i++) {
            series.addSteps(firstStep + i).addValues(1.0 / (1 + i));
        }
        return IngestMetricsRequest.newBuilder().setWriterId(writer).setSequence(sequence).addSeries(series).build();
    }
}
