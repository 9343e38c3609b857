package io.trialgraph.testing;

import io.trialgraph.neo4j.EmbeddedNeo4j;
import io.trialgraph.neo4j.EmbeddedPassword;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.neo4j.Neo4jContainer;

/**
 * The one real Neo4j of a test JVM, chosen in this order:
 * <ol>
 *   <li>an explicit server: {@code TRIALGRAPH_TEST_NEO4J_URI} (environment) or
 *       {@code trialgraph.test.neo4j.uri} (system property), with optional {@code _USERNAME} /
 *       {@code _PASSWORD} (or {@code .username} / {@code .password});</li>
 *   <li>a Testcontainers {@code neo4j:5.26} container when a Docker engine answers;</li>
 *   <li>an embedded Neo4j in a temporary folder with Bolt on a free loopback port, and the password
 *       it generates.</li>
 * </ol>
 * {@code TRIALGRAPH_TEST_NEO4J=embedded|testcontainers} forces one of the last two. It starts
 * once (an embedded Neo4j takes seconds) and stops when the JVM's tests are done.
 */
public final class TestNeo4j implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestNeo4j.class);
    private static final String IMAGE = "neo4j:5.26";

    private final String uri;
    private final String username;
    private final String password;
    private final String source;
    private final AutoCloseable owned;
    private final Driver driver;

    private TestNeo4j(String uri, String username, String password, String source, AutoCloseable owned) {
        this.uri = uri;
        this.username = username;
        this.password = password;
        this.source = source;
        this.owned = owned;
        this.driver = GraphDatabase.driver(uri, authToken());
        this.driver.verifyConnectivity();
    }

    static TestNeo4j start() {
        String explicit = setting("uri");
        if (explicit != null) {
            return new TestNeo4j(explicit, setting("username"), setting("password"), "configured server", null);
        }
        String forced = System.getenv("TRIALGRAPH_TEST_NEO4J");
        boolean docker = !"embedded".equals(forced) && ("testcontainers".equals(forced) || dockerAvailable());
        if (docker) {
            Neo4jContainer container = new Neo4jContainer(IMAGE).withoutAuthentication();
            container.start();
            return new TestNeo4j(container.getBoltUrl(), null, null, "Testcontainers " + IMAGE, container);
        }
        Path dataDir = temporaryFolder();
        EmbeddedNeo4j embedded = EmbeddedNeo4j.start(dataDir, "127.0.0.1", 0, 64L * 1024 * 1024);
        // With authentication on, as every embedded Neo4j runs: the password it generated.
        return new TestNeo4j(
                embedded.boltUri(),
                EmbeddedPassword.USER,
                embedded.password().value(),
                "embedded Neo4j " + EmbeddedNeo4j.version(),
                embedded);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("trialgraph-test-neo4j");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String setting(String name) {
        String value = System.getenv("TRIALGRAPH_TEST_NEO4J_" + name.toUpperCase());
        if (value == null || value.isBlank()) {
            value = System.getProperty("trialgraph.test.neo4j." + name);
        }
        return value == null || value.isBlank() ? null : value;
    }

    /** @return the Bolt URI of this Neo4j */
    public String uri() {
        return uri;
    }

    /** @return where it came from, for the test log */
    public String source() {
        return source;
    }

    /** @return the settings that point a trialgraph server at this Neo4j */
    public Map<String, Object> serverProperties() {
        return password == null
                ? Map.of("neo4j.uri", uri)
                : Map.of(
                        "neo4j.uri",
                        uri,
                        "neo4j.username",
                        username == null ? "neo4j" : username,
                        "neo4j.password",
                        password);
    }

    /** @return a driver for assertions in Cypher */
    public Driver driver() {
        return driver;
    }

    private AuthToken authToken() {
        return password == null ? AuthTokens.none() : AuthTokens.basic(username == null ? "neo4j" : username, password);
    }

    /** Deletes every node and relationship except the migration history, so the schema stays. */
    public void clear() {
        try (Session session = driver.session()) {
            session.run("""
                    MATCH (n) WHERE NONE(label IN labels(n) WHERE label STARTS WITH '__Neo4jMigration')
                    CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS""").consume();
        }
    }

    @Override
    public void close() throws Exception {
        driver.close();
        if (owned != null) {
            LOG.info("Stopping the test Neo4j ({})", source);
            owned.close();
        }
    }
}
