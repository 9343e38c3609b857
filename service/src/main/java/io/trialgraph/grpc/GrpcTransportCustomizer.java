package io.trialgraph.grpc;

import io.grpc.ServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.grpc.server.GrpcServerConfiguration;
import io.trialgraph.config.AuthConfiguration;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.ServerConfiguration;
import io.trialgraph.security.ServerTls;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds to the server micronaut-grpc builds what its {@code grpc.server.*} settings do not cover:
 * TLS from {@code trialgraph.server.tls.*} (with client certificates) and the per-connection
 * call limit. Says in the log how the port is protected, and warns once when it is open to the
 * network in plain text.
 */
@Singleton
class GrpcTransportCustomizer implements BeanCreatedEventListener<ServerBuilder<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcTransportCustomizer.class);

    private final ServerTls tls;
    private final ServerConfiguration server;
    private final AuthConfiguration auth;
    private final GrpcServerConfiguration grpc;

    GrpcTransportCustomizer(
            ServerTls tls, ServerConfiguration server, AuthConfiguration auth, GrpcServerConfiguration grpc) {
        this.tls = tls;
        this.server = server;
        this.auth = auth;
        this.grpc = grpc;
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        ServerBuilder<?> builder = event.getBean();
        if (!(builder instanceof NettyServerBuilder)) {
            throw new IllegalStateException("expected micronaut-grpc to build a Netty server, got "
                    + builder.getClass().getName());
        }
        NettyServerBuilder netty = (NettyServerBuilder) builder;
        if (server.getMaxConcurrentCallsPerConnection() < 1) {
            throw new InvalidConfigurationException("trialgraph.server.max-concurrent-calls-per-connection "
                    + "(TRIALGRAPH_SERVER_MAX_CONCURRENT_CALLS_PER_CONNECTION): must be at least 1, is "
                    + server.getMaxConcurrentCallsPerConnection());
        }
        netty.maxConcurrentCallsPerConnection(server.getMaxConcurrentCallsPerConnection());
        String port = grpc.getServerPort() == 0 ? "a free port" : "port " + grpc.getServerPort();
        String where = grpc.getServerHost().map(host -> host + ", " + port).orElse("all interfaces, " + port);
        if (tls.sslContext().isPresent()) {
            netty.sslContext(tls.sslContext().get());
            LOG.info(
                    "gRPC on {} speaks TLS only (client certificates: {})",
                    where,
                    tls.clientAuth().name().toLowerCase(Locale.ROOT));
        } else if (!loopbackOnly()) {
            LOG.warn(
                    "gRPC listens on {} in plain text: anyone on the network can read the traffic{}; set "
                            + "trialgraph.server.tls.cert-chain and .private-key, or grpc.server.host=127.0.0.1 to serve this machine only",
                    where,
                    auth.isEnabled() ? ", bearer tokens included" : " and, with trialgraph.auth off, call every RPC");
        }
        return builder;
    }

    private boolean loopbackOnly() {
        if (grpc.getServerHost().isEmpty()) {
            return false;
        }
        try {
            return InetAddress.getByName(grpc.getServerHost().get()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
