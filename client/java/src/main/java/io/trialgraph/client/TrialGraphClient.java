package io.trialgraph.client;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ArtifactKey;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.CreateArtifactRequest;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.CypherRow;
import io.trialgraph.api.v1.DeleteArtifactRequest;
import io.trialgraph.api.v1.DeleteArtifactResponse;
import io.trialgraph.api.v1.DeleteExperimentRequest;
import io.trialgraph.api.v1.DeleteExperimentResponse;
import io.trialgraph.api.v1.DeleteTrialComponentRequest;
import io.trialgraph.api.v1.DeleteTrialRequest;
import io.trialgraph.api.v1.DeleteTrialResponse;
import io.trialgraph.api.v1.DisassociateTrialComponentRequest;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetArtifactRequest;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.GetTrialComponentRequest;
import io.trialgraph.api.v1.GetTrialRequest;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.LinkArtifactsRequest;
import io.trialgraph.api.v1.LinkArtifactsResponse;
import io.trialgraph.api.v1.ListArtifactsRequest;
import io.trialgraph.api.v1.ListArtifactsResponse;
import io.trialgraph.api.v1.ListExperimentsRequest;
import io.trialgraph.api.v1.ListExperimentsResponse;
import io.trialgraph.api.v1.ListTrialComponentsRequest;
import io.trialgraph.api.v1.ListTrialComponentsResponse;
import io.trialgraph.api.v1.ListTrialsRequest;
import io.trialgraph.api.v1.ListTrialsResponse;
import io.trialgraph.api.v1.LogParametersRequest;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.ReadMetricSeriesResponse;
import io.trialgraph.api.v1.RunQueryRequest;
import io.trialgraph.api.v1.RunQueryResponse;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.api.v1.UnlinkArtifactsRequest;
import io.trialgraph.api.v1.UpdateArtifactRequest;
import io.trialgraph.api.v1.UpdateExperimentRequest;
import io.trialgraph.api.v1.UpdateTrialComponentRequest;
import io.trialgraph.api.v1.UpdateTrialRequest;
import io.trialgraph.client.internal.BearerToken;
import io.trialgraph.client.internal.Calls;
import io.trialgraph.client.internal.Convert;
import io.trialgraph.client.internal.Targets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Java client of trialgraph: a typed method for every RPC of the {@code trialgraph.v1} API,
 * plain records in and out, one unchecked {@link TrialGraphException} for every failure, and the
 * batching {@link MetricLogger} and per-job {@link Tracker} for training code.
 *
 * <pre>{@code
 * try (TrialGraphClient client = TrialGraphClient.builder().target("localhost:50051").plaintext().build()) {
 *     client.createExperiment("cifar10", "My custom model beats ResNet50 on CIFAR-10.", Map.of("team", "vision"));
 *     client.createTrial("cifar10", "custom-adam-60", Map.of());
 *     try (Tracker job = client.tracker("custom-adam-60-training", "training", "custom-adam-60")) {
 *         job.logParameters(Map.of("epochs", 60, "optimizer", "adam"));
 *         job.logInput("train", "s3://bucket/cifar10/train", ArtifactKind.DATASET);
 *         for (int step = 0; step < steps; step++) {
 *             job.logMetric("loss", step, loss(step));
 *         }
 *         job.logOutput("model", "s3://bucket/models/custom-adam-60", ArtifactKind.MODEL);
 *     }   // flushes the metrics and marks the job Completed
 * }
 * }</pre>
 *
 * <h2>Calls</h2>
 * Every method is a blocking call with the client's deadline (default 30 s). Reads (get, list,
 * summaries, series, lineage, query, server info) are retried on {@code UNAVAILABLE} up to the
 * configured number of attempts, with a growing pause; writes are not retried (a retried create
 * could fail with {@code ALREADY_EXISTS} after a first attempt that succeeded), so a write that
 * fails with {@code UNAVAILABLE} may or may not have happened. Names, keys and values follow the
 * rules of the API (see the README): the server checks them and answers {@code INVALID_ARGUMENT}
 * naming the field. Strings, maps and lists documented as optional may be null; a null where a
 * value is required (a name, a record) is a programming error and throws NullPointerException.
 *
 * <h2>Lifecycle</h2>
 * A client holds one gRPC channel (thread-safe; share one client per process). {@link #close()}
 * closes the shared metric logger (delivering what it holds) and then the channel.
 */
public final class TrialGraphClient implements AutoCloseable {

    private final ManagedChannel managed;
    private final boolean ownsChannel;
    private final Channel channel;
    private final Duration deadline;
    private final int maxAttempts;
    private final Object loggerLock = new Object();
    private MetricLogger sharedLogger;
    private volatile boolean closed;

    private TrialGraphClient(
            ManagedChannel managed, boolean ownsChannel, Channel channel, Duration deadline, int maxAttempts) {
        this.managed = managed;
        this.ownsChannel = ownsChannel;
        this.channel = channel;
        this.deadline = deadline;
        this.maxAttempts = maxAttempts;
    }

    /** @return a builder; give it at least a target */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the channel calls go through (with the client's token), for stubs of your own */
    public Channel channel() {
        return channel;
    }

    // =========================================================================== experiments

    /**
     * Creates an experiment.
     *
     * @param name unique name (1-120 letters, digits, '-', '_', '.')
     * @param description the hypothesis, in words; may be null
     * @param tags free labels; may be empty
     * @return the experiment as stored
     * @throws TrialGraphException ALREADY_EXISTS (the name is taken), INVALID_ARGUMENT
     */
    public Experiment createExperiment(String name, String description, Map<String, String> tags) {
        return createExperiment(name, "", description, tags);
    }

    /**
     * Creates an experiment with a display name.
     *
     * @param name unique name
     * @param displayName name for people; may be null
     * @param description the hypothesis; may be null
     * @param tags free labels; may be empty
     * @return the experiment as stored
     * @throws TrialGraphException ALREADY_EXISTS, INVALID_ARGUMENT
     */
    public Experiment createExperiment(String name, String displayName, String description, Map<String, String> tags) {
        var experiment = Convert.experiment(name, displayName, description, tags);
        return Convert.experiment(write(() -> experiments()
                        .createExperiment(CreateExperimentRequest.newBuilder()
                                .setExperiment(experiment)
                                .build()))
                .getExperiment());
    }

    /**
     * @param name the experiment's name
     * @return the experiment, with its current trial count
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Experiment getExperiment(String name) {
        return Convert.experiment(read(() -> experiments()
                        .getExperiment(
                                GetExperimentRequest.newBuilder().setName(name).build()))
                .getExperiment());
    }

    /**
     * Lists experiments in name order, a page at a time.
     *
     * @param namePrefix only names starting with this; null or empty for all
     * @param tags only experiments with all these tags; null or empty for all
     * @param pageSize most per page: 0 means 100; at most 1,000
     * @param pageToken the previous page's {@link Page#nextPageToken()}; null or empty for the first page
     * @return one page
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public Page<Experiment> listExperiments(
            String namePrefix, Map<String, String> tags, int pageSize, String pageToken) {
        ListExperimentsResponse r = read(() -> experiments()
                .listExperiments(ListExperimentsRequest.newBuilder()
                        .setNamePrefix(nullToEmpty(namePrefix))
                        .putAllTags(tags == null ? Map.of() : tags)
                        .setPageSize(pageSize)
                        .setPageToken(nullToEmpty(pageToken))
                        .build()));
        return new Page<>(
                r.getExperimentsList().stream().map(Convert::experiment).toList(), r.getNextPageToken());
    }

    /**
     * Every experiment that matches, fetching page after page.
     *
     * @param namePrefix only names starting with this; null for all
     * @param tags only experiments with all these tags; null for all
     * @return the experiments in name order
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public List<Experiment> listAllExperiments(String namePrefix, Map<String, String> tags) {
        return all(token -> listExperiments(namePrefix, tags, 1000, token));
    }

    /**
     * Changes an experiment; what the update does not set keeps its value.
     *
     * @param name the experiment
     * @param update the changes
     * @return the experiment after the change
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Experiment updateExperiment(String name, ExperimentUpdate update) {
        UpdateExperimentRequest.Builder b = UpdateExperimentRequest.newBuilder()
                .setName(name)
                .putAllSetTags(update.setTags)
                .addAllRemoveTags(update.removeTags);
        if (update.displayName != null) {
            b.setDisplayName(update.displayName);
        }
        if (update.description != null) {
            b.setDescription(update.description);
        }
        return Convert.experiment(
                write(() -> experiments().updateExperiment(b.build())).getExperiment());
    }

    /**
     * Deletes an experiment.
     *
     * @param name the experiment
     * @param cascade also delete its trials, the components that belong to no other trial (with
     *        their metrics) and the artifacts only those used; without it an experiment with trials is refused
     * @return what was deleted with it
     * @throws TrialGraphException NOT_FOUND; FAILED_PRECONDITION (trials left, no cascade)
     */
    public Deleted deleteExperiment(String name, boolean cascade) {
        DeleteExperimentResponse r = write(() -> experiments()
                .deleteExperiment(DeleteExperimentRequest.newBuilder()
                        .setName(name)
                        .setCascade(cascade)
                        .build()));
        return new Deleted(r.getDeletedTrials(), r.getDeletedTrialComponents(), r.getDeletedArtifacts(), 0);
    }

    // =========================================================================== trials

    /**
     * Creates a trial in an experiment.
     *
     * @param experimentName the experiment (must exist)
     * @param name unique name of the trial
     * @param tags free labels; may be empty
     * @return the trial as stored
     * @throws TrialGraphException NOT_FOUND (experiment), ALREADY_EXISTS, INVALID_ARGUMENT
     */
    public Trial createTrial(String experimentName, String name, Map<String, String> tags) {
        return createTrial(experimentName, name, "", tags);
    }

    /**
     * Creates a trial in an experiment, with a display name.
     *
     * @param experimentName the experiment (must exist)
     * @param name unique name of the trial
     * @param displayName name for people; may be null
     * @param tags free labels; may be empty
     * @return the trial as stored
     * @throws TrialGraphException NOT_FOUND (experiment), ALREADY_EXISTS, INVALID_ARGUMENT
     */
    public Trial createTrial(String experimentName, String name, String displayName, Map<String, String> tags) {
        var trial = Convert.trial(experimentName, name, displayName, tags);
        return Convert.trial(write(() -> trials().createTrial(
                                CreateTrialRequest.newBuilder().setTrial(trial).build()))
                .getTrial());
    }

    /**
     * @param name the trial's name
     * @return the trial, with its current component count
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Trial getTrial(String name) {
        return Convert.trial(read(() -> trials().getTrial(
                                GetTrialRequest.newBuilder().setName(name).build()))
                .getTrial());
    }

    /**
     * Lists trials in name order, a page at a time.
     *
     * @param experimentName only the trials of this experiment; null or empty for all
     * @param pageSize most per page: 0 means 100; at most 1,000
     * @param pageToken the previous page's token; null or empty for the first page
     * @return one page
     * @throws TrialGraphException NOT_FOUND (experiment), INVALID_ARGUMENT
     */
    public Page<Trial> listTrials(String experimentName, int pageSize, String pageToken) {
        ListTrialsResponse r = read(() -> trials().listTrials(ListTrialsRequest.newBuilder()
                .setExperimentName(nullToEmpty(experimentName))
                .setPageSize(pageSize)
                .setPageToken(nullToEmpty(pageToken))
                .build()));
        return new Page<>(r.getTrialsList().stream().map(Convert::trial).toList(), r.getNextPageToken());
    }

    /**
     * @param experimentName only the trials of this experiment; null for all
     * @return every matching trial in name order, fetching page after page
     * @throws TrialGraphException NOT_FOUND (experiment)
     */
    public List<Trial> listAllTrials(String experimentName) {
        return all(token -> listTrials(experimentName, 1000, token));
    }

    /**
     * Changes a trial; what the update does not set keeps its value.
     *
     * @param name the trial
     * @param update the changes
     * @return the trial after the change
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Trial updateTrial(String name, TrialUpdate update) {
        UpdateTrialRequest.Builder b = UpdateTrialRequest.newBuilder()
                .setName(name)
                .putAllSetTags(update.setTags)
                .addAllRemoveTags(update.removeTags);
        if (update.displayName != null) {
            b.setDisplayName(update.displayName);
        }
        return Convert.trial(write(() -> trials().updateTrial(b.build())).getTrial());
    }

    /**
     * Deletes a trial.
     *
     * @param name the trial
     * @param cascade also delete the components that belong to no other trial; without it a trial
     *        with components is refused
     * @return what was deleted with it
     * @throws TrialGraphException NOT_FOUND; FAILED_PRECONDITION (components left, no cascade)
     */
    public Deleted deleteTrial(String name, boolean cascade) {
        DeleteTrialResponse r = write(() -> trials().deleteTrial(DeleteTrialRequest.newBuilder()
                .setName(name)
                .setCascade(cascade)
                .build()));
        return new Deleted(0, r.getDeletedTrialComponents(), r.getDeletedArtifacts(), 0);
    }

    // =========================================================================== trial components

    /**
     * Records a component in one transaction: its parameters, metadata, status and times, inputs
     * and outputs (artifacts created when their URI is new) and trial associations.
     *
     * @param spec the component
     * @return the component as stored
     * @throws TrialGraphException ALREADY_EXISTS; NOT_FOUND (a trial); INVALID_ARGUMENT (also for a
     *         parameter of an unsupported type); FAILED_PRECONDITION (an artifact kind contradicts the stored one)
     */
    public TrialComponent createTrialComponent(TrialComponentSpec spec) {
        var component = Convert.component(spec);
        return Convert.component(write(() -> components()
                        .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                                .setTrialComponent(component)
                                .build()))
                .getTrialComponent());
    }

    /**
     * Records a component with a kind in the given trials, and nothing else.
     *
     * @param name unique name
     * @param kind what it is, e.g. "tracker"; may be null
     * @param trialNames trials to associate it with (they must exist)
     * @return the component as stored
     * @throws TrialGraphException as {@link #createTrialComponent(TrialComponentSpec)}
     */
    public TrialComponent createTrialComponent(String name, String kind, String... trialNames) {
        return createTrialComponent(TrialComponentSpec.builder(name)
                .kind(kind)
                .trials(Arrays.asList(trialNames))
                .build());
    }

    /**
     * @param name the component's name
     * @return the component with its parameters, artifacts and trials
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public TrialComponent getTrialComponent(String name) {
        return Convert.component(read(() -> components()
                        .getTrialComponent(GetTrialComponentRequest.newBuilder()
                                .setName(name)
                                .build()))
                .getTrialComponent());
    }

    /**
     * Lists components in name order, a page at a time; filters combine with AND.
     *
     * @param filter which components ({@link TrialComponentFilter#all()} for all)
     * @param pageSize most per page: 0 means 100; at most 1,000
     * @param pageToken the previous page's token; null or empty for the first page
     * @return one page
     * @throws TrialGraphException NOT_FOUND (a named trial or experiment), INVALID_ARGUMENT
     */
    public Page<TrialComponent> listTrialComponents(TrialComponentFilter filter, int pageSize, String pageToken) {
        ListTrialComponentsResponse r = read(() -> components()
                .listTrialComponents(ListTrialComponentsRequest.newBuilder()
                        .setTrialName(nullToEmpty(filter.trialName()))
                        .setExperimentName(nullToEmpty(filter.experimentName()))
                        .setKind(nullToEmpty(filter.kind()))
                        .setStatus(Convert.status(filter.status()))
                        .setPageSize(pageSize)
                        .setPageToken(nullToEmpty(pageToken))
                        .build()));
        return new Page<>(
                r.getTrialComponentsList().stream().map(Convert::component).toList(), r.getNextPageToken());
    }

    /**
     * @param filter which components
     * @return every matching component in name order, fetching page after page
     * @throws TrialGraphException NOT_FOUND (a named trial or experiment), INVALID_ARGUMENT
     */
    public List<TrialComponent> listAllTrialComponents(TrialComponentFilter filter) {
        return all(token -> listTrialComponents(filter, 1000, token));
    }

    /**
     * Changes a component's display name, status, status message, times or metadata.
     *
     * @param name the component
     * @param update the changes
     * @return the component after the change
     * @throws TrialGraphException NOT_FOUND; INVALID_ARGUMENT (also an end time before the start time)
     */
    public TrialComponent updateTrialComponent(String name, TrialComponentUpdate update) {
        UpdateTrialComponentRequest.Builder b = UpdateTrialComponentRequest.newBuilder()
                .setName(name)
                .setStatus(Convert.status(update.status))
                .putAllSetMetadata(update.setMetadata)
                .addAllRemoveMetadata(update.removeMetadata);
        if (update.displayName != null) {
            b.setDisplayName(update.displayName);
        }
        if (update.statusMessage != null) {
            b.setStatusMessage(update.statusMessage);
        }
        if (update.startTime != null) {
            b.setStartTime(Convert.timestamp(update.startTime));
        }
        if (update.endTime != null) {
            b.setEndTime(Convert.timestamp(update.endTime));
        }
        return Convert.component(
                write(() -> components().updateTrialComponent(b.build())).getTrialComponent());
    }

    /**
     * Deletes a component with its associations, metrics and lineage edges, and the artifacts no
     * other component uses.
     *
     * @param name the component
     * @return the artifacts deleted with it (in {@link Deleted#artifacts()})
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Deleted deleteTrialComponent(String name) {
        long artifacts = write(() -> components()
                        .deleteTrialComponent(DeleteTrialComponentRequest.newBuilder()
                                .setName(name)
                                .build()))
                .getDeletedArtifacts();
        return new Deleted(0, 0, artifacts, 0);
    }

    /**
     * Sets typed parameters of a component (logging one again overwrites it, with its new type).
     *
     * @param component the component
     * @param parameters Long/Integer (integer), Double/Float (number), String or Boolean values
     * @return all parameters of the component after the change, by name
     * @throws TrialGraphException NOT_FOUND; INVALID_ARGUMENT (also for a value of another type)
     */
    public Map<String, Object> logParameters(String component, Map<String, ?> parameters) {
        return logParameters(component, parameters, List.of());
    }

    /**
     * Sets some parameters of a component and removes others (removals first).
     *
     * @param component the component
     * @param parameters parameters to set, as for {@link #logParameters(String, Map)}
     * @param remove names of parameters to remove; unknown names are ignored
     * @return all parameters of the component after the change, by name
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Map<String, Object> logParameters(String component, Map<String, ?> parameters, Collection<String> remove) {
        LogParametersRequest request = LogParametersRequest.newBuilder()
                .setTrialComponentName(component)
                .putAllParameters(Convert.parameters(parameters))
                .addAllRemoveParameters(remove)
                .build();
        return Convert.parameters(
                write(() -> components().logParameters(request)).getParametersMap(), true);
    }

    /**
     * Associates a component with a trial (many-to-many); associating twice is a no-op.
     *
     * @param component the component
     * @param trial the trial
     * @return false when the association existed already
     * @throws TrialGraphException NOT_FOUND (component or trial), INVALID_ARGUMENT
     */
    public boolean associateTrialComponent(String component, String trial) {
        return write(() -> components()
                        .associateTrialComponent(AssociateTrialComponentRequest.newBuilder()
                                .setTrialComponentName(component)
                                .setTrialName(trial)
                                .build()))
                .getCreated();
    }

    /**
     * Removes the association of a component with a trial; removing a missing one is a no-op.
     *
     * @param component the component
     * @param trial the trial
     * @return false when there was no association
     * @throws TrialGraphException NOT_FOUND (component or trial), INVALID_ARGUMENT
     */
    public boolean disassociateTrialComponent(String component, String trial) {
        return write(() -> components()
                        .disassociateTrialComponent(DisassociateTrialComponentRequest.newBuilder()
                                .setTrialComponentName(component)
                                .setTrialName(trial)
                                .build()))
                .getRemoved();
    }

    /**
     * Records inputs a component consumed and outputs it produced; new URIs become artifacts,
     * known ones are reused (and described further by the fields given). Linking the same artifact
     * under the same name twice is a no-op.
     *
     * @param component the component
     * @param inputs artifacts it consumed; may be empty
     * @param outputs artifacts it produced; may be empty
     * @return the component's inputs and outputs after the change
     * @throws TrialGraphException NOT_FOUND (component); INVALID_ARGUMENT; FAILED_PRECONDITION (kind contradiction)
     */
    public ArtifactLinks linkArtifacts(String component, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        LinkArtifactsResponse r = write(() -> components()
                .linkArtifacts(LinkArtifactsRequest.newBuilder()
                        .setTrialComponentName(component)
                        .addAllInputs(Convert.linksToProto(inputs))
                        .addAllOutputs(Convert.linksToProto(outputs))
                        .build()));
        return new ArtifactLinks(Convert.links(r.getInputsList()), Convert.links(r.getOutputsList()));
    }

    /**
     * Removes input or output links (matched by URI and link name); the artifacts stay.
     *
     * @param component the component
     * @param inputs input links to remove; may be empty
     * @param outputs output links to remove; may be empty
     * @return the number of links removed
     * @throws TrialGraphException NOT_FOUND (component), INVALID_ARGUMENT
     */
    public long unlinkArtifacts(String component, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        return write(() -> components()
                        .unlinkArtifacts(UnlinkArtifactsRequest.newBuilder()
                                .setTrialComponentName(component)
                                .addAllInputs(Convert.linksToProto(inputs))
                                .addAllOutputs(Convert.linksToProto(outputs))
                                .build()))
                .getRemovedLinks();
    }

    // =========================================================================== artifacts

    /**
     * Creates an artifact (components usually create theirs implicitly, by linking a URI).
     *
     * @param artifact the artifact: {@link Artifact#of} or {@link Artifact#builder}; id and times are ignored
     * @return the artifact as stored, with its id
     * @throws TrialGraphException ALREADY_EXISTS (the URI is known), INVALID_ARGUMENT
     */
    public Artifact createArtifact(Artifact artifact) {
        return Convert.artifact(write(() -> artifacts()
                        .createArtifact(CreateArtifactRequest.newBuilder()
                                .setArtifact(Convert.artifact(artifact))
                                .build()))
                .getArtifact());
    }

    /**
     * @param uri the artifact's URI
     * @return the artifact
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Artifact getArtifact(String uri) {
        return Convert.artifact(read(() -> artifacts()
                        .getArtifact(GetArtifactRequest.newBuilder()
                                .setKey(ArtifactKey.newBuilder().setUri(uri))
                                .build()))
                .getArtifact());
    }

    /**
     * @param id the id the server gave the artifact
     * @return the artifact
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Artifact getArtifactById(String id) {
        return Convert.artifact(read(() -> artifacts()
                        .getArtifact(GetArtifactRequest.newBuilder()
                                .setKey(ArtifactKey.newBuilder().setId(id))
                                .build()))
                .getArtifact());
    }

    /**
     * Lists artifacts in URI order, a page at a time.
     *
     * @param kind only this kind; null for all
     * @param uriPrefix only URIs starting with this; null or empty for all
     * @param pageSize most per page: 0 means 100; at most 1,000
     * @param pageToken the previous page's token; null or empty for the first page
     * @return one page
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public Page<Artifact> listArtifacts(ArtifactKind kind, String uriPrefix, int pageSize, String pageToken) {
        ListArtifactsResponse r = read(() -> artifacts()
                .listArtifacts(ListArtifactsRequest.newBuilder()
                        .setKind(Convert.kind(kind))
                        .setUriPrefix(nullToEmpty(uriPrefix))
                        .setPageSize(pageSize)
                        .setPageToken(nullToEmpty(pageToken))
                        .build()));
        return new Page<>(r.getArtifactsList().stream().map(Convert::artifact).toList(), r.getNextPageToken());
    }

    /**
     * @param kind only this kind; null for all
     * @param uriPrefix only URIs starting with this; null for all
     * @return every matching artifact in URI order, fetching page after page
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public List<Artifact> listAllArtifacts(ArtifactKind kind, String uriPrefix) {
        return all(token -> listArtifacts(kind, uriPrefix, 1000, token));
    }

    /**
     * Changes the description of an artifact.
     *
     * @param uri the artifact's URI
     * @param update the changes
     * @return the artifact after the change
     * @throws TrialGraphException NOT_FOUND; INVALID_ARGUMENT; FAILED_PRECONDITION (kind change refused)
     */
    public Artifact updateArtifact(String uri, ArtifactUpdate update) {
        UpdateArtifactRequest.Builder b = UpdateArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri(uri))
                .setKind(Convert.kind(update.kind))
                .putAllSetMetadata(update.setMetadata)
                .addAllRemoveMetadata(update.removeMetadata);
        if (update.name != null) {
            b.setName(update.name);
        }
        if (update.digest != null) {
            b.setDigest(update.digest);
        }
        if (update.mediaType != null) {
            b.setMediaType(update.mediaType);
        }
        if (update.sizeBytes != null) {
            b.setSizeBytes(update.sizeBytes);
        }
        return Convert.artifact(
                write(() -> artifacts().updateArtifact(b.build())).getArtifact());
    }

    /**
     * Deletes an artifact.
     *
     * @param uri the artifact's URI
     * @param cascade also remove its lineage edges (the components stay); without it a linked artifact is refused
     * @return the lineage edges removed (in {@link Deleted#links()})
     * @throws TrialGraphException NOT_FOUND; FAILED_PRECONDITION (still linked, no cascade)
     */
    public Deleted deleteArtifact(String uri, boolean cascade) {
        DeleteArtifactResponse r = write(() -> artifacts()
                .deleteArtifact(DeleteArtifactRequest.newBuilder()
                        .setKey(ArtifactKey.newBuilder().setUri(uri))
                        .setCascade(cascade)
                        .build()));
        return new Deleted(0, 0, 0, r.getDeletedLinks());
    }

    // =========================================================================== metrics

    /**
     * The metric summaries of one or many components.
     *
     * @param components 1 to 1,000 component names
     * @param metrics only these metrics; null or empty for all
     * @return one summary per component and metric, ordered by component, then metric name
     * @throws TrialGraphException NOT_FOUND (a component), INVALID_ARGUMENT
     */
    public List<MetricSummary> getMetricSummaries(Collection<String> components, Collection<String> metrics) {
        GetMetricSummariesRequest request = GetMetricSummariesRequest.newBuilder()
                .addAllTrialComponentNames(components)
                .addAllMetricNames(metrics == null ? List.of() : metrics)
                .build();
        return read(() -> metrics().getMetricSummaries(request)).getSummariesList().stream()
                .map(Convert::summary)
                .toList();
    }

    /**
     * @param components component names
     * @return the summaries of all their metrics, ordered by component, then metric name
     * @throws TrialGraphException NOT_FOUND (a component), INVALID_ARGUMENT
     */
    public List<MetricSummary> getMetricSummaries(String... components) {
        return getMetricSummaries(Arrays.asList(components), List.of());
    }

    /**
     * Every point of a metric, in step order.
     *
     * @param component the component
     * @param metric the metric
     * @return the series
     * @throws TrialGraphException NOT_FOUND (no such component or metric), INVALID_ARGUMENT
     */
    public Series readMetricSeries(String component, String metric) {
        return readMetricSeries(component, metric, null, null, 0);
    }

    /**
     * A metric's points in a step range, optionally downsampled to at most {@code maxPoints} points
     * that keep the curve's shape (each bucket keeps its first, last, lowest and highest point).
     *
     * @param component the component
     * @param metric the metric
     * @param minStep lowest step (inclusive); null for the first
     * @param maxStep highest step (inclusive); null for the last
     * @param maxPoints at most this many points (at least 4); 0 for all
     * @return the series
     * @throws TrialGraphException NOT_FOUND, INVALID_ARGUMENT
     */
    public Series readMetricSeries(String component, String metric, Long minStep, Long maxStep, int maxPoints) {
        ReadMetricSeriesRequest.Builder b = ReadMetricSeriesRequest.newBuilder()
                .setTrialComponentName(component)
                .setMetricName(metric)
                .setMaxPoints(maxPoints);
        if (minStep != null) {
            b.setMinStep(minStep);
        }
        if (maxStep != null) {
            b.setMaxStep(maxStep);
        }
        ReadMetricSeriesRequest request = b.build();
        return read(() -> {
            Iterator<ReadMetricSeriesResponse> parts = metrics().readMetricSeries(request);
            long total = 0;
            int n = 0;
            long[] steps = new long[0];
            double[] values = new double[0];
            long[] timestamps = new long[0];
            boolean first = true;
            while (parts.hasNext()) {
                ReadMetricSeriesResponse part = parts.next();
                if (first) {
                    total = part.getTotalPoints();
                    int capacity =
                            (int) Math.min(Integer.MAX_VALUE - 8, maxPoints > 0 ? Math.min(total, maxPoints) : total);
                    steps = new long[capacity];
                    values = new double[capacity];
                    timestamps = new long[capacity];
                    first = false;
                }
                int count = part.getPoints().getStepsCount();
                if (n + count > steps.length) {
                    int capacity = Math.max(n + count, steps.length * 2);
                    steps = Arrays.copyOf(steps, capacity);
                    values = Arrays.copyOf(values, capacity);
                    timestamps = Arrays.copyOf(timestamps, capacity);
                }
                for (int i = 0; i < count; i++) {
                    steps[n + i] = part.getPoints().getSteps(i);
                    values[n + i] = part.getPoints().getValues(i);
                    timestamps[n + i] = part.getPoints().getTimestamps(i);
                }
                n += count;
            }
            return new Series(
                    component,
                    metric,
                    total,
                    Arrays.copyOf(steps, n),
                    Arrays.copyOf(values, n),
                    Arrays.copyOf(timestamps, n));
        });
    }

    /**
     * The client's shared metric logger, with the default settings (batches of 10,000 points, 100
     * ms linger, a buffer of 1,000,000 points); created on first use and closed (flushed) by
     * {@link #close()}. Trackers log through it. Do not close it yourself.
     *
     * @return the shared logger
     * @throws TrialGraphException FAILED_PRECONDITION when the client is closed
     */
    public MetricLogger metricLogger() {
        synchronized (loggerLock) {
            if (closed) {
                throw new TrialGraphException(Status.Code.FAILED_PRECONDITION, "the client is closed");
            }
            if (sharedLogger == null) {
                sharedLogger = newMetricLogger().build();
            }
            return sharedLogger;
        }
    }

    /**
     * A builder for a metric logger of your own over this client's channel (with its token); you
     * close what you build, before the client.
     *
     * @return the builder
     */
    public MetricLogger.Builder newMetricLogger() {
        return MetricLogger.builder(channel, managed == null ? null : () -> managed.resetConnectBackoff());
    }

    /**
     * Starts tracking a job: creates the component with status {@code IN_PROGRESS} and the start
     * time now, associated with the given trials, and returns its tracker. Metrics go through the
     * shared {@link #metricLogger()}.
     *
     * @param componentName unique name of the new component
     * @param kind what it is, e.g. "training"
     * @param trialNames trials it belongs to (they must exist)
     * @return the tracker; close it (try-with-resources) to mark the job Completed (or Failed)
     * @throws TrialGraphException as {@link #createTrialComponent(TrialComponentSpec)}
     */
    public Tracker tracker(String componentName, String kind, String... trialNames) {
        return tracker(TrialComponentSpec.builder(componentName)
                .kind(kind)
                .trials(Arrays.asList(trialNames))
                .build());
    }

    /**
     * Starts tracking a job described in full: creates the component (with status
     * {@code IN_PROGRESS} whatever the spec says, and the start time now unless the spec has one).
     *
     * @param spec the component: parameters, metadata, inputs, outputs and trials known at the start
     * @return the tracker
     * @throws TrialGraphException as {@link #createTrialComponent(TrialComponentSpec)}
     */
    public Tracker tracker(TrialComponentSpec spec) {
        TrialComponentSpec running = new TrialComponentSpec(
                spec.name(),
                spec.displayName(),
                spec.kind(),
                ComponentStatus.IN_PROGRESS,
                spec.statusMessage(),
                spec.startTime() == null ? Instant.now() : spec.startTime(),
                null,
                spec.parameters(),
                spec.metadata(),
                spec.inputs(),
                spec.outputs(),
                spec.trialNames());
        MetricLogger logger = metricLogger();
        createTrialComponent(running);
        return new Tracker(this, spec.name(), logger);
    }

    // =========================================================================== lineage

    /**
     * Answers a lineage question: the subgraph around the start nodes.
     *
     * @param request what to ask
     * @return the nodes and edges (check {@link Lineage#truncated()} for more)
     * @throws TrialGraphException NOT_FOUND (a start node); INVALID_ARGUMENT (no start, bad depth, kind, edge type or token)
     */
    public Lineage lineage(LineageRequest request) {
        GetLineageRequest proto = Convert.lineage(request);
        return Convert.lineage(read(() -> lineageService().getLineage(proto)));
    }

    /**
     * The same subgraph as {@link #lineage(LineageRequest)}, as Graphviz DOT text ({@code dot -Tsvg}).
     *
     * @param request what to ask
     * @return the DOT text
     * @throws TrialGraphException as {@link #lineage(LineageRequest)}
     */
    public String lineageDot(LineageRequest request) {
        GetLineageRequest proto = Convert.lineage(request);
        return read(() -> lineageService().getLineageDot(proto)).getDot();
    }

    // =========================================================================== query

    /**
     * Runs read-only Cypher without parameters (default timeout 10 s, at most 10,000 rows).
     *
     * @param cypher the query
     * @return the columns and rows
     * @throws TrialGraphException as {@link #query(String, Map, Duration, int)}
     */
    public QueryResult query(String cypher) {
        return query(cypher, Map.of(), null, 0);
    }

    /**
     * Runs read-only Cypher with parameters (default timeout 10 s, at most 10,000 rows).
     *
     * @param cypher the query, with {@code $name} parameters
     * @param parameters the parameters' values: null, Boolean, whole or floating-point numbers,
     *        String, byte[], lists, arrays and maps of those
     * @return the columns and rows
     * @throws TrialGraphException as {@link #query(String, Map, Duration, int)}
     */
    public QueryResult query(String cypher, Map<String, ?> parameters) {
        return query(cypher, parameters, null, 0);
    }

    /**
     * Runs read-only Cypher. A query that would write is refused before it runs. When the query
     * has more rows than {@code maxRows}, the result holds the rows up to the cap and says
     * {@link QueryResult#truncated()}.
     *
     * @param cypher the query, with {@code $name} parameters
     * @param parameters the parameters' values, as for {@link #query(String, Map)}
     * @param timeout how long Neo4j may run it (at most 300 s); null for the server's 10 s. The
     *        client's deadline still applies: raise it for longer queries
     * @param maxRows most rows: 0 means 10,000; at most 1,000,000
     * @return the columns and rows
     * @throws TrialGraphException PERMISSION_DENIED (a write); INVALID_ARGUMENT (syntax, with Neo4j's
     *         message and position; a parameter of another type); DEADLINE_EXCEEDED (timeout)
     */
    public QueryResult query(String cypher, Map<String, ?> parameters, Duration timeout, int maxRows) {
        RunQueryRequest.Builder b =
                RunQueryRequest.newBuilder().setCypher(cypher).setMaxRows(maxRows);
        if (parameters != null) {
            parameters.forEach((name, value) -> b.putParameters(name, Convert.cypher("parameters." + name, value)));
        }
        if (timeout != null) {
            b.setTimeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        }
        RunQueryRequest request = b.build();
        return read(() -> {
            List<String> columns = null;
            List<List<Object>> rows = new ArrayList<>();
            Iterator<RunQueryResponse> parts = query().runQuery(request);
            try {
                while (parts.hasNext()) {
                    RunQueryResponse part = parts.next();
                    if (columns == null) {
                        columns = part.getColumnsList();
                    }
                    for (CypherRow row : part.getRowsList()) {
                        rows.add(Convert.values(row.getValuesList()));
                    }
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED && columns != null) {
                    return new QueryResult(columns, rows, true);
                }
                throw e;
            }
            return new QueryResult(columns == null ? List.of() : columns, rows, false);
        });
    }

    // =========================================================================== analytics

    /**
     * Builds one page of an experiment table on the server: a row per trial component (or per
     * trial) in scope, with parameters and metric statistics as columns, filtered, sorted and
     * grouped.
     *
     * @return the page, with the total row count
     * @throws TrialGraphException INVALID_ARGUMENT (a filter that does not parse, with its
     *         position; an unknown column; a scope that breaks a rule); NOT_FOUND (the experiment,
     *         a trial or the dataset does not exist)
     */
    public Table table(TableRequest request) {
        GetTableRequest proto = Convert.table(request);
        return Convert.table(read(() -> analytics().getTable(proto)));
    }

    /**
     * The whole table (every page, ignoring the request's page) as CSV text with a header line.
     *
     * @throws TrialGraphException as {@link #table(TableRequest)}
     */
    public String tableCsv(TableRequest request) {
        GetTableRequest proto = Convert.table(request);
        return read(() -> {
            StringBuilder csv = new StringBuilder();
            analytics().exportTableCsv(proto).forEachRemaining(part -> csv.append(part.getCsv()));
            return csv.toString();
        });
    }

    // =========================================================================== server

    /**
     * @return the server's version and where its graph lives
     * @throws TrialGraphException UNAVAILABLE while the server starts or stops
     */
    public ServerInfo serverInfo() {
        GetServerInfoResponse r = read(() -> server().getServerInfo(GetServerInfoRequest.getDefaultInstance()));
        return new ServerInfo(
                r.getVersion(), r.getEmbeddedNeo4J(), r.getBoltUri(), r.getNeo4JVersion(), r.getSchemaVersion());
    }

    // =========================================================================== lifecycle

    /**
     * Closes the shared metric logger (waiting until every point it holds is acknowledged), then
     * the channel (when the client made it). Calling it again does nothing.
     *
     * @throws TrialGraphException when the shared logger could not deliver its points
     */
    @Override
    public void close() {
        MetricLogger logger;
        synchronized (loggerLock) {
            if (closed) {
                return;
            }
            closed = true;
            logger = sharedLogger;
        }
        try {
            if (logger != null) {
                logger.close();
            }
        } finally {
            if (ownsChannel) {
                managed.shutdown();
                try {
                    if (!managed.awaitTermination(5, TimeUnit.SECONDS)) {
                        managed.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    managed.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // =========================================================================== plumbing

    private ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments() {
        return withDeadline(ExperimentServiceGrpc.newBlockingStub(channel));
    }

    private TrialServiceGrpc.TrialServiceBlockingStub trials() {
        return withDeadline(TrialServiceGrpc.newBlockingStub(channel));
    }

    private TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components() {
        return withDeadline(TrialComponentServiceGrpc.newBlockingStub(channel));
    }

    private ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts() {
        return withDeadline(ArtifactServiceGrpc.newBlockingStub(channel));
    }

    private MetricServiceGrpc.MetricServiceBlockingStub metrics() {
        return withDeadline(MetricServiceGrpc.newBlockingStub(channel));
    }

    private LineageServiceGrpc.LineageServiceBlockingStub lineageService() {
        return withDeadline(LineageServiceGrpc.newBlockingStub(channel));
    }

    private QueryServiceGrpc.QueryServiceBlockingStub query() {
        return withDeadline(QueryServiceGrpc.newBlockingStub(channel));
    }

    private AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics() {
        return withDeadline(AnalyticsServiceGrpc.newBlockingStub(channel));
    }

    private ServerServiceGrpc.ServerServiceBlockingStub server() {
        return withDeadline(ServerServiceGrpc.newBlockingStub(channel));
    }

    private <S extends AbstractStub<S>> S withDeadline(S stub) {
        return stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A write: one attempt; any failure becomes a TrialGraphException. */
    private <T> T write(Supplier<T> call) {
        checkOpen();
        return Calls.write(call);
    }

    /** An idempotent read: retried on UNAVAILABLE, with a growing pause, up to maxAttempts attempts. */
    private <T> T read(Supplier<T> call) {
        checkOpen();
        return Calls.read(call, maxAttempts, managed == null ? null : managed::resetConnectBackoff);
    }

    private void checkOpen() {
        if (closed) {
            throw new TrialGraphException(Status.Code.FAILED_PRECONDITION, "the client is closed");
        }
    }

    private static <T> List<T> all(Function<String, Page<T>> pages) {
        List<T> all = new ArrayList<>();
        String token = "";
        do {
            Page<T> page = pages.apply(token);
            all.addAll(page.items());
            token = page.nextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    // =========================================================================== builder

    /**
     * Configures a {@link TrialGraphClient}. Only the target is required; the connection is made
     * lazily, on the first call.
     *
     * <h2>Security</h2>
     * TLS is the default ({@link #tls()}, {@link #tls(Path)} for a private CA); add
     * {@link #clientCertificate(Path, Path)} where the server requires client certificates
     * (mutual TLS). {@link #plaintext()} is for a server without TLS. A {@link #token(String) token}
     * is never sent in plain text to a server that is not on this machine (a loopback address,
     * {@code localhost} or a Unix socket): {@link #build()} refuses, unless
     * {@link #allowTokenOverPlaintext()} says the network is trusted. {@link #fromEnvironment()}
     * takes all of this from {@code TRIALGRAPH_*} environment variables.
     */
    public static final class Builder {
        /** The environment variables {@link #fromEnvironment()} reads. */
        public static final String ENV_TARGET = "TRIALGRAPH_TARGET";

        public static final String ENV_TOKEN = "TRIALGRAPH_TOKEN";
        public static final String ENV_CA_CERT = "TRIALGRAPH_CA_CERT";
        public static final String ENV_CLIENT_CERT = "TRIALGRAPH_CLIENT_CERT";
        public static final String ENV_CLIENT_KEY = "TRIALGRAPH_CLIENT_KEY";
        public static final String ENV_TLS = "TRIALGRAPH_TLS";
        public static final String ENV_ALLOW_TOKEN_OVER_PLAINTEXT = "TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT";

        private String target;
        private ManagedChannel channel;
        private boolean plaintext;
        private Path trustCertificates;
        private Path clientCertificateChain;
        private Path clientPrivateKey;
        private String token;
        private boolean tokenOverPlaintext;
        private Duration deadline = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private int maxInboundMessageBytes = 64 * 1024 * 1024;

        private Builder() {}

        /**
         * @param target where the server listens: "host:port" (e.g. "localhost:50051") or any gRPC
         *        target URI (e.g. "dns:///trialgraph.example.com:443")
         * @return this builder
         */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /**
         * Uses a channel of your own instead of a target (the client does not shut it down). The
         * TLS settings do not apply to it, nor the refusal to send a token in plain text; the
         * token and deadline do.
         *
         * @param channel the channel
         * @return this builder
         */
        public Builder channel(ManagedChannel channel) {
            this.channel = channel;
            return this;
        }

        /** @return this builder, connecting without TLS (the server's default); forgets TLS settings given before */
        public Builder plaintext() {
            this.plaintext = true;
            this.trustCertificates = null;
            this.clientCertificateChain = null;
            this.clientPrivateKey = null;
            return this;
        }

        /** @return this builder, connecting with TLS and the JVM's trusted certificates (the default) */
        public Builder tls() {
            this.plaintext = false;
            this.trustCertificates = null;
            return this;
        }

        /**
         * @param trustCertificates a PEM file of the certificates to trust (e.g. a private CA), or null for the JVM's
         * @return this builder, connecting with TLS
         */
        public Builder tls(Path trustCertificates) {
            this.plaintext = false;
            this.trustCertificates = trustCertificates;
            return this;
        }

        /**
         * Presents a client certificate, for a server that asks for one (mutual TLS,
         * {@code trialgraph.server.tls.client-auth}). Connects with TLS.
         *
         * @param certificateChain PEM file of the client's certificate (and its intermediates)
         * @param privateKey PEM file of the client's PKCS#8 private key ({@code BEGIN PRIVATE KEY})
         * @return this builder
         */
        public Builder clientCertificate(Path certificateChain, Path privateKey) {
            if (certificateChain == null || privateKey == null) {
                throw Convert.invalid("clientCertificate: both the certificate chain and the private key are required");
            }
            this.plaintext = false;
            this.clientCertificateChain = certificateChain;
            this.clientPrivateKey = privateKey;
            return this;
        }

        /**
         * @param token a bearer token sent with every call as {@code authorization: Bearer <token>};
         *        null for none (the default)
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /**
         * Lets {@link #build()} send the token in plain text to a server that is not on this
         * machine. Anyone who can see the traffic can then use the token: only for networks you
         * trust (e.g. a private network between containers).
         *
         * @return this builder
         */
        public Builder allowTokenOverPlaintext() {
            this.tokenOverPlaintext = true;
            return this;
        }

        /**
         * Takes the settings that the environment has from these variables (unset or empty ones
         * change nothing; methods called afterwards override them):
         * <ul>
         *   <li>{@code TRIALGRAPH_TARGET}: {@link #target(String)};</li>
         *   <li>{@code TRIALGRAPH_TOKEN}: {@link #token(String)};</li>
         *   <li>{@code TRIALGRAPH_CA_CERT}: {@link #tls(Path)};</li>
         *   <li>{@code TRIALGRAPH_CLIENT_CERT} and {@code TRIALGRAPH_CLIENT_KEY}, together:
         *       {@link #clientCertificate(Path, Path)};</li>
         *   <li>{@code TRIALGRAPH_TLS}: {@code true} for {@link #tls()}, {@code false} for
         *       {@link #plaintext()} (not with the certificate variables); unset keeps the builder's TLS default;</li>
         *   <li>{@code TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT=true}: {@link #allowTokenOverPlaintext()}.</li>
         * </ul>
         *
         * @return this builder
         * @throws TrialGraphException INVALID_ARGUMENT when the variables contradict each other
         */
        public Builder fromEnvironment() {
            return fromEnvironment(System::getenv);
        }

        Builder fromEnvironment(Function<String, String> environment) {
            Function<String, String> env = name -> {
                String value = environment.apply(name);
                return value == null || value.isBlank() ? null : value.strip();
            };
            Boolean tlsValue = flag(env, ENV_TLS);
            boolean plain = Boolean.FALSE.equals(tlsValue);
            String ca = env.apply(ENV_CA_CERT);
            String cert = env.apply(ENV_CLIENT_CERT);
            String key = env.apply(ENV_CLIENT_KEY);
            if ((cert == null) != (key == null)) {
                throw Convert.invalid(ENV_CLIENT_CERT + " and " + ENV_CLIENT_KEY + ": set both or neither");
            }
            if (plain && (ca != null || cert != null)) {
                throw Convert.invalid(ENV_TLS + "=false contradicts " + (ca != null ? ENV_CA_CERT : ENV_CLIENT_CERT)
                        + ", which needs TLS");
            }
            if (env.apply(ENV_TARGET) != null) {
                target(env.apply(ENV_TARGET));
            }
            if (env.apply(ENV_TOKEN) != null) {
                token(env.apply(ENV_TOKEN));
            }
            if (plain) {
                plaintext();
            } else if (Boolean.TRUE.equals(tlsValue)) {
                tls();
            }
            if (Boolean.TRUE.equals(flag(env, ENV_ALLOW_TOKEN_OVER_PLAINTEXT))) {
                allowTokenOverPlaintext();
            }
            if (ca != null) {
                tls(Path.of(ca));
            }
            if (cert != null) {
                clientCertificate(Path.of(cert), Path.of(key));
            }
            return this;
        }

        private static Boolean flag(Function<String, String> env, String name) {
            String value = env.apply(name);
            if (value == null) {
                return null;
            }
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw Convert.invalid(name + ": must be true or false, is '" + value + "'");
            }
            return Boolean.parseBoolean(value);
        }

        /**
         * @param deadline how long one call may take (reads: each attempt); default 30 s
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw Convert.invalid("deadline: must be positive");
            }
            this.deadline = deadline;
            return this;
        }

        /**
         * @param maxAttempts how many times an idempotent read is tried when it fails with
         *        {@code UNAVAILABLE} (1: no retry); default 3
         * @return this builder
         */
        public Builder retry(int maxAttempts) {
            if (maxAttempts < 1) {
                throw Convert.invalid("retry: maxAttempts must be at least 1, is " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param bytes the largest response message accepted; default 64 MiB (query rows with big values)
         * @return this builder
         */
        public Builder maxInboundMessageSize(int bytes) {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /**
         * @return the client
         * @throws TrialGraphException INVALID_ARGUMENT when neither target nor channel is given, a
         *         certificate or key file cannot be read, or a token would go in plain text to a
         *         server on another machine without {@link #allowTokenOverPlaintext()}
         */
        public TrialGraphClient build() {
            ManagedChannel managed = channel;
            boolean owns = false;
            if (managed == null) {
                if (target == null || target.isBlank()) {
                    throw Convert.invalid("target: is required, e.g. \"localhost:50051\"");
                }
                if (plaintext && token != null && !tokenOverPlaintext && !Targets.isOnThisMachine(target)) {
                    throw Convert.invalid("token: not sent in plain text to " + target + ", where anyone on the way"
                            + " could read and use it: connect with TLS, or allow it explicitly if the network is trusted"
                            + " (allowTokenOverPlaintext(), " + ENV_ALLOW_TOKEN_OVER_PLAINTEXT + "=true)");
                }
                managed = Grpc.newChannelBuilder(target, credentials())
                        .maxInboundMessageSize(maxInboundMessageBytes)
                        .userAgent("trialgraph-java-client")
                        .build();
                owns = true;
            }
            Channel calls = token == null ? managed : ClientInterceptors.intercept(managed, new BearerToken(token));
            return new TrialGraphClient(managed, owns, calls, deadline, maxAttempts);
        }

        private ChannelCredentials credentials() {
            if (plaintext) {
                return InsecureChannelCredentials.create();
            }
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            if (trustCertificates != null) {
                try {
                    tls.trustManager(trustCertificates.toFile());
                } catch (IOException | RuntimeException e) {
                    throw new TrialGraphException(
                            Status.Code.INVALID_ARGUMENT,
                            "tls: cannot read the trust certificates " + trustCertificates + ": " + e.getMessage(),
                            e);
                }
            }
            if (clientCertificateChain != null) {
                try {
                    tls.keyManager(clientCertificateChain.toFile(), clientPrivateKey.toFile());
                } catch (IOException | RuntimeException e) {
                    throw new TrialGraphException(
                            Status.Code.INVALID_ARGUMENT,
                            "clientCertificate: cannot read the certificate " + clientCertificateChain
                                    + " or the PKCS#8 key " + clientPrivateKey + ": " + e.getMessage(),
                            e);
                }
            }
            return tls.build();
        }
    }
}
