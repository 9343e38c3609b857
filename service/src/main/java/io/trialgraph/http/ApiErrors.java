package io.trialgraph.http;

import io.grpc.Status;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.grpc.StatusTranslator;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors of the HTTP API mirror gRPC's: whatever a route throws is classified by
 * {@link StatusTranslator} (the same code and message a gRPC caller gets) and sent with the HTTP
 * status of that code, as a JSON body {@code {"error": {"code", "message", "field"?}}}. Errors
 * Micronaut makes itself (no such route, body too large) get the same shape.
 */
public final class ApiErrors {

    private ApiErrors() {}

    /** @return the HTTP status of a gRPC code (as Google's API design maps them) */
    public static HttpStatus httpStatus(Status.Code code) {
        return switch (code) {
            case OK -> HttpStatus.OK;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case ALREADY_EXISTS, ABORTED -> HttpStatus.CONFLICT;
            case RESOURCE_EXHAUSTED -> HttpStatus.TOO_MANY_REQUESTS;
            case CANCELLED -> HttpStatus.valueOf(499);
            case UNIMPLEMENTED -> HttpStatus.NOT_IMPLEMENTED;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case DEADLINE_EXCEEDED -> HttpStatus.GATEWAY_TIMEOUT;
            case INTERNAL, UNKNOWN, DATA_LOSS -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** @return the error response for what a route threw */
    public static MutableHttpResponse<String> response(Throwable failure) {
        Status status = StatusTranslator.toStatus(failure);
        MutableHttpResponse<String> response = HttpResponse.<String>status(httpStatus(status.getCode()))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(body(
                        status.getCode().name(),
                        status.getDescription(),
                        failure instanceof InvalidArgumentException invalid ? invalid.field() : null));
        if (status.getCode() == Status.Code.UNAUTHENTICATED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return response;
    }

    /** @return {@code {"code", "message"}} of a failure, for an error inside a streamed answer */
    static String errorObject(Throwable failure) {
        Status status = StatusTranslator.toStatus(failure);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", status.getCode().name());
        error.put("message", status.getDescription() == null ? "" : status.getDescription());
        return Json.write(error);
    }

    /** @return the JSON error body */
    public static String body(String code, String message, String field) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null ? "" : message);
        if (field != null) {
            error.put("field", field);
        }
        return Json.write(Map.of("error", error));
    }

    /** The gRPC code closest to an HTTP status Micronaut chose. */
    static String code(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 414, 415, 431 ->
                httpStatus == 413 || httpStatus == 431 ? "RESOURCE_EXHAUSTED" : "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405, 501 -> "UNIMPLEMENTED";
            case 406 -> "INVALID_ARGUMENT";
            case 409 -> "ALREADY_EXISTS";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> httpStatus >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
        };
    }

    /** What a route throws becomes the status gRPC would send. */
    @Singleton
    @Produces
    @Requires(classes = ExceptionHandler.class)
    static final class RouteFailureHandler implements ExceptionHandler<RuntimeException, HttpResponse<?>> {

        @Override
        public HttpResponse<?> handle(HttpRequest request, RuntimeException exception) {
            return response(exception);
        }
    }

    /** Errors Micronaut answers itself (no route, wrong method, body too large, bad JSON) in the same JSON shape. */
    @Singleton
    static final class JsonErrorProcessor implements ErrorResponseProcessor<String> {

        @Override
        public MutableHttpResponse<String> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
            int status = response.status().getCode();
            String message = context.getErrors().isEmpty()
                    ? response.reason()
                    : context.getErrors().get(0).getMessage();
            if (status == 404 && context.getErrors().isEmpty()) {
                message = "no such page: " + context.getRequest().getPath();
            }
            if (status == 413) {
                message = "the request body is larger than trialgraph.http.max-request-size allows: " + message;
            }
            return response.contentType(MediaType.APPLICATION_JSON_TYPE).body(body(code(status), message, null));
        }
    }
}
