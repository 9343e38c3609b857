package io.trialgraph;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A container health check that needs no tool in the image but the JVM: asks the gRPC health
 * service ({@code grpc.health.v1.Health/Check}, all services) of the trialgraph on this machine
 * and exits 0 when it answers SERVING, 1 otherwise (not serving, unreachable, no answer in 5 s).
 * <pre>
 * java -cp @/app/jib-classpath-file io.trialgraph.HealthCheck          # port from GRPC_SERVER_PORT, else 50051
 * java -cp trialgraph-service.jar io.trialgraph.HealthCheck host:port
 * </pre>
 * Plaintext only: it checks the gRPC port as the service opens it without TLS.
 */
public final class HealthCheck {

    /** How long the check waits for an answer. */
    static final long TIMEOUT_SECONDS = 5;

    private HealthCheck() {
    }

    public static void main(String[] args) {
        System.exit(check(target(args, System.getenv()), System.out));
    }

    /** The address to check: {@code host:port} or {@code port} from the arguments, else 127.0.0.1 and the configured gRPC port. */
    static String target(String[] args, Map<String, String> environment) {
        String given = args.length > 0 ? args[0] : environment.getOrDefault("GRPC_SERVER_PORT", "50051");
        return given.contains(":") ? given : "127.0.0.1:" + given;
    }

    /**
     * Asks the health service at {@code target} once.
     *
     * @return 0 when it answers SERVING, 1 otherwise; one line saying which goes to {@code out}
     */
    static int check(String target, PrintStream out) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            ServingStatus status = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
            out.println("trialgraph at " + target + ": " + status);
            return status == ServingStatus.SERVING ? 0 : 1;
        } catch (StatusRuntimeException e) {
            out.println("trialgraph at " + target + ": " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"));
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }
}
