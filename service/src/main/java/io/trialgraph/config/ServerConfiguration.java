package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** How the service behaves around its gRPC server (the port itself is {@code grpc.server.port}). */
@ConfigurationProperties("trialgraph.server")
public class ServerConfiguration {

    private Duration shutdownGracePeriod = Duration.ofSeconds(5);
    private Duration healthCheckInterval = Duration.ofSeconds(10);
    private Duration defaultDeadline = Duration.ofMinutes(5);
    private int maxConcurrentCallsPerConnection = 256;
    private int maxConnections = 4_096;
    private Duration firstCallTimeout = Duration.ofSeconds(30);

    /**
     * @return how long calls in flight may run on after SIGTERM before they are cancelled;
     *     default 5 seconds
     */
    public Duration getShutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
        this.shutdownGracePeriod = shutdownGracePeriod;
    }

    /** @return how often the gRPC health status re-checks that Neo4j answers; default 10 seconds */
    public Duration getHealthCheckInterval() {
        return healthCheckInterval;
    }

    public void setHealthCheckInterval(Duration healthCheckInterval) {
        this.healthCheckInterval = healthCheckInterval;
    }

    /**
     * @return how long a call with one request (unary or server-streaming: reads, queries,
     *     exports) that arrives without a deadline may run before it ends with DEADLINE_EXCEEDED;
     *     default 5 minutes (the longest timeout a query may ask for); 0 for none. Metric ingest
     *     streams are not limited: one lives as long as its training job.
     */
    public Duration getDefaultDeadline() {
        return defaultDeadline;
    }

    public void setDefaultDeadline(Duration defaultDeadline) {
        this.defaultDeadline = defaultDeadline;
    }

    /**
     * @return the most calls one client connection may have open at once (HTTP/2
     *     MAX_CONCURRENT_STREAMS); further calls wait in the client until one ends; default 256
     */
    public int getMaxConcurrentCallsPerConnection() {
        return maxConcurrentCallsPerConnection;
    }

    public void setMaxConcurrentCallsPerConnection(int maxConcurrentCallsPerConnection) {
        this.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection;
    }

    /**
     * @return the most client connections the gRPC port keeps open at once; a connection beyond
     *     it is closed as soon as it is accepted, before any handshake or authentication. Default
     *     4,096, and never more than half the process's file-descriptor limit (Neo4j's store files
     *     share that table)
     */
    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /**
     * @return how long a new gRPC connection may stay open without starting a call that passed
     *     authentication (any call when authentication is off; health checks do not count); it is
     *     closed then, so connections that never authenticate do not hold places under
     *     {@link #getMaxConnections()} for the whole idle timeout. Default 30 seconds
     */
    public Duration getFirstCallTimeout() {
        return firstCallTimeout;
    }

    public void setFirstCallTimeout(Duration firstCallTimeout) {
        this.firstCallTimeout = firstCallTimeout;
    }
}
