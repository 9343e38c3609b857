package io.trialgraph.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.trialgraph.domain.TrialGraphException;
import io.trialgraph.security.Authenticator;
import io.trialgraph.security.Caller;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Lets a call through only with a known bearer token whose role the method needs, as
 * {@link Authenticator} decides: no or an unknown token is UNAUTHENTICATED, too small a role is
 * PERMISSION_DENIED naming the method and the role it needs. Health checking and reflection pass
 * without a token. The caller is put in the call's context ({@link GrpcCaller#current()}).
 */
@Singleton
@Requires(property = "trialgraph.auth.enabled", value = "true")
class AuthenticatingInterceptor implements ServerInterceptor, Ordered {

    static final int ORDER = InterceptorOrder.AUTHENTICATION;

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Authenticator authenticator;

    AuthenticatingInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<Caller> caller;
        try {
            caller = authenticator.authorize(
                    headers.get(AUTHORIZATION), call.getMethodDescriptor().getFullMethodName());
        } catch (TrialGraphException refused) {
            call.close(StatusTranslator.toStatus(refused), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (caller.isEmpty()) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
                Context.current().withValue(GrpcCaller.CONTEXT_KEY, caller.get()), call, headers, next);
    }
}
