package io.trialgraph.grpc;

import io.micronaut.core.order.Ordered;

/**
 * Where each server interceptor sits around a call; a lower order runs further out (first on the
 * way in, last on the way out). Observation sits outermost so it sees every call as its caller
 * saw it, refusals by other interceptors included; the error translation sits innermost, right
 * around the endpoint, so everything outside it sees the translated status.
 */
final class InterceptorOrder {

    /** Micrometer's call counter and timer by method and status. */
    static final int METRICS = Ordered.HIGHEST_PRECEDENCE;

    /** The one log line of each failed call. */
    static final int FAILED_CALL_LOG = Ordered.HIGHEST_PRECEDENCE + 1;

    /** Bearer tokens and roles: before everything that does work, so a refused call costs nothing more. */
    static final int AUTHENTICATION = -200;

    /** The deadline of calls that came without one: after authentication, a refused call needs no timer. */
    static final int DEFAULT_DEADLINE = -100;

    /**
     * The call's budget for database work (its deadline, its cancellation, its connection share):
     * inside the default deadline, so that it sees that deadline.
     */
    static final int CALL_BUDGET = -50;

    /** Turns what an endpoint threw into a status. */
    static final int ERROR_TRANSLATION = Ordered.LOWEST_PRECEDENCE;

    private InterceptorOrder() {}
}
