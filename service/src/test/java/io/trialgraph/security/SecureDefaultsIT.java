package io.trialgraph.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialgraph.TrialGraphServer;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.testing.CapturedLogs;
import io.trialgraph.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * A server as a user starts it, embedded Neo4j and all, attacked as the security review did: from
 * another process on the machine over Bolt, from a web page over Bolt's WebSocket, from the
 * network. Nothing answers without a secret unless the operator opened it.
 */
class SecureDefaultsIT {

    private static final String ALLOWED_ORIGIN = "http://localhost:7474";

    @TempDir
    static Path dir;

    private static CapturedLogs logs;
    private static TrialGraphServer server;
    private static Path dataDir;
    private static String boltUri;

    @BeforeAll
    static void start() {
        logs = CapturedLogs.of("io.trialgraph");
        dataDir = dir.resolve("graph");
        // The defaults, but for free ports, a small page cache, and one origin allowed to show it works.
        server = TrialGraphServer.start(Map.of(
                "grpc.server.port",
                0,
                "trialgraph.management.port",
                0,
                "neo4j.embedded.data-dir",
                dataDir.toString(),
                "neo4j.embedded.bolt-port",
                0,
                "neo4j.embedded.page-cache-size",
                "32MB",
                "neo4j.embedded.bolt-allowed-origins",
                ALLOWED_ORIGIN));
        boltUri = server.context().getBean(Neo4jConnection.class).boltUri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        logs.close();
    }

    @Test
    void boltAsksForTheGeneratedPasswordWhichOnlyItsOwnerMayRead() throws Exception {
        Path passwordFile = dataDir.resolve("neo4j-password");
        assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dataDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        String password = Files.readString(passwordFile).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);

        for (var wrong : List.of(
                AuthTokens.none(), AuthTokens.basic("neo4j", "neo4j"), AuthTokens.basic("neo4j", password + "x"))) {
            try (Driver driver = GraphDatabase.driver(boltUri, wrong)) {
                assertThatThrownBy(driver::verifyConnectivity).isInstanceOf(AuthenticationException.class);
            }
        }
        try (Driver driver = GraphDatabase.driver(boltUri, AuthTokens.basic("neo4j", password));
                Session session = driver.session()) {
            assertThat(session.run("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
                            .single()
                            .get("names")
                            .asList())
                    .contains("experiment_name_unique");
        }

        // The start-up log says where the password is and the one command to explore with it.
        assertThat(logs.everything())
                .contains("Bolt at " + boltUri + ", user neo4j, password in " + passwordFile.toAbsolutePath()
                        + "; explore it with: NEO4J_PASSWORD=\"$(cat " + passwordFile.toAbsolutePath()
                        + ")\" ./mvnw -q -N -Pcypher-shell validate -Dcypher.args=\"-a " + boltUri + " -u neo4j\"")
                .doesNotContain(password);
    }

    @Test
    void aWebPageCannotOpenBoltOverWebSocket() throws Exception {
        String refused = webSocketUpgrade("http://evil.example");
        assertThat(refused)
                .startsWith("HTTP/1.1 403 Forbidden")
                .contains("Bolt over WebSocket is refused to web pages of origin http://evil.example");
        assertThat(logs.everything())
                .contains("Refused a WebSocket connection to the embedded Neo4j's Bolt port from a web page");

        // An origin the operator allowed, and clients that are no web page, still may.
        assertThat(webSocketUpgrade(ALLOWED_ORIGIN)).startsWith("HTTP/1.1 101");
        assertThat(webSocketUpgrade(null)).startsWith("HTTP/1.1 101");
    }

    @Test
    void neo4jKeepsNoRecordOfQueriesAndReportsNoUsage() throws Exception {
        String password = Files.readString(dataDir.resolve("neo4j-password")).strip();
        try (Driver driver = GraphDatabase.driver(boltUri, AuthTokens.basic("neo4j", password));
                Session session = driver.session()) {
            assertThat(session.run(
                                    "CALL db.stats.status() YIELD section, status WHERE section = 'QUERIES' RETURN status")
                            .single()
                            .get("status")
                            .asString())
                    .isEqualTo("idle");
            assertThat(session.run(
                                    "SHOW SETTINGS YIELD name, value WHERE name = 'dbms.usage_report.enabled' RETURN value")
                            .single()
                            .get("value")
                            .asString())
                    .isEqualTo("false");
        }
    }

    @Test
    void nothingListensBeyondLoopback() throws IOException {
        int bolt = Integer.parseInt(boltUri.substring(boltUri.lastIndexOf(':') + 1));
        for (int port : new int[] {server.grpcPort(), server.managementPort(), bolt}) {
            assertThat(listeningAddresses(port))
                    .as("addresses this JVM listens on at port " + port)
                    .isNotEmpty()
                    .allSatisfy(address -> assertThat(address.isLoopbackAddress())
                            .as(address + " is loopback")
                            .isTrue());
        }
    }

