package io.trialgraph.security;

import static java.util.Map.entry;

import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that says which role each RPC needs when authentication is on. A method missing
 * here is refused to every token (fail closed), and {@code MethodRolesIT} fails for every method
 * the server serves that is neither listed nor public.
 */
public final class MethodRoles {

    /** Services anyone may call without a token: load balancers and generic gRPC tools rely on them. */
    private static final Set<String> PUBLIC_SERVICES =
            Set.of(HealthGrpc.SERVICE_NAME, ServerReflectionGrpc.SERVICE_NAME);

    private static final Map<String, Role> REQUIRED = Map.ofEntries(
            reader(ServerServiceGrpc.getGetServerInfoMethod()),
            writer(ExperimentServiceGrpc.getCreateExperimentMethod()),
            reader(ExperimentServiceGrpc.getGetExperimentMethod()),
            reader(ExperimentServiceGrpc.getListExperimentsMethod()),
            writer(ExperimentServiceGrpc.getUpdateExperimentMethod()),
            admin(ExperimentServiceGrpc.getDeleteExperimentMethod()),
            writer(TrialServiceGrpc.getCreateTrialMethod()),
            reader(TrialServiceGrpc.getGetTrialMethod()),
            reader(TrialServiceGrpc.getListTrialsMethod()),
            writer(TrialServiceGrpc.getUpdateTrialMethod()),
            admin(TrialServiceGrpc.getDeleteTrialMethod()),
            writer(TrialComponentServiceGrpc.getCreateTrialComponentMethod()),
            reader(TrialComponentServiceGrpc.getGetTrialComponentMethod()),
            reader(TrialComponentServiceGrpc.getListTrialComponentsMethod()),
            writer(TrialComponentServiceGrpc.getUpdateTrialComponentMethod()),
            admin(TrialComponentServiceGrpc.getDeleteTrialComponentMethod()),
            writer(TrialComponentServiceGrpc.getLogParametersMethod()),
            writer(TrialComponentServiceGrpc.getAssociateTrialComponentMethod()),
            // Removing a link removes no node: part of recording a job, like adding one.
            writer(TrialComponentServiceGrpc.getDisassociateTrialComponentMethod()),
            writer(TrialComponentServiceGrpc.getLinkArtifactsMethod()),
            writer(TrialComponentServiceGrpc.getUnlinkArtifactsMethod()),
            writer(ArtifactServiceGrpc.getCreateArtifactMethod()),
            reader(ArtifactServiceGrpc.getGetArtifactMethod()),
            reader(ArtifactServiceGrpc.getListArtifactsMethod()),
            writer(ArtifactServiceGrpc.getUpdateArtifactMethod()),
            admin(ArtifactServiceGrpc.getDeleteArtifactMethod()),
            writer(MetricServiceGrpc.getIngestMetricsMethod()),
            reader(MetricServiceGrpc.getGetMetricSummariesMethod()),
            reader(MetricServiceGrpc.getReadMetricSeriesMethod()),
            reader(LineageServiceGrpc.getGetLineageMethod()),
            reader(LineageServiceGrpc.getGetLineageDotMethod()),
            reader(AnalyticsServiceGrpc.getGetTableMethod()),
            reader(AnalyticsServiceGrpc.getExportTableCsvMethod()),

            // Read-only by construction: the query service refuses any plan that writes.
            reader(QueryServiceGrpc.getRunQueryMethod()));

    private MethodRoles() {}

    /** @return whether the method belongs to a service anyone may call without a token */
    public static boolean isPublic(String fullMethodName) {
        return PUBLIC_SERVICES.contains(MethodDescriptor.extractFullServiceName(fullMethodName));
    }

    /** @return the role the method needs; empty for a method nobody declared (refused to everyone) */
    public static Optional<Role> requiredRole(String fullMethodName) {
        return Optional.ofNullable(REQUIRED.get(fullMethodName));
    }

    private static Map.Entry<String, Role> reader(MethodDescriptor<?, ?> method) {
        return entry(method.getFullMethodName(), Role.READER);
    }

    private static Map.Entry<String, Role> writer(MethodDescriptor<?, ?> method) {
        return entry(method.getFullMethodName(), Role.WRITER);
    }

    private static Map.Entry<String, Role> admin(MethodDescriptor<?, ?> method) {
        return entry(method.getFullMethodName(), Role.ADMIN);
    }
}
