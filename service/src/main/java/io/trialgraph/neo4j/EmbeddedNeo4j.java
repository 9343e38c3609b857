package io.trialgraph.neo4j;

import io.trialgraph.config.InvalidConfigurationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.Version;

/**
 * A Neo4j Community DBMS running inside this JVM, reachable only through its Bolt connector, so
 * the service (and tests, and {@code cypher-shell}) talk to it exactly as to a remote server.
 */
public final class EmbeddedNeo4j implements AutoCloseable {

    private final DatabaseManagementService dbms;
    private final Path dataDir;
    private final String boltUri;

    private EmbeddedNeo4j(DatabaseManagementService dbms, Path dataDir, String boltUri) {
        this.dbms = dbms;
        this.dataDir = dataDir;
        this.boltUri = boltUri;
    }

    /**
     * Starts a DBMS whose files live in {@code dataDir}, with Bolt on {@code host:port}.
     *
     * @param port the Bolt port, 0 for any free one
     * @throws InvalidConfigurationException when the folder is unusable or the port is taken
     */
    public static EmbeddedNeo4j start(Path dataDir, String host, int port, long pageCacheBytes) {
        Path home = dataDir.toAbsolutePath().normalize();
        prepareDataDir(home);
        int boltPort = port == 0 ? freePort(host) : requireFreePort(host, port);
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, boltPort))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(host, boltPort))
                    // The in-JVM Bolt channel clashes with Micronaut's Netty 4.2; nothing here uses it.
                    .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                    // Without these, closing waits 10 s for idle Bolt workers.
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ZERO)
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ZERO)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes)
                    // Transaction timeouts (the caller's deadline) take effect within 100 ms, not 2 s.
                    .setConfig(GraphDatabaseSettings.transaction_monitor_check_interval, Duration.ofMillis(100))
                    // Bolt tells drivers to give up on a connection silent for twice this (a reply Neo4j
                    // failed to write): 10 s instead of 120 s. Running queries send keep-alives meanwhile.
                    .setConfig(BoltConnector.connection_keep_alive, Duration.ofSeconds(5))
                    .build();
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): cannot open a Neo4j database in " + home
                            + " (is another process using it?): " + rootMessage(e),
                    e);
        }
        return new EmbeddedNeo4j(dbms, home, "bolt://" + uriHost(host) + ":" + boltPort);
    }

    /** @return the Bolt URI to connect to, e.g. {@code bolt://127.0.0.1:7687} */
    public String boltUri() {
        return boltUri;
    }

    /** @return the absolute folder holding the database files */
    public Path dataDir() {
        return dataDir;
    }

    /** @return the version of the embedded Neo4j, e.g. {@code 5.26.30} */
    public static String version() {
        return Version.getNeo4jVersion();
    }

    @Override
    public void close() {
        dbms.shutdown();
    }

    private static void prepareDataDir(Path home) {
        if (Files.exists(home) && !Files.isDirectory(home)) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): " + home + " exists and is not a folder");
        }
        try {
            Files.createDirectories(home);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): cannot create " + home + ": " + rootMessage(e), e);
        }
        if (!Files.isDirectory(home) || !Files.isWritable(home)) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): " + home + " is not a writable folder");
        }
    }

    private static int requireFreePort(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new InvalidConfigurationException("neo4j.embedded.bolt-port (NEO4J_EMBEDDED_BOLT_PORT): cannot listen on "
                    + host + ":" + port + " (" + rootMessage(e) + "); another Neo4j may be running there: "
                    + "stop it, choose another port, or point neo4j.uri (NEO4J_URI) at it", e);
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.bolt-host (NEO4J_EMBEDDED_BOLT_HOST): cannot listen on " + host + ": " + rootMessage(e), e);
        }
    }

    private static String uriHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
