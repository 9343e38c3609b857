package io.trialgraph.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.security.MethodRoles;
import io.trialgraph.testing.HttpPort;
import io.trialgraph.testing.TestCertificates;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP port's tokens, roles, TLS and connection cap, against real servers. */
@TrialGraphTest
class HttpSecurityIT {

    private static final String READER = "reader-token-0123456789";

    @Test
    void theApiNeedsAKnownTokenAndTheUiFilesDoNot(TestNeo4j neo4j) {
        try (TrialGraphServer server = TestServer.dedicated(
                neo4j,
                Map.of("trialgraph.auth.enabled", true, "trialgraph.auth.tokens", "reader dashboards " + READER))) {
            HttpPort http = new HttpPort(server.httpPort());
            HttpPort.Answer none = http.get("/api/v1/experiments");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("www-authenticate")).isEqualTo("Bearer");
            assertThat(none.json().at("/error/message").asText())
                    .isEqualTo("missing bearer token: send the header 'authorization: Bearer <token>'");
            assertThat(http.withToken("not-a-known-token-at-all")
                            .get("/api/v1/experiments")
                            .json()
                            .at("/error/message")
                            .asText())
                    .isEqualTo("unknown bearer token");
            assertThat(http.send(http.request("/api/v1/experiments")
                                    .header("authorization", "Basic abc")
                                    .GET()
                                    .build())
                            .status())
                    .isEqualTo(401);
            assertThat(http.withToken(READER).get("/api/v1/experiments").status())
                    .isEqualTo(200);
            assertThat(http.withToken(READER)
                            .get("/api/v1/server-info")
                            .json()
                            .get("version")
                            .asText())
                    .isNotEmpty();
            // Live streams need the token too (before any event is sent).
            assertThat(http.get("/api/v1/series/live?metric=loss&component=x").status())
                    .isEqualTo(401);
            // The page itself loads without one, so the user can enter it.
            assertThat(http.get("/").status()).isEqualTo(200);
            assertThat(http.get("/ui/app.js").status()).isEqualTo(200);
        }
    }

    @Test
    void everyApiRouteDeclaresTheRpcWhoseRoleItNeeds(TestServer server) {
        List<String> undeclared = new ArrayList<>();
        for (UriRouteInfo<?, ?> route :
                server.server().context().getBean(Router.class).uriRoutes().toList()) {
            String path = route.getUriMatchTemplate().toString();
            if (!path.startsWith(Api.PREFIX)) {
                continue;
            }
            String rpc = route.getAnnotationMetadata().stringValue(Rpc.class).orElse(null);
            if (rpc == null || MethodRoles.requiredRole(rpc).isEmpty()) {
                undeclared.add(route.getHttpMethodName() + " " + path + " -> " + rpc);
            }
        }
        assertThat(undeclared)
                .as("API routes without an @Rpc that MethodRoles knows")
                .isEmpty();
    }

    @Test
    void tlsUsesTheGrpcCertificateFiles(TestNeo4j neo4j, @TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "ca");
        TestCertificates certificate = ca.issueServer("server");
        Map<String, Object> settings = new HashMap<>();
        settings.put(
                "trialgraph.server.tls.cert-chain", certificate.certificate().toString());
        settings.put(
                "trialgraph.server.tls.private-key", certificate.privateKey().toString());
        try (TrialGraphServer server = TestServer.dedicated(neo4j, settings)) {
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(trusting(ca.certificate()))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpPort https = new HttpPort(trusting, "https://localhost:" + server.httpPort(), null);
            assertThat(https.get("/api/v1/server-info").status()).isEqualTo(200);
            HttpPort plain = new HttpPort(server.httpPort());
            assertThatThrownBy(() -> plain.get("/api/v1/server-info")).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosed(TestNeo4j neo4j) throws Exception {
        try (TrialGraphServer server = TestServer.dedicated(neo4j, Map.of("trialgraph.http.max-connections", 2))) {
            // One at a time: each connection is counted on its own event loop, so connections opened
            // together may be counted in any order; answered ones are counted for sure.
            try (Socket first = open(server);
                    Socket second = open(server)) {
                assertThat(answer(first)).startsWith("HTTP/1.1 200");
                assertThat(answer(second)).startsWith("HTTP/1.1 200");
                Socket third = open(server);
                assertThat(answer(third))
                        .as("the third connection is closed without an answer")
                        .isEmpty();
                third.close();
            }
            // The server notices the closes asynchronously: allow it a moment (bounded) to free the places.
            String again = "";
            for (long end = System.nanoTime() + 30_000_000_000L; again.isEmpty() && System.nanoTime() < end; ) {
                try (Socket socket = open(server)) {
                    again = answer(socket);
                }
                if (again.isEmpty()) {
                    Thread.sleep(100);
                }
            }
            assertThat(again).as("a closed connection frees its place").startsWith("HTTP/1.1 200");
        }
    }

    private static Socket open(TrialGraphServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.httpPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Sends one GET on a kept-alive connection; returns the status line, or "" when the server closed it. */
    private static String answer(Socket socket) throws IOException {
        try {
            socket.getOutputStream()
                    .write("GET /api/v1/server-info HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().strip();
        } catch (IOException reset) {
            return "";
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(caPem)) {
            store.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
