package io.trialgraph.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/**
 * Lets endpoints simply throw: whatever escapes a handler is closed with the status
 * {@link StatusTranslator} picks, instead of grpc-java's bare UNKNOWN. Also ends a call whose
 * request bytes did not parse with INVALID_ARGUMENT ({@link MalformedRequests}), and caps every
 * status description the endpoints send ({@link StatusTranslator#capped}).
 */
@Singleton
class ErrorTranslatingInterceptor implements ServerInterceptor, Ordered {

    @Override
    public int getOrder() {
        return InterceptorOrder.ERROR_TRANSLATION;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> original, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall<Q, R> call = new SimpleForwardingServerCall<>(original) {
            @Override
            public void close(Status status, Metadata trailers) {
                super.close(StatusTranslator.capped(status), trailers);
            }
        };
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(call, headers);
        } catch (RuntimeException e) {
            closeQuietly(call, e);
            return new ServerCall.Listener<>() {};
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            /** The request did not parse: the call is over, nothing more reaches the endpoint. */
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                Status malformed = MalformedRequests.malformed();
                if (malformed != null) {
                    refused = true;
                    closeQuietly(call, malformed.asRuntimeException());
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    closeQuietly(call, e);
                }
            }

            @Override
            public void onHalfClose() {
                if (refused) {
                    return;
                }
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    closeQuietly(call, e);
                }
            }

            @Override
            public void onReady() {
                if (refused) {
                    return;
                }
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
