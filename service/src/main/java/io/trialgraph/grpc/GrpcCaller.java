package io.trialgraph.grpc;

import io.grpc.Context;
import io.trialgraph.security.Caller;
import java.util.Optional;

/** The {@link Caller} of a gRPC call, kept in the call's {@link Context} so logs can name it. */
public final class GrpcCaller {

    /** The key of the caller in the gRPC context of an authenticated call. */
    public static final Context.Key<Caller> CONTEXT_KEY = Context.key("trialgraph-caller");

    private GrpcCaller() {}

    /** @return the caller of the call running on this thread; empty when authentication is off */
    public static Optional<Caller> current() {
        return Optional.ofNullable(CONTEXT_KEY.get());
    }
}
