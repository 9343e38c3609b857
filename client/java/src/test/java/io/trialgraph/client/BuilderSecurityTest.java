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
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.client.internal.Targets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The builder's security rules: no token in plain text to another machine, TLS files, the environment. */
class BuilderSecurityTest {

    private static TrialGraphException invalid(Runnable build) {
        TrialGraphException e = catchThrowableOfType(TrialGraphException.class, build::run);
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return e;
    }

    @Test
    void aTokenIsNotSentInPlainTextToAnotherMachine() {
        TrialGraphException e = invalid(() -> TrialGraphClient.builder()
                .target("trialgraph.example.com:50051")
                .plaintext()
                .token("s3cret-token-0123456789")
                .build());
        assertThat(e.getMessage())
                .isEqualTo("token: not sent in plain text to trialgraph.example.com:50051, where anyone"
                        + " on the way could read and use it: connect with TLS, or allow it explicitly if the network is trusted"
                        + " (allowTokenOverPlaintext(), TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT=true)");
        assertThat(e.getMessage()).doesNotContain("s3cret");
        invalid(() -> TrialGraphClient.builder()
                .target("dns:///10.0.0.7:50051")
                .plaintext()
                .token("t")
                .build());

        TrialGraphClient.builder()
                .target("trialgraph.example.com:50051")
                .plaintext()
                .token("t")
                .allowTokenOverPlaintext()
                .build()
                .close();
        TrialGraphClient.builder()
                .target("trialgraph.example.com:50051")
                .tls()
                .token("t")
                .build()
                .close();
        TrialGraphClient.builder()
                .target("trialgraph.example.com:50051")
                .plaintext()
                .build()
                .close();
        TrialGraphClient.builder()
                .target("localhost:50051")
                .plaintext()
                .token("t")
                .build()
                .close();
    }

    @Test
    void targetsOnThisMachineAreLoopbackAddressesLocalhostAndUnixSockets() {
        assertThat(List.of(
                        "localhost:50051",
                        "LOCALHOST:1",
                        "127.0.0.1:50051",
                        "127.0.0.2:1",
                        "[::1]:50051",
                        "::1",
                        "dns:///localhost:50051",
                        "dns:///127.0.0.1:50051",
                        "dns://8.8.8.8/127.0.0.1:50051",
                        "unix:/tmp/trialgraph.sock",
                        "unix:///tmp/trialgraph.sock"))
                .allSatisfy(target ->
                        assertThat(Targets.isOnThisMachine(target)).as(target).isTrue());
        assertThat(List.of(
                        "trialgraph.example.com:50051",
                        "10.0.0.7:50051",
                        "[2001:db8::1]:50051",
                        "dns:///db:50051",
                        "xds:///trialgraph",
                        "localhost.example.com:1",
                        "0.0.0.0:50051"))
                .allSatisfy(target ->
                        assertThat(Targets.isOnThisMachine(target)).as(target).isFalse());
    }

    @Test
    void unreadableCertificateFilesAreNamed() {
        Path missing = Path.of("no-such-dir", "ca.pem");
        assertThat(invalid(() -> TrialGraphClient.builder()
                                .target("localhost:1")
                                .tls(missing)
                                .build())
                        .getMessage())
                .startsWith("tls: cannot read the trust certificates " + missing);
        assertThat(invalid(() -> TrialGraphClient.builder()
                                .target("localhost:1")
                                .clientCertificate(missing, Path.of("no-such-dir", "client.key"))
                                .build())
                        .getMessage())
                .startsWith("clientCertificate: cannot read the certificate " + missing);
    }

    @Test
    void theEnvironmentGivesTargetTokenAndTransport() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        ServerInterceptor record = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                authorizations.add(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
                return next.startCall(call, headers);
            }
        };
        Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(
                        new ServerServiceGrpc.ServerServiceImplBase() {
                            @Override
                            public void getServerInfo(
                                    GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> response) {
                                response.onNext(GetServerInfoResponse.newBuilder()
                                        .setVersion("0.1.0")
                                        .build());
                                response.onCompleted();
                            }
                        },
                        record))
                .build()
                .start();
        try {
            Map<String, String> env = Map.of(
                    "TRIALGRAPH_TARGET",
                    "127.0.0.1:" + server.getPort(),
                    "TRIALGRAPH_TOKEN",
                    "env-token-0123456789",
                    "TRIALGRAPH_TLS",
                    "false");
            try (TrialGraphClient client =
                    TrialGraphClient.builder().fromEnvironment(env::get).build()) {
                assertThat(client.serverInfo().version()).isEqualTo("0.1.0");
            }
            assertThat(authorizations).containsExactly("Bearer env-token-0123456789");
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void contradictingEnvironmentVariablesAreRefused() {
        Map<String, String> env = new HashMap<>();
        env.put("TRIALGRAPH_TLS", "false");
        env.put("TRIALGRAPH_CA_CERT", "/etc/trialgraph/ca.pem");
        assertThat(invalid(() -> TrialGraphClient.builder().fromEnvironment(env::get))
                        .getMessage())
                .isEqualTo("TRIALGRAPH_TLS=false contradicts TRIALGRAPH_CA_CERT, which needs TLS");
        assertThat(invalid(() -> TrialGraphClient.builder()
                                .fromEnvironment(Map.of("TRIALGRAPH_CLIENT_CERT", "c.pem")::get))
                        .getMessage())
                .isEqualTo("TRIALGRAPH_CLIENT_CERT and TRIALGRAPH_CLIENT_KEY: set both or neither");
        assertThat(invalid(() -> TrialGraphClient.builder().fromEnvironment(Map.of("TRIALGRAPH_TLS", "yes")::get))
                        .getMessage())
                .isEqualTo("TRIALGRAPH_TLS: must be true or false, is 'yes'");
        // A remote target in plain text with a token: only when the environment allows it.
        Map<String, String> remote = Map.of(
                "TRIALGRAPH_TARGET",
                "trialgraph.example.com:50051",
                "TRIALGRAPH_TLS",
                "false",
                "TRIALGRAPH_TOKEN",
                "env-token-0123456789");
        invalid(() -> TrialGraphClient.builder().fromEnvironment(remote::get).build());
        Map<String, String> allowed = new HashMap<>(remote);
        allowed.put("TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT", "true");
        TrialGraphClient.builder().fromEnvironment(allowed::get).build().close();
        // Unset and empty variables change nothing: the builder still needs a target.
        assertThat(invalid(() -> TrialGraphClient.builder()
                                .fromEnvironment(Map.of("TRIALGRAPH_TARGET", " ")::get)
                                .build())
                        .getMessage())
                .startsWith("target: is required");
    }
}
