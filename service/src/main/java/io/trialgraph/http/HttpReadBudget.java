package io.trialgraph.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.web.router.RouteAttributes;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.trialgraph.config.ReadConfiguration;
import io.trialgraph.domain.CallBudget;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.grpc.ReadLanes;
import java.time.Duration;

/**
 * Gives every API request (the JSON API and the MLflow API) the budget a gRPC call has: its reads run at most the time the request
 * names in the header {@value #TIMEOUT_HEADER} (milliseconds, capped by
 * {@code trialgraph.reads.max-time}) or else {@code trialgraph.reads.http-default-time}, and the
 * routes that mirror long reads (query, table, export, lineage, series) draw from the same bounded
 * share of Neo4j connections as those RPCs. The budget is current on the thread that runs the
 * route (Micronaut carries it there with the request's propagated context).
 *
 * <p>A client that closes its connection before the answer is complete stops the request's
 * reads at once, as a cancelled gRPC call does: without this a read whose client left ran on
 * until its budget ended (30 s by default), holding a connection of the long-read share. Netty
 * notices the close while the route runs because Micronaut keeps reading a connection that has
 * one request in flight.
 */
@ServerFilter({Api.PREFIX + "/**", "/api/2.0/mlflow/**", "/ajax-api/2.0/mlflow/**"})
final class HttpReadBudget {

    /** The request header that names how long the request's reads may run, in milliseconds. */
    static final String TIMEOUT_HEADER = "X-Timeout-Ms";

    /** The request attribute holding what stops watching the connection for a close. */
    private static final String CLOSE_WATCH = HttpReadBudget.class.getName() + ".closeWatch";

    private final ReadConfiguration reads;

    HttpReadBudget(ReadConfiguration reads) {
        this.reads = reads;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> open(HttpRequest<?> request, MutablePropagatedContext context) {
        String rpc = RouteAttributes.getRouteMatch(request)
                .flatMap(route -> route.getAnnotationMetadata().stringValue(Rpc.class))
                .orElse(null);
        if (rpc == null) {
            return null; // refused by the access filter, or no such route
        }
        Duration time;
        try {
            time = time(request.getHeaders().get(TIMEOUT_HEADER));
        } catch (InvalidArgumentException invalid) {
            return ApiErrors.response(invalid);
        }
        CallBudget budget = CallBudget.of(time, ReadLanes.of(rpc));
        context.add(new Current(budget));
        if (request instanceof NettyHttpRequest<?> netty) {
            ChannelFuture closed = netty.getChannelHandlerContext().channel().closeFuture();
            ChannelFutureListener leave = future -> budget.stop(CallBudget.Reason.CANCELLED);
            closed.addListener(leave);
            request.setAttribute(CLOSE_WATCH, (Runnable) () -> closed.removeListener(leave));
        }
        return null;
    }

    /**
     * The answer is ready: the connection's close no longer concerns this request (a kept-alive
     * connection serves many requests, which must not pile up listeners on it). A streamed body's
     * remaining chunks stop by themselves when the connection goes ({@link StreamedBody}).
     */
    @ResponseFilter
    void close(HttpRequest<?> request) {
        request.getAttribute(CLOSE_WATCH, Runnable.class).ifPresent(Runnable::run);
    }

    private Duration time(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return reads.getHttpDefaultTime();
        }
        long millis;
        try {
            millis = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 1) {
            throw new InvalidArgumentException(
                    TIMEOUT_HEADER,
                    "must be a whole number of milliseconds, at least 1, is '" + Params.quoted(header) + "'");
        }
        Duration named = Duration.ofMillis(millis);
        return named.compareTo(reads.getMaxTime()) > 0 ? reads.getMaxTime() : named;
    }

    /** Makes the request's budget current on each thread that works for the request, while it does. */
    private record Current(CallBudget budget) implements ThreadPropagatedContextElement<CallBudget.Scope> {

        @Override
        public CallBudget.Scope updateThreadContext() {
            return budget.enter();
        }

        @Override
        public void restoreThreadContext(CallBudget.Scope previous) {
            previous.close();
        }
    }
}
