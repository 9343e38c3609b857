package io.trialgraph.grpc;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateExperimentResponse;
import io.trialgraph.api.v1.DeleteExperimentRequest;
import io.trialgraph.api.v1.DeleteExperimentResponse;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.GetExperimentResponse;
import io.trialgraph.api.v1.ListExperimentsRequest;
import io.trialgraph.api.v1.ListExperimentsResponse;
import io.trialgraph.api.v1.UpdateExperimentRequest;
import io.trialgraph.api.v1.UpdateExperimentResponse;
import io.trialgraph.domain.Experiment;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.domain.Updates.ExperimentUpdate;
import io.trialgraph.service.ExperimentService;
import jakarta.inject.Singleton;
import java.util.Optional;

/** gRPC face of {@link ExperimentService}: translation only. */
@Singleton
class ExperimentEndpoint extends ExperimentServiceGrpc.ExperimentServiceImplBase {

    private final ExperimentService service;

    ExperimentEndpoint(ExperimentService service) {
        this.service = service;
    }

    @Override
    public void createExperiment(CreateExperimentRequest request, StreamObserver<CreateExperimentResponse> response) {
        Experiment created = service.create(Protos.experiment(request.getExperiment()));
        reply(response, CreateExperimentResponse.newBuilder().setExperiment(Protos.experiment(created)).build());
    }

    @Override
    public void getExperiment(GetExperimentRequest request, StreamObserver<GetExperimentResponse> response) {
        reply(response, GetExperimentResponse.newBuilder().setExperiment(Protos.experiment(service.get(request.getName()))).build());
    }

    @Override
    public void listExperiments(ListExperimentsRequest request, StreamObserver<ListExperimentsResponse> response) {
        Page<Experiment> page = service.list(request.getNamePrefix(), request.getTagsMap(), request.getPageSize(),
                request.getPageToken());
        ListExperimentsResponse.Builder builder = ListExperimentsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(experiment -> builder.addExperiments(Protos.experiment(experiment)));
        reply(response, builder.build());
    }

    @Override
    public void updateExperiment(UpdateExperimentRequest request, StreamObserver<UpdateExperimentResponse> response) {
        ExperimentUpdate update = new ExperimentUpdate(request.getName(),
                request.hasDisplayName() ? Optional.of(request.getDisplayName()) : Optional.empty(),
                request.hasDescription() ? Optional.of(request.getDescription()) : Optional.empty(),
                request.getSetTagsMap(), request.getRemoveTagsList());
        reply(response, UpdateExperimentResponse.newBuilder().setExperiment(Protos.experiment(service.update(update))).build());
    }

    @Override
    public void deleteExperiment(DeleteExperimentRequest request, StreamObserver<DeleteExperimentResponse> response) {
        Deleted deleted = service.delete(request.getName(), request.getCascade());
        reply(response, DeleteExperimentResponse.newBuilder()
                .setDeletedTrials(deleted.trials())
                .setDeletedTrialComponents(deleted.components())
                .setDeletedArtifacts(deleted.artifacts())
                .build());
    }

    static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
