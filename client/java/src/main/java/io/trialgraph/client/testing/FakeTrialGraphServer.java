package io.trialgraph.client.testing;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.ArtifactLink;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.AssociateTrialComponentResponse;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateExperimentResponse;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialComponentResponse;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.CreateTrialResponse;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetExperimentRequest;
import io.trialgraph.api.v1.GetExperimentResponse;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.GetTrialComponentRequest;
import io.trialgraph.api.v1.GetTrialComponentResponse;
import io.trialgraph.api.v1.GetTrialRequest;
import io.trialgraph.api.v1.GetTrialResponse;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.LinkArtifactsRequest;
import io.trialgraph.api.v1.LinkArtifactsResponse;
import io.trialgraph.api.v1.LogParametersRequest;
import io.trialgraph.api.v1.LogParametersResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.RejectedBatch;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.api.v1.Trial;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.api.v1.UpdateTrialComponentRequest;
import io.trialgraph.api.v1.UpdateTrialComponentResponse;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.internal.Convert;
import io.trialgraph.rules.InputRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in trialgraph server for the tests of code that records experiments: it answers, from
 * memory, the calls that training code makes through a {@link TrialGraphClient}, a
 * {@link io.trialgraph.client.Tracker} or a {@link io.trialgraph.client.MetricLogger}, and lets
 * the test read what arrived. It listens on a free loopback port (plain text), so the client under
 * test is the real one, streams and retries included.
 *
 * <pre>{@code
 * try (FakeTrialGraphServer server = FakeTrialGraphServer.start();
 *      TrialGraphClient client = server.client()) {
 *     client.createExperiment("cifar10", "custom beats resnet", Map.of());
 *     client.createTrial("cifar10", "custom-adam-60", Map.of());
 *     try (Tracker job = client.tracker("custom-adam-60-training", "training", "custom-adam-60")) {
 *         train(job);                                  // the code under test
 *     }
 *     client.close();                                  // delivers every logged point
 *     assertThat(server.points("custom-adam-60-training", "loss")).hasSize(600);
 *     assertThat(server.component("custom-adam-60-training").orElseThrow().parameters()).containsEntry("epochs", 60L);
 * }
 * }</pre>
 *
 * <h2>What it answers</h2>
 * Create and Get of experiments, trials and components; UpdateTrialComponent, LogParameters,
 * LinkArtifacts, AssociateTrialComponent; IngestMetrics (exactly once per writer and sequence,
 * like the server: a batch for an unknown component is rejected whole with NOT_FOUND and the
 * stream goes on); GetServerInfo. Names follow the server's rules (INVALID_ARGUMENT otherwise);
 * a duplicate is ALREADY_EXISTS, an unknown name NOT_FOUND. Every other RPC is UNIMPLEMENTED: test
 * analytics, lineage and queries against a real server.
 *
 * <h2>Failures on purpose</h2>
 * {@link #breakMetricStreams()} ends every open IngestMetrics stream with UNAVAILABLE, as a
 * server restart would; a logger then reconnects and resends, and each point is still recorded
 * once. {@link #failCalls(Status.Code)} makes every unary call fail with that code until
 * {@link #failCalls(Status.Code) failCalls(null)}.
 *
 * <p>Thread-safe. Everything it holds is lost on {@link #close()}.
 */
public final class FakeTrialGraphServer implements AutoCloseable {

    /**
     * A metric point as it arrived.
     *
     * @param timestampMillis when it was measured (the logger's clock), in milliseconds since the epoch
     */
    public record Point(long step, double value, long timestampMillis) {}

    private final Object lock = new Object();
    private final Map<String, Experiment> experiments = new HashMap<>();
    private final Map<String, Trial> trials = new HashMap<>();
    private final Map<String, TrialComponent> components = new HashMap<>();
    private final Map<String, List<Point>> points = new HashMap<>();
    private final Map<String, Long> writerSequences = new HashMap<>();
    private final Set<StreamObserver<IngestMetricsResponse>> openStreams = ConcurrentHashMap.newKeySet();
    private volatile Status.Code failing;
    private final Server server;

    private FakeTrialGraphServer() throws IOException {
        // Loopback only: a test's fake is nobody else's business.
        this.server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), InsecureServerCredentials.create())
                .addService(new Experiments())
                .addService(new Trials())
                .addService(new Components())
                .addService(new Metrics())
                .addService(new ServerInfo())
                .build()
                .start();
    }

    /** @return a started server on a free loopback port */
    public static FakeTrialGraphServer start() {
        try {
            return new FakeTrialGraphServer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake trialgraph server", e);
        }
    }

    /** @return where it listens, as {@code localhost:<port>} */
    public String target() {
        return "localhost:" + server.getPort();
    }

    /** @return a client connected to it (plain text, short retries); close it before the server */
    public TrialGraphClient client() {
        return TrialGraphClient.builder().target(target()).plaintext().build();
    }

    // --- what arrived --------------------------------------------------------------------------

    /** @return the points of a component's metric in the order they arrived; empty when none did */
    public List<Point> points(String component, String metric) {
        synchronized (lock) {
            return List.copyOf(points.getOrDefault(component + "\u0000" + metric, List.of()));
        }
    }

    /** @return the component as the server holds it (parameters, status, times, inputs, outputs, trials) */
    public Optional<io.trialgraph.client.TrialComponent> component(String name) {
        synchronized (lock) {
            return Optional.ofNullable(components.get(name)).map(Convert::component);
        }
    }

    /** @return the names of the experiments created */
    public Set<String> experiments() {
        synchronized (lock) {
            return Set.copyOf(experiments.keySet());
        }
    }

    /** @return the names of the trials created */
    public Set<String> trials() {
        synchronized (lock) {
            return Set.copyOf(trials.keySet());
        }
    }

    // --- failures ------------------------------------------------------------------------------

    /** Ends every open IngestMetrics stream with UNAVAILABLE, as a restarting server would. */
    public void breakMetricStreams() {
        for (StreamObserver<IngestMetricsResponse> stream : List.copyOf(openStreams)) {
            openStreams.remove(stream);
            try {
                stream.onError(Status.UNAVAILABLE
                        .withDescription("fake: metric stream broken")
                        .asRuntimeException());
            } catch (RuntimeException alreadyOver) {
                // the call ended meanwhile
            }
        }
    }

    /** @param code every unary call fails with this code from now on; null to answer again */
    public void failCalls(Status.Code code) {
        this.failing = code;
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- the services --------------------------------------------------------------------------

    /** Answers a unary call from {@code answer}, or with the failure it throws. */
    private <T> void reply(StreamObserver<T> response, java.util.function.Supplier<T> answer) {
        Status.Code code = failing;
        if (code != null) {
            response.onError(Status.fromCode(code)
                    .withDescription("fake: failing on purpose")
                    .asRuntimeException());
            return;
        }
        T value;
        try {
            synchronized (lock) {
                value = answer.get();
            }
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(value);
        response.onCompleted();
    }

    private static void name(String field, String value) {
        String problem = InputRules.nameProblem(value);
        if (problem != null) {
            throw Status.INVALID_ARGUMENT
                    .withDescription(field + ": " + problem)
                    .asRuntimeException();
        }
    }

    private static StatusRuntimeException notFound(String kind, String name) {
        return Status.NOT_FOUND
                .withDescription(kind + " '" + name + "' does not exist")
                .asRuntimeException();
    }

    private static StatusRuntimeException exists(String kind, String name) {
        return Status.ALREADY_EXISTS
                .withDescription(kind + " '" + name + "' already exists")
                .asRuntimeException();
    }

    private TrialComponent componentNamed(String name) {
        TrialComponent component = components.get(name);
        if (component == null) {
            throw notFound("trial component", name);
        }
        return component;
    }

    private final class Experiments extends ExperimentServiceGrpc.ExperimentServiceImplBase {
        @Override
        public void createExperiment(
                CreateExperimentRequest request, StreamObserver<CreateExperimentResponse> response) {
            reply(response, () -> {
                Experiment experiment = request.getExperiment();
                name("experiment.name", experiment.getName());
                if (experiments.putIfAbsent(experiment.getName(), experiment) != null) {
                    throw exists("experiment", experiment.getName());
                }
                return CreateExperimentResponse.newBuilder()
                        .setExperiment(experiment)
                        .build();
            });
        }

        @Override
        public void getExperiment(GetExperimentRequest request, StreamObserver<GetExperimentResponse> response) {
            reply(response, () -> {
                Experiment experiment = experiments.get(request.getName());
                if (experiment == null) {
                    throw notFound("experiment", request.getName());
                }
                long trialCount = trials.values().stream()
                        .filter(t -> t.getExperimentName().equals(request.getName()))
                        .count();
                return GetExperimentResponse.newBuilder()
                        .setExperiment(experiment.toBuilder().setTrialCount(trialCount))
                        .build();
            });
        }
    }

    private final class Trials extends TrialServiceGrpc.TrialServiceImplBase {
        @Override
        public void createTrial(CreateTrialRequest request, StreamObserver<CreateTrialResponse> response) {
            reply(response, () -> {
                Trial trial = request.getTrial();
                name("trial.name", trial.getName());
                if (!experiments.containsKey(trial.getExperimentName())) {
                    throw notFound("experiment", trial.getExperimentName());
                }
                if (trials.putIfAbsent(trial.getName(), trial) != null) {
                    throw exists("trial", trial.getName());
                }
                return CreateTrialResponse.newBuilder().setTrial(trial).build();
            });
        }

        @Override
        public void getTrial(GetTrialRequest request, StreamObserver<GetTrialResponse> response) {
            reply(response, () -> {
                Trial trial = trials.get(request.getName());
                if (trial == null) {
                    throw notFound("trial", request.getName());
                }
                return GetTrialResponse.newBuilder().setTrial(trial).build();
            });
        }
    }

    private final class Components extends TrialComponentServiceGrpc.TrialComponentServiceImplBase {
        @Override
        public void createTrialComponent(
                CreateTrialComponentRequest request, StreamObserver<CreateTrialComponentResponse> response) {
            reply(response, () -> {
                TrialComponent component = request.getTrialComponent();
                name("trial_component.name", component.getName());
                for (String trial : component.getTrialNamesList()) {
                    if (!trials.containsKey(trial)) {
                        throw notFound("trial", trial);
                    }
                }
                if (components.containsKey(component.getName())) {
                    throw exists("trial component", component.getName());
                }
                components.put(component.getName(), component);
                return CreateTrialComponentResponse.newBuilder()
                        .setTrialComponent(component)
                        .build();
            });
        }

        @Override
        public void getTrialComponent(
                GetTrialComponentRequest request, StreamObserver<GetTrialComponentResponse> response) {
            reply(
                    response,
                    () -> GetTrialComponentResponse.newBuilder()
                            .setTrialComponent(componentNamed(request.getName()))
                            .build());
        }

        @Override
        public void updateTrialComponent(
                UpdateTrialComponentRequest request, StreamObserver<UpdateTrialComponentResponse> response) {
            reply(response, () -> {
                TrialComponent.Builder component = componentNamed(request.getName()).toBuilder();
                if (request.hasDisplayName()) {
                    component.setDisplayName(request.getDisplayName());
                }
                if (request.getStatus() != TrialComponentStatus.TRIAL_COMPONENT_STATUS_UNSPECIFIED) {
                    component.setStatus(request.getStatus());
                }
                if (request.hasStatusMessage()) {
                    component.setStatusMessage(request.getStatusMessage());
                }
                if (request.hasStartTime()) {
                    component.setStartTime(request.getStartTime());
                }
                if (request.hasEndTime()) {
                    component.setEndTime(request.getEndTime());
                }
                request.getRemoveMetadataList().forEach(component::removeMetadata);
                component.putAllMetadata(request.getSetMetadataMap());
                TrialComponent updated = component.build();
                components.put(updated.getName(), updated);
                return UpdateTrialComponentResponse.newBuilder()
                        .setTrialComponent(updated)
                        .build();
            });
        }

        @Override
        public void logParameters(LogParametersRequest request, StreamObserver<LogParametersResponse> response) {
            reply(response, () -> {
                TrialComponent.Builder component = componentNamed(request.getTrialComponentName()).toBuilder();
                request.getRemoveParametersList().forEach(component::removeParameters);
                component.putAllParameters(request.getParametersMap());
                TrialComponent updated = component.build();
                components.put(updated.getName(), updated);
                return LogParametersResponse.newBuilder()
                        .putAllParameters(updated.getParametersMap())
                        .build();
            });
        }

        @Override
        public void linkArtifacts(LinkArtifactsRequest request, StreamObserver<LinkArtifactsResponse> response) {
            reply(response, () -> {
                TrialComponent.Builder component = componentNamed(request.getTrialComponentName()).toBuilder();
                for (ArtifactLink link : request.getInputsList()) {
                    if (!component.getInputsList().contains(link)) {
                        component.addInputs(link);
                    }
                }
                for (ArtifactLink link : request.getOutputsList()) {
                    if (!component.getOutputsList().contains(link)) {
                        component.addOutputs(link);
                    }
                }
                TrialComponent updated = component.build();
                components.put(updated.getName(), updated);
                return LinkArtifactsResponse.newBuilder()
                        .addAllInputs(updated.getInputsList())
                        .addAllOutputs(updated.getOutputsList())
                        .build();
            });
        }

        @Override
        public void associateTrialComponent(
                AssociateTrialComponentRequest request, StreamObserver<AssociateTrialComponentResponse> response) {
            reply(response, () -> {
                TrialComponent component = componentNamed(request.getTrialComponentName());
                if (!trials.containsKey(request.getTrialName())) {
                    throw notFound("trial", request.getTrialName());
                }
                boolean created = !component.getTrialNamesList().contains(request.getTrialName());
                if (created) {
                    components.put(
                            component.getName(),
                            component.toBuilder()
                                    .addTrialNames(request.getTrialName())
                                    .build());
                }
                return AssociateTrialComponentResponse.newBuilder()
                        .setCreated(created)
                        .build();
            });
        }
    }

    private final class Metrics extends MetricServiceGrpc.MetricServiceImplBase {
        @Override
        public StreamObserver<IngestMetricsRequest> ingestMetrics(StreamObserver<IngestMetricsResponse> responses) {
            openStreams.add(responses);
            return new StreamObserver<>() {
                @Override
                public void onNext(IngestMetricsRequest request) {
                    if (!openStreams.contains(responses)) {
                        return; // broken on purpose: the client resends on a new stream
                    }
                    IngestMetricsResponse.Builder ack =
                            IngestMetricsResponse.newBuilder().setAcknowledgedSequence(request.getSequence());
                    synchronized (lock) {
                        long seen = writerSequences.getOrDefault(request.getWriterId(), Long.MIN_VALUE);
                        if (request.getSequence() > seen) {
                            writerSequences.put(request.getWriterId(), request.getSequence());
                            String unknown = request.getSeriesList().stream()
                                    .map(MetricSeries::getTrialComponentName)
                                    .filter(component -> !components.containsKey(component))
                                    .findFirst()
                                    .orElse(null);
                            if (unknown != null) {
                                ack.addRejectedBatches(RejectedBatch.newBuilder()
                                        .setSequence(request.getSequence())
                                        .setCode(Status.Code.NOT_FOUND.value())
                                        .setMessage("trial component '" + unknown + "' does not exist"));
                            } else {
                                long stored = 0;
                                for (MetricSeries series : request.getSeriesList()) {
                                    List<Point> into = points.computeIfAbsent(
                                            series.getTrialComponentName() + "\u0000" + series.getMetricName(),
                                            key -> new ArrayList<>());
                                    for (int i = 0; i < series.getStepsCount(); i++) {
                                        long timestamp = series.getTimestampsCount() > i ? series.getTimestamps(i) : 0;
                                        into.add(new Point(series.getSteps(i), series.getValues(i), timestamp));
                                    }
                                    stored += series.getStepsCount();
                                }
                                ack.setStoredPoints(stored);
                            }
                        }
                    }
                    responses.onNext(ack.build());
                }

                @Override
                public void onError(Throwable t) {
                    openStreams.remove(responses);
                }

                @Override
                public void onCompleted() {
                    if (openStreams.remove(responses)) {
                        responses.onCompleted();
                    }
                }
            };
        }
    }

    private final class ServerInfo extends ServerServiceGrpc.ServerServiceImplBase {
        @Override
        public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> response) {
            reply(
                    response,
                    () -> GetServerInfoResponse.newBuilder().setVersion("fake").build());
        }
    }
}
