package io.trialgraph.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.TrialGraphException;
import io.trialgraph.security.Authenticator;
import java.util.Optional;

/**
 * Who may reach which route, before any work is done. The two HTTP listeners share one router:
 * the management port serves only Micronaut's management endpoints (health, Prometheus), the HTTP
 * port only the UI's files ({@link UiAsset}) and API routes ({@link Rpc}), each of which needs the
 * bearer token and role its RPC needs on gRPC ({@link Authenticator}). A route that is neither on
 * the HTTP port is refused (fail closed).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class HttpAccessFilter {

    private final WebServer web;
    private final Authenticator authenticator;

    HttpAccessFilter(WebServer web, Authenticator authenticator) {
        this.web = web;
        this.authenticator = authenticator;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        Optional<RouteMatch<?>> route = RouteAttributes.getRouteMatch(request);
        if (route.isEmpty()) {
            return null; // no route: the router answers 404 (or 405)
        }
        String rpc = route.get().getAnnotationMetadata().stringValue(Rpc.class).orElse(null);
        boolean asset = route.get().getAnnotationMetadata().hasAnnotation(UiAsset.class)
                || route.get().getAnnotationMetadata().hasStereotype(UiAsset.class);
        boolean onHttpPort = web.isRunning() && request.getServerAddress().getPort() == web.port();
        try {
            if (!onHttpPort) {
                if (rpc != null || asset) {
                    throw new NotFoundException("page", request.getPath());
                }
                return null;
            }
            if (asset) {
                return null;
            }
            if (rpc == null) {
                // A management endpoint, or a route added without a declared RPC: not on this port.
                throw new NotFoundException("page", request.getPath());
            }
            authenticator.authorize(request.getHeaders().get(HttpHeaders.AUTHORIZATION), rpc);
            return null;
        } catch (TrialGraphException refused) {
            // 401 (no or an unknown token), 403 (a role too small), 404 (not on this port)
            return ApiErrors.response(refused);
        }
    }
}
