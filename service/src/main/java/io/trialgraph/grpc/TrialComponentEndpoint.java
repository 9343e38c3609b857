package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.AssociateTrialComponentResponse;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialComponentResponse;
import io.trialgraph.api.v1.DeleteTrialComponentRequest;
import io.trialgraph.api.v1.DeleteTrialComponentResponse;
import io.trialgraph.api.v1.DisassociateTrialComponentRequest;
import io.trialgraph.api.v1.DisassociateTrialComponentResponse;
import io.trialgraph.api.v1.GetTrialComponentRequest;
import io.trialgraph.api.v1.GetTrialComponentResponse;
import io.trialgraph.api.v1.LinkArtifactsRequest;
import io.trialgraph.api.v1.LinkArtifactsResponse;
import io.trialgraph.api.v1.ListTrialComponentsRequest;
import io.trialgraph.api.v1.ListTrialComponentsResponse;
import io.trialgraph.api.v1.LogParametersRequest;
import io.trialgraph.api.v1.LogParametersResponse;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.UnlinkArtifactsRequest;
import io.trialgraph.api.v1.UnlinkArtifactsResponse;
import io.trialgraph.api.v1.UpdateTrialComponentRequest;
import io.trialgraph.api.v1.UpdateTrialComponentResponse;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.TrialComponent;
import io.trialgraph.domain.Updates.ComponentUpdate;
import io.trialgraph.service.TrialComponentService;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;

/** gRPC face of {@link TrialComponentService}: translation only. */
@Singleton
class TrialComponentEndpoint extends TrialComponentServiceGrpc.TrialComponentServiceImplBase {

    private final TrialComponentService service;

    TrialComponentEndpoint(TrialComponentService service) {
        this.service = service;
    }

    @Override
    public void createTrialComponent(CreateTrialComponentRequest request, StreamObserver<CreateTrialComponentResponse> response) {
        TrialComponent created = service.create(Protos.component(request.getTrialComponent()));
        reply(response, CreateTrialComponentResponse.newBuilder().setTrialComponent(Protos.component(created)).build());
    }

    @Override
    public void getTrialComponent(GetTrialComponentRequest request, StreamObserver<GetTrialComponentResponse> response) {
        reply(response, GetTrialComponentResponse.newBuilder()
                .setTrialComponent(Protos.component(service.get(request.getName()))).build());
    }

    @Override
    public void listTrialComponents(ListTrialComponentsRequest request, StreamObserver<ListTrialComponentsResponse> response) {
        Page<TrialComponent> page = service.list(request.getTrialName(), request.getExperimentName(), request.getKind(),
                Protos.status(request.getStatus()), request.getPageSize(), request.getPageToken());
        ListTrialComponentsResponse.Builder builder = ListTrialComponentsResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.items().forEach(component -> builder.addTrialComponents(Protos.component(component)));
        reply(response, builder.build());
    }

    @Override
    public void updateTrialComponent(UpdateTrialComponentRequest request, StreamObserver<UpdateTrialComponentResponse> response) {
        ComponentUpdate update = new ComponentUpdate(request.getName(),
                request.hasDisplayName() ? Optional.of(request.getDisplayName()) : Optional.empty(),
                Protos.status(request.getStatus()),
                request.hasStatusMessage() ? Optional.of(request.getStatusMessage()) : Optional.empty(),
                request.hasStartTime() ? Protos.instant("start_time", request.getStartTime()) : null,
                request.hasEndTime() ? Protos.instant("end_time", request.getEndTime()) : null,
                request.getSetMetadataMap(), request.getRemoveMetadataList());
        reply(response, UpdateTrialComponentResponse.newBuilder().setTrialComponent(Protos.component(service.update(update))).build());
    }

    @Override
    public void deleteTrialComponent(DeleteTrialComponentRequest request, StreamObserver<DeleteTrialComponentResponse> response) {
        reply(response, DeleteTrialComponentResponse.newBuilder()
                .setDeletedArtifacts(service.delete(request.getName()).artifacts()).build());
    }

    @Override
    public void logParameters(LogParametersRequest request, StreamObserver<LogParametersResponse> response) {
        Map<String, Object> parameters = service.logParameters(request.getTrialComponentName(),
                Protos.parameters("parameters", request.getParametersMap()), request.getRemoveParametersList());
        reply(response, LogParametersResponse.newBuilder().putAllParameters(Protos.parameters(parameters)).build());
    }

    @Override
    public void associateTrialComponent(AssociateTrialComponentRequest request,
            StreamObserver<AssociateTrialComponentResponse> response) {
        boolean created = service.associate(request.getTrialComponentName(), request.getTrialName());
        reply(response, AssociateTrialComponentResponse.newBuilder().setCreated(created).build());
    }

    @Override
    public void disassociateTrialComponent(DisassociateTrialComponentRequest request,
            StreamObserver<DisassociateTrialComponentResponse> response) {
        boolean removed = service.disassociate(request.getTrialComponentName(), request.getTrialName());
        reply(response, DisassociateTrialComponentResponse.newBuilder().setRemoved(removed).build());
    }

    @Override
    public void linkArtifacts(LinkArtifactsRequest request, StreamObserver<LinkArtifactsResponse> response) {
        TrialComponent linked = service.link(request.getTrialComponentName(), Protos.links(request.getInputsList()),
                Protos.links(request.getOutputsList()));
        LinkArtifactsResponse.Builder builder = LinkArtifactsResponse.newBuilder();
        linked.inputs().forEach(link -> builder.addInputs(Protos.link(link)));
        linked.outputs().forEach(link -> builder.addOutputs(Protos.link(link)));
        reply(response, builder.build());
    }

    @Override
    public void unlinkArtifacts(UnlinkArtifactsRequest request, StreamObserver<UnlinkArtifactsResponse> response) {
        long removed = service.unlink(request.getTrialComponentName(), Protos.links(request.getInputsList()),
                Protos.links(request.getOutputsList()));
        reply(response, UnlinkArtifactsResponse.newBuilder().setRemovedLinks(removed).build());
    }
}
