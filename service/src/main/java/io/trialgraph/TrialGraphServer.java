package io.trialgraph;

import io.grpc.Server;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.ManagementConfiguration;
import io.trialgraph.config.ServerConfiguration;
import io.trialgraph.grpc.ServingStatusReporter;
import io.trialgraph.http.WebServer;
import io.trialgraph.neo4j.EmbeddedNeo4j;
import io.trialgraph.neo4j.EmbeddedPassword;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.neo4j.SchemaMigrations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One running trialgraph: the application context, Neo4j (connected and migrated), the gRPC
 * server and the management port (HTTP: health and Prometheus metrics), started in that order and
 * stopped in reverse. Used by {@link Application} and by tests.
 */
public final class TrialGraphServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrialGraphServer.class);

    static {
        // The Neo4j driver and neo4j-migrations log through java.util.logging: route it to SLF4J.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private final ApplicationContext context;
    private final Server grpc;
    private final NettyEmbeddedServer management;
    private final Duration gracePeriod;
    private boolean closed;

    private TrialGraphServer(
            ApplicationContext context, Server grpc, NettyEmbeddedServer management, Duration gracePeriod) {
        this.context = context;
        this.grpc = grpc;
        this.management = management;
        this.gracePeriod = gracePeriod;
    }

    /**
     * Starts a server with the given settings on top of the usual configuration sources.
     *
     * @throws InvalidConfigurationException when a setting makes start-up impossible
     */
    public static TrialGraphServer start(Map<String, Object> properties, String... args) {
        long started = System.nanoTime();
        ApplicationContext context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .properties(properties)
                .args(args)
                .build();
        try {
            // Starting the context checks the security settings (TLS files, tokens): before Neo4j, which takes seconds.
            context.start();
            Neo4jConnection neo4j = context.getBean(Neo4jConnection.class);
            if (neo4j.isEmbedded()) {
                Path passwordFile = neo4j.embeddedPasswordFile().orElseThrow();
                // cypher-shell reads the password from NEO4J_PASSWORD: it never shows in the process list.
                LOG.info(
                        "Embedded Neo4j {}: data in {}; Bolt at {}, user {}, password in {}; explore it with: "
                                + "NEO4J_PASSWORD=\"$(cat {})\" ./mvnw -q -N -Pcypher-shell validate -Dcypher.args=\"-a {} -u {}\"",
                        EmbeddedNeo4j.version(),
                        neo4j.embeddedDataDir().orElseThrow(),
                        neo4j.boltUri(),
                        EmbeddedPassword.USER,
                        passwordFile,
                        passwordFile,
                        neo4j.boltUri(),
                        EmbeddedPassword.USER);
            } else {
                LOG.info("Using the Neo4j at {} (nothing embedded)", neo4j.boltUri());
            }
            String schemaVersion = context.getBean(SchemaMigrations.class).apply();
            GrpcEmbeddedServer server = context.getBean(GrpcEmbeddedServer.class);
            startGrpc(server);
            // Before SERVING: a start that fails on the management port never looks ready.
            NettyEmbeddedServer management = startManagement(context);
            WebServer web = context.getBean(WebServer.class);
            web.start();
            context.getBean(ServingStatusReporter.class).ready();
            LOG.info(
                    "trialgraph {} serving gRPC on port {} ({}){} (schema version {}, started in {} ms)",
                    TrialGraphVersion.VERSION,
                    server.getServer().getPort(),
                    server.getServer().getListenSockets().stream()
                            .map(Object::toString)
                            .collect(java.util.stream.Collectors.joining(", ")),
                    management == null
                            ? ""
                            : ", health and metrics on http://" + management.getHost() + ":" + management.getPort()
                                    + "/prometheus",
                    schemaVersion,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            if (web.isRunning()) {
                LOG.info("Web UI: {}", web.url());
            }
            return new TrialGraphServer(
                    context,
                    server.getServer(),
                    management,
                    context.getBean(ServerConfiguration.class).getShutdownGracePeriod());
        } catch (RuntimeException e) {
            context.close();
            throw unwrapConfigurationFailure(e);
        }
    }

    /** Micronaut wraps what a bean factory throws; callers want our diagnosis itself. */
    private static RuntimeException unwrapConfigurationFailure(RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidConfigurationException invalid) {
                return invalid;
            }
        }
        return failure;
    }

    private static void startGrpc(GrpcEmbeddedServer server) {
        try {
            server.start();
        } catch (RuntimeException e) {
            // grpc-java reports a failed bind as an IOException, wrapping Netty's (or the JDK's) reason.
            Throwable root = e;
            boolean listenFailure = false;
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                listenFailure |= cause instanceof IOException;
                root = cause;
            }
            if (listenFailure) {
                throw new InvalidConfigurationException(
                        "grpc.server.port (GRPC_SERVER_PORT): cannot listen on port "
                                + server.getServerConfiguration().getServerPort() + " (" + root.getMessage()
                                + "); is another trialgraph running?",
                        e);
            }
            throw e;
        }
    }

    /** Opens the management port, unless it is disabled; returns null then. */
    private static NettyEmbeddedServer startManagement(ApplicationContext context) {
        ManagementConfiguration config = context.getBean(ManagementConfiguration.class);
        if (!config.isEnabled()) {
            return null;
        }
        // Where gRPC listens unless said otherwise (ManagementPortAddress).
        NettyEmbeddedServer http = context.getBean(NettyEmbeddedServer.class);
        try {
            http.start();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new InvalidConfigurationException(
                    "trialgraph.management.port (TRIALGRAPH_MANAGEMENT_PORT): cannot listen on port " + config.getPort()
                            + " on " + http.getHost() + " (" + root.getMessage()
                            + "); set another port, or 0 for any free one",
                    e);
        }
        return http;
    }

    /** @return the port the gRPC server listens on */
    public int grpcPort() {
        return grpc.getPort();
    }

    /** @return the management (health and metrics) HTTP port, or -1 when it is disabled */
    public int managementPort() {
        return management == null ? -1 : management.getPort();
    }

    /** @return the HTTP port of the web UI and its API, or -1 when it is disabled */
    public int httpPort() {
        return context.getBean(WebServer.class).port();
    }

    /** @return the application context, for tests that need a bean */
    public ApplicationContext context() {
        return context;
    }

    /** Blocks until the server has shut down. */
    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /**
     * Stops accepting calls, lets calls in flight finish for the grace period, cancels the rest,
     * then closes Neo4j. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Shutting down: finishing calls in flight (up to {} ms)", gracePeriod.toMillis());
        context.getBean(ServingStatusReporter.class).stopping();
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Cancelling the calls still running after the grace period");
                grpc.shutdownNow();
                grpc.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // Live streams and downloads of the web UI end here; metrics stay readable until the last call has ended.
        context.getBean(WebServer.class).stop();
        if (management != null) {
            management.stop();
        }
        context.close();
        LOG.info("trialgraph stopped");
    }
}
