package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.CreateArtifactRequest;
import io.trialgraph.api.v1.CreateArtifactResponse;
import io.trialgraph.api.v1.DeleteArtifactRequest;
import io.trialgraph.api.v1.DeleteArtifactResponse;
import io.trialgraph.api.v1.GetArtifactRequest;
import io.trialgraph.api.v1.GetArtifactResponse;
import io.trialgraph.api.v1.ListArtifactsRequest;
import io.trialgraph.api.v1.ListArtifactsResponse;
import io.trialgraph.api.v1.UpdateArtifactRequest;
import io.trialgraph.api.v1.UpdateArtifactResponse;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Updates.ArtifactUpdate;
import io.trialgraph.service.ArtifactService;
import jakarta.inject.Singleton;
import java.util.Optional;

/** gRPC face of {@link ArtifactService}: translation only. */
@Singleton
class ArtifactEndpoint extends ArtifactServiceGrpc.ArtifactServiceImplBase {

    private final ArtifactService service;

    ArtifactEndpoint(ArtifactService service) {
        this.service = service;
    }

    @Override
    public void createArtifact(CreateArtifactRequest request, StreamObserver<CreateArtifactResponse> response) {
        Artifact created = service.create(Protos.artifact(request.getArtifact()));
        reply(response, CreateArtifactResponse.newBuilder().setArtifact(Protos.artifact(created)).build());
    }

    @Override
    public void getArtifact(GetArtifactRequest request, StreamObserver<GetArtifactResponse> response) {
        reply(response, GetArtifactResponse.newBuilder()
                .setArtifact(Protos.artifact(service.get(Protos.key(request.getKey())))).build());
    }

    @Override
    public void listArtifacts(ListArtifactsRequest request, StreamObserver<ListArtifactsResponse> response) {
        Page<Artifact> page = service.list(Protos.kind(request.getKind()), request.getUriPrefix(), request.getPageSize(),
                request.getPageToken());
        ListArtifactsResponse.Builder builder = ListArtifactsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(artifact -> builder.addArtifacts(Protos.artifact(artifact)));
        reply(response, builder.build());
    }

    @Override
    public void updateArtifact(UpdateArtifactRequest request, StreamObserver<UpdateArtifactResponse> response) {
        ArtifactUpdate update = new ArtifactUpdate(Protos.key(request.getKey()), Protos.kind(request.getKind()),
                request.hasName() ? Optional.of(request.getName()) : Optional.empty(),
                request.hasDigest() ? Optional.of(request.getDigest()) : Optional.empty(),
                request.hasMediaType() ? Optional.of(request.getMediaType()) : Optional.empty(),
                request.hasSizeBytes() ? Optional.of(request.getSizeBytes()) : Optional.empty(),
                request.getSetMetadataMap(), request.getRemoveMetadataList());
        reply(response, UpdateArtifactResponse.newBuilder().setArtifact(Protos.artifact(service.update(update))).build());
    }

    @Override
    public void deleteArtifact(DeleteArtifactRequest request, StreamObserver<DeleteArtifactResponse> response) {
        long links = service.delete(Protos.key(request.getKey()), request.getCascade());
        reply(response, DeleteArtifactResponse.newBuilder().setDeletedLinks(links).build());
    }
}
