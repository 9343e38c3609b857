package io.trialgraph;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A container health check that needs no tool in the image but the JVM: asks the gRPC health
 * service ({@code grpc.health.v1.Health/Check}, all services) of the trialgraph on this machine
 * and exits 0 when it answers SERVING, 1 otherwise (not serving, unreachable, no answer in 5 s).
 * <pre>
 * java -cp @/app/jib-classpath-file io.trialgraph.HealthCheck          # port from GRPC_SERVER_PORT, else 50051
 * java -cp trialgraph-service.jar io.trialgraph.HealthCheck host:port
 * java -cp @/app/jib-classpath-file io.trialgraph.HealthCheck http://127.0.0.1:9464/health/readiness
 * </pre>
 * The gRPC check speaks plain text; with TLS on the gRPC port, check the management port's
 * {@code /health/readiness} instead (an {@code http://} URL), which is UP exactly when the gRPC
 * health status is SERVING.
 */
public final class HealthCheck {

    /** How long the check waits for an answer. */
    static final long TIMEOUT_SECONDS = 5;

    private HealthCheck() {}

    public static void main(String[] args) {
        String target = target(args, System.getenv());
        System.exit(
                target.startsWith("http://") ? checkHttp(URI.create(target), System.out) : check(target, System.out));
    }

    /** The address to check: {@code host:port} or {@code port} from the arguments, else 127.0.0.1 and the configured gRPC port. */
    static String target(String[] args, Map<String, String> environment) {
        String given = args.length > 0 ? args[0] : environment.getOrDefault("GRPC_SERVER_PORT", "50051");
        return given.contains(":") ? given : "127.0.0.1:" + given;
    }

    /**
     * GETs a health URL of the management port once.
     *
     * @return 0 when it answers 200 (UP), 1 otherwise; one line saying which goes to {@code out}
     */
    static int checkHttp(URI url, PrintStream out) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                .build();
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(TIMEOUT_SECONDS))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            out.println("trialgraph at " + url + ": HTTP " + response.statusCode() + " "
                    + response.body().strip());
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            out.println("trialgraph at " + url + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Asks the health service at {@code target} once.
     *
     * @return 0 when it answers SERVING, 1 otherwise; one line saying which goes to {@code out}
     */
    static int check(String target, PrintStream out) {
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            ServingStatus status = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus();
            out.println("trialgraph at " + target + ": " + status);
            return status == ServingStatus.SERVING ? 0 : 1;
        } catch (StatusRuntimeException e) {
            out.println("trialgraph at " + target + ": " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null
                            ? ""
                            : " (" + e.getStatus().getDescription() + ")"));
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }
}
