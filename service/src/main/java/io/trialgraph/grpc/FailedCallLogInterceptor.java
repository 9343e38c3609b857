package io.trialgraph.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs one line for each call that does not end OK, with SLF4J key-values: {@code method} (full
 * gRPC name), {@code status}, {@code duration_ms}, {@code peer} (the client's address),
 * {@code reference} (for INTERNAL: the key to the stack trace logged by {@link StatusTranslator})
 * and {@code message} (the status description the caller got). Failures of the server
 * (INTERNAL, UNKNOWN, UNAVAILABLE, DATA_LOSS, UNIMPLEMENTED, DEADLINE_EXCEEDED) are WARN, refusals
 * of a request INFO. Request metadata (where tokens travel) is never read here.
 */
@Singleton
class FailedCallLogInterceptor implements ServerInterceptor, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(FailedCallLogInterceptor.class);

    private static final Set<Status.Code> SERVER_FAILURES = EnumSet.of(Status.Code.INTERNAL, Status.Code.UNKNOWN,
            Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS, Status.Code.UNIMPLEMENTED, Status.Code.DEADLINE_EXCEEDED);

    @Override
    public int getOrder() {
        return InterceptorOrder.FAILED_CALL_LOG;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        WatchedCall<Q, R> watched = new WatchedCall<>(call, System.nanoTime());
        return new SimpleForwardingServerCallListener<>(next.startCall(watched, headers)) {
            @Override
            public void onCancel() {
                if (!watched.closed) {
                    watched.log(Status.CANCELLED.withDescription("the client cancelled the call or its deadline passed"));
                }
                super.onCancel();
            }
        };
    }

    /** A call that logs its end when the status is not OK. */
    private static final class WatchedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private final long started;
        private volatile boolean closed;

        WatchedCall(ServerCall<Q, R> call, long started) {
            super(call);
            this.started = started;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = true;
            if (!status.isOk()) {
                // Before the status leaves: the line is written by the time the caller sees the failure.
                log(status);
            }
            super.close(status, trailers);
        }

        void log(Status status) {
            Level level = SERVER_FAILURES.contains(status.getCode()) ? Level.WARN : Level.INFO;
            if (!LOG.isEnabledForLevel(level)) {
                return;
            }
            LoggingEventBuilder line = LOG.atLevel(level)
                    .setMessage("gRPC call failed")
                    .addKeyValue("method", getMethodDescriptor().getFullMethodName())
                    .addKeyValue("status", status.getCode().name())
                    .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .addKeyValue("peer", peer(getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
            StatusTranslator.reference(status).ifPresent(reference -> line.addKeyValue("reference", reference));
            if (status.getDescription() != null) {
                line.addKeyValue("message", status.getDescription());
            }
            line.log();
        }

        private static String peer(SocketAddress address) {
            if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
                return inet.getAddress().getHostAddress() + ":" + inet.getPort();
            }
            return String.valueOf(address);
        }
    }
}
