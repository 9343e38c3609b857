package io.trialgraph.http;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServerFactory;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.micronaut.runtime.ApplicationConfiguration;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.trialgraph.config.AuthConfiguration;
import io.trialgraph.config.HttpConfiguration;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.security.ServerTls;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port (web UI and JSON API): a Micronaut Netty server of its own beside the management
 * port's, sharing the application's routes. {@link HttpAccessFilter} keeps each port to its own
 * routes. TLS uses the gRPC port's certificate files; connections and request sizes are bounded.
 */
@Singleton
public final class WebServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final ApplicationContext context;
    private final HttpConfiguration config;
    private final ServerTls tls;
    private final AuthConfiguration auth;
    private final AtomicInteger openConnections = new AtomicInteger();
    private volatile NettyEmbeddedServer server;

    WebServer(ApplicationContext context, HttpConfiguration config, ServerTls tls, AuthConfiguration auth) {
        this.context = context;
        this.config = config;
        this.tls = tls;
        this.auth = auth;
    }

    /** Opens the HTTP port, unless it is disabled. */
    public synchronized void start() {
        if (!config.isEnabled() || server != null) {
            return;
        }
        check(config.getMaxConnections() >= 1, "max-connections", "must be at least 1");
        check(config.getMaxRequestSize() >= 1024, "max-request-size", "must be at least 1024 bytes");
        check(config.getMaxHeaderSize() >= 1024, "max-header-size", "must be at least 1024 bytes");
        check(config.getThreads() >= 1, "threads", "must be at least 1");
        check(config.getMaxLiveStreams() >= 0, "max-live-streams", "must not be negative");
        check(
                config.getIdleTimeout() != null
                        && !config.getIdleTimeout().isNegative()
                        && !config.getIdleTimeout().isZero(),
                "idle-timeout",
                "must be a positive duration such as 2m");
        NettyHttpServerConfiguration settings =
                new NettyHttpServerConfiguration(context.getBean(ApplicationConfiguration.class));
        settings.setHost(config.getHost().isEmpty() ? null : config.getHost());
        settings.setPort(config.getPort());
        settings.setMaxRequestSize(config.getMaxRequestSize());
        settings.setMaxRequestBufferSize(config.getMaxRequestSize());
        settings.setMaxHeaderSize(config.getMaxHeaderSize());
        settings.setMaxInitialLineLength(Math.min(16 * 1024, config.getMaxHeaderSize()));
        settings.setIdleTimeout(config.getIdleTimeout());
        settings.setReadIdleTimeout(config.getIdleTimeout());
        settings.setWriteIdleTimeout(config.getIdleTimeout());
        settings.setServerHeader("trialgraph");
        NettyEmbeddedServer http =
                context.getBean(NettyEmbeddedServerFactory.class).build(settings);
        SslContext ssl = tls.httpSslContext().orElse(null);
        http.register(new ConnectionGuard(ssl));
        try {
            http.start();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new InvalidConfigurationException(
                    "trialgraph.http.port (TRIALGRAPH_HTTP_PORT): cannot listen on "
                            + describeHost() + " port " + config.getPort() + " (" + root.getMessage()
                            + "); set another port, 0 for any free one, or trialgraph.http.enabled=false",
                    e);
        }
        server = http;
        if (ssl != null) {
            LOG.info(
                    "HTTP on {} port {} speaks TLS only (client certificates: {})",
                    describeHost(),
                    http.getPort(),
                    tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT));
        } else if (!loopbackOnly()) {
            LOG.warn(
                    "HTTP (web UI and JSON API) listens on {} port {} in plain text: anyone on the network can read the traffic{};"
                            + " set trialgraph.server.tls.cert-chain and .private-key, or trialgraph.http.host=127.0.0.1 to serve this machine only",
                    describeHost(),
                    http.getPort(),
                    auth.isEnabled()
                            ? ", bearer tokens included"
                            : " and, with trialgraph.auth off, read and change everything");
        }
    }

    /** @return whether the HTTP port is open */
    public boolean isRunning() {
        return server != null;
    }

    /** @return the port the HTTP server listens on, or -1 when it is not running */
    public int port() {
        NettyEmbeddedServer running = server;
        return running == null ? -1 : running.getPort();
    }

    /** @return the URL of the web UI, e.g. {@code http://127.0.0.1:8080/}; empty when it is not running */
    public String url() {
        if (server == null) {
            return "";
        }
        String host = config.getHost().isEmpty()
                        || config.getHost().equals("0.0.0.0")
                        || config.getHost().equals("::")
                ? "localhost"
                : config.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (tls.httpSslContext().isPresent() ? "https" : "http") + "://" + host + ":" + port() + "/";
    }

    /** Closes the HTTP port (live streams end). Safe to call more than once. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    private String describeHost() {
        return config.getHost().isEmpty() ? "all interfaces," : config.getHost() + ",";
    }

    private boolean loopbackOnly() {
        if (config.getHost().isEmpty()) {
            return false;
        }
        try {
            return InetAddress.getByName(config.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void check(boolean ok, String setting, String rule) {
        if (!ok) {
            throw new InvalidConfigurationException("trialgraph.http." + setting + " (TRIALGRAPH_HTTP_"
                    + setting.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "): " + rule);
        }
    }

    /**
     * Per connection: closes it at once when {@code max-connections} are open already, and puts
     * TLS in front of Micronaut's HTTP/1.1 pipeline when it is configured.
     */
    private final class ConnectionGuard implements NettyServerCustomizer {

        private final SslContext ssl;

        ConnectionGuard(SslContext ssl) {
            this.ssl = ssl;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            if (role != ChannelRole.CONNECTION) {
                return this;
            }
            return new NettyServerCustomizer() {
                @Override
                public void onInitialPipelineBuilt() {
                    if (openConnections.incrementAndGet() > config.getMaxConnections()) {
                        openConnections.decrementAndGet();
                        channel.close();
                        return;
                    }
                    channel.closeFuture().addListener(closed -> openConnections.decrementAndGet());
                    if (ssl != null) {
                        channel.pipeline().addFirst("trialgraph-tls", ssl.newHandler(channel.alloc()));
                    }
                }
            };
        }
    }
}
