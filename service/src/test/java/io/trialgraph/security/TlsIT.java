package io.trialgraph.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.testing.TestCertificates;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mutual TLS on the gRPC port, with certificates made for the test, through the Java client. */
@TrialGraphTest
class TlsIT {

    @TempDir
    static Path dir;

    private static TestCertificates serverCa;
    private static TestCertificates serverCertificate;
    private static TestCertificates clientCa;
    private static TestCertificates clientCertificate;
    private static TestCertificates strangerCertificate;

    @BeforeAll
    static void certificates() {
        serverCa = TestCertificates.authority(dir, "server-ca");
        serverCertificate = serverCa.issueServer("server");
        clientCa = TestCertificates.authority(dir, "client-ca");
        clientCertificate = clientCa.issueClient("worker");
        strangerCertificate = TestCertificates.authority(dir, "stranger-ca").issueClient("stranger");
    }

    private static Map<String, Object> tls() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("trialgraph.server.tls.cert-chain", serverCertificate.certificate().toString());
        settings.put("trialgraph.server.tls.private-key", serverCertificate.privateKey().toString());
        return settings;
    }

    private static Map<String, Object> mutualTls(String clientAuth) {
        Map<String, Object> settings = tls();
        settings.put("trialgraph.server.tls.client-ca", clientCa.certificate().toString());
        settings.put("trialgraph.server.tls.client-auth", clientAuth);
        return settings;
    }

    private static TrialGraphClient.Builder client(TrialGraphServer server) {
        return TrialGraphClient.builder().target("localhost:" + server.grpcPort()).retry(1);
    }

    private static Status.Code failure(TrialGraphClient.Builder builder) {
        try (TrialGraphClient client = builder.build()) {
            TrialGraphException e = catchThrowableOfType(TrialGraphException.class, client::serverInfo);
            assertThat(e).as("the call should have been refused").isNotNull();
            return e.code();
        }
    }

    @Test
    void aClientThatTrustsTheServersCaTalksTls(TestNeo4j neo4j) {
        try (TrialGraphServer server = TestServer.dedicated(neo4j, tls());
                TrialGraphClient client = client(server).tls(serverCa.certificate()).build()) {
            assertThat(client.serverInfo().version()).isNotEmpty();
            assertThat(HealthGrpc.newBlockingStub(client.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        }
    }

    @Test
    void plainTextAndUntrustedServersAreRefusedWhenTlsIsOn(TestNeo4j neo4j) {
        try (TrialGraphServer server = TestServer.dedicated(neo4j, tls())) {
            assertThat(failure(client(server).plaintext())).isEqualTo(Status.Code.UNAVAILABLE);
            // The JVM's trusted CAs did not sign the test server's certificate.
            assertThat(failure(client(server).tls())).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void requiredClientCertificatesRefuseClientsWithoutOneOrWithOneFromAnotherCa(TestNeo4j neo4j) {
        try (TrialGraphServer server = TestServer.dedicated(neo4j, mutualTls("require"))) {
            assertThat(failure(client(server).tls(serverCa.certificate()))).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(failure(client(server).tls(serverCa.certificate())
                    .clientCertificate(strangerCertificate.certificate(), strangerCertificate.privateKey())))
                    .isEqualTo(Status.Code.UNAVAILABLE);
            try (TrialGraphClient client = client(server).tls(serverCa.certificate())
                    .clientCertificate(clientCertificate.certificate(), clientCertificate.privateKey()).build()) {
                assertThat(client.serverInfo().version()).isNotEmpty();
            }
        }
    }

    @Test
    void optionalClientCertificatesAcceptClientsWithoutOne(TestNeo4j neo4j) {
        try (TrialGraphServer server = TestServer.dedicated(neo4j, mutualTls("optional"))) {
            try (TrialGraphClient client = client(server).tls(serverCa.certificate()).build()) {
                assertThat(client.serverInfo().version()).isNotEmpty();
            }
            try (TrialGraphClient client = client(server).tls(serverCa.certificate())
                    .clientCertificate(clientCertificate.certificate(), clientCertificate.privateKey()).build()) {
                assertThat(client.serverInfo().version()).isNotEmpty();
            }
        }
    }

    @Test
    void brokenTlsSettingsStopStartUpNamingTheSetting(TestNeo4j neo4j) throws Exception {
        Path missing = dir.resolve("missing.pem");
        Map<String, Object> settings = tls();
        settings.put("trialgraph.server.tls.cert-chain", missing.toString());
        assertStartFails(neo4j, settings, "trialgraph.server.tls.cert-chain (TRIALGRAPH_SERVER_TLS_CERT_CHAIN): "
                + missing + " does not exist");

        settings = tls();
        settings.remove("trialgraph.server.tls.cert-chain");
        assertStartFails(neo4j, settings, "trialgraph.server.tls.cert-chain (TRIALGRAPH_SERVER_TLS_CERT_CHAIN): "
                + "is required with trialgraph.server.tls.private-key");

        settings = tls();
        settings.remove("trialgraph.server.tls.private-key");
        assertStartFails(neo4j, settings, "trialgraph.server.tls.private-key (TRIALGRAPH_SERVER_TLS_PRIVATE_KEY): "
                + "is required with trialgraph.server.tls.cert-chain");

        Path garbageKey = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        settings = tls();
        settings.put("trialgraph.server.tls.private-key", garbageKey.toString());
        assertStartFails(neo4j, settings, "trialgraph.server.tls.private-key (TRIALGRAPH_SERVER_TLS_PRIVATE_KEY): "
                + "cannot load the key in " + garbageKey);

        settings = tls();
        settings.put("trialgraph.server.tls.cert-chain", serverCertificate.privateKey().toString());
        assertStartFails(neo4j, settings, "trialgraph.server.tls.cert-chain (TRIALGRAPH_SERVER_TLS_CERT_CHAIN): "
                + serverCertificate.privateKey() + " holds no");

        settings = tls();
        settings.put("trialgraph.server.tls.client-ca", clientCa.certificate().toString());
        assertStartFails(neo4j, settings, "trialgraph.server.tls.client-auth (TRIALGRAPH_SERVER_TLS_CLIENT_AUTH): "
                + "is none, so the client CA would be ignored; set it to optional or require");

        settings = tls();
        settings.put("trialgraph.server.tls.client-auth", "require");
        assertStartFails(neo4j, settings, "trialgraph.server.tls.client-ca (TRIALGRAPH_SERVER_TLS_CLIENT_CA): "
                + "is required with client-auth require");

        settings = mutualTls("always");
        assertStartFails(neo4j, settings, "trialgraph.server.tls.client-auth (TRIALGRAPH_SERVER_TLS_CLIENT_AUTH): "
                + "'always' is not one of none, optional, require");

        assertStartFails(neo4j, Map.of("trialgraph.server.tls.client-auth", "require",
                "trialgraph.server.tls.client-ca", clientCa.certificate().toString()),
                "trialgraph.server.tls.cert-chain (TRIALGRAPH_SERVER_TLS_CERT_CHAIN): client certificates need TLS");

        assertStartFails(neo4j, Map.of("grpc.server.ssl.cert-chain", serverCertificate.certificate().toString()),
                "grpc.server.ssl.cert-chain: not supported by trialgraph; set trialgraph.server.tls.cert-chain");
    }

    private static void assertStartFails(TestNeo4j neo4j, Map<String, Object> settings, String messageStart) {
        assertThatThrownBy(() -> TestServer.dedicated(neo4j, settings).close())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(messageStart);
    }
}
