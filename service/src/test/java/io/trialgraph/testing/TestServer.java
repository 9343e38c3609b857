package io.trialgraph.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.trialgraph.TrialGraphServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * A real trialgraph server on a free port, backed by the test JVM's {@link TestNeo4j}, with a
 * real channel to it. Tests get it as a parameter from {@link TrialGraphServerExtension}.
 */
public final class TestServer implements AutoCloseable {

    private final TrialGraphServer server;
    private final TestNeo4j neo4j;
    private final ManagedChannel channel;

    TestServer(TestNeo4j neo4j) {
        this.neo4j = neo4j;
        Map<String, Object> properties = new HashMap<>(neo4j.serverProperties());
        properties.put("grpc.server.port", 0);
        properties.put("trialgraph.management.port", 0);
        properties.put("trialgraph.http.port", 0);
        this.server = TrialGraphServer.start(properties);
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
    }

    /**
     * Starts a server of its own with special settings (TLS, tokens, limits) on the JVM's test
     * Neo4j: gRPC on a free loopback port, then the given settings on top. Close it in the test.
     */
    public static TrialGraphServer dedicated(TestNeo4j neo4j, Map<String, Object> settings) {
        Map<String, Object> properties = new HashMap<>(neo4j.serverProperties());
        properties.put("grpc.server.port", 0);
        properties.put("grpc.server.host", "127.0.0.1");
        properties.put("trialgraph.http.port", 0);
        properties.putAll(settings);
        return TrialGraphServer.start(properties);
    }

    /** @return a plaintext channel to the server */
    public ManagedChannel channel() {
        return channel;
    }

    /** @return the gRPC port */
    public int port() {
        return server.grpcPort();
    }

    /** @return the HTTP port of the web UI and its JSON API */
    public int httpPort() {
        return server.httpPort();
    }

    /** @return the management (health and Prometheus metrics) HTTP port */
    public int managementPort() {
        return server.managementPort();
    }

    /** @return the Neo4j the server writes to */
    public TestNeo4j neo4j() {
        return neo4j;
    }

    /** @return the running server, for tests that need a bean */
    public TrialGraphServer server() {
        return server;
    }

    /** Runs a read query and returns the single value of its single row, as a long. */
    public long count(String cypher, Object... keysAndValues) {
        return single(cypher, keysAndValues).get(0).asLong();
    }

    /** Runs a query and returns its single row. */
    public Record single(String cypher, Object... keysAndValues) {
        Map<String, Object> parameters = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            parameters.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        try (Session session = neo4j.driver().session()) {
            return session.run(cypher, parameters).single();
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }
}