    @Test
    void plainTextBoltBeyondLoopbackStopsStartUpUnlessTheOperatorConsents() {
        Path otherData = dir.resolve("network-graph");
        assertThatThrownBy(() -> TrialGraphServer.start(Map.of(
                        "grpc.server.port",
                        0,
                        "trialgraph.management.port",
                        0,
                        "neo4j.embedded.data-dir",
                        otherData.toString(),
                        "neo4j.embedded.bolt-host",
                        "0.0.0.0",
                        "neo4j.embedded.bolt-port",
                        0)))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith(
                        "neo4j.embedded.bolt-host (NEO4J_EMBEDDED_BOLT_HOST): 0.0.0.0 is not a loopback address")
                .hasMessageContaining("neo4j.embedded.bolt-plaintext-beyond-loopback=true");
        assertThat(otherData).doesNotExist();
    }

    @Test
    void boltBeyondLoopbackSpeaksOnlyTlsWithTheServersCertificateAndSaysSo() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "bolt-ca");
        TestCertificates certificate = ca.issueServer("bolt-server");
        Path data = dir.resolve("tls-graph");
        try (CapturedLogs warnings = CapturedLogs.of("io.trialgraph.neo4j");
                TrialGraphServer open = TrialGraphServer.start(Map.of(
                        "grpc.server.port",
                        0,
                        "trialgraph.management.port",
                        0,
                        "trialgraph.server.tls.cert-chain",
                        certificate.certificate().toString(),
                        "trialgraph.server.tls.private-key",
                        certificate.privateKey().toString(),
                        "neo4j.embedded.data-dir",
                        data.toString(),
                        "neo4j.embedded.bolt-host",
                        "0.0.0.0",
                        "neo4j.embedded.bolt-port",
                        0,
                        "neo4j.embedded.page-cache-size",
                        "32MB"))) {
            String uri = open.context().getBean(Neo4jConnection.class).boltUri();
            int port = Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
            var auth = AuthTokens.basic(
                    "neo4j", Files.readString(data.resolve("neo4j-password")).strip());
            try (Driver plain = GraphDatabase.driver("bolt://127.0.0.1:" + port, auth)) {
                assertThatThrownBy(plain::verifyConnectivity)
                        .as("plain-text Bolt")
                        .isInstanceOf(Neo4jException.class);
            }
            try (Driver tls = GraphDatabase.driver(
                            "bolt://localhost:" + port,
                            auth,
                            Config.builder()
                                    .withEncryption()
                                    .withTrustStrategy(Config.TrustStrategy.trustCustomCertificateSignedBy(
                                            ca.certificate().toFile()))
                                    .build());
                    Session session = tls.session()) {
                assertThat(session.run("RETURN 1 AS one").single().get("one").asInt())
                        .isEqualTo(1);
            }
            // Over TLS too, a web page's WebSocket is refused once the bytes are decrypted.
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            try (InputStream pem = Files.newInputStream(ca.certificate())) {
                anchors.setCertificateEntry(
                        "ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            }
            trust.init(anchors);
            context.init(null, trust.getTrustManagers(), null);
            try (Socket socket = context.getSocketFactory().createSocket("localhost", port)) {
                assertThat(webSocketUpgrade(socket, port, "http://evil.example"))
                        .startsWith("HTTP/1.1 403 Forbidden");
            }
            assertThat(warnings.everything())
                    .contains("Bolt of the embedded Neo4j listens on 0.0.0.0, port " + port
                            + ", with TLS: anyone who can reach it and has the password in "
                            + data.resolve("neo4j-password").toAbsolutePath());
        }
    }

    /** Sends a WebSocket upgrade request to Bolt as a browser would, and returns the answer's head. */
    private static String webSocketUpgrade(String origin) throws IOException {
        int port = Integer.parseInt(boltUri.substring(boltUri.lastIndexOf(':') + 1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return webSocketUpgrade(socket, port, origin);
        }
    }

    private static String webSocketUpgrade(Socket socket, int port, String origin) throws IOException {
        socket.setSoTimeout(10_000);
        String request =
                "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        int b;
        // Until the server closes (a refusal), or the end of a 101's head (an upgrade, which stays open).
        while ((b = in.read()) != -1) {
            answer.append((char) b);
            if (answer.toString().startsWith("HTTP/1.1 101") && answer.indexOf("\r\n\r\n") >= 0) {
                break;
            }
        }
        return answer.toString();
    }

    /**
     * The local addresses of the sockets this JVM listens on at {@code port}, from Linux's socket
     * tables: asking through the network instead would meet other processes of a busy machine
     * that happen to listen on the same port number on another address.
     */
    private static List<InetAddress> listeningAddresses(int port) throws IOException {
        Path tcp = Path.of("/proc/net/tcp");
        assumeTrue(Files.isReadable(tcp), "Linux socket tables are not readable here");
        Set<String> ownSockets = new HashSet<>();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith("socket:[")) {
                        ownSockets.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (Path table : List.of(tcp, Path.of("/proc/net/tcp6"))) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                boolean listening = fields[3].equals("0A");
                if (listening && Integer.parseInt(local[1], 16) == port && ownSockets.contains(fields[9])) {
                    addresses.add(address(local[0]));
                }
            }
        }
        return addresses;
    }

    /** An address as the kernel's tables write it: hexadecimal, each 32-bit word in host (little-endian) order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
