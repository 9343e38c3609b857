package io.trialgraph.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;

/**
 * MLflow's REST API of a test server, spoken as MLflow's Python client speaks it
 * ({@code mlflow.utils.rest_utils.call_endpoint}): GET requests carry their fields as query
 * parameters, all others as a JSON body; an answer other than 200 is an error whose JSON body has
 * {@code error_code} and {@code message}.
 */
public final class MlflowRest {

    private final HttpPort http;
    private final String prefix;

    public MlflowRest(HttpPort http) {
        this(http, "/api/2.0/mlflow");
    }

    private MlflowRest(HttpPort http, String prefix) {
        this.http = http;
        this.prefix = prefix;
    }

    public static MlflowRest of(TestServer server) {
        return new MlflowRest(new HttpPort(server.httpPort()));
    }

    /** @return the same API under MLflow's web UI prefix, /ajax-api/2.0/mlflow */
    public MlflowRest ajax() {
        return new MlflowRest(http, "/ajax-api/2.0/mlflow");
    }

    /** @return the same API sending {@code Authorization: Bearer <token>}, as MLFLOW_TRACKING_TOKEN does */
    public MlflowRest withToken(String token) {
        return new MlflowRest(http.withToken(token), prefix);
    }

    /** POST {@code endpoint} (e.g. {@code runs/create}) with a JSON body. */
    public HttpPort.Answer post(String endpoint, String json) {
        return http.post(prefix + "/" + endpoint, json);
    }

    /** GET {@code endpoint} with a query string (already encoded), e.g. {@code run_id=...&run_uuid=...}. */
    public HttpPort.Answer get(String endpoint, String query) {
        return http.get(prefix + "/" + endpoint + (query.isEmpty() ? "" : "?" + query));
    }

    /** A request with another method (PATCH, DELETE) and a JSON body. */
    public HttpPort.Answer send(String method, String endpoint, String json) {
        return http.send(http.request(prefix + "/" + endpoint)
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** POST and expect 200: @return the answer's JSON */
    public JsonNode ok(String endpoint, String json) {
        return ok(post(endpoint, json));
    }

    /** GET and expect 200: @return the answer's JSON */
    public JsonNode okGet(String endpoint, String query) {
        return ok(get(endpoint, query));
    }

    public static JsonNode ok(HttpPort.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("content-type")).startsWith("application/json");
        return answer.json();
    }

    /** Expects an MLflow error: @return its message */
    public static String error(HttpPort.Answer answer, int status, String errorCode) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        JsonNode body = answer.json();
        assertThat(body.path("error_code").asText()).as(answer.body()).isEqualTo(errorCode);
        return body.path("message").asText();
    }
}
