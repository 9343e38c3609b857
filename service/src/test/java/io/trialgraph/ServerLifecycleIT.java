package io.trialgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.testing.ManagementPort;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TrialGraphTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/** Start-up, health, persistence and configuration failures of a whole server, in-process. */
@TrialGraphTest
class ServerLifecycleIT {

    @Test
    void embeddedDefaultServesHealthReflectionAndBoltAndKeepsDataAcrossRestart(@TempDir Path dir) throws Exception {
        Map<String, Object> settings = Map.of(
                "grpc.server.port",
                0,
                "neo4j.embedded.data-dir",
                dir.resolve("data").toString(),
                "neo4j.embedded.bolt-port",
                0,
                "neo4j.embedded.page-cache-size",
                "32MB");
        String boltUri;
        try (TrialGraphServer server = TrialGraphServer.start(settings)) {
            ManagedChannel channel = channel(server);
            assertThat(HealthGrpc.newBlockingStub(channel)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            GetServerInfoResponse info =
                    ServerServiceGrpc.newBlockingStub(channel).getServerInfo(GetServerInfoRequest.getDefaultInstance());
            assertThat(info.getEmbeddedNeo4J()).isTrue();
            assertThat(info.getBoltUri()).startsWith("bolt://127.0.0.1:");
            assertThat(info.getNeo4JVersion()).startsWith("5.26");
            assertThat(info.getSchemaVersion()).isNotEmpty();
            assertThat(listedServices(channel)).contains("grpc.health.v1.Health", "trialgraph.v1.ServerService");
            boltUri = info.getBoltUri();

            // Any Bolt client with the generated password can explore (and here, write to) the embedded graph.
            try (Driver driver = GraphDatabase.driver(boltUri, embeddedAuth(dir.resolve("data")));
                    Session session = driver.session()) {
                assertThat(session.run("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
                                .single()
                                .get("names")
                                .asList())
                        .contains("experiment_name_unique");
                session.run("CREATE (:Probe {value: 42})").consume();
            }
            channel.shutdownNow();
        }
        assertThat(dir.resolve("data")).isDirectory();

        try (TrialGraphServer restarted = TrialGraphServer.start(settings)) {
            ManagedChannel channel = channel(restarted);
            String uri = ServerServiceGrpc.newBlockingStub(channel)
                    .getServerInfo(GetServerInfoRequest.getDefaultInstance())
                    .getBoltUri();
            // The same password: the file made on the first start is used again.
            try (Driver driver = GraphDatabase.driver(uri, embeddedAuth(dir.resolve("data")));
                    Session session = driver.session()) {
                assertThat(session.run("MATCH (p:Probe) RETURN p.value AS value")
                                .single()
                                .get("value")
                                .asInt())
                        .isEqualTo(42);
            }
            channel.shutdownNow();
        }
    }

    @Test
    void externalNeo4jIsUsedAndNothingIsEmbedded(TestNeo4j neo4j) {
        Map<String, Object> settings = new HashMap<>(neo4j.serverProperties());
        settings.put("grpc.server.port", 0);
        try (TrialGraphServer server = TrialGraphServer.start(settings)) {
            ManagedChannel channel = channel(server);
            GetServerInfoResponse info =
                    ServerServiceGrpc.newBlockingStub(channel).getServerInfo(GetServerInfoRequest.getDefaultInstance());
            assertThat(info.getEmbeddedNeo4J()).isFalse();
            assertThat(info.getBoltUri()).isEqualTo(neo4j.uri());
            channel.shutdownNow();
        }
    }

    @Test
    void unreachableNeo4jNamesTheSetting() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> TrialGraphServer.start(Map.of(
                        "neo4j.uri",
                        "bolt://127.0.0.1:" + closedPort,
                        "neo4j.connection-timeout",
                        "2s",
                        "grpc.server.port",
                        0)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("neo4j.uri (NEO4J_URI): cannot reach Neo4j at bolt://127.0.0.1:" + closedPort);
    }

    @Test
    void malformedNeo4jUriNamesTheSetting() {
        assertThatThrownBy(() ->
                        TrialGraphServer.start(Map.of("neo4j.uri", "http://localhost:7474", "grpc.server.port", 0)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("neo4j.uri (NEO4J_URI): 'http://localhost:7474' is not a Bolt URI");
    }

    @Test
    void wrongCredentialsNameTheSettings(@TempDir Path dir) throws Exception {
        // A separate Neo4j with authentication on: the shared test Neo4j has none.
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        DatabaseManagementService secured = new DatabaseManagementServiceBuilder(dir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 16L * 1024 * 1024)
                .build();
        try {
            assertThatThrownBy(() -> TrialGraphServer.start(Map.of(
                            "neo4j.uri",
                            "bolt://127.0.0.1:" + port,
                            "neo4j.username",
                            "neo4j",
                            "neo4j.password",
                            "wrong-password",
                            "grpc.server.port",
                            0)))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith("neo4j.username / neo4j.password (NEO4J_USERNAME / NEO4J_PASSWORD)")
                    .hasMessageContaining("refused the credentials of user 'neo4j'");
        } finally {
            secured.shutdown();
        }
    }

    @Test
    void neo4jOutageTakesReadinessButNotLiveness(@TempDir Path dir) throws Exception {
        // A Neo4j of its own, to stop under the running service.
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        DatabaseManagementService neo4j = new DatabaseManagementServiceBuilder(dir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 16L * 1024 * 1024)
                .build();
        try (TrialGraphServer server = TrialGraphServer.start(Map.of(
                "neo4j.uri",
                "bolt://127.0.0.1:" + port,
                "neo4j.connection-timeout",
                "2s",
                "grpc.server.port",
                0,
                "trialgraph.server.health-check-interval",
                "200ms"))) {
            ManagedChannel channel = channel(server);
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            assertThat(status(health, "")).isEqualTo(ServingStatus.SERVING);
            assertThat(status(health, "liveness")).isEqualTo(ServingStatus.SERVING);
            assertThat(new ManagementPort(server.managementPort())
                            .get("/health/readiness")
                            .statusCode())
                    .isEqualTo(200);

            neo4j.shutdown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (status(health, "") == ServingStatus.SERVING && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(status(health, "")).as("readiness without Neo4j").isEqualTo(ServingStatus.NOT_SERVING);
            assertThat(status(health, "liveness")).as("liveness without Neo4j").isEqualTo(ServingStatus.SERVING);
            // The same on the management port, for probes that cannot speak gRPC with TLS.
            ManagementPort management = new ManagementPort(server.managementPort());
            assertThat(management.get("/health/readiness").statusCode())
                    .as("HTTP readiness without Neo4j")
                    .isEqualTo(503);
            assertThat(management.get("/health/liveness").statusCode())
                    .as("HTTP liveness without Neo4j")
                    .isEqualTo(200);
            channel.shutdownNow();
        } finally {
            neo4j.shutdown();
        }
    }

    @Test
    void managementPortInUseNamesTheSetting(TestNeo4j neo4j) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, Object> settings = new HashMap<>(neo4j.serverProperties());
            settings.put("grpc.server.port", 0);
            settings.put("trialgraph.management.port", taken.getLocalPort());
            assertThatThrownBy(() -> TrialGraphServer.start(settings))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith(
                            "trialgraph.management.port (TRIALGRAPH_MANAGEMENT_PORT): cannot listen on port "
                                    + taken.getLocalPort());
        }
    }

    @Test
    void managementPortCanBeTurnedOff(TestNeo4j neo4j) {
        Map<String, Object> settings = new HashMap<>(neo4j.serverProperties());
        settings.put("grpc.server.port", 0);
        settings.put("trialgraph.management.enabled", false);
        try (TrialGraphServer server = TrialGraphServer.start(settings)) {
            assertThat(server.managementPort()).isEqualTo(-1);
        }
    }

    private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
        return health.withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    @Test
    void grpcPortInUseNamesTheSetting(TestNeo4j neo4j) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, Object> settings = new HashMap<>(neo4j.serverProperties());
            settings.put("grpc.server.port", taken.getLocalPort());
            assertThatThrownBy(() -> TrialGraphServer.start(settings))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith(
                            "grpc.server.port (GRPC_SERVER_PORT): cannot listen on port " + taken.getLocalPort());
        }
    }

    @Test
    void boltPortInUseNamesTheSetting(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> TrialGraphServer.start(Map.of(
                            "grpc.server.port",
                            0,
                            "neo4j.embedded.data-dir",
                            dir.toString(),
                            "neo4j.embedded.bolt-port",
                            taken.getLocalPort())))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith(
                            "neo4j.embedded.bolt-port (NEO4J_EMBEDDED_BOLT_PORT): cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort());
        }
    }

    @Test
    void unusableDataFolderNamesTheSetting(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> TrialGraphServer.start(Map.of(
                        "grpc.server.port",
                        0,
                        "neo4j.embedded.data-dir",
                        file.toString(),
                        "neo4j.embedded.bolt-port",
                        0)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage(
                        "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): " + file + " exists and is not a folder");
    }

    private static AuthToken embeddedAuth(Path dataDir) throws java.io.IOException {
        return AuthTokens.basic(
                "neo4j", Files.readString(dataDir.resolve("neo4j-password")).strip());
    }

    private static ManagedChannel channel(TrialGraphServer server) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
    }

    private static List<String> listedServices(ManagedChannel channel) throws InterruptedException {
        List<String> names = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        response.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        return names;
    }
}
