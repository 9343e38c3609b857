package io.trialgraph.grpc;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * The gRPC health status on the management port, as {@code GET /health/readiness}: UP exactly when
 * {@code grpc.health.v1.Health/Check} answers SERVING. Kubernetes' gRPC probes cannot speak TLS;
 * with TLS on the gRPC port, probes ask this plain-text HTTP port instead ({@code /health/liveness}
 * answers while the process runs, whatever Neo4j does).
 */
@Singleton
@Readiness
class ServingStatusHealthIndicator implements HealthIndicator {

    private final ServingStatusReporter reporter;

    ServingStatusHealthIndicator(ServingStatusReporter reporter) {
        this.reporter = reporter;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.just(
                HealthResult.builder("trialgraph", reporter.isServing() ? HealthStatus.UP : HealthStatus.DOWN)
                        .build());
    }
}
