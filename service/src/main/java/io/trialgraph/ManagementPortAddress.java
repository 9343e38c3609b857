package io.trialgraph;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.trialgraph.config.ManagementConfiguration;
import jakarta.inject.Singleton;

/**
 * Binds the management port where gRPC listens (loopback unless opened), or where
 * {@code trialgraph.management.host} says. Set as Micronaut creates the HTTP server's
 * configuration: the server takes its listening address from it once, when it is made.
 */
@Singleton
class ManagementPortAddress implements BeanCreatedEventListener<NettyHttpServerConfiguration> {

    private final ManagementConfiguration management;
    private final String grpcHost;

    ManagementPortAddress(ManagementConfiguration management, @Value("${grpc.server.host:127.0.0.1}") String grpcHost) {
        this.management = management;
        this.grpcHost = grpcHost;
    }

    @Override
    public NettyHttpServerConfiguration onCreated(BeanCreatedEvent<NettyHttpServerConfiguration> event) {
        NettyHttpServerConfiguration configuration = event.getBean();
        configuration.setHost(management.getHost().isEmpty() ? grpcHost : management.getHost());
        return configuration;
    }
}
