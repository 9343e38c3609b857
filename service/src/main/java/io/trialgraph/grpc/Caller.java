package io.trialgraph.grpc;

import io.grpc.Context;
import java.util.Optional;

/**
 * Who made the current call, as its bearer token says: the token's name and role. Set in the
 * gRPC {@link Context} of every call that passed authentication, so logs can name the caller.
 *
 * @param name the name the token was given in the configuration
 * @param role what the token may do
 */
public record Caller(String name, Role role) {

    /** The key of the caller in the gRPC context of an authenticated call. */
    public static final Context.Key<Caller> CONTEXT_KEY = Context.key("trialgraph-caller");

    /** @return the caller of the call running on this thread; empty when authentication is off */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CONTEXT_KEY.get());
    }
}
