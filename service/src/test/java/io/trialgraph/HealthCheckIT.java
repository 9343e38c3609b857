package io.trialgraph;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The container health check main ({@link HealthCheck}) against real gRPC servers. */
@TrialGraphTest
class HealthCheckIT {

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void servingServerPasses(TestServer server) {
        assertThat(HealthCheck.check("127.0.0.1:" + server.port(), out)).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("SERVING");
    }

    @Test
    void theManagementPortsReadinessPassesWhereTlsKeepsTheGrpcCheckOut(TestServer server) {
        assertThat(HealthCheck.checkHttp(
                        URI.create("http://127.0.0.1:" + server.managementPort() + "/health/readiness"), out))
                .isZero();
        assertThat(HealthCheck.checkHttp(
                        URI.create("http://127.0.0.1:" + server.managementPort() + "/health/liveness"), out))
                .isZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("HTTP 200").contains("UP");
    }

    @Test
    void notServingServerFails() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(health.getHealthService())
                .build()
                .start();
        try {
            assertThat(HealthCheck.check("127.0.0.1:" + server.getPort(), out)).isEqualTo(1);
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("NOT_SERVING");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void unreachableServerFailsWithinTheTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();
        assertThat(HealthCheck.check("127.0.0.1:" + closedPort, out)).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                .isLessThanOrEqualTo(HealthCheck.TIMEOUT_SECONDS + 1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("UNAVAILABLE");
    }

    @Test
    void targetComesFromTheArgumentOrTheGrpcPortSetting() {
        assertThat(HealthCheck.target(new String[] {"db-host:6000"}, Map.of())).isEqualTo("db-host:6000");
        assertThat(HealthCheck.target(new String[] {"6000"}, Map.of())).isEqualTo("127.0.0.1:6000");
        assertThat(HealthCheck.target(new String[0], Map.of("GRPC_SERVER_PORT", "7000")))
                .isEqualTo("127.0.0.1:7000");
        assertThat(HealthCheck.target(new String[0], Map.of())).isEqualTo("127.0.0.1:50051");
    }
}
