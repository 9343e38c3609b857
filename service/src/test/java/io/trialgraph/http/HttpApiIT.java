package io.trialgraph.http;

import static io.trialgraph.testing.HttpPort.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.testing.HttpPort;
import io.trialgraph.testing.SeedStudy;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JSON API of the HTTP port against a real server and Neo4j: answers, and status codes that
 * mirror gRPC's (400 naming the field and the rule, 404, 403, 429; never 500 for bad input).
 */
@TrialGraphTest
class HttpApiIT {

    private static final String EXPERIMENT = SeedStudy.EXPERIMENT;

    private static HttpPort http(TestServer server) {
        return new HttpPort(server.httpPort());
    }

    @Test
    void listsExperimentsWithTheirActivity(TestServer server) {
        SeedStudy.record(server);
        HttpPort.Answer answer = http(server).get("/api/v1/experiments?name_prefix=cifar");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode experiment = answer.json().get("experiments").get(0);
        assertThat(experiment.get("name").asText()).isEqualTo(EXPERIMENT);
        assertThat(experiment.get("trial_count").asLong()).isEqualTo(18);
        // 18 training jobs, 18 trial trackers, the shared experiment-metadata tracker; the preprocessing job is in no
        // trial.
        assertThat(experiment.get("component_count").asLong()).isEqualTo(37);
        assertThat(experiment.get("job_count").asLong()).isEqualTo(18);
        assertThat(experiment.get("last_activity").asText()).isNotEmpty();

        assertThat(http(server)
                        .get("/api/v1/experiments?name_prefix=nothing")
                        .json()
                        .get("experiments"))
                .isEmpty();
        assertThat(http(server)
                        .get("/api/v1/experiments/" + EXPERIMENT)
                        .json()
                        .at("/experiment/description")
                        .asText())
                .isEqualTo(SeedStudy.DESCRIPTION);
    }

