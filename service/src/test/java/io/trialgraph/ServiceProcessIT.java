package io.trialgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import io.trialgraph.testing.ManagementPort;
import io.trialgraph.testing.PrivateFiles;
import io.trialgraph.testing.TestCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service as a user runs it: {@code target/trialgraph serve} (the launcher) or
 * {@code java -jar trialgraph-service.jar serve}, configured by environment, stopped by SIGTERM.
 */
class ServiceProcessIT {

    private static final Path JAR = Path.of("target", "trialgraph-service.jar");
    private static final Path LAUNCHER = Path.of("target", "trialgraph");

    @Test
    void startsFromEnvironmentServesHealthAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        int grpcPort = freePort();
        int boltPort = freePort();
        int managementPort = freePort();
        Path log = dir.resolve("service.log");
        Process service = start(
                dir,
                log,
                true,
                Map.of(
                        "GRPC_SERVER_PORT", Integer.toString(grpcPort),
                        "TRIALGRAPH_MANAGEMENT_PORT", Integer.toString(managementPort),
                        "TRIALGRAPH_HTTP_PORT", Integer.toString(freePort()),
                        "NEO4J_EMBEDDED_BOLT_PORT", Integer.toString(boltPort),
                        "NEO4J_EMBEDDED_DATA_DIR", dir.resolve("graph").toString(),
                        "NEO4J_EMBEDDED_PAGE_CACHE_SIZE", "32MB"));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext()
                .build();
        try {
            // Generous: the start itself takes ~10 s, but a shared 2-core machine under load takes several times that.
            awaitServing(channel, service, Duration.ofSeconds(300));
            assertThat(Files.readString(log))
                    .contains("data in " + dir.resolve("graph").toAbsolutePath())
                    .contains("Bolt at bolt://127.0.0.1:" + boltPort + ", user neo4j, password in "
                            + dir.resolve("graph").resolve("neo4j-password").toAbsolutePath()
                            + "; explore it with: NEO4J_PASSWORD=")
                    // Plain text by default, so loopback only by default: no warning to give.
                    .contains("serving gRPC on port " + grpcPort)
                    .doesNotContain("in plain text");
            // The jar's lib/ has what the management port needs: health as JSON, metrics as Prometheus text.
            ManagementPort management = new ManagementPort(managementPort);
            assertThat(management.get("/health").body()).contains("\"status\":\"UP\"");
            assertThat(management.scrape().value("trialgraph_ingest_points_total", Map.of()))
                    .hasValue(0);
            // The container health check, run from the jar as the image runs it.
            assertThat(healthCheck(grpcPort)).as("HealthCheck exit code").isZero();

            long stopping = System.nanoTime();
            service.destroy(); // SIGTERM
            assertThat(service.waitFor(10, TimeUnit.SECONDS))
                    .as("exited within 10 s of SIGTERM")
                    .isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
            assertThat(Files.readString(log)).contains("trialgraph stopped").doesNotContain("Exception");
        } finally {
            channel.shutdownNow();
            service.destroyForcibly();
        }
    }

    @Test
    void wrongConfigurationStopsStartupWithOneClearLine(@TempDir Path dir) throws Exception {
        int closedPort = freePort();
        Path log = dir.resolve("service.log");
        Process service = start(
                dir,
                log,
                false,
                Map.of(
                        "NEO4J_URI", "bolt://127.0.0.1:" + closedPort,
                        "NEO4J_CONNECTION_TIMEOUT", "2s",
                        "GRPC_SERVER_PORT", Integer.toString(freePort()),
                        "TRIALGRAPH_MANAGEMENT_PORT", Integer.toString(freePort()),
                        "TRIALGRAPH_HTTP_PORT", Integer.toString(freePort())));
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).isEqualTo(1);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines)
                .filteredOn(line -> line.contains("ERROR"))
                .singleElement()
                .asString()
                .contains("trialgraph did not start: neo4j.uri (NEO4J_URI): cannot reach Neo4j at bolt://127.0.0.1:"
                        + closedPort);
        assertThat(lines).noneMatch(line -> line.startsWith("\tat "));
    }

    @Test
    void tlsAndTokensComeFromTheEnvironment(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "ca");
        TestCertificates certificate = ca.issueServer("server");
        int grpcPort = freePort();
        Path log = dir.resolve("service.log");
        Process service = start(
                dir,
                log,
                false,
                Map.of(
                        "GRPC_SERVER_PORT", Integer.toString(grpcPort),
                        "NEO4J_EMBEDDED_BOLT_PORT", Integer.toString(freePort()),
                        "NEO4J_EMBEDDED_DATA_DIR", dir.resolve("graph").toString(),
                        "NEO4J_EMBEDDED_PAGE_CACHE_SIZE", "32MB",
                        "TRIALGRAPH_MANAGEMENT_PORT", Integer.toString(freePort()),
                        "TRIALGRAPH_HTTP_PORT", Integer.toString(freePort()),
                        "TRIALGRAPH_SERVER_TLS_CERT_CHAIN",
                                certificate.certificate().toString(),
                        "TRIALGRAPH_SERVER_TLS_PRIVATE_KEY",
                                certificate.privateKey().toString(),
                        "TRIALGRAPH_AUTH_ENABLED", "true",
                        "TRIALGRAPH_AUTH_TOKENS",
                                "reader grafana reader-token-0123456789,admin ops admin-token-0123456789"));
        TrialGraphClient.Builder client = TrialGraphClient.builder()
                .target("localhost:" + grpcPort)
                .tls(ca.certificate())
                .retry(1);
        // Connect only once it serves: a channel that kept failing to connect backs off for many seconds.
        awaitLogLine(log, service, " serving gRPC on port ", Duration.ofSeconds(300));
        try (TrialGraphClient reader = client.token("reader-token-0123456789").build()) {
            assertThat(reader.serverInfo().version()).isNotEmpty();
            TrialGraphException refused =
                    catchThrowableOfType(TrialGraphException.class, () -> reader.createExperiment("e", "", Map.of()));
            assertThat(refused.getMessage())
                    .isEqualTo("trialgraph.v1.ExperimentService/CreateExperiment needs role writer;"
                            + " the token of 'grafana' has role reader");
            try (TrialGraphClient anonymous = client.token(null).build()) {
                assertThat(catchThrowableOfType(TrialGraphException.class, anonymous::serverInfo)
                                .code())
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
            }
            assertThat(Files.readString(log))
                    .contains("speaks TLS only")
                    .contains("Bearer-token authentication on: 2 tokens")
                    .doesNotContain("reader-token-0123456789")
                    .doesNotContain("in plain text");
        } finally {
            service.destroy();
            service.waitFor(10, TimeUnit.SECONDS);
            service.destroyForcibly();
        }
    }

    @Test
    void aBrokenTokenFileStopsStartupWithOneClearLine(@TempDir Path dir) throws Exception {
        Path tokens =
                PrivateFiles.write(dir.resolve("tokens"), "# callers\nadmin ops admin-token-0123456789\nroot me x\n");
        Path log = dir.resolve("service.log");
        Process service = start(
                dir,
                log,
                false,
                Map.of(
                        "GRPC_SERVER_PORT", Integer.toString(freePort()),
                        "NEO4J_EMBEDDED_DATA_DIR", dir.resolve("graph").toString(),
                        "TRIALGRAPH_AUTH_ENABLED", "true",
                        "TRIALGRAPH_MANAGEMENT_PORT", Integer.toString(freePort()),
                        "TRIALGRAPH_HTTP_PORT", Integer.toString(freePort()),
                        "TRIALGRAPH_AUTH_TOKEN_FILE", tokens.toString()));
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).isEqualTo(1);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines)
                .filteredOn(line -> line.contains("ERROR"))
                .singleElement()
                .asString()
                .endsWith("trialgraph did not start: trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + tokens
                        + " line 3: unknown role 'root': use reader, writer or admin");
        assertThat(lines).noneMatch(line -> line.startsWith("\tat "));
        // Checked before the embedded Neo4j starts: nothing was created.
        assertThat(dir.resolve("graph")).doesNotExist();
    }

    private static int healthCheck(int grpcPort) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process check = new ProcessBuilder(
                        java,
                        "-cp",
                        JAR.toAbsolutePath().toString(),
                        "io.trialgraph.HealthCheck",
                        Integer.toString(grpcPort))
                .redirectErrorStream(true)
                .start();
        check.getInputStream().transferTo(System.out);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).as("HealthCheck ended").isTrue();
        return check.exitValue();
    }

    /** Starts {@code serve} through the launcher script (which execs java, so SIGTERM reaches the JVM) or java -jar. */
    private static Process start(Path workDir, Path log, boolean launcher, Map<String, String> environment)
            throws IOException {
        assertThat(JAR)
                .as("the packaged service (mvn package runs before the integration tests)")
                .exists();
        String javaHome = System.getProperty("java.home");
        ProcessBuilder builder;
        if (launcher) {
            assertThat(LAUNCHER).as("the launcher next to the jar").isExecutable();
            builder = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "serve");
            builder.environment().put("JAVA_HOME", javaHome);
            builder.environment().put("TRIALGRAPH_JAVA_OPTS", "-Xmx512m");
        } else {
            builder = new ProcessBuilder(
                    Path.of(javaHome, "bin", "java").toString(),
                    "-Xmx512m",
                    "-jar",
                    JAR.toAbsolutePath().toString(),
                    "serve");
        }
        builder.directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void awaitServing(ManagedChannel channel, Process service, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service still running").isTrue();
            try {
                ServingStatus status = HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus();
                if (status == ServingStatus.SERVING) {
                    return;
                }
            } catch (StatusRuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not SERVING within " + limit);
    }

    private static void awaitLogLine(Path log, Process service, String text, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Files.readString(log).contains(text)) {
            assertThat(service.isAlive())
                    .as("service still running; log:%n%s", Files.readString(log))
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("'%s' in the log within %s", text, limit)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
