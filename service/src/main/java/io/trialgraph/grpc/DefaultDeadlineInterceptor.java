package io.trialgraph.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.ServerConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives a call with one request (unary, or server-streaming like a query, a series read or a CSV
 * export) that arrives without a deadline the server's default one
 * ({@code trialgraph.server.default-deadline}), so a client that sets none cannot hold a server
 * thread forever. Code that reads the context deadline (the query timeout) sees it; when it
 * passes, the call ends with DEADLINE_EXCEEDED. Calls that stream requests are left alone: an
 * ingest stream lives as long as its training job.
 */
@Singleton
class DefaultDeadlineInterceptor implements ServerInterceptor, Ordered {

    static final int ORDER = InterceptorOrder.DEFAULT_DEADLINE;

    private final long deadlineMillis;
    private final ScheduledExecutorService timer;

    DefaultDeadlineInterceptor(ServerConfiguration config) {
        if (config.getDefaultDeadline() == null || config.getDefaultDeadline().isNegative()) {
            throw new InvalidConfigurationException(
                    "trialgraph.server.default-deadline (TRIALGRAPH_SERVER_DEFAULT_DEADLINE): "
                            + "must be a positive duration such as 5m, or 0s for none");
        }
        this.deadlineMillis = config.getDefaultDeadline().toMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "trialgraph-default-deadline");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MethodType type = call.getMethodDescriptor().getType();
        if (deadlineMillis == 0
                || (type != MethodType.UNARY && type != MethodType.SERVER_STREAMING)
                || Context.current().getDeadline() != null) {
            return next.startCall(call, headers);
        }
        Context.CancellableContext context =
                Context.current().withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS, timer);
        ClosableOnce<Q, R> guarded = new ClosableOnce<>(call);
        // Runs on the timer thread when the deadline passes; also when the call ends first or the
        // client cancels (the parent context's cancel reaches this one), which is not a deadline.
        context.addListener(
                ended -> {
                    if (ended.cancellationCause() instanceof TimeoutException) {
                        guarded.closeIfOpen(
                                Status.DEADLINE_EXCEEDED.withDescription(
                                        "the call ran longer than the server's default deadline of " + deadlineMillis
                                                + " ms for calls that set none (trialgraph.server.default-deadline); set a deadline to allow more"));
                    }
                },
                MoreExecutors.directExecutor());
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, guarded, headers, next);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                guarded.markClosed();
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null);
                }
            }

            @Override
            public void onCancel() {
                guarded.markClosed();
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }
        };
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /**
     * A server call that the handler's thread and the deadline timer may both close: grpc-java's
     * calls are not thread-safe, so every use is serialised, and whatever comes after the first
     * close is dropped (the handler may finish its work after the deadline closed the call).
     */
    private static final class ClosableOnce<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private boolean closed;

        ClosableOnce(ServerCall<Q, R> call) {
            super(call);
        }

        synchronized void markClosed() {
            closed = true;
        }

        synchronized void closeIfOpen(Status status) {
            if (!closed) {
                closed = true;
                super.close(status, new Metadata());
            }
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                super.close(status, trailers);
            }
        }

        @Override
        public synchronized boolean isCancelled() {
            return closed || super.isCancelled();
        }

        @Override
        public synchronized void request(int numMessages) {
            if (!closed) {
                super.request(numMessages);
            }
        }
    }
}
