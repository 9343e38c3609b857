package io.trialgraph.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.web.router.Router;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.http.Rpc;
import io.trialgraph.security.MethodRoles;
import io.trialgraph.security.Role;
import io.trialgraph.testing.HttpPort;
import io.trialgraph.testing.MlflowRest;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * What MLflow's clients depend on when something is wrong: MLflow's error codes and HTTP
 * statuses, the log-batch limits, unknown fields ignored, unknown endpoints, tokens and roles.
 */
@TrialGraphTest
class MlflowErrorsIT {

    private static final long T0 = 1_700_000_000_000L;

    private static String run(MlflowRest mlflow, String experimentName) {
        String experimentId = mlflow.ok("experiments/create", "{\"name\": \"%s\"}".formatted(experimentName))
                .get("experiment_id")
                .asText();
        return mlflow.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
    }

    private static String metrics(int count) {
        StringJoiner list = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < count; i++) {
            list.add("{\"key\": \"m%d\", \"value\": %d.5, \"timestamp\": %d, \"step\": %d}"
                    .formatted(i % 10, i, T0 + i, i / 10));
        }
        return list.toString();
    }

    private static String entries(String prefix, int count) {
        StringJoiner list = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < count; i++) {
            list.add("{\"key\": \"%s%d\", \"value\": \"v%d\"}".formatted(prefix, i, i));
        }
        return list.toString();
    }

    @Test
    void logBatchTakesItsLimitsAndRefusesMoreWhole(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String runId = run(mlflow, "limits");
        // At the limits: 1,000 metrics; 100 params + 100 tags + 800 metrics (1,000 together).
        mlflow.ok("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": %s}".formatted(runId, metrics(1000)));
        mlflow.ok(
                "runs/log-batch",
                "{\"run_id\": \"%s\", \"metrics\": %s, \"params\": %s, \"tags\": %s}"
                        .formatted(runId, metrics(800), entries("p", 100), entries("t", 100)));
        JsonNode run = mlflow.okGet("runs/get", "run_id=" + runId).get("run");
        assertThat(run.at("/data/params")).hasSize(100);
        assertThat(run.at("/data/tags")).hasSize(100 + 1); // and mlflow.runName
        assertThat(mlflow.okGet("metrics/get-history", "run_id=" + runId + "&metric_key=m3")
                        .get("metrics"))
                .hasSize(100 + 80);

        // Over them: refused whole, nothing stored.
        String over = MlflowRest.error(
                mlflow.post("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": %s}".formatted(runId, metrics(1001))),
                400,
                "INVALID_PARAMETER_VALUE");
        assertThat(over)
                .isEqualTo("metrics: a log-batch request carries at most 1000 metrics, this one 1001; split them over"
                        + " several requests");
        assertThat(MlflowRest.error(
                        mlflow.post(
                                "runs/log-batch",
                                "{\"run_id\": \"%s\", \"params\": %s}".formatted(runId, entries("q", 101))),
                        400,
                        "INVALID_PARAMETER_VALUE"))
                .startsWith("params: ");
        assertThat(MlflowRest.error(
                        mlflow.post(
                                "runs/log-batch",
                                "{\"run_id\": \"%s\", \"tags\": %s}".formatted(runId, entries("u", 101))),
                        400,
                        "INVALID_PARAMETER_VALUE"))
                .startsWith("tags: ");
        assertThat(MlflowRest.error(
                        mlflow.post(
                                "runs/log-batch",
                                "{\"run_id\": \"%s\", \"metrics\": %s, \"params\": %s}"
                                        .formatted(runId, metrics(901), entries("q", 100))),
                        400,
                        "INVALID_PARAMETER_VALUE"))
                .startsWith("metrics, params and tags: ");
        // MLflow's size bound of a log-batch body: 100 params of 6,000 characters and 100 tags
        // of 5,000 are within the counts and the value lengths, but over 1,000,000 bytes together.
        String bigParams = entries("big", 100).replaceAll("\"v\\d+\"", "\"" + "p".repeat(6000) + "\"");
        String bigTags = entries("big", 100).replaceAll("\"v\\d+\"", "\"" + "t".repeat(5000) + "\"");
        assertThat(MlflowRest.error(
                        mlflow.post(
                                "runs/log-batch",
                                "{\"run_id\": \"%s\", \"params\": %s, \"tags\": %s}"
                                        .formatted(runId, bigParams, bigTags)),
                        400,
                        "INVALID_PARAMETER_VALUE"))
                .startsWith("body: a log-batch request is at most 1000000 bytes, this one 1");
        assertThat(mlflow.okGet("metrics/get-history", "run_id=" + runId + "&metric_key=m3")
                        .get("metrics"))
                .hasSize(180);
        assertThat(mlflow.okGet("runs/get", "run_id=" + runId).at("/run/data/params"))
                .hasSize(100);
    }

    @Test
    void badInputIsInvalidParameterValueNamingTheField(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String runId = run(mlflow, "bad-input");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/log-metric", """
                {"run_id": "%s", "key": "loss", "value": "much", "timestamp": %d}""".formatted(runId, T0)), 400, "INVALID_PARAMETER_VALUE"))
                .isEqualTo("value: must be a number, is 'much'");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/log-metric", """
                {"run_id": "%s", "key": "loss", "value": 1.0, "timestamp": %d, "step": -1}""".formatted(runId, T0)), 400, "INVALID_PARAMETER_VALUE"))
                .isEqualTo("metrics[0].step: must not be negative, is -1");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "lr!", "value": "1"}]}""".formatted(runId)), 400, "INVALID_PARAMETER_VALUE"))
                .isEqualTo("params[0].key: must be letters, digits, '_', '-', '.', ' ' and '/': 'lr!'");
        assertThat(MlflowRest.error(mlflow.post("runs/set-tag", """
                {"run_id": "%s", "key": "../etc", "value": "1"}""".formatted(runId)), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("tags[0].key: must not be a path");
        assertThat(MlflowRest.error(
                        mlflow.post("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "a", "value": "%s"}]}""".formatted(runId, "x".repeat(6001))),
                        400,
                        "INVALID_PARAMETER_VALUE"))
                .isEqualTo("params[0].value: must be at most 6000 characters, has 6001");
        assertThat(MlflowRest.error(mlflow.post("runs/update", """
                {"run_id": "%s", "status": "DONE"}""".formatted(runId)), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("status: ");
        assertThat(MlflowRest.error(mlflow.post("runs/update", """
                {"run_id": "%s", "status": "FINISHED", "end_time": 1000}""".formatted(runId)), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("end_time: must not be before the start time");
        assertThat(MlflowRest.error(mlflow.post("runs/create", "not json"), 400, "INVALID_PARAMETER_VALUE"))
                .startsWith("body: ");
        MlflowRest.error(mlflow.post("experiments/create", "{}"), 400, "INVALID_PARAMETER_VALUE");
        MlflowRest.error(mlflow.get("runs/get", ""), 400, "INVALID_PARAMETER_VALUE");

        // Non-finite values travel as protobuf's JSON writes them.
        mlflow.ok("runs/log-metric", """
                {"run_id": "%s", "key": "loss", "value": "NaN", "timestamp": %d, "step": 3}""".formatted(runId, T0));
        mlflow.ok("runs/log-metric", """
                {"run_id": "%s", "key": "loss", "value": "-Infinity", "timestamp": "%d", "step": "4"}""".formatted(runId, T0));
        JsonNode points = mlflow.okGet("metrics/get-history", "run_id=" + runId + "&metric_key=loss")
                .get("metrics");
        assertThat(points.get(0).get("value").asText()).isEqualTo("NaN");
        assertThat(points.get(1).get("value").asText()).isEqualTo("-Infinity");
        assertThat(points.get(1).get("step").asLong()).isEqualTo(4);
    }

    @Test
    void unknownThingsAreNotFoundAndUnknownFieldsIgnored(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        assertThat(MlflowRest.error(mlflow.get("experiments/get", "experiment_id=404"), 404, "RESOURCE_DOES_NOT_EXIST"))
                .isEqualTo("experiment '404' does not exist");
        assertThat(MlflowRest.error(
                        mlflow.get("runs/get", "run_id=0123456789abcdef0123456789abcdef"),
                        404,
                        "RESOURCE_DOES_NOT_EXIST"))
                .isEqualTo("run '0123456789abcdef0123456789abcdef' does not exist");
        MlflowRest.error(mlflow.post("runs/create", "{\"experiment_id\": \"404\"}"), 404, "RESOURCE_DOES_NOT_EXIST");
        MlflowRest.error(
                mlflow.post("runs/log-batch", "{\"run_id\": \"nope\", \"params\": []}"),
                404,
                "RESOURCE_DOES_NOT_EXIST");

        // Endpoints MLflow has but trialgraph does not, unknown paths and wrong methods: ENDPOINT_NOT_FOUND.
        MlflowRest.error(mlflow.get("artifacts/list", "run_id=x"), 404, "ENDPOINT_NOT_FOUND");
        MlflowRest.error(mlflow.post("registered-models/create", "{\"name\": \"m\"}"), 404, "ENDPOINT_NOT_FOUND");
        MlflowRest.error(mlflow.post("runs/get", "{}"), 404, "ENDPOINT_NOT_FOUND");

        // Fields this server does not know (newer clients, other servers' extensions) are ignored.
        String experimentId =
                mlflow.ok("experiments/create", """
                {"name": "forward", "workspace": "default", "some_future_field": {"nested": [1, 2]}}""").get("experiment_id").asText();
        String runId = mlflow.ok("runs/create", """
                {"experiment_id": "%s", "run_name": "r", "tags": [], "unknown": true}""".formatted(experimentId))
                .at("/run/info/run_id")
                .asText();
        mlflow.ok("runs/log-batch", """
                {"run_id": "%s", "metrics": [{"key": "acc", "value": 0.5, "timestamp": %d, "step": 1, "dataset_name": "d",
                  "dataset_digest": "x", "run_id": "%s"}], "extra": 1}""".formatted(runId, T0, runId));
        assertThat(mlflow.okGet("runs/get", "run_id=" + runId + "&extra=1")
                        .at("/run/data/metrics/0/value")
                        .asDouble())
                .isEqualTo(0.5);

        // The same API where MLflow's web UI calls it.
        assertThat(mlflow.ajax()
                        .okGet("runs/get", "run_id=" + runId)
                        .at("/run/info/run_name")
                        .asText())
                .isEqualTo("r");
    }

    /** @return every MLflow route of the server as "METHOD path RPC", path variables as in the template */
    private static List<String> routes(TrialGraphServer server) {
        return server.context()
                .getBean(Router.class)
                .uriRoutes()
                .filter(route -> route.getUriMatchTemplate().toPathString().contains("/2.0/mlflow/")
                        && !route.getHttpMethodName().equals("HEAD"))
                .map(route -> route.getHttpMethodName() + " "
                        + route.getUriMatchTemplate().toPathString() + " "
                        + route.getAnnotationMetadata().stringValue(Rpc.class).orElse("(none)"))
                .distinct() // the router lists each route twice (the HTTP port's routes too)
                .toList();
    }

    /** @return a route's method and a path that fills its variables, e.g. {@code PATCH /api/2.0/mlflow/logged-models/m-x} */
    private static String[] request(String route) {
        String[] parts = route.split(" ");
        return new String[] {parts[0], parts[1].replaceAll("\\{[^}]*}", "m-x")};
    }

    @Test
    void everyRouteNamesAnRpcWithARole(TestServer server) {
        List<String> routes = routes(server.server());
        assertThat(routes).hasSize(2 * 34);

        assertThat(routes)
                .allSatisfy(route -> assertThat(MethodRoles.requiredRole(route.substring(route.lastIndexOf(' ') + 1)))
                        .as(route)
                        .isPresent());
        assertThat(routes)
                .contains(
                        "POST /api/2.0/mlflow/runs/log-batch mlflow.MlflowService/logBatch",
                        "GET /ajax-api/2.0/mlflow/runs/get mlflow.MlflowService/getRun");
        assertThat(MethodRoles.requiredRole("mlflow.MlflowService/deleteRun")).contains(Role.ADMIN);
        assertThat(MethodRoles.requiredRole("mlflow.MlflowService/logBatch")).contains(Role.WRITER);
        assertThat(MethodRoles.requiredRole("mlflow.MlflowService/searchRuns")).contains(Role.READER);
    }

    @Test
    void theApiCanBeTurnedOff(TestNeo4j neo4j) throws Exception {
        try (TrialGraphServer server = TestServer.dedicated(neo4j, Map.of("trialgraph.mlflow.enabled", "false"))) {
            MlflowRest mlflow = new MlflowRest(new HttpPort(server.httpPort()));
            MlflowRest.error(mlflow.post("experiments/create", "{\"name\": \"off\"}"), 404, "ENDPOINT_NOT_FOUND");
            MlflowRest.error(mlflow.ajax().get("experiments/get", "experiment_id=0"), 404, "ENDPOINT_NOT_FOUND");
            assertThat(new HttpPort(server.httpPort())
                            .get("/api/v1/experiments")
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void tokensAndRolesApply(TestNeo4j neo4j) throws Exception {
        try (TrialGraphServer server = TestServer.dedicated(
                neo4j,
                Map.of(
                        "trialgraph.auth.enabled",
                        "true",
                        "trialgraph.auth.tokens",
                        "reader dashboards reader-token-0b6f4d2a81,writer trainer writer-token-7a3e91c04d,"
                                + "admin ops admin-token-5f1d2c8e9b"))) {
            MlflowRest anonymous = new MlflowRest(new HttpPort(server.httpPort()));
            MlflowRest reader = anonymous.withToken("reader-token-0b6f4d2a81");
            MlflowRest writer = anonymous.withToken("writer-token-7a3e91c04d");
            MlflowRest admin = anonymous.withToken("admin-token-5f1d2c8e9b");

            HttpPort.Answer refused = anonymous.post("experiments/search", "{}");
            assertThat(MlflowRest.error(refused, 401, "UNAUTHENTICATED")).startsWith("missing bearer token");
            assertThat(refused.header("www-authenticate")).isEqualTo("Bearer");
            MlflowRest.error(
                    anonymous.withToken("wrong-token-wrong-token").post("experiments/search", "{}"),
                    401,
                    "UNAUTHENTICATED");

            // MLFLOW_TRACKING_TOKEN of a writer: a training script runs.
            String experimentId = writer.ok("experiments/create", "{\"name\": \"secured\"}")
                    .get("experiment_id")
                    .asText();
            String runId = writer.ok("runs/create", "{\"experiment_id\": \"%s\"}".formatted(experimentId))
                    .at("/run/info/run_id")
                    .asText();
            writer.ok("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": %s}".formatted(runId, metrics(3)));

            assertThat(reader.ok("runs/search", "{\"experiment_ids\": [\"%s\"]}".formatted(experimentId))
                            .get("runs"))
                    .hasSize(1);
            assertThat(MlflowRest.error(
                            reader.post("runs/log-batch", "{\"run_id\": \"%s\"}".formatted(runId)),
                            403,
                            "PERMISSION_DENIED"))
                    .isEqualTo(
                            "mlflow.MlflowService/logBatch needs role writer; the token of 'dashboards' has role reader");
            MlflowRest.error(
                    writer.post("runs/delete", "{\"run_id\": \"%s\"}".formatted(runId)), 403, "PERMISSION_DENIED");
            admin.ok("runs/delete", "{\"run_id\": \"%s\"}".formatted(runId));
            MlflowRest.error(anonymous.get("no/such/endpoint", ""), 404, "ENDPOINT_NOT_FOUND");

            // Every MLflow route, under both prefixes, refuses a call without a token before any
            // work, and a reader's token wherever the route's RPC needs more; nothing was changed.
            HttpPort port = new HttpPort(server.httpPort());
            HttpPort readerPort = port.withToken("reader-token-0b6f4d2a81");
            List<String> routes = routes(server);
            assertThat(routes).hasSize(2 * 34);
            for (String route : routes) {
                String[] call = request(route);
                String body = "{\"run_id\": \"%s\", \"experiment_id\": \"%s\", \"name\": \"anonymous\"}"
                        .formatted(runId, experimentId);
                HttpPort.Answer answer = port.send(port.request(call[1])
                        .header("content-type", "application/json")
                        .method(call[0], HttpRequest.BodyPublishers.ofString(body))
                        .build());
                assertThat(MlflowRest.error(answer, 401, "UNAUTHENTICATED"))
                        .as(route)
                        .startsWith("missing bearer token");
                Role needed = MethodRoles.requiredRole(route.substring(route.lastIndexOf(' ') + 1))
                        .orElseThrow();
                if (!Role.READER.includes(needed)) {
                    MlflowRest.error(
                            readerPort.send(readerPort
                                    .request(call[1])
                                    .header("content-type", "application/json")
                                    .method(call[0], HttpRequest.BodyPublishers.ofString(body))
                                    .build()),
                            403,
                            "PERMISSION_DENIED");
                }
            }
            assertThat(reader.ok("experiments/search", "{\"filter\": \"name = 'anonymous'\"}")
                            .has("experiments"))
                    .isFalse();
            assertThat(admin.okGet("runs/get", "run_id=" + runId)
                            .at("/run/info/lifecycle_stage")
                            .asText())
                    .isEqualTo("deleted");
        }
    }

    @Test
    void noMalformedRequestIsAServerError(TestServer server) {
        MlflowRest mlflow = MlflowRest.of(server);
        String runId = run(mlflow, "malformed");
        String experimentId = mlflow.okGet("runs/get", "run_id=" + runId)
                .at("/run/info/experiment_id")
                .asText();
        HttpPort port = new HttpPort(server.httpPort());
        // Bodies of the wrong shape, and every field MLflow's requests have given a value of the wrong type.
        List<String> bodies = List.of(
                "",
                "[]",
                "\"text\"",
                "42",
                "null",
                "{",
                "{\"run_id\": {}, \"experiment_id\": [], \"name\": {\"a\": 1}, \"key\": [], \"value\": {},"
                        + " \"timestamp\": \"soon\", \"step\": 1e400, \"metrics\": {}, \"params\": \"p\", \"tags\": 7,"
                        + " \"datasets\": [1], \"models\": \"m\", \"experiment_ids\": {}, \"max_results\": \"many\","
                        + " \"order_by\": {}, \"filter\": [], \"page_token\": \"!!!\", \"model_json\": \"{\","
                        + " \"status\": 3, \"end_time\": [], \"new_name\": {}, \"view_type\": {}}",
                ("{\"run_id\": \"%s\", \"experiment_id\": \"%s\", \"metrics\": [1, \"a\", null, []],"
                                + " \"params\": [{\"key\": 1}], \"tags\": [{}], \"datasets\": [{\"dataset\": 1}],"
                                + " \"models\": [{}], \"experiment_ids\": [[]], \"max_results\": -5,"
                                + " \"order_by\": [\"metrics.\"], \"filter\": \"metrics.loss <\","
                                + " \"page_token\": \"eyJ4IjoxfQ\", \"timestamp\": 99999999999999999999,"
                                + " \"step\": -9223372036854775808, \"key\": \"k\\u0000\", \"value\": \"NaNx\","
                                + " \"model_json\": \"[]\", \"end_time\": -1, \"status\": \"RUNNING\"}")
                        .formatted(runId, experimentId));
        List<String> queries = List.of(
                "",
                "run_id=%00&experiment_id=%00&experiment_name=%00&metric_key=%00",
                "run_id=" + runId + "&metric_key=loss&max_results=-5&page_token=%FF%FE",
                "run_id=" + runId + "&metric_key=loss&max_results=99999999999999999999&start_step=x&end_step=-1",
                "run_ids=" + runId + "&metric_key=loss&max_results=0&start_step=9&end_step=1",
                "experiment_id=" + experimentId + "&filter=name%20%3D&order_by=nope&view_type=X&max_results=many");
        int answered = 0;
        for (String route : routes(server.server())) {
            String[] call = request(route);
            List<HttpPort.Answer> answers = new java.util.ArrayList<>();
            if (call[0].equals("GET")) {
                queries.forEach(query -> answers.add(port.get(call[1] + (query.isEmpty() ? "" : "?" + query))));
            } else {
                bodies.forEach(body -> answers.add(port.send(port.request(call[1])
                        .header("content-type", "application/json")
                        .method(call[0], HttpRequest.BodyPublishers.ofString(body))
                        .build())));
            }
            for (HttpPort.Answer answer : answers) {
                if (answer.status() == 200) {
                    continue; // e.g. a search whose bad fields are all optional and ignored
                }
                assertThat(answer.status()).as(route + " " + answer.body()).isIn(400, 404);
                assertThat(answer.json().path("error_code").asText())
                        .as(route + " " + answer.body())
                        .isIn("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST", "ENDPOINT_NOT_FOUND");
                assertThat(answer.json().path("message").asText()).as(route).isNotEmpty();
                answered++;
            }
        }
        assertThat(answered).isGreaterThan(300);
        // The run is as it was: none of those requests half-wrote anything.
        JsonNode run = mlflow.okGet("runs/get", "run_id=" + runId).get("run");
        assertThat(run.at("/info/status").asText()).isEqualTo("RUNNING");
        assertThat(run.path("data").has("metrics")).isFalse();
        assertThat(run.path("data").has("params")).isFalse();
    }

    @Test
    void aWebPageCannotWriteThroughTheApi(TestServer server) {
        // A page on any site may send a "simple" cross-site POST (a form, or text/plain) to a
        // server on the visitor's loopback without asking first; only application/json bodies
        // are read, and the answer to a browser's preflight allows no other origin.
        HttpPort port = new HttpPort(server.httpPort());
        MlflowRest mlflow = MlflowRest.of(server);
        for (String type :
                List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b")) {
            HttpPort.Answer answer = port.send(port.request("/api/2.0/mlflow/experiments/create")
                    .header("content-type", type)
                    .header("origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"csrf\"}"))
                    .build());
            assertThat(MlflowRest.error(answer, 400, "INVALID_PARAMETER_VALUE"))
                    .startsWith("content-type: must be application/json (what MLflow's clients send), is '"
                            + type.substring(0, 10));
        }
        MlflowRest.error(mlflow.get("experiments/get-by-name", "experiment_name=csrf"), 404, "RESOURCE_DOES_NOT_EXIST");
        HttpPort.Answer preflight = port.send(port.request("/api/2.0/mlflow/experiments/create")
                .header("origin", "http://evil.example")
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(preflight.header("access-control-allow-origin")).isEmpty();
    }
}
