package io.trialgraph.security;

import io.trialgraph.config.AuthConfiguration;
import io.trialgraph.domain.PermissionDeniedException;
import io.trialgraph.domain.UnauthenticatedException;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The one decision every surface (gRPC, HTTP) makes before it does any work: does the
 * {@code authorization} header carry a known bearer token whose role the operation needs? The
 * operation is named by its gRPC method (an HTTP route names the RPC it mirrors), so
 * {@link MethodRoles} is the only table of roles and both surfaces refuse with the same words.
 */
@Singleton
public final class Authenticator {

    private static final String BEARER = "Bearer ";

    private final boolean enabled;
    private final BearerTokens tokens;

    Authenticator(AuthConfiguration config, BearerTokens tokens) {
        this.enabled = config.isEnabled();
        this.tokens = tokens;
    }

    /** @return whether calls need a token ({@code trialgraph.auth.enabled}) */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Checks a call's credential.
     *
     * @param authorization the {@code authorization} header, or null when absent
     * @param method the full gRPC method name of the operation, e.g. {@code trialgraph.v1.ExperimentService/GetExperiment}
     * @return the caller; empty when authentication is off or the method is public
     * @throws UnauthenticatedException when the token is missing, malformed or unknown
     * @throws PermissionDeniedException when the token's role is too small, or the method has no role
     */
    public Optional<Caller> authorize(String authorization, String method) {
        if (!enabled || MethodRoles.isPublic(method)) {
            return Optional.empty();
        }
        if (authorization == null) {
            throw new UnauthenticatedException("missing bearer token: send the header 'authorization: Bearer <token>'");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new UnauthenticatedException("the authorization header is not 'Bearer <token>'");
        }
        Caller caller = tokens.authenticate(
                        authorization.substring(BEARER.length()).strip())
                .orElseThrow(() -> new UnauthenticatedException("unknown bearer token"));
        Role required = MethodRoles.requiredRole(method)
                .orElseThrow(
                        () -> new PermissionDeniedException(method + " has no role declared, so no token may call it"));
        if (!caller.role().includes(required)) {
            throw new PermissionDeniedException(method + " needs role " + required.label() + "; the token of '"
                    + caller.name() + "' has role " + caller.role().label());
        }
        return Optional.of(caller);
    }
}