    @Test
    void theTableIsSortedFilteredAndExportedAsCsv(TestServer server) {
        SeedStudy.record(server);
        HttpPort.Answer answer = http(server)
                .get("/api/v1/experiments/" + EXPERIMENT + "/table?filter="
                        + encode("kind = \"training\" AND params.epochs = 60") + "&sort=params.optimizer:desc&sort=name"
                        + "&column=name&column=params.optimizer&column=params.epochs&page_size=4");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode table = answer.json();
        assertThat(table.get("columns"))
                .extracting(JsonNode::asText)
                .containsExactly("name", "params.optimizer", "params.epochs");
        assertThat(table.get("total_rows").asLong()).isEqualTo(6);
        assertThat(table.get("rows").get(0).get(0).asText()).isEqualTo("custom-sgd-60-training");
        assertThat(table.get("rows").get(0).get(2).isIntegralNumber()).isTrue();
        String next = table.get("next_page_token").asText();
        assertThat(next).isNotEmpty();
        JsonNode second = http(server)
                .get("/api/v1/experiments/" + EXPERIMENT + "/table?filter="
                        + encode("kind = \"training\" AND params.epochs = 60") + "&sort=params.optimizer:desc&sort=name"
                        + "&column=name&page_size=4&page_token=" + encode(next))
                .json();
        assertThat(second.get("rows")).hasSize(2);
        assertThat(second.get("next_page_token").asText()).isEmpty();

        HttpPort.Answer csv = http(server)
                .get("/api/v1/experiments/" + EXPERIMENT + "/table.csv?filter=" + encode("kind = \"training\"")
                        + "&column=name&column=params.epochs&sort=name");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("content-type")).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(19);
        assertThat(lines.get(0)).isEqualTo("name,params.epochs");
        assertThat(lines.get(1)).isEqualTo("custom-adam-120-training,120");
    }

    @Test
    void rowsPerTrialAndTablesAcrossExperiments(TestServer server) {
        SeedStudy.record(server);
        HttpPort http = http(server);
        // By hand: 6 trials of 60 epochs; sorted by optimizer descending, then name: custom-sgd-60 first.
        JsonNode trials = http.get("/api/v1/experiments/" + EXPERIMENT + "/table?rows=trials&column=name"
                        + "&column=training.params.epochs&column=tracker.params.optimizer"
                        + "&filter=" + encode("training.params.epochs = 60")
                        + "&sort=tracker.params.optimizer:desc&sort=name&page_size=1")
                .json();
        assertThat(trials.get("total_rows").asLong()).isEqualTo(6);
        assertThat(trials.get("rows").get(0).get(0).asText()).isEqualTo("custom-sgd-60");
        assertThat(trials.get("rows").get(0).get(1).asLong()).isEqualTo(60);
        assertThat(trials.get("rows").get(0).get(2).asText()).isEqualTo("sgd");

        // Every component that read the training data: the 18 jobs and the experiment-metadata tracker.
        JsonNode readers = http.get("/api/v1/table?dataset=" + encode(SeedStudy.dataset("train"))
                        + "&column=name&column=experiment&filter=" + encode("kind = \"training\""))
                .json();
        assertThat(readers.get("total_rows").asLong()).isEqualTo(18);
        assertThat(readers.get("rows").get(0).get(1).asText()).isEqualTo(EXPERIMENT);
        HttpPort.Answer tagged = http.get("/api/v1/table.csv?experiment_tag=dataset=cifar10&rows=trials&column=name"
                + "&sort=name&filter=" + encode("training.params.epochs = 120"));
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        assertThat(tagged.body().lines().toList()).hasSize(7).first().isEqualTo("name");

        assertThat(http.get("/api/v1/table?column=name")
                        .json()
                        .at("/error/field")
                        .asText())
                .isEqualTo("scope");
        assertThat(http.get("/api/v1/table?experiment_tag=novalue")
                        .json()
                        .at("/error/message")
                        .asText())
                .isEqualTo("experiment_tag: must be KEY=VALUE, is 'novalue'");
        assertThat(http.get("/api/v1/experiments/" + EXPERIMENT + "/table?rows=jobs")
                        .json()
                        .at("/error/field")
                        .asText())
                .isEqualTo("rows");
        assertThat(http.get("/api/v1/table?dataset=" + encode("s3://nowhere/x")).status())
                .isEqualTo(404);
    }

    @Test
    void badInputIsAClientErrorNamingTheFieldAndTheRule(TestServer server) {
        SeedStudy.record(server);
        HttpPort http = http(server);
        HttpPort.Answer syntax =
                http.get("/api/v1/experiments/" + EXPERIMENT + "/table?filter=" + encode("params.epochs = "));
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.json().at("/error/code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(syntax.json().at("/error/field").asText()).isEqualTo("filter");
        assertThat(syntax.json().at("/error/message").asText())
                .contains("at position 17")
                .contains("expected a value");

        assertThat(http.get("/api/v1/experiments/" + EXPERIMENT + "/table?column=metrics.x.median")
                        .json()
                        .at("/error/message")
                        .asText())
                .startsWith("columns[0]: unknown column 'metrics.x.median'");
        HttpPort.Answer pageSize = http.get("/api/v1/experiments?page_size=lots");
        assertThat(pageSize.status()).isEqualTo(400);
        assertThat(pageSize.json().at("/error/message").asText())
                .isEqualTo("page_size: must be a whole number, is 'lots'");
        assertThat(http.get("/api/v1/experiments?page_size=5000")
                        .json()
                        .at("/error/field")
                        .asText())
                .isEqualTo("page_size");
        assertThat(http.get("/api/v1/experiments/" + EXPERIMENT + "/table?page_token=nonsense")
                        .status())
                .isEqualTo(400);
        assertThat(http.get("/api/v1/lineage?start=" + encode("model:x"))
                        .json()
                        .at("/error/field")
                        .asText())
                .isEqualTo("start[0]");
        assertThat(http.get("/api/v1/lineage?start=component:x&direction=sideways")
                        .json()
                        .at("/error/message")
                        .asText())
                .isEqualTo("direction: must be upstream, downstream or both, is 'sideways'");
        assertThat(http.get("/api/v1/series?metric=loss").status()).isEqualTo(400);

        HttpPort.Answer missing = http.get("/api/v1/experiments/no-such-experiment");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().at("/error/message").asText())
                .isEqualTo("experiment 'no-such-experiment' does not exist");
        assertThat(http.get("/api/v1/experiments/no-such-experiment/table").status())
                .isEqualTo(404);
        assertThat(http.get("/api/v1/components/nobody").status()).isEqualTo(404);
        HttpPort.Answer badName = http.get("/api/v1/components/a%20b");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().at("/error/field").asText()).isEqualTo("name");

        HttpPort.Answer noRoute = http.get("/api/v1/nothing-here");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(http.post("/api/v1/query", "{not json")
                        .json()
                        .at("/error/field")
                        .asText())
                .isEqualTo("body");
        assertThat(http.post("/api/v1/query", "[1]").status()).isEqualTo(400);
        HttpPort.Answer tooLarge = http.post("/api/v1/query", "{\"cypher\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().at("/error/code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    }

    @Test
    void aComponentAndItsLineage(TestServer server) {
        SeedStudy.record(server);
        JsonNode component = http(server)
                .get("/api/v1/components/custom-adam-60-training")
                .json()
                .get("trial_component");
        assertThat(component.get("status").asText()).isEqualTo("Completed");
        assertThat(component.at("/parameters/epochs").asLong()).isEqualTo(60);
        assertThat(component.get("trial_names")).extracting(JsonNode::asText).contains("custom-adam-60");
        assertThat(component.get("outputs").get(0).get("uri").asText()).isEqualTo(SeedStudy.model("custom-adam-60"));

        JsonNode lineage = http(server)
                .get("/api/v1/lineage?start=" + encode("artifact:" + SeedStudy.model("custom-adam-60"))
                        + "&direction=upstream")
                .json();
        assertThat(lineage.get("nodes"))
                .extracting(node -> node.get("key").asText())
                .contains(
                        "artifact:" + SeedStudy.SCRIPT,
                        "component:" + SeedStudy.PREPROCESSING,
                        "component:custom-adam-60-training");
        assertThat(lineage.get("edges")).hasSize(8);
        JsonNode capped = http(server)
                .get("/api/v1/lineage?start=" + encode("artifact:" + SeedStudy.model("custom-adam-60"))
                        + "&max_nodes=2")
                .json();
        assertThat(capped.get("truncated").asBoolean()).isTrue();
        assertThat(capped.get("next_page_token").asText()).isNotEmpty();
    }

    @Test
    void cypherRowsStreamTypedAndWritesAreRefused(TestServer server) {
        SeedStudy.record(server);
        HttpPort http = http(server);
        HttpPort.Answer answer = http.post("/api/v1/query", """
                {"cypher": "MATCH (c:TrialComponent {kind: $kind}) WHERE c.`param.epochs` = $epochs RETURN c.name AS name, c ORDER BY name LIMIT 2",
                 "parameters": {"kind": "training", "epochs": 60}}""");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode result = answer.json();
        assertThat(result.get("columns")).extracting(JsonNode::asText).containsExactly("name", "c");
        assertThat(result.get("rows")).hasSize(2);
        assertThat(result.at("/rows/0/0").asText()).isEqualTo("custom-adam-60-training");
        assertThat(result.at("/rows/0/1/$node/labels/0").asText()).isEqualTo("TrialComponent");
        assertThat(result.has("error")).isFalse();

        HttpPort.Answer write = http.post("/api/v1/query", "{\"cypher\": \"CREATE (n:Hack) RETURN n\"}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.json().at("/error/code").asText()).isEqualTo("PERMISSION_DENIED");
        HttpPort.Answer syntax = http.post("/api/v1/query", "{\"cypher\": \"MATCH (n RETURN n\"}");
        assertThat(syntax.status()).isEqualTo(400);
        HttpPort.Answer capped =
                http.post("/api/v1/query", "{\"cypher\": \"UNWIND range(1, 5000) AS i RETURN i\", \"max_rows\": 1200}");
        assertThat(capped.status()).isEqualTo(200);
        assertThat(capped.json().get("rows")).hasSize(1200);
        assertThat(capped.json().at("/error/code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(http.post("/api/v1/query", "{\"cypher\": \"RETURN 1\", \"max_rows\": \"many\"}")
                        .json()
                        .at("/error/field")
                        .asText())
                .isEqualTo("max_rows");
    }

    @Test
    void seriesAreReadDownsampledAndPushedLive(TestServer server) throws Exception {
        try (TrialGraphClient client = TrialGraphClient.builder()
                .target("127.0.0.1:" + server.port())
                .plaintext()
                .build()) {
            client.createExperiment("live", "", java.util.Map.of());
            client.createTrial("live", "live-1", java.util.Map.of());
            client.createTrialComponent("live-job", "training", "live-1");
            client.createTrialComponent("idle-job", "training", "live-1");
            try (MetricLogger logger = MetricLogger.builder(client.channel()).build()) {
                for (int step = 0; step < 1000; step++) {
                    logger.log("live-job", "loss", step, 1.0 / (step + 1));
                }
                logger.log("live-job", "loss", 1000, Double.NaN);
                logger.flush(Duration.ofSeconds(60));

                JsonNode series = http(server)
                        .get("/api/v1/series?metric=loss&component=live-job&component=idle-job&max_points=100")
                        .json()
                        .get("series");
                assertThat(series.get(0).get("total_points").asLong()).isEqualTo(1001);
                assertThat(series.get(0).get("steps").size()).isLessThanOrEqualTo(100);
                assertThat(series.get(0)
                                .get("values")
                                .get(series.get(0).get("values").size() - 1)
                                .isNull())
                        .isTrue();
                assertThat(series.get(1).at("/error/code").asText()).isEqualTo("NOT_FOUND");
                JsonNode zoomed = http(server)
                        .get("/api/v1/series?metric=loss&component=live-job&min_step=100&max_step=199&max_points=40")
                        .json()
                        .at("/series/0");
                assertThat(zoomed.get("total_points").asLong()).isEqualTo(100);
                assertThat(zoomed.get("steps").get(0).asLong()).isEqualTo(100);

                HttpResponse<InputStream> stream = http(server)
                        .client()
                        .send(
                                http(server)
                                        .request("/api/v1/series/live?metric=loss&component=live-job&after_step=1000")
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.statusCode()).isEqualTo(200);
                assertThat(stream.headers().firstValue("content-type").orElse(""))
                        .startsWith("text/event-stream");
                CompletableFuture<List<String>> events =
                        CompletableFuture.supplyAsync(() -> readEvents(stream.body(), 2));
                for (int step = 1001; step <= 1003; step++) {
                    logger.log("live-job", "loss", step, 0.5);
                }
                logger.flush(Duration.ofSeconds(60));
                List<String> received = events.get(30, TimeUnit.SECONDS);
                stream.body().close();
                assertThat(received.get(0)).contains("\"metric_name\":\"loss\"");
                assertThat(received.get(1)).contains("\"steps\":[1001,1002,1003]");
            }
        }
    }

    /** Reads the data lines of the first {@code count} named events of a server-sent event stream. */
    private static List<String> readEvents(InputStream body, int count) {
        List<String> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < count && (line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    events.add(line.substring("data:".length()).strip());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return events;
    }

    @Test
    void eachPortServesOnlyItsOwnRoutes(TestServer server) {
        HttpPort http = http(server);
        assertThat(http.get("/health").status()).isEqualTo(404);
        assertThat(http.get("/prometheus").status()).isEqualTo(404);
        HttpPort management = new HttpPort(server.managementPort());
        assertThat(management.get("/health").status()).isEqualTo(200);
        assertThat(management.get("/api/v1/experiments").status()).isEqualTo(404);
        assertThat(management.get("/").status()).isEqualTo(404);
        HttpPort.Answer index = http.get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("content-type")).startsWith("text/html");
        assertThat(index.header("content-security-policy")).contains("default-src 'self'");
        assertThat(http.get("/webjars/uplot/1.6.30/dist/uPlot.esm.js").header("content-type"))
                .startsWith("text/javascript");
        assertThat(http.get("/ui/../application.yml").status()).isEqualTo(404);
        assertThat(http.get("/webjars/nothing/here.js").status()).isEqualTo(404);
    }
}
