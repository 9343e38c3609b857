package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** How the service behaves around its gRPC server (the port itself is {@code grpc.server.port}). */
@ConfigurationProperties("trialgraph.server")
public class ServerConfiguration {

    private Duration shutdownGracePeriod = Duration.ofSeconds(5);
    private Duration healthCheckInterval = Duration.ofSeconds(10);

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
}
