package io.trialgraph.http.mlflow;

import io.grpc.Status;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.trialgraph.grpc.StatusTranslator;
import io.trialgraph.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors as MLflow's clients read them: a JSON body {@code {"error_code", "message"}} with
 * MLflow's error code and its HTTP status. What a route threw is first classified as for gRPC
 * ({@link StatusTranslator}: the same message, INTERNAL only for our own failures), then named
 * in MLflow's words: a bad request is 400 {@code INVALID_PARAMETER_VALUE}, an unknown experiment
 * or run 404 {@code RESOURCE_DOES_NOT_EXIST}, a taken name 400 {@code RESOURCE_ALREADY_EXISTS}.
 */
final class MlflowErrors {

    private MlflowErrors() {}

    /** An MLflow error code and its HTTP status. */
    record Code(String name, int httpStatus) {}

    /** @return MLflow's error code for a gRPC status code, with MLflow's HTTP status for it */
    static Code code(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> new Code("INVALID_PARAMETER_VALUE", 400);
            case NOT_FOUND -> new Code("RESOURCE_DOES_NOT_EXIST", 404);
            case ALREADY_EXISTS -> new Code("RESOURCE_ALREADY_EXISTS", 400);
            case UNAUTHENTICATED -> new Code("UNAUTHENTICATED", 401);
            case PERMISSION_DENIED -> new Code("PERMISSION_DENIED", 403);
            case RESOURCE_EXHAUSTED -> new Code("RESOURCE_EXHAUSTED", 429);
            case UNAVAILABLE -> new Code("TEMPORARILY_UNAVAILABLE", 503);
            case DEADLINE_EXCEEDED -> new Code("DEADLINE_EXCEEDED", 504);
            case CANCELLED -> new Code("CANCELLED", 499);
            case ABORTED -> new Code("ABORTED", 409);
            case UNIMPLEMENTED -> new Code("NOT_IMPLEMENTED", 501);
            case OK, UNKNOWN, INTERNAL, DATA_LOSS -> new Code("INTERNAL_ERROR", 500);
        };
    }

    /** @return the error response for what a route (or the access check) threw */
    static MutableHttpResponse<String> response(Throwable failure) {
        Status status = StatusTranslator.toStatus(failure);
        Code code = code(status.getCode());
        MutableHttpResponse<String> response = body(code, status.getDescription());
        if (status.getCode() == Status.Code.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response;
    }

    /** @return 404 ENDPOINT_NOT_FOUND for a path or method MLflow's API does not have here */
    static MutableHttpResponse<String> endpointNotFound(String method, String path) {
        return body(
                new Code("ENDPOINT_NOT_FOUND", 404),
                "no MLflow endpoint " + method + " " + path
                        + " on this trialgraph server (see the README's MLflow section for what is supported)");
    }

    private static MutableHttpResponse<String> body(Code code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error_code", code.name());
        error.put("message", message == null ? "" : message);
        // By number and reason: Micronaut's HttpStatus has no 499 (CANCELLED).
        return HttpResponse.<String>status(code.httpStatus(), code.name())
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Json.write(error));
    }
}
