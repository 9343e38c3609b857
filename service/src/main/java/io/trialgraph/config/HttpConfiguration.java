package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * The HTTP port: the web UI and the JSON API behind it, with the same bearer tokens, roles and
 * TLS certificates as gRPC ({@code trialgraph.auth.*}, {@code trialgraph.server.tls.*}). Loopback
 * by default, like gRPC: the default is plain text. Separate from the management port.
 */
@ConfigurationProperties("trialgraph.http")
public class HttpConfiguration {

    /** The default HTTP port. */
    public static final int DEFAULT_PORT = 8080;

    private boolean enabled = true;
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int maxConnections = 256;
    private long maxRequestSize = 4L * 1024 * 1024;
    private int maxHeaderSize = 8 * 1024;
    private Duration idleTimeout = Duration.ofMinutes(2);
    private int maxLiveStreams = 64;
    private int threads = 16;

    /** @return whether the HTTP port is opened; default true */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the address the HTTP port binds; default 127.0.0.1 (this machine only) */
    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host == null ? "" : host.trim();
    }

    /** @return the HTTP port; default {@value #DEFAULT_PORT}, 0 picks a free port */
    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    /** @return the most connections open at once; a connection beyond it is closed at once; default 256 */
    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** @return the largest request body in bytes; default 4 MiB (as gRPC's largest message) */
    public long getMaxRequestSize() {
        return maxRequestSize;
    }

    public void setMaxRequestSize(long maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    /** @return the largest request header block in bytes (the token among them); default 8 KiB */
    public int getMaxHeaderSize() {
        return maxHeaderSize;
    }

    public void setMaxHeaderSize(int maxHeaderSize) {
        this.maxHeaderSize = maxHeaderSize;
    }

    /** @return how long a connection may stay quiet before it is closed; default 2 minutes */
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** @return the most live metric streams (server-sent events) open at once; default 64 */
    public int getMaxLiveStreams() {
        return maxLiveStreams;
    }

    public void setMaxLiveStreams(int maxLiveStreams) {
        this.maxLiveStreams = maxLiveStreams;
    }

    /** @return threads that run API requests (reads of Neo4j); requests beyond wait for one; default 16 */
    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }
}
