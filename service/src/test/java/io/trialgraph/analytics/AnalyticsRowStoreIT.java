package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.TIMEOUT_SECONDS;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.number;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.trialgraph.analytics.AnalyticsTestSupport.Point;
import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.DeleteTrialComponentRequest;
import io.trialgraph.api.v1.DisassociateTrialComponentRequest;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.LogParametersRequest;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.api.v1.UpdateTrialComponentRequest;
import io.trialgraph.service.RowStore;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;

/**
 * The row store answers an experiment's table from memory and stays exactly in step with the
 * graph: after each kind of change, made through the API or over Bolt of the embedded Neo4j, the
 * very next answer shows it (read your writes), and the answers do come from memory.
 */
@TrialGraphTest
class AnalyticsRowStoreIT {

    private static final String EXPERIMENT = "rows-in-memory";

    private TestServer server;
    private int writers;

    @Test
    void theNextAnswerShowsEveryKindOfChange(TestServer server) {
        this.server = server;
        RowStore rowStore = server.server().context().getBean(RowStore.class);
        assertThat(rowStore.isEnabled())
                .as("on by default with the embedded Neo4j")
                .isTrue();
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, TIMEOUT_SECONDS);
        createExperiment(experiments(server, TIMEOUT_SECONDS), EXPERIMENT);
        createTrial(trials(server, TIMEOUT_SECONDS), EXPERIMENT, "rows-1");
        createTrial(trials(server, TIMEOUT_SECONDS), EXPERIMENT, "rows-2");
        for (String name : List.of("rows-a", "rows-b", "rows-c")) {
            createComponent(
                    components,
                    TrialComponent.newBuilder()
                            .setName(name)
                            .setKind("training")
                            .addTrialNames(name.equals("rows-c") ? "rows-2" : "rows-1")
                            .putParameters("lr", number(0.1)));
        }
        ingest(Map.of("rows-a", Map.of("acc", List.of(new Point(1, 0.5)))));
        long before = rowStore.answered();
        Table first = table();
        assertThat(first.names()).containsExactly("rows-a", "rows-b", "rows-c");
        assertThat(first.cell("rows-a", "metrics.acc.last")).isEqualTo(0.5);
        assertThat(rowStore.answered()).as("answered from memory").isGreaterThan(before);

        // Points.
        ingest(Map.of("rows-a", Map.of("acc", List.of(new Point(2, 0.75)))));
        assertThat(table().cell("rows-a", "metrics.acc.last")).isEqualTo(0.75);
        ingest(Map.of("rows-b", Map.of("loss", List.of(new Point(0, 2.0)))));
        assertThat(table().cell("rows-b", "metrics.loss.last")).isEqualTo(2.0);

        // A parameter update.
        components.logParameters(LogParametersRequest.newBuilder()
                .setTrialComponentName("rows-b")
                .putParameters("lr", number(0.2))
                .build());
        assertThat(table().cell("rows-b", "params.lr")).isEqualTo(0.2);

        // A fixed column.
        components.updateTrialComponent(UpdateTrialComponentRequest.newBuilder()
                .setName("rows-c")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_FAILED)
                .setStatusMessage("out of memory")
                .build());
        assertThat(table().cell("rows-c", "status")).isEqualTo("Failed");

        // A component deleted, another disassociated from its only trial in the experiment.
        components.deleteTrialComponent(
                DeleteTrialComponentRequest.newBuilder().setName("rows-b").build());
        assertThat(table().names()).containsExactly("rows-a", "rows-c");
        components.disassociateTrialComponent(DisassociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("rows-c")
                .setTrialName("rows-2")
                .build());
        assertThat(table().names()).containsExactly("rows-a");

        // Writes over Bolt of the embedded Neo4j: a parameter, a new component in a trial, a
        // trial leaving the experiment, the experiment deleted.
        bolt("MATCH (c:TrialComponent {name: 'rows-a'}) SET c.`param.lr` = 0.5, c.displayName = 'Run A'");
        Table afterBolt = table();
        assertThat(afterBolt.cell("rows-a", "params.lr")).isEqualTo(0.5);
        assertThat(afterBolt.cell("rows-a", "display_name")).isEqualTo("Run A");
        bolt(
                "MATCH (t:Trial {name: 'rows-2'}) CREATE (:TrialComponent {name: 'rows-d', kind: 'eval'})-[:PART_OF]->(t)");
        assertThat(table().names()).containsExactly("rows-a", "rows-d");
        bolt("MATCH (:Trial {name: 'rows-1'})-[r:IN_EXPERIMENT]->() DELETE r");
        assertThat(table().names()).containsExactly("rows-d");
        bolt("MATCH (e:Experiment {name: $name}) DETACH DELETE e", Map.of("name", EXPERIMENT));
        failure(() -> table(), Status.Code.NOT_FOUND);
        assertThat(rowStore.answered() - before)
                .as("every answer came from memory")
                .isGreaterThanOrEqualTo(10);
    }

    /** On a stream of its own as a writer of its own (a writer's sequence numbers only grow). */
    private void ingest(Map<String, Map<String, List<Point>>> metrics) {
        IngestStream stream = IngestStream.open(server.channel());
        IngestMetricsRequest.Builder batch = IngestMetricsRequest.newBuilder()
                .setWriterId("rows-writer-" + (++writers))
                .setSequence(1);
        metrics.forEach((component, series) -> series.forEach(
                (metric, points) -> batch.addSeries(AnalyticsTestSupport.series(component, metric, points))));
        stream.send(batch.build());
        assertThat(stream.awaitAck(1).stream()
                        .flatMap(response -> response.getRejectedBatchesList().stream())
                        .toList())
                .isEmpty();
        assertThat(stream.complete().isOk()).isTrue();
    }

    private Table table() {
        return AnalyticsTestSupport.table(
                AnalyticsTestSupport.analytics(server),
                GetTableRequest.newBuilder()
                        .setExperimentName(EXPERIMENT)
                        .addColumns("name")
                        .addColumns("display_name")
                        .addColumns("status")
                        .addColumns("params.lr")
                        .addColumns("metrics.acc.last")
                        .addColumns("metrics.loss.last")
                        .setPageSize(100));
    }

    private void bolt(String cypher) {
        bolt(cypher, Map.of());
    }

    private void bolt(String cypher, Map<String, Object> parameters) {
        try (Session session = server.neo4j().driver().session()) {
            session.run(cypher, parameters).consume();
        }
    }
}
