package io.trialgraph.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every RPC the server serves has its role declared in {@link MethodRoles}, or is public on purpose. */
@TrialGraphTest
class MethodRolesIT {

    @Test
    void everyServedMethodHasADeclaredRoleOrIsPublic(TestServer server) {
        List<String> served = new ArrayList<>();
        List<String> undeclared = new ArrayList<>();
        List<String> publicMethods = new ArrayList<>();
        for (ServerServiceDefinition service : server.server()
                .context()
                .getBean(GrpcEmbeddedServer.class)
                .getServer()
                .getServices()) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                String name = method.getMethodDescriptor().getFullMethodName();
                served.add(name);
                if (MethodRoles.isPublic(name)) {
                    publicMethods.add(name);
                } else if (MethodRoles.requiredRole(name).isEmpty()) {
                    undeclared.add(name);
                }
            }
        }
        assertThat(undeclared)
                .as("RPCs without a role in MethodRoles: declare one")
                .isEmpty();
        assertThat(publicMethods)
                .containsExactlyInAnyOrder(
                        "grpc.health.v1.Health/Check",
                        "grpc.health.v1.Health/Watch",
                        "grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
        assertThat(served).contains("trialgraph.v1.QueryService/RunQuery", "trialgraph.v1.MetricService/IngestMetrics");
    }

    @Test
    void deletesNeedAdminWritesWriterAndReadsReader() {
        assertThat(MethodRoles.requiredRole("trialgraph.v1.ExperimentService/DeleteExperiment"))
                .contains(Role.ADMIN);
        assertThat(MethodRoles.requiredRole("trialgraph.v1.ArtifactService/DeleteArtifact"))
                .contains(Role.ADMIN);
        assertThat(MethodRoles.requiredRole("trialgraph.v1.MetricService/IngestMetrics"))
                .contains(Role.WRITER);
        assertThat(MethodRoles.requiredRole("trialgraph.v1.TrialComponentService/LogParameters"))
                .contains(Role.WRITER);
        assertThat(MethodRoles.requiredRole("trialgraph.v1.QueryService/RunQuery"))
                .contains(Role.READER);
        assertThat(MethodRoles.requiredRole("trialgraph.v1.LineageService/GetLineage"))
                .contains(Role.READER);
        assertThat(MethodRoles.requiredRole("trialgraph.v1.Nothing/Here")).isEmpty();
    }
}
