package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.CreateTrialResponse;
import io.trialgraph.api.v1.DeleteTrialRequest;
import io.trialgraph.api.v1.DeleteTrialResponse;
import io.trialgraph.api.v1.GetTrialRequest;
import io.trialgraph.api.v1.GetTrialResponse;
import io.trialgraph.api.v1.ListTrialsRequest;
import io.trialgraph.api.v1.ListTrialsResponse;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.api.v1.UpdateTrialRequest;
import io.trialgraph.api.v1.UpdateTrialResponse;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Trial;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.domain.Updates.TrialUpdate;
import io.trialgraph.service.TrialService;
import jakarta.inject.Singleton;
import java.util.Optional;

/** gRPC face of {@link TrialService}: translation only. */
@Singleton
class TrialEndpoint extends TrialServiceGrpc.TrialServiceImplBase {

    private final TrialService service;

    TrialEndpoint(TrialService service) {
        this.service = service;
    }

    @Override
    public void createTrial(CreateTrialRequest request, StreamObserver<CreateTrialResponse> response) {
        reply(response, CreateTrialResponse.newBuilder().setTrial(Protos.trial(service.create(Protos.trial(request.getTrial())))).build());
    }

    @Override
    public void getTrial(GetTrialRequest request, StreamObserver<GetTrialResponse> response) {
        reply(response, GetTrialResponse.newBuilder().setTrial(Protos.trial(service.get(request.getName()))).build());
    }

    @Override
    public void listTrials(ListTrialsRequest request, StreamObserver<ListTrialsResponse> response) {
        Page<Trial> page = service.list(request.getExperimentName(), request.getPageSize(), request.getPageToken());
        ListTrialsResponse.Builder builder = ListTrialsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(trial -> builder.addTrials(Protos.trial(trial)));
        reply(response, builder.build());
    }

    @Override
    public void updateTrial(UpdateTrialRequest request, StreamObserver<UpdateTrialResponse> response) {
        TrialUpdate update = new TrialUpdate(request.getName(),
                request.hasDisplayName() ? Optional.of(request.getDisplayName()) : Optional.empty(),
                request.getSetTagsMap(), request.getRemoveTagsList());
        reply(response, UpdateTrialResponse.newBuilder().setTrial(Protos.trial(service.update(update))).build());
    }

    @Override
    public void deleteTrial(DeleteTrialRequest request, StreamObserver<DeleteTrialResponse> response) {
        Deleted deleted = service.delete(request.getName(), request.getCascade());
        reply(response, DeleteTrialResponse.newBuilder()
                .setDeletedTrialComponents(deleted.components())
                .setDeletedArtifacts(deleted.artifacts())
                .build());
    }
}
