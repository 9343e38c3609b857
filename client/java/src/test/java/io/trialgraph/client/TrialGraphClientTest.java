package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateExperimentResponse;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.client.internal.Convert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's plumbing against stand-in services: token, retries of reads only, errors, lifecycle. */
class TrialGraphClientTest {

    private Server server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger infoCalls = new AtomicInteger();
    private final AtomicInteger createCalls = new AtomicInteger();
    private volatile int failuresBeforeSuccess;

    @BeforeEach
    void start() throws Exception {
        ServerInterceptor recordAuthorization = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String value = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                authorizations.add(value == null ? "<none>" : value);
                return next.startCall(call, headers);
            }
        };
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(
                        new ServerServiceGrpc.ServerServiceImplBase() {
                            @Override
                            public void getServerInfo(
                                    GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> response) {
                                if (infoCalls.incrementAndGet() <= failuresBeforeSuccess) {
                                    response.onError(Status.UNAVAILABLE
                                            .withDescription("Neo4j did not answer")
                                            .asRuntimeException());
                                    return;
                                }
                                response.onNext(GetServerInfoResponse.newBuilder()
                                        .setVersion("0.1.0")
                                        .setNeo4JVersion("5.26.30")
                                        .build());
                                response.onCompleted();
                            }
                        },
                        recordAuthorization))
                .addService(new ExperimentServiceGrpc.ExperimentServiceImplBase() {
                    @Override
                    public void createExperiment(
                            CreateExperimentRequest request, StreamObserver<CreateExperimentResponse> response) {
                        createCalls.incrementAndGet();
                        response.onError(Status.UNAVAILABLE
                                .withDescription("Neo4j did not answer")
                                .asRuntimeException());
                    }
                })
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private TrialGraphClient.Builder client() {
        return TrialGraphClient.builder()
                .target("127.0.0.1:" + server.getPort())
                .plaintext();
    }

    @Test
    void theTokenIsSentAsABearerAuthorizationHeader() {
        try (TrialGraphClient client = client().token("s3cret").build()) {
            assertThat(client.serverInfo().version()).isEqualTo("0.1.0");
        }
        try (TrialGraphClient client = client().build()) {
            client.serverInfo();
        }
        assertThat(authorizations).containsExactly("Bearer s3cret", "<none>");
    }

    @Test
    void readsAreRetriedOnUnavailableUpToMaxAttempts() {
        failuresBeforeSuccess = 2;
        try (TrialGraphClient client = client().retry(3).build()) {
            assertThat(client.serverInfo().neo4jVersion()).isEqualTo("5.26.30");
        }
        assertThat(infoCalls.get()).isEqualTo(3);

        infoCalls.set(0);
        try (TrialGraphClient client = client().retry(2).build()) {
            TrialGraphException e = catchThrowableOfType(TrialGraphException.class, client::serverInfo);
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getMessage()).isEqualTo("Neo4j did not answer");
            assertThat(e.isRetryable()).isTrue();
        }
        assertThat(infoCalls.get()).isEqualTo(2);
    }

    @Test
    void writesAreNotRetried() {
        try (TrialGraphClient client = client().retry(5).build()) {
            TrialGraphException e = catchThrowableOfType(
                    TrialGraphException.class, () -> client.createExperiment("e", "hypothesis", Map.of()));
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
        }
        assertThat(createCalls.get()).isOne();
    }

    @Test
    void anUnimplementedServiceAndAnUnreachableServerAreTrialGraphExceptionsToo() throws Exception {
        try (TrialGraphClient client = client().build()) {
            TrialGraphException e = catchThrowableOfType(TrialGraphException.class, () -> client.getTrial("t"));
            assertThat(e.code()).isEqualTo(Status.Code.UNIMPLEMENTED);
        }
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TrialGraphClient client = TrialGraphClient.builder()
                .target("127.0.0.1:" + closedPort)
                .plaintext()
                .retry(2)
                .deadline(Duration.ofSeconds(5))
                .build()) {
            TrialGraphException e = catchThrowableOfType(TrialGraphException.class, client::serverInfo);
            assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.toString()).startsWith("TrialGraphException: UNAVAILABLE: ");
        }
    }

    @Test
    void aClosedClientRefusesCallsAndBadSettingsAreInvalidArguments() {
        TrialGraphClient client = client().build();
        client.close();
        client.close();
        assertThat(catchThrowableOfType(TrialGraphException.class, client::serverInfo)
                        .code())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(catchThrowableOfType(TrialGraphException.class, client::metricLogger)
                        .code())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(catchThrowableOfType(
                                TrialGraphException.class,
                                () -> TrialGraphClient.builder().build())
                        .code())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        TrialGraphException missingCertificate = catchThrowableOfType(
                TrialGraphException.class,
                () -> TrialGraphClient.builder()
                        .target("localhost:1")
                        .tls(Path.of("/nonexistent/ca.pem"))
                        .build());
        assertThat(missingCertificate.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(missingCertificate.getMessage()).contains("/nonexistent/ca.pem");
    }

    @Test
    void parametersAndQueryValuesOfUnsupportedTypesAreInvalidArguments() {
        TrialGraphException parameter = catchThrowableOfType(
                TrialGraphException.class, () -> Convert.parameters(Map.of("when", java.time.Instant.EPOCH)));
        assertThat(parameter.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(parameter.getMessage()).startsWith("parameters.when: ");
        assertThat(Convert.parameter("epochs", 60).getIntegerValue()).isEqualTo(60);
        assertThat(Convert.parameter("lr", 0.001f).getNumberValue())
                .isCloseTo(0.001, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(Convert.parameter("on", true).getBoolValue()).isTrue();
        assertThat(Convert.cypher("p", List.of(1, "a", Map.of("k", 2.5)))
                        .getListValue()
                        .getValuesCount())
                .isEqualTo(3);
        assertThat(Convert.cypher("p", new long[] {1, 2})
                        .getListValue()
                        .getValues(1)
                        .getIntValue())
                .isEqualTo(2);
        assertThat(catchThrowableOfType(TrialGraphException.class, () -> Convert.cypher("p", new Object() {}))
                        .code())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
