package io.trialgraph.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.order.Ordered;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.ServerConfiguration;
import io.trialgraph.security.MethodRoles;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gRPC port does before a call reaches an endpoint: it keeps at most
 * {@code trialgraph.server.max-connections} connections open (one more is closed the moment it is
 * accepted, before any handshake or token), so idle or hostile clients cannot take every file
 * descriptor. A connection that has not started a call past authentication (health checks do not
 * count) within {@code trialgraph.server.first-call-timeout} is closed, so connections that never
 * authenticate hold a place for seconds, not for the whole idle timeout. The handshake and idle
 * timeouts are micronaut-grpc's {@code grpc.server.handshake-timeout} and
 * {@code max-connection-idle}.
 *
 * <p>Counting connections needs the accepting channel, so the server gets its listening channel
 * from us (the transport grpc-netty would choose, with a gate in front of the acceptor), and with
 * it (grpc-netty requires both or neither) event loops of its own. A call knows its connection by
 * the client's address (grpc's {@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR}, the accepted channel's
 * remote address), which is how the interceptor half of this class finds the connection to keep.
 */
@Singleton
class ConnectionLimits implements BeanCreatedEventListener<ServerBuilder<?>>, ServerInterceptor, Ordered {

    /** Right after authentication: only calls that passed it keep their connection. */
    static final int ORDER = InterceptorOrder.AUTHENTICATION + 1;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimits.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final Counter refused;
    private final Counter withoutCall;
    private final Duration firstCallTimeout;
    /** Connections accepted that have not started a call past authentication yet, by the client's address. */
    private final Map<SocketAddress, Channel> withoutCallYet = new ConcurrentHashMap<>();

    private EventLoopGroup boss;
    private EventLoopGroup workers;

    ConnectionLimits(ServerConfiguration config, MeterRegistry registry) {
        if (config.getMaxConnections() < 1) {
            throw new InvalidConfigurationException(
                    "trialgraph.server.max-connections (TRIALGRAPH_SERVER_MAX_CONNECTIONS): "
                            + "must be at least 1, is " + config.getMaxConnections());
        }
        this.firstCallTimeout = config.getFirstCallTimeout();
        if (firstCallTimeout == null || firstCallTimeout.isNegative() || firstCallTimeout.isZero()) {
            throw new InvalidConfigurationException(
                    "trialgraph.server.first-call-timeout (TRIALGRAPH_SERVER_FIRST_CALL_TIMEOUT): "
                            + "must be a positive duration such as 30s, is " + firstCallTimeout);
        }
        long descriptors = maxFileDescriptors();
        if (descriptors > 0 && config.getMaxConnections() > descriptors / 2) {
            this.maxConnections = (int) Math.max(1, descriptors / 2);
            LOG.info(
                    "gRPC takes at most {} connections, half the process's file-descriptor limit of {} "
                            + "(trialgraph.server.max-connections is {})",
                    maxConnections,
                    descriptors,
                    config.getMaxConnections());
        } else {
            this.maxConnections = config.getMaxConnections();
        }
        Gauge.builder("trialgraph.grpc.connections", open, AtomicInteger::get)
                .description("Client connections open on the gRPC port")
                .register(registry);
        this.refused = Counter.builder("trialgraph.grpc.connections.refused")
                .description("Connections closed on accept because trialgraph.server.max-connections were open")
                .register(registry);
        this.withoutCall = Counter.builder("trialgraph.grpc.connections.without.call")
                .description("Connections closed because no call passed authentication within "
                        + "trialgraph.server.first-call-timeout")
                .register(registry);
    }

    private static long maxFileDescriptors() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : -1;
    }

    /** @return the connection cap in force */
    int maxConnections() {
        return maxConnections;
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        NettyServerBuilder netty = (NettyServerBuilder) event.getBean();
        // The transport grpc-netty would pick: native epoll where it loads, else NIO.
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(io);
        netty.bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelFactory(() -> {
            ServerChannel listening = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
            // Sits before the handler that registers accepted connections, which Netty adds after this one.
            listening.pipeline().addLast(new Gate());
            return listening;
        });
        return netty;
    }

    /** Passes accepted connections on while fewer than the cap are open; closes the others at once. */
    private final class Gate extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            Channel connection = (Channel) message;
            if (open.incrementAndGet() <= maxConnections) {
                SocketAddress client = connection.remoteAddress();
                Future<?> check = null;
                if (client != null) {
                    withoutCallYet.put(client, connection);
                    check = context.executor()
                            .schedule(
                                    () -> closeWithoutCall(client, connection),
                                    firstCallTimeout.toMillis(),
                                    TimeUnit.MILLISECONDS);
                }
                Future<?> pendingCheck = check;
                connection.closeFuture().addListener(closed -> {
                    open.decrementAndGet();
                    if (client != null) {
                        withoutCallYet.remove(client, connection);
                        // Connections that come and go quickly leave no timers behind for the timeout's length.
                        pendingCheck.cancel(false);
                    }
                });
                context.fireChannelRead(message);
            } else {
                open.decrementAndGet();
                // Not registered with an event loop yet: closing the socket is all there is to do.
                connection.unsafe().closeForcibly();
                refused.increment();
                warn();
            }
        }
    }

    private void closeWithoutCall(SocketAddress client, Channel connection) {
        if (withoutCallYet.remove(client, connection)) {
            withoutCall.increment();
            connection.close();
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /** A call that got past authentication (health checks and reflection aside) keeps its connection. */
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!MethodRoles.isPublic(call.getMethodDescriptor().getFullMethodName())) {
            SocketAddress client = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            if (client != null) {
                withoutCallYet.remove(client);
            }
        }
        return next.startCall(call, headers);
    }

    private void warn() {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warn(
                    "Refusing gRPC connections: {} are open, the most trialgraph.server.max-connections allows "
                            + "(this warning repeats at most once a minute; trialgraph_grpc_connections_refused_total counts them)",
                    maxConnections);
        }
    }

    @PreDestroy
    void stop() {
        if (boss != null) {
            boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
    }
}
