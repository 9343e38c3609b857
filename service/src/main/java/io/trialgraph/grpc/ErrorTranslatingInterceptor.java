package io.trialgraph.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * Lets endpoints simply throw: whatever escapes a handler is closed with the status
 * {@link StatusTranslator} picks, instead of grpc-java's bare UNKNOWN.
 */
@Singleton
class ErrorTranslatingInterceptor implements ServerInterceptor, Ordered {

    @Override
    public int getOrder() {
        return InterceptorOrder.ERROR_TRANSLATION;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(call, headers);
        } catch (RuntimeException e) {
            closeQuietly(call, e);
            return new ServerCall.Listener<>() {};
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    closeQuietly(call, e);
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    closeQuietly(call, e);
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } catch (RuntimeException e) {
                    closeQuietly(call, e);
                }
            }
        };
    }

    private static void closeQuietly(ServerCall<?, ?> call, RuntimeException failure) {
        try {
            call.close(StatusTranslator.toStatus(failure), StatusTranslator.trailers(failure));
        } catch (IllegalStateException alreadyClosed) {
            // The handler closed the call before it threw; nothing more to tell the caller.
        }
    }
}
