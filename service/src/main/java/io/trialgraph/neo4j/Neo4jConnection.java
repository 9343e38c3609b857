package io.trialgraph.neo4j;

import io.trialgraph.config.EmbeddedNeo4jConfiguration;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.Neo4jConfiguration;
import io.trialgraph.config.ReadConfiguration;
import io.trialgraph.config.TlsConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Bookmark;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionCallback;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.FatalDiscoveryException;
import org.neo4j.driver.exceptions.SecurityException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.observation.metrics.ConnectionPoolMetrics;
import org.neo4j.driver.observation.metrics.MetricsObservationProvider;

/**
 * The service's one way to Neo4j: a driver connected either to the configured server or to an
 * embedded DBMS this object started (and stops on {@link #close()}). Every read runs within the
 * current {@link io.trialgraph.domain.CallBudget}: its transaction times out with the caller's
 * deadline and ends when the caller cancels (see {@link ReadGuard}).
 */
public final class Neo4jConnection implements AutoCloseable {

    private final Driver driver;
    private final MetricsObservationProvider driverMetrics;
    private final EmbeddedNeo4j embedded;
    private final String boltUri;
    private final String database;
    private final ReadGuard reads;

    private Neo4jConnection(
            Driver driver,
            MetricsObservationProvider driverMetrics,
            EmbeddedNeo4j embedded,
            String boltUri,
            String database,
            ReadConfiguration readConfig,
            int longReads) {
        this.reads = new ReadGuard(readConfig, longReads, this::terminate);
        this.driver = driver;
        this.driverMetrics = driverMetrics;
        this.embedded = embedded;
        this.boltUri = boltUri;
        this.database = database;
    }

