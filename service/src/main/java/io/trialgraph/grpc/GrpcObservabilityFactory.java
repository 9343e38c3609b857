package io.trialgraph.grpc;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micronaut.context.annotation.Factory;
import io.micronaut.grpc.server.interceptor.OrderedServerInterceptor;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Meters every gRPC call with Micrometer's interceptor: {@code grpc.server.processing.duration}
 * (a timer, so a count and a latency per service, method, method type and status code) and
 * messages received and sent. Installed here rather than by micronaut-micrometer so that it runs
 * outside the error translation (see {@link InterceptorOrder}).
 */
@Factory
class GrpcObservabilityFactory {

    @Singleton
    @Named("metrics")
    ServerInterceptor callMetrics(MeterRegistry registry) {
        return new OrderedServerInterceptor(new MetricCollectingServerInterceptor(registry), InterceptorOrder.METRICS);
    }
}
