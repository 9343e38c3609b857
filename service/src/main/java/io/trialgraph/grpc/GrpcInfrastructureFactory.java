package io.trialgraph.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The standard gRPC services every generic tool expects: health checking ({@code grpc.health.v1})
 * and server reflection, so {@code grpcurl} and friends can list and call our services.
 */
@Factory
class GrpcInfrastructureFactory {

    @Singleton
    HealthStatusManager healthStatusManager() {
        HealthStatusManager manager = new HealthStatusManager();
        // Not serving until Neo4j is reachable and the schema is migrated (see ServingStatus).
        manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING);
        manager.setStatus(ServingStatusReporter.LIVENESS, io.grpc.health.v1.HealthCheckResponse.ServingStatus.NOT_SERVING);
        return manager;
    }

    @Singleton
    @Named("health")
    BindableService healthService(HealthStatusManager manager) {
        return manager.getHealthService();
    }

    @Singleton
    @Named("reflection")
    BindableService reflectionService() {
        return ProtoReflectionServiceV1.newInstance();
    }
}