    /**
     * Connects as configured and checks that Neo4j answers.
     *
     * @throws InvalidConfigurationException naming the setting when Neo4j cannot be reached or used
     */
    public static Neo4jConnection open(
            Neo4jConfiguration config,
            EmbeddedNeo4jConfiguration embeddedConfig,
            TlsConfiguration tlsConfig,
            ReadConfiguration readConfig) {
        int longReads = readConfig.longReadConnections(config.getMaxConnectionPoolSize());
        EmbeddedNeo4j embedded = null;
        String uri = config.getUri();
        String connectUri = uri;
        AuthToken auth;
        if (config.isExternal()) {
            auth = config.getPassword().isEmpty()
                    ? AuthTokens.none()
                    : AuthTokens.basic(config.getUsername(), config.getPassword());
        } else {
            // Bolt beyond loopback speaks TLS with the gRPC port's certificate, when there is one.
            Optional<EmbeddedNeo4j.Tls> tls =
                    tlsConfig.getCertChain().isEmpty() || EmbeddedNeo4j.isLoopback(embeddedConfig.getBoltHost())
                            ? Optional.empty()
                            : Optional.of(new EmbeddedNeo4j.Tls(
                                    Path.of(tlsConfig.getCertChain()),
                                    Path.of(tlsConfig.getPrivateKey()),
                                    tlsConfig.getPrivateKeyPassword()));
            embedded = EmbeddedNeo4j.start(
                    embeddedConfig.getDataDir(),
                    new EmbeddedNeo4j.Bolt(
                            embeddedConfig.getBoltHost(),
                            embeddedConfig.getBoltPort(),
                            embeddedConfig.getBoltAllowedOrigins(),
                            embeddedConfig.isBoltPlaintextBeyondLoopback(),
                            tls),
                    embeddedConfig.getPageCacheSize());
            uri = embedded.boltUri();
            connectUri = embedded.connectUri();
            auth = AuthTokens.basic(EmbeddedPassword.USER, embedded.password().value());
        }
        try {
            MetricsObservationProvider driverMetrics = MetricsObservationProvider.newInstance();
            Driver driver = createDriver(
                    connectUri, auth, config, driverMetrics, embedded == null ? Optional.empty() : embedded.tls());
            verify(driver, connectUri, config);
            return new Neo4jConnection(
                    driver, driverMetrics, embedded, uri, config.getDatabase(), readConfig, longReads);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static Driver createDriver(
            String uri,
            AuthToken auth,
            Neo4jConfiguration config,
            MetricsObservationProvider driverMetrics,
            Optional<EmbeddedNeo4j.Tls> embeddedTls) {
        try {
            Config.ConfigBuilder builder = Config.builder();
            // The embedded Neo4j's own certificate is the one to trust, whatever host name it was made for.
            embeddedTls.ifPresent(tls -> builder.withEncryption()
                    .withTrustStrategy(Config.TrustStrategy.trustCustomCertificateSignedBy(
                                    tls.certChain().toFile())
                            .withoutHostnameVerification()));
            Config driverConfig = builder.withConnectionTimeout(
                            config.getConnectionTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .withMaxConnectionPoolSize(config.getMaxConnectionPoolSize())
                    .withUserAgent("trialgraph")
                    // The default System.Logger bridge formats every Bolt message (with all its
                    // parameters) even when debug logging is off; SLF4J checks the level first.
                    .withLogging(Logging.slf4j())
                    // Counts pool events (acquire, release) only: no per-query observation.
                    .withObservationProvider(driverMetrics)
                    .build();
            return GraphDatabase.driver(uri, auth, driverConfig);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    "neo4j.uri (NEO4J_URI): '" + uri + "' is not a Bolt URI (" + e.getMessage()
                            + "); expected e.g. bolt://host:7687 or neo4j+s://xxxx.databases.neo4j.io",
                    e);
        }
    }

    private static void verify(Driver driver, String uri, Neo4jConfiguration config) {
        try {
            driver.verifyConnectivity();
            try (Session session = driver.session(sessionConfig(config.getDatabase(), AccessMode.READ))) {
                session.run("RETURN 1").consume();
            }
        } catch (AuthenticationException e) {
            driver.close();
            throw new InvalidConfigurationException(
                    "neo4j.username / neo4j.password (NEO4J_USERNAME / NEO4J_PASSWORD): " + "Neo4j at " + uri
                            + " refused the credentials of user '" + config.getUsername() + "'",
                    e);
        } catch (SecurityException e) {
            driver.close();
            throw new InvalidConfigurationException(
                    "neo4j.uri (NEO4J_URI): secure connection to " + uri + " failed: " + EmbeddedNeo4j.rootMessage(e),
                    e);
        } catch (ServiceUnavailableException e) {
            driver.close();
            throw new InvalidConfigurationException(
                    "neo4j.uri (NEO4J_URI): cannot reach Neo4j at " + uri + " within "
                            + config.getConnectionTimeout().toSeconds() + " s: " + EmbeddedNeo4j.rootMessage(e),
                    e);
        } catch (FatalDiscoveryException e) {
            driver.close();
            throw new InvalidConfigurationException(
                    "neo4j.database (NEO4J_DATABASE): Neo4j at " + uri + " has no database '" + config.getDatabase()
                            + "'",
                    e);
        } catch (RuntimeException e) {
            driver.close();
            throw new InvalidConfigurationException(
                    "neo4j.uri (NEO4J_URI): Neo4j at " + uri + " cannot be used: " + EmbeddedNeo4j.rootMessage(e), e);
        }
    }

    private static SessionConfig sessionConfig(String database, AccessMode mode) {
        SessionConfig.Builder builder = SessionConfig.builder().withDefaultAccessMode(mode);
        if (!database.isEmpty()) {
            builder.withDatabase(database);
        }
        return builder.build();
    }

    /** @return the driver; shared, thread-safe, closed with this connection */
    public Driver driver() {
        return driver;
    }

    /**
     * Opens a session on the configured database that chains bookmarks with every other session
     * of this service, so a read sees the writes this service made before it, even on a cluster.
     */
    public Session session(AccessMode mode) {
        SessionConfig.Builder builder = SessionConfig.builder()
                .withDefaultAccessMode(mode)
                .withBookmarkManager(driver.executableQueryBookmarkManager());
        if (!database.isEmpty()) {
            builder.withDatabase(database);
        }
        return driver.session(builder.build());
    }

    /**
     * Runs {@code work} in one read transaction, retried by the driver on transient failures, within
     * the current call's budget. Exceptions thrown by {@code work} roll back and propagate unchanged.
     *
     * @throws io.trialgraph.domain.DeadlineExceededException when the caller's time ran out
     * @throws io.trialgraph.domain.CancelledException when the caller cancelled
     * @throws io.trialgraph.domain.ResourceExhaustedException when the share of long reads stayed full
     */
    public <T> T read(TransactionCallback<T> work) {
        return reads.run("the read", null, Map.of(), config -> {
            try (Session session = session(AccessMode.READ)) {
                return session.executeRead(work, config);
            }
        });
    }

    /**
     * Runs one query as a transaction of its own (auto-commit) within the current call's budget,
     * as {@link #read} does, and hands all its records to {@code work}. It takes one round trip
     * where an explicit transaction takes three (begin, run, commit): for short reads that are
     * one query. Not retried by the driver (a caller may ask again).
     *
     * @throws io.trialgraph.domain.DeadlineExceededException when the caller's time ran out
     * @throws io.trialgraph.domain.CancelledException when the caller cancelled
     * @throws io.trialgraph.domain.ResourceExhaustedException when the share of long reads stayed full
     */
    public <T> T readQuery(String cypher, Map<String, Object> parameters, Function<List<Record>, T> work) {
        return reads.run("the read", null, Map.of(), config -> {
            try (Session session = session(AccessMode.READ)) {
                return work.apply(session.run(cypher, parameters, config).list());
            }
        });
    }

    /**
     * Runs {@code work} once (never retried: what it streams to its caller cannot be taken back) in
     * one read transaction within the current call's budget and {@code limit}; the transaction is
     * rolled back unless {@code work} commits it.
     *
     * @param what what runs, for messages, e.g. "the query"
     * @param limit the caller's own, tighter time limit, or null
     * @param limitDescription how messages name {@code limit}, e.g. "its timeout of 500 ms (timeout_ms)"
     * @throws io.trialgraph.domain.DeadlineExceededException when the time ran out
     * @throws io.trialgraph.domain.CancelledException when the caller cancelled
     * @throws io.trialgraph.domain.ResourceExhaustedException when the share of long reads stayed full
     */
    public <T> T readOnce(
            String what,
            Duration limit,
            String limitDescription,
            Map<String, Object> metadata,
            Function<Transaction, T> work) {
        return reads.run(
                what, limit == null ? null : new ReadGuard.Limit(limit, limitDescription), metadata, config -> {
                    try (Session session = session(AccessMode.READ);
                            Transaction tx = session.beginTransaction(config)) {
                        return work.apply(tx);
                    }
                });
    }

    /** Terminates the transactions whose metadata carries {@code token} (see {@link ReadGuard}). */
    private void terminate(String token) {
        try (Session session = session(AccessMode.READ)) {
            List<String> ids = session.run(
                            "SHOW TRANSACTIONS YIELD transactionId, metaData WHERE metaData[$key] = $token "
                                    + "RETURN transactionId",
                            Map.of("key", ReadGuard.TOKEN, "token", token))
                    .list(r -> r.get(0).asString());
            if (!ids.isEmpty()) {
                session.run("TERMINATE TRANSACTIONS $ids", Map.of("ids", ids)).consume();
            }
        }
    }

    /** @return the connections of the long-read share in use now */
    public int longReadsInUse() {
        return reads.longReadsInUse();
    }

    /**
     * Like {@link #read}, with results fetched from Neo4j {@code fetchSize} records at a time, for
     * work that reads large records and may stop early: the driver otherwise pulls a thousand
     * records ahead of the reader.
     */
    public <T> T readInBatches(int fetchSize, TransactionCallback<T> work) {
        SessionConfig.Builder builder = SessionConfig.builder()
                .withDefaultAccessMode(AccessMode.READ)
                .withBookmarkManager(driver.executableQueryBookmarkManager())
                .withFetchSize(fetchSize);
        if (!database.isEmpty()) {
            builder.withDatabase(database);
        }
        try (Session session = driver.session(builder.build())) {
            return session.executeRead(work);
        }
    }

    /**
     * A result and the database state it was read at.
     *
     * @param version the database's last committed transaction when the read ended (see {@link #version()})
     */
    public record Versioned<T>(T value, String version) {}

    /**
     * Like {@link #read}, and also says which database state the transaction saw: if {@link #version()}
     * returned the same token just before, no transaction committed in between or during the read.
     */
    public <T> Versioned<T> readVersioned(TransactionCallback<T> work) {
        return reads.run("the read", null, Map.of(), config -> {
            try (Session session = session(AccessMode.READ)) {
                T value = session.executeRead(work, config);
                return new Versioned<>(value, bookmarkOf(session));
            }
        });
    }

    /**
     * An opaque token for the database's last committed transaction: it changes with every commit
     * by anyone (this service, another replica, a user writing over Bolt) and only then. It is the
     * bookmark Neo4j returns for an empty read transaction; one round trip.
     */
    public String version() {
        return reads.run("the read", null, Map.of(), config -> {
            try (Session session = session(AccessMode.READ)) {
                session.executeRead(tx -> tx.run("RETURN 1").consume(), config);
                return bookmarkOf(session);
            }
        });
    }

    private static String bookmarkOf(Session session) {
        return session.lastBookmarks().stream().map(Bookmark::value).sorted().collect(Collectors.joining(","));
    }

    /**
     * Runs {@code work} in one write transaction, retried by the driver on transient failures;
     * {@code work} must therefore only touch the database. Exceptions thrown by {@code work}
     * roll back and propagate unchanged.
     */
    public <T> T write(TransactionCallback<T> work) {
        try (Session session = session(AccessMode.WRITE)) {
            return session.executeWrite(work);
        }
    }

    /**
     * @return the driver's connection pools (one per Neo4j server it talks to; several behind a
     *     {@code neo4j://} routing URI), each with its in-use, idle and acquisition figures now
     */
    public Collection<ConnectionPoolMetrics> connectionPools() {
        return driverMetrics.metrics().connectionPoolMetrics();
    }

    /** @return the Bolt URI this service talks to (without credentials) */
    public String boltUri() {
        return boltUri;
    }

    /** @return true when the service runs its own embedded Neo4j */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * @return what each commit may have changed in the analytics table, when the database is
     *     embedded in this process (a Neo4j elsewhere tells nothing)
     */
    public Optional<GraphChanges> changes() {
        if (embedded != null) {
            return Optional.of(embedded.changes());
        }
        return database == null || database.isEmpty() || "neo4j".equals(database)
                ? GraphChanges.inThisProcess(boltUri)
                : Optional.empty();
    }

    /** @return the embedded database's folder, when embedded */
    public Optional<Path> embeddedDataDir() {
        return Optional.ofNullable(embedded).map(EmbeddedNeo4j::dataDir);
    }

    /** @return the file with the embedded Neo4j's password (user {@code neo4j}), when embedded */
    public Optional<Path> embeddedPasswordFile() {
        return Optional.ofNullable(embedded).map(e -> e.password().file());
    }

    /** @return true when Neo4j answers a trivial query now */
    public boolean isReachable() {
        try (Session session = session(AccessMode.READ)) {
            session.run("RETURN 1").consume();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        reads.close();
        try {
            driver.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
