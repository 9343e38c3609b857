package io.trialgraph.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.trialgraph.testing.CapturedLogs;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An unexpected failure in an endpoint, on a real loopback gRPC server with the service's own
 * interceptors in the service's order: the caller gets INTERNAL with a reference, and the failed
 * call's log line carries the same reference as the stack trace's line.
 */
class FailedCallLogInterceptorTest {

    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        HealthGrpc.HealthImplBase broken = new HealthGrpc.HealthImplBase() {
            @Override
            public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
                throw new IllegalStateException("a bug in an endpoint");
            }
        };
        // intercept(...): the last interceptor runs outermost, as InterceptorOrder places them.
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(broken, new ErrorTranslatingInterceptor(), new FailedCallLogInterceptor()))
                .build().start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void internalFailureLogsTheReferenceTheCallerGot() {
        try (CapturedLogs calls = CapturedLogs.of(FailedCallLogInterceptor.class.getName());
                CapturedLogs translator = CapturedLogs.of(StatusTranslator.class.getName())) {
            StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                    () -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()));

            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(failure.getStatus().getDescription()).doesNotContain("a bug in an endpoint");
            assertThat(calls.withMessage("gRPC call failed")).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.WARN);
                Map<String, String> values = CapturedLogs.keyValues(line);
                assertThat(values).containsEntry("method", "grpc.health.v1.Health/Check").containsEntry("status", "INTERNAL");
                String reference = values.get("reference");
                assertThat(reference).isNotBlank();
                assertThat(failure.getStatus().getDescription()).endsWith("reference " + reference);
                ILoggingEvent stackTrace = translator.events().get(0);
                assertThat(stackTrace.getFormattedMessage()).isEqualTo("Internal error " + reference);
                assertThat(stackTrace.getThrowableProxy().getMessage()).isEqualTo("a bug in an endpoint");
            });
        }
    }
}
