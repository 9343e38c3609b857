package io.trialgraph.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.MetricSummary;
import io.trialgraph.client.Tracker;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.testing.PrivateFiles;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens and roles on a server with authentication on: who may call what, the exact
 * refusals, the calls that need no token, and token settings that stop start-up.
 */
@TrialGraphTest
class AuthIT {

    private static final String ADMIN_TOKEN = "admin-token-5f1d2c8e9b";
    private static final String WRITER_TOKEN = "writer-token-7a3e91c04d";
    private static final String READER_TOKEN = "reader-token-0b6f4d2a81";

    @TempDir
    static Path dir;

    private static TrialGraphServer server;

    @BeforeAll
    static void start(TestNeo4j neo4j) throws Exception {
        Path tokens = PrivateFiles.write(
                dir.resolve("tokens"),
                String.join(
                        "\n",
                        "# role  name        token (or its SHA-256)",
                        "admin   ops         " + ADMIN_TOKEN,
                        "writer  ci-workers  " + WRITER_TOKEN,
                        "",
                        "reader  dashboards  sha256:" + sha256(READER_TOKEN)));
        server = TestServer.dedicated(
                neo4j, Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", tokens.toString()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static TrialGraphClient client(String token) {
        return TrialGraphClient.builder()
                .target("127.0.0.1:" + server.grpcPort())
                .plaintext()
                .token(token)
                .retry(1)
                .build();
    }

    private static TrialGraphException refusal(ThrowingCallable call, Status.Code code) {
        TrialGraphException e = catchThrowableOfType(TrialGraphException.class, call);
        assertThat(e).as("expected %s", code).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    @Test
    void callsWithoutAKnownBearerTokenAreUnauthenticated() throws Exception {
        try (TrialGraphClient anonymous = client(null)) {
            assertThat(refusal(anonymous::serverInfo, Status.Code.UNAUTHENTICATED)
                            .getMessage())
                    .isEqualTo("missing bearer token: send the header 'authorization: Bearer <token>'");
        }
        try (TrialGraphClient stranger = client("not-a-known-token-123")) {
            assertThat(refusal(stranger::serverInfo, Status.Code.UNAUTHENTICATED)
                            .getMessage())
                    .isEqualTo("unknown bearer token");
            assertThat(refusal(() -> stranger.createExperiment("e", "", Map.of()), Status.Code.UNAUTHENTICATED)
                            .getMessage())
                    .isEqualTo("unknown bearer token");
        }
        // The hash in the token file is not a token itself.
        try (TrialGraphClient replay = client("sha256:" + sha256(READER_TOKEN))) {
            refusal(replay::serverInfo, Status.Code.UNAUTHENTICATED);
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
        try {
            Metadata basic = new Metadata();
            basic.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic b3BzOnNlY3JldA==");
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> ServerServiceGrpc.newBlockingStub(channel)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(basic))
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getServerInfo(GetServerInfoRequest.getDefaultInstance()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).isEqualTo("the authorization header is not 'Bearer <token>'");
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void healthCheckingNeedsNoToken() {
        try (TrialGraphClient anonymous = client(null)) {
            assertThat(HealthGrpc.newBlockingStub(anonymous.channel())
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus())
                    .isEqualTo(ServingStatus.SERVING);
        }
    }

    @Test
    void aReaderReadsAndQueriesButCannotCreate() {
        try (TrialGraphClient admin = client(ADMIN_TOKEN);
                TrialGraphClient reader = client(READER_TOKEN)) {
            admin.createExperiment("cifar10", "custom beats resnet", Map.of());

            assertThat(reader.serverInfo().version()).isNotEmpty();
            assertThat(reader.getExperiment("cifar10").description()).isEqualTo("custom beats resnet");
            assertThat(reader.listAllExperiments(null, null)).hasSize(1);
            assertThat(reader.query("MATCH (e:Experiment) RETURN e.name AS name")
                            .column("name"))
                    .containsExactly("cifar10");

            assertThat(refusal(() -> reader.createExperiment("mine", "", Map.of()), Status.Code.PERMISSION_DENIED)
                            .getMessage())
                    .isEqualTo("trialgraph.v1.ExperimentService/CreateExperiment needs role writer; "
                            + "the token of 'dashboards' has role reader");
            assertThat(refusal(() -> reader.createTrial("cifar10", "t1", Map.of()), Status.Code.PERMISSION_DENIED)
                            .getMessage())
                    .isEqualTo(
                            "trialgraph.v1.TrialService/CreateTrial needs role writer; the token of 'dashboards' has role reader");
            // Metric streams are writes: the reader's logger fails for good, naming the method and the role.
            try (MetricLogger logger = reader.newMetricLogger().build()) {
                logger.log("any-job", "loss", 0, 1.0);
                TrialGraphException denied = refusal(logger::flush, Status.Code.PERMISSION_DENIED);
                assertThat(denied.getMessage()).contains("trialgraph.v1.MetricService/IngestMetrics needs role writer");
            } catch (TrialGraphException closeRepeatsTheFailure) {
                assertThat(closeRepeatsTheFailure.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            }
            // The query service is read-only by construction; the role does not change that.
            refusal(() -> reader.query("CREATE (:Experiment {name: 'sneaky'})"), Status.Code.PERMISSION_DENIED);
            assertThat(reader.listAllExperiments(null, null)).hasSize(1);
        }
    }

    @Test
    void aWriterCreatesAndStreamsMetricsButCannotDelete() {
        try (TrialGraphClient writer = client(WRITER_TOKEN)) {
            writer.createExperiment("cifar10", "custom beats resnet", Map.of());
            writer.createTrial("cifar10", "custom-adam-60", Map.of());
            try (Tracker job = writer.tracker("custom-adam-60-training", "training", "custom-adam-60")) {
                job.logParameters(Map.of("epochs", 60));
                for (int step = 0; step < 1000; step++) {
                    job.logMetric("loss", step, 1.0 / (step + 1));
                }
            }
            List<MetricSummary> summaries = writer.getMetricSummaries("custom-adam-60-training");
            assertThat(summaries)
                    .singleElement()
                    .satisfies(s -> assertThat(s.count()).isEqualTo(1000));

            assertThat(refusal(() -> writer.deleteExperiment("cifar10", true), Status.Code.PERMISSION_DENIED)
                            .getMessage())
                    .isEqualTo("trialgraph.v1.ExperimentService/DeleteExperiment needs role admin; "
                            + "the token of 'ci-workers' has role writer");
            assertThat(writer.getExperiment("cifar10").name()).isEqualTo("cifar10");
        }
    }

    @Test
    void anAdminDeletes() {
        try (TrialGraphClient admin = client(ADMIN_TOKEN)) {
            admin.createExperiment("cifar10", "custom beats resnet", Map.of());
            admin.createTrial("cifar10", "custom-adam-60", Map.of());
            assertThat(admin.deleteExperiment("cifar10", true).trials()).isEqualTo(1);
            refusal(() -> admin.getExperiment("cifar10"), Status.Code.NOT_FOUND);
        }
    }

    @Test
    void tokensCanComeFromTheConfigurationItself(TestNeo4j neo4j) {
        // As TRIALGRAPH_AUTH_TOKENS would give them: entries separated by commas.
        try (TrialGraphServer inline = TestServer.dedicated(
                        neo4j,
                        Map.of(
                                "trialgraph.auth.enabled",
                                "true",
                                "trialgraph.auth.tokens",
                                "reader grafana " + READER_TOKEN + ",writer trainer " + WRITER_TOKEN));
                TrialGraphClient reader = TrialGraphClient.builder()
                        .target("localhost:" + inline.grpcPort())
                        .plaintext()
                        .token(READER_TOKEN)
                        .retry(1)
                        .build();
                TrialGraphClient writer = TrialGraphClient.builder()
                        .target("localhost:" + inline.grpcPort())
                        .plaintext()
                        .token(WRITER_TOKEN)
                        .retry(1)
                        .build()) {
            writer.createExperiment("e1", "", Map.of());
            assertThat(reader.getExperiment("e1").name()).isEqualTo("e1");
            assertThat(refusal(() -> reader.createExperiment("e2", "", Map.of()), Status.Code.PERMISSION_DENIED)
                            .getMessage())
                    .endsWith("the token of 'grafana' has role reader");
        }
    }

    @Test
    void brokenTokenSettingsStopStartUpNamingTheLine(TestNeo4j neo4j) throws Exception {
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true),
                "trialgraph.auth.enabled (TRIALGRAPH_AUTH_ENABLED) is true but no token is configured");

        Path missing = dir.resolve("no-such-file");
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", missing.toString()),
                "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + missing + " does not exist");

        Path badRole = PrivateFiles.write(
                dir.resolve("bad-role"), "# tokens\nadmin ops " + ADMIN_TOKEN + "\nroot me " + WRITER_TOKEN + "\n");
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", badRole.toString()),
                "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + badRole
                        + " line 3: unknown role 'root': use reader, writer or admin");

        Path shortToken = PrivateFiles.write(dir.resolve("short"), "\n\nwriter ci s3cret\n");
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", shortToken.toString()),
                "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + shortToken
                        + " line 3: the token has 6 characters, fewer than 16");

        Path twoFields = PrivateFiles.write(dir.resolve("two-fields"), "writer " + WRITER_TOKEN + "\n");
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", twoFields.toString()),
                "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + twoFields
                        + " line 1: expected '<role> <name> <token>', found 2 fields");

        Path shared = PrivateFiles.write(
                dir.resolve("shared"), "writer a " + WRITER_TOKEN + "\nadmin b " + WRITER_TOKEN + "\n");
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", shared.toString()),
                "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + shared + " line 2: the same token as "
                        + "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): " + shared + " line 1");

        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.tokens", "admin ops " + ADMIN_TOKEN),
                "trialgraph.auth.enabled (TRIALGRAPH_AUTH_ENABLED): tokens are configured but authentication is off");

        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.tokens", "reader a b c"),
                "trialgraph.auth.tokens (TRIALGRAPH_AUTH_TOKENS) entry 1: expected '<role> <name> <token>', found 4 fields");
    }

    @Test
    void tokenFilesOthersMayReadOrThatAreNotPlainTextStopStartUpSayingHowToFixThem(TestNeo4j neo4j) throws Exception {
        String setting = "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE): ";
        Path worldReadable = PrivateFiles.write(dir.resolve("world-readable"), "admin ops " + ADMIN_TOKEN + "\n");
        Files.setPosixFilePermissions(worldReadable, PosixFilePermissions.fromString("rw-r--r--"));
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", worldReadable.toString()),
                setting + worldReadable
                        + " holds secrets but every user of this machine may read it (permissions rw-r--r--);"
                        + " make it private to the service's user: chmod 600 " + worldReadable);

        // A file of the service's own user needs no group access either (OpenSSH's rule for private keys).
        Path groupReadable = PrivateFiles.write(dir.resolve("group-readable"), "admin ops " + ADMIN_TOKEN + "\n");
        Files.setPosixFilePermissions(groupReadable, PosixFilePermissions.fromString("rw-r-----"));
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", groupReadable.toString()),
                setting + groupReadable
                        + " holds secrets but the members of its group may read it (permissions rw-r-----);"
                        + " make it private to the service's user: chmod 600 " + groupReadable);

        Path withBom = PrivateFiles.write(dir.resolve("with-bom"), "\ufeffadmin ops " + ADMIN_TOKEN + "\n");
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", withBom.toString()),
                setting + withBom + " starts with a byte-order mark (the bytes EF BB BF some editors write first);"
                        + " save it as UTF-8 without one");

        Path binary = dir.resolve("binary");
        Files.write(binary, new byte[] {'P', 'K', 3, 4, (byte) 0xC3, 0x28, 0, 0});
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rw-------"));
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", binary.toString()),
                setting + binary + " is not a text file (byte 6 is 0); expected lines of text");

        Path latin1 = dir.resolve("latin1");
        Files.write(latin1, ("admin op\u00e9 " + ADMIN_TOKEN + "\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.setPosixFilePermissions(latin1, PosixFilePermissions.fromString("rw-------"));
        assertStartFails(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", latin1.toString()),
                setting + latin1 + " is not UTF-8 text (byte 8 is 0xE9); expected lines of text");
    }

    @Test
    void noErrorMessageRepeatsAToken(TestNeo4j neo4j) throws Exception {
        Path file = PrivateFiles.write(dir.resolve("non-ascii"), "writer ci " + WRITER_TOKEN + "é\n");
        Throwable e = catchThrowableOfType(
                InvalidConfigurationException.class,
                () -> TestServer.dedicated(
                                neo4j,
                                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.token-file", file.toString()))
                        .close());
        assertThat(e).hasMessageEndingWith("line 1: the token may only have printable ASCII characters");
        assertThat(e.getMessage()).doesNotContain(WRITER_TOKEN);
    }

    private static void assertStartFails(TestNeo4j neo4j, Map<String, Object> settings, String messageStart) {
        assertThatThrownBy(() -> TestServer.dedicated(neo4j, settings).close())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(messageStart);
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
