package io.trialgraph.neo4j;

import io.trialgraph.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.configuration.ssl.ClientAuth;
import org.neo4j.configuration.ssl.SslPolicyConfig;
import org.neo4j.configuration.ssl.SslPolicyScope;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.Version;
import org.neo4j.string.SecureString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Neo4j Community DBMS running inside this JVM, reachable only through its Bolt connector, so
 * the service (and tests, and {@code cypher-shell}) talk to it exactly as to a remote server.
 *
 * <p>Closed by default: Bolt requires the password of the user {@code neo4j}, generated on first
 * start into the data folder ({@link EmbeddedPassword}); web pages cannot open Bolt over
 * WebSocket ({@link BoltOriginCheck}); Bolt beyond loopback needs TLS or an explicit opt-in; the
 * data folder is created private to its owner; Neo4j's usage reporting and its query collector
 * (which would keep every caller's recent queries with their parameters) are off.
 */
public final class EmbeddedNeo4j implements AutoCloseable {

    /** Transaction log written between checkpoints, at most (what a crash leaves to replay). */
    static final long CHECKPOINT_LOG_BYTES = 32L * 1024 * 1024;
    /** Time between checkpoints, at most. */
    static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedNeo4j.class);

    private static final String BOLT_HOST = "neo4j.embedded.bolt-host (NEO4J_EMBEDDED_BOLT_HOST)";

    /**
     * How the Bolt connector faces the network.
     *
     * @param host the address to listen on; loopback unless opened
     * @param port the port, 0 for any free one
     * @param allowedOrigins origins of web pages that may open Bolt over WebSocket (none by default)
     * @param plaintextBeyondLoopback the operator's explicit consent to plain-text Bolt on a network address
     * @param tls the certificate and key for Bolt, if any: then Bolt speaks TLS only
     */
    public record Bolt(
            String host, int port, List<String> allowedOrigins, boolean plaintextBeyondLoopback, Optional<Tls> tls) {

        /** Bolt on loopback only, in plain text, no WebSocket from web pages: tests and benchmarks. */
        public static Bolt loopback(String host, int port) {
            return new Bolt(host, port, List.of(), false, Optional.empty());
        }
    }

    /** A PEM certificate chain (the server's first) and its PKCS#8 private key, possibly encrypted. */
    public record Tls(Path certChain, Path privateKey, String privateKeyPassword) {}

    private final DatabaseManagementService dbms;
    private final Path dataDir;
    private final String boltUri;
    private final String connectUri;
    private final EmbeddedPassword password;
    private final Optional<Tls> tls;
    private final GraphChanges changes;

    private EmbeddedNeo4j(
            DatabaseManagementService dbms,
            Path dataDir,
            String boltUri,
            String connectUri,
            EmbeddedPassword password,
            Optional<Tls> tls,
            GraphChanges changes) {
        this.dbms = dbms;
        this.changes = changes;
        this.dataDir = dataDir;
        this.boltUri = boltUri;
        this.connectUri = connectUri;
        this.password = password;
        this.tls = tls;
    }

    /**
     * Starts a DBMS whose files live in {@code dataDir}, with plain-text Bolt on {@code host:port}
     * (a loopback address).
     *
     * @param port the Bolt port, 0 for any free one
     * @throws InvalidConfigurationException when the folder is unusable or the port is taken
     */
    public static EmbeddedNeo4j start(Path dataDir, String host, int port, long pageCacheBytes) {
        return start(dataDir, Bolt.loopback(host, port), pageCacheBytes);
    }

    /**
     * Starts a DBMS whose files live in {@code dataDir}, with Bolt as {@code bolt} says.
     *
     * @throws InvalidConfigurationException when the folder is unusable, the port is taken, or
     *     Bolt would listen beyond loopback in plain text without the operator's consent
     */
    public static EmbeddedNeo4j start(Path dataDir, Bolt bolt, long pageCacheBytes) {
        Path home = dataDir.toAbsolutePath().normalize();
        String host = bolt.host();
        boolean loopback = isLoopback(host);
        if (!loopback && bolt.tls().isEmpty() && !bolt.plaintextBeyondLoopback()) {
            throw new InvalidConfigurationException(
                    BOLT_HOST + ": " + host + " is not a loopback address, and Bolt in plain"
                            + " text there would carry the Neo4j password and the graph readable to the network; set"
                            + " trialgraph.server.tls.cert-chain and .private-key (Bolt then uses the same certificate), or"
                            + " neo4j.embedded.bolt-plaintext-beyond-loopback=true on a network you trust, or keep 127.0.0.1");
        }
        prepareDataDir(home);
        // Neo4j closes its log4j context on shutdown, which initialises log4j's LogManager if nothing
        // did before; inside a JVM shutdown hook (SIGTERM) log4j then cannot register its own hook
        // and Neo4j's shutdown fails. Initialise it now (Jetty did this as a side effect once it was
        // on the classpath).
        org.apache.logging.log4j.LogManager.getFactory();
        EmbeddedPassword password = EmbeddedPassword.loadOrCreate(home);
        password.seedInitialUser(home);
        int boltPort = bolt.port() == 0 ? freePort(host) : requireFreePort(host, bolt.port());
        DatabaseManagementService dbms;
        try {
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(host, boltPort))
                    // What routing tables name (neo4j:// URIs); Neo4j refuses a wildcard there.
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(connectHost(host), boltPort))
                    .setConfig(BoltOriginSettings.websocket_allowed_origins, bolt.allowedOrigins())
                    // The in-JVM Bolt channel clashes with Micronaut's Netty 4.2; nothing here uses it.
                    .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                    // Without these, closing waits 10 s for idle Bolt workers.
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ZERO)
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ZERO)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    // Neo4j's usage reports to its vendor: nothing leaves this machine unasked.
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes)
                    // Recovery after a crash replays the transaction log since the last checkpoint. Neo4j's
                    // defaults (every 250 MiB of log or 15 min) let heavy metric ingest leave ~300 MB to
                    // replay, over a minute on a busy two-core machine; a checkpoint per 32 MiB or 30 s
                    // keeps the replay short (README, "Limits and resilience").
                    .setConfig(GraphDatabaseSettings.check_point_interval_volume, CHECKPOINT_LOG_BYTES)
                    .setConfig(GraphDatabaseSettings.check_point_interval_time, CHECKPOINT_INTERVAL)
                    // Transaction timeouts (the caller's deadline) take effect within 100 ms, not 2 s.
                    .setConfig(GraphDatabaseSettings.transaction_monitor_check_interval, Duration.ofMillis(100))
                    // Bolt tells drivers to give up on a connection silent for twice this (a reply Neo4j
                    // failed to write): 10 s instead of 120 s. Running queries send keep-alives meanwhile.
                    .setConfig(BoltConnector.connection_keep_alive, Duration.ofSeconds(5));
            bolt.tls().ifPresent(tls -> requireTls(builder, home, tls));
            dbms = builder.build();
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): cannot open a Neo4j database in " + home
                            + " (is another process using it?): " + rootMessage(e),
                    e);
        }
        GraphChanges changes = new GraphChanges();
        try {
            dbms.registerTransactionEventListener(GraphDatabaseSettings.DEFAULT_DATABASE_NAME, changes);
            password.apply(dbms);
            stopQueryCollector(dbms);
        } catch (RuntimeException e) {
            dbms.shutdown();
            throw e;
        }
        String boltUri = "bolt://" + uriHost(host) + ":" + boltPort;
        String connectUri = "bolt://" + uriHost(connectHost(host)) + ":" + boltPort;
        if (!loopback) {
            LOG.warn(
                    "Bolt of the embedded Neo4j listens on {}, port {}, {}: anyone who can reach it and has the password"
                            + " in {} reads and writes the graph, bypassing trialgraph's tokens and rules; set"
                            + " neo4j.embedded.bolt-host=127.0.0.1 to serve this machine only",
                    host,
                    boltPort,
                    bolt.tls().isPresent() ? "with TLS" : "in plain text (password and data readable on the network)",
                    password.file());
        }
        changes.register(boltUri);
        return new EmbeddedNeo4j(dbms, home, boltUri, connectUri, password, bolt.tls(), changes);
    }

    /** Bolt over TLS only, with trialgraph's own certificate and key. */
    private static void requireTls(DatabaseManagementServiceBuilder builder, Path home, Tls tls) {
        SslPolicyConfig policy = SslPolicyConfig.forScope(SslPolicyScope.BOLT);
        // Neo4j wants a folder of its own for the policy (trusted and revoked certificates; empty here).
        Path folder = home.resolve("certificates").resolve("bolt");
        try {
            Files.createDirectories(folder.resolve("trusted"));
            Files.createDirectories(folder.resolve("revoked"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        builder.setConfig(policy.enabled, true)
                .setConfig(policy.base_directory, folder)
                .setConfig(policy.public_certificate, tls.certChain().toAbsolutePath())
                .setConfig(policy.private_key, tls.privateKey().toAbsolutePath())
                .setConfig(policy.client_auth, ClientAuth.NONE)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.REQUIRED);
        if (!tls.privateKeyPassword().isEmpty()) {
            builder.setConfig(policy.private_key_password, new SecureString(tls.privateKeyPassword()));
        }
    }

    /**
     * Neo4j starts collecting every query (with its parameters) into memory as each database
     * starts, for {@code db.stats.retrieve('QUERIES')}; nothing here uses that, so stop it before
     * the first query.
     */
    private static void stopQueryCollector(DatabaseManagementService dbms) {
        for (String name : dbms.listDatabases()) {
            if (!"system".equals(name)) {
                // Consumed: a procedure's rows, and so its effect, are produced only as they are read.
                dbms.database(name).executeTransactionally("CALL db.stats.stop('QUERIES')", Map.of(), result -> {
                    result.accept(row -> true);
                    return null;
                });
            }
        }
    }

    /** @return what every commit to its database may have changed in the analytics table */
    public GraphChanges changes() {
        return changes;
    }

    /** @return the Bolt URI it listens on, e.g. {@code bolt://127.0.0.1:7687} */
    public String boltUri() {
        return boltUri;
    }

    /** @return the Bolt URI a client on this machine connects to (loopback when it listens on every address) */
    public String connectUri() {
        return connectUri;
    }

    /** @return the password of the user {@code neo4j} and the file that holds it */
    public EmbeddedPassword password() {
        return password;
    }

    /** @return the certificate and key Bolt uses, when it speaks TLS */
    public Optional<Tls> tls() {
        return tls;
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
        changes.unregister(boltUri);
        dbms.shutdown();
    }

    private static void prepareDataDir(Path home) {
        if (Files.exists(home) && !Files.isDirectory(home)) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): " + home + " exists and is not a folder");
        }
        try {
            if (!Files.exists(home)) {
                createPrivateFolder(home);
            }
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): cannot create " + home + ": " + rootMessage(e),
                    e);
        }
        if (!Files.isDirectory(home) || !Files.isWritable(home)) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR): " + home + " is not a writable folder");
        }
    }

    /** The database's files are the graph itself: a new data folder is its owner's only. */
    private static void createPrivateFolder(Path home) throws IOException {
        Path parent = home.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (parent != null && Files.getFileAttributeView(parent, PosixFileAttributeView.class) != null) {
            Files.createDirectory(
                    home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectory(home);
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** Where a client on this machine reaches a connector listening on {@code host}: loopback for a wildcard. */
    private static String connectHost(String host) {
        try {
            return InetAddress.getByName(host).isAnyLocalAddress() ? "127.0.0.1" : host;
        } catch (IOException e) {
            return host;
        }
    }

    private static int requireFreePort(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return port;
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.bolt-port (NEO4J_EMBEDDED_BOLT_PORT): cannot listen on "
                            + host + ":" + port + " (" + rootMessage(e) + "); another Neo4j may be running there: "
                            + "stop it, choose another port, or point neo4j.uri (NEO4J_URI) at it",
                    e);
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    "neo4j.embedded.bolt-host (NEO4J_EMBEDDED_BOLT_HOST): cannot listen on " + host + ": "
                            + rootMessage(e),
                    e);
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
