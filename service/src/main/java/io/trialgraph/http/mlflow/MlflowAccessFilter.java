package io.trialgraph.http.mlflow;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.Router;
import io.trialgraph.config.MlflowConfiguration;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.TrialGraphException;
import io.trialgraph.domain.mlflow.MlflowRules;
import io.trialgraph.http.AllowedHosts;
import io.trialgraph.http.Rpc;
import io.trialgraph.http.WebServer;
import io.trialgraph.security.Authenticator;
import java.util.Optional;

/**
 * MLflow's paths on the HTTP port, before the port's own access check: a path or method MLflow's
 * API does not have here is 404 {@code ENDPOINT_NOT_FOUND} (MLflow's clients try another endpoint
 * on that code), and a missing token or a role too small is refused in MLflow's error shape by
 * the same {@link Authenticator} decision the port's filter then makes again.
 */
@ServerFilter({MlflowApi.PREFIX + "/**", MlflowAjaxApi.PREFIX + "/**"})
final class MlflowAccessFilter implements Ordered {

    private final WebServer web;
    private final Authenticator authenticator;
    private final MlflowConfiguration config;
    private final Router router;
    private final AllowedHosts hosts;

    MlflowAccessFilter(
            WebServer web, Authenticator authenticator, MlflowConfiguration config, Router router, AllowedHosts hosts) {
        this.web = web;
        this.authenticator = authenticator;
        this.config = config;
        this.router = router;
        this.hosts = hosts;
    }

    @Override
    public int getOrder() {
        return -100; // before the HTTP port's access filter (order 0), so refusals come in MLflow's shape
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        if (!web.isRunning() || request.getServerAddress().getPort() != web.port()) {
            return null; // another port: the port's own filter refuses
        }
        try {
            hosts.check(request.getHeaders().get(HttpHeaders.HOST));
        } catch (TrialGraphException refused) {
            return MlflowErrors.response(refused);
        }
        Optional<RouteMatch<?>> route = RouteAttributes.getRouteMatch(request);
        String rpc = route.flatMap(match -> match.getAnnotationMetadata().stringValue(Rpc.class))
                .orElse(null);
        if (!config.isEnabled()) {
            return MlflowErrors.endpointNotFound(request.getMethodName(), request.getPath());
        }
        if (rpc == null) {
            if (router.find(request.getMethod(), request.getPath(), request)
                    .findAny()
                    .isPresent()) {
                // The endpoint exists but reads JSON only: a form or text/plain body, which a web
                // page may send to this loopback port without the browser asking first, is refused unread.
                return MlflowErrors.response(new InvalidArgumentException(
                        "content-type",
                        "must be application/json (what MLflow's clients send), is '"
                                + MlflowRules.quoted(request.getContentType()
                                        .map(MediaType::toString)
                                        .orElse(""))
                                + "'"));
            }
            return MlflowErrors.endpointNotFound(request.getMethodName(), request.getPath());
        }
        try {
            authenticator.authorize(request.getHeaders().get(HttpHeaders.AUTHORIZATION), rpc);
            return null;
        } catch (TrialGraphException refused) {
            return MlflowErrors.response(refused);
        }
    }
}
