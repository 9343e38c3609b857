package io.trialgraph.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.Artifact;
import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.ArtifactLink;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageNode;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ParameterValue;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.Trial;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * What the API tests share: blocking stubs on a {@link TestServer}, the plain create calls that
 * set up a graph, the message builders (artifact links, typed parameters, timestamps) and the
 * check that a call fails with a given gRPC status.
 */
public final class ApiFixtures {

    /** 2026-01-01T00:00:00Z, the origin of {@link #time(long)}. */
    private static final long TIME_ORIGIN_SECONDS = 1_767_225_600L;

    private ApiFixtures() {}

    // --- stubs ---------------------------------------------------------------------------------

    /** An ExperimentService stub on the server's channel whose calls must end within the deadline. */
    public static ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments(
            TestServer server, long deadlineSeconds) {
        return ExperimentServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** A TrialService stub on the server's channel whose calls must end within the deadline. */
    public static TrialServiceGrpc.TrialServiceBlockingStub trials(TestServer server, long deadlineSeconds) {
        return TrialServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** A TrialComponentService stub on the server's channel whose calls must end within the deadline. */
    public static TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components(
            TestServer server, long deadlineSeconds) {
        return TrialComponentServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** An ArtifactService stub on the server's channel whose calls must end within the deadline. */
    public static ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts(TestServer server, long deadlineSeconds) {
        return ArtifactServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** A MetricService stub on the server's channel whose calls must end within the deadline. */
    public static MetricServiceGrpc.MetricServiceBlockingStub metrics(TestServer server, long deadlineSeconds) {
        return MetricServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** A LineageService stub on the server's channel whose calls must end within the deadline. */
    public static LineageServiceGrpc.LineageServiceBlockingStub lineage(TestServer server, long deadlineSeconds) {
        return LineageServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** A QueryService stub on the server's channel whose calls must end within the deadline. */
    public static QueryServiceGrpc.QueryServiceBlockingStub query(TestServer server, long deadlineSeconds) {
        return QueryServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    /** An AnalyticsService stub on the server's channel whose calls must end within the deadline. */
    public static AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics(TestServer server, long deadlineSeconds) {
        return AnalyticsServiceGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
    }

    // --- create calls --------------------------------------------------------------------------

    /** Creates an experiment with only a name and returns it as the server answered. */
    public static Experiment createExperiment(
            ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments, String name) {
        return createExperiment(experiments, name, Map.of());
    }

    /** Creates an experiment with a name and tags and returns it as the server answered. */
    public static Experiment createExperiment(
            ExperimentServiceGrpc.ExperimentServiceBlockingStub experiments, String name, Map<String, String> tags) {
        return experiments
                .createExperiment(CreateExperimentRequest.newBuilder()
                        .setExperiment(Experiment.newBuilder().setName(name).putAllTags(tags))
                        .build())
                .getExperiment();
    }

    /** Creates a trial with only a name in an experiment and returns it as the server answered. */
    public static Trial createTrial(TrialServiceGrpc.TrialServiceBlockingStub trials, String experiment, String name) {
        return trials.createTrial(CreateTrialRequest.newBuilder()
                        .setTrial(Trial.newBuilder().setName(name).setExperimentName(experiment))
                        .build())
                .getTrial();
    }

    /** Creates the trial component described and returns it as the server answered. */
    public static TrialComponent createComponent(
            TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components, TrialComponent.Builder component) {
        return components
                .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                        .setTrialComponent(component)
                        .build())
                .getTrialComponent();
    }

    /**
     * Creates a component of kind {@code job} in the given trials that consumes a dataset (link
     * name {@code input}) at each input URI and produces a model (link name {@code output}) at each
     * output URI.
     */
    public static TrialComponent createComponent(
            TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components,
            String name,
            List<String> trialNames,
            List<String> inputUris,
            List<String> outputUris) {
        TrialComponent.Builder component =
                TrialComponent.newBuilder().setName(name).setKind("job").addAllTrialNames(trialNames);
        inputUris.forEach(uri -> component.addInputs(link("input", uri, ArtifactKind.ARTIFACT_KIND_DATASET)));
        outputUris.forEach(uri -> component.addOutputs(link("output", uri, ArtifactKind.ARTIFACT_KIND_MODEL)));
        return createComponent(components, component);
    }

    // --- messages ------------------------------------------------------------------------------

    /** A named link to the artifact at a URI, of a kind. */
    public static ArtifactLink link(String name, String uri, ArtifactKind kind) {
        return ArtifactLink.newBuilder()
                .setName(name)
                .setArtifact(Artifact.newBuilder().setUri(uri).setKind(kind))
                .build();
    }

    /** An integer parameter value. */
    public static ParameterValue integer(long value) {
        return ParameterValue.newBuilder().setIntegerValue(value).build();
    }

    /** A floating-point parameter value. */
    public static ParameterValue number(double value) {
        return ParameterValue.newBuilder().setNumberValue(value).build();
    }

    /** A string parameter value. */
    public static ParameterValue text(String value) {
        return ParameterValue.newBuilder().setStringValue(value).build();
    }

    /** A boolean parameter value. */
    public static ParameterValue flag(boolean value) {
        return ParameterValue.newBuilder().setBoolValue(value).build();
    }

    /** A whole-second timestamp that many seconds after 2026-01-01T00:00:00Z. */
    public static Timestamp time(long secondsAfterOrigin) {
        return Timestamp.newBuilder()
                .setSeconds(TIME_ORIGIN_SECONDS + secondsAfterOrigin)
                .build();
    }

    /** The instant a protobuf timestamp stands for, to the nanosecond. */
    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    // --- failures ------------------------------------------------------------------------------

    /**
     * Runs a call, asserts that it throws a {@link StatusRuntimeException} with the given code
     * (failing the test when it throws nothing or another code), and returns the exception for
     * checks of its description.
     */
    public static StatusRuntimeException failure(ThrowingCallable call, Status.Code code) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(e).as("expected %s", code).isNotNull();
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
        return e;
    }

    /** A lineage request from the artifact at {@code uri}. */
    public static GetLineageRequest.Builder lineageFrom(
            String uri, LineageDirection direction, int maxDepth, int maxNodes) {
        return GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(uri))
                .setDirection(direction)
                .setMaxDepth(maxDepth)
                .setMaxNodes(maxNodes);
    }

    /** The keys of a lineage answer's nodes, in its order. */
    public static List<String> lineageKeys(GetLineageResponse answer) {
        return answer.getNodesList().stream().map(LineageNode::getKey).toList();
    }
}
