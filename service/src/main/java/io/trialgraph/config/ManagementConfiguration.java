package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The management port: an HTTP listener, separate from gRPC, that serves only {@code /health}
 * and {@code /prometheus} (metrics in the Prometheus text format) for probes and scrapers. It
 * starts after the gRPC server and stops after it.
 */
@ConfigurationProperties("trialgraph.management")
public class ManagementConfiguration {

    /** The default management port: the port Prometheus exporters of OpenTelemetry use by convention. */
    public static final int DEFAULT_PORT = 9464;

    private boolean enabled = true;
    private int port = DEFAULT_PORT;
    private String host = "";

    /** @return whether the management port is opened at all; default true */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * @return the HTTP port for health and metrics; default {@value #DEFAULT_PORT}, 0 picks a free
     *     port (the HTTP server reads it as {@code micronaut.server.port}, see application.yml)
     */
    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    /**
     * @return the address the HTTP port binds; default empty: the gRPC server's
     *     ({@code grpc.server.host}, loopback unless opened), so opening gRPC to the network opens
     *     health and metrics with it and nothing else does
     */
    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host == null ? "" : host.trim();
    }
}
