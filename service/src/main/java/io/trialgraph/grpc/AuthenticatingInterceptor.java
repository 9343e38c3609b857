package io.trialgraph.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Lets a call through only with a known bearer token whose role the method needs (see
 * {@link MethodRoles}): no or an unknown token is UNAUTHENTICATED, too small a role is
 * PERMISSION_DENIED naming the method and the role it needs. Health checking and reflection pass
 * without a token. The caller is put in the call's context ({@link Caller#current()}).
 */
@Singleton
@Requires(property = "trialgraph.auth.enabled", value = "true")
class AuthenticatingInterceptor implements ServerInterceptor, Ordered {

    static final int ORDER = InterceptorOrder.AUTHENTICATION;

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final BearerTokens tokens;

    AuthenticatingInterceptor(BearerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (MethodRoles.isPublic(method)) {
            return next.startCall(call, headers);
        }
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "missing bearer token: send the header 'authorization: Bearer <token>'"));
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    "the authorization header is not 'Bearer <token>'"));
        }
        Optional<Caller> caller = tokens.authenticate(authorization.substring(BEARER.length()).strip());
        if (caller.isEmpty()) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("unknown bearer token"));
        }
        Optional<Role> required = MethodRoles.requiredRole(method);
        if (required.isEmpty()) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(
                    method + " has no role declared, so no token may call it"));
        }
        Role role = caller.get().role();
        if (!role.includes(required.get())) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " needs role "
                    + required.get().label() + "; the token of '" + caller.get().name() + "' has role " + role.label()));
        }
        return Contexts.interceptCall(Context.current().withValue(Caller.CONTEXT_KEY, caller.get()), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
