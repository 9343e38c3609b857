package io.trialgraph.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.config.ServerConfiguration;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default deadline against a handler that ignores deadlines: a stand-in service that takes 1 s. */
class DefaultDeadlineInterceptorTest {

    private DefaultDeadlineInterceptor interceptor;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        ServerConfiguration config = new ServerConfiguration();
        config.setDefaultDeadline(Duration.ofMillis(200));
        interceptor = new DefaultDeadlineInterceptor(config);
        ServerServiceGrpc.ServerServiceImplBase slow = new ServerServiceGrpc.ServerServiceImplBase() {
            @Override
            public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> response) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // After the default deadline closed the call, this answer is dropped without an error.
                response.onNext(GetServerInfoResponse.newBuilder().setVersion("late").build());
                response.onCompleted();
            }
        };
        server = NettyServerBuilder.forPort(0).addService(ServerInterceptors.intercept(slow, interceptor)).build().start();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        interceptor.stop();
    }

    @Test
    void aCallWithoutDeadlineEndsAtTheDefault() {
        // Without the interceptor the handler would answer "late" after 1 s.
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ServerServiceGrpc.newBlockingStub(channel).getServerInfo(GetServerInfoRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e.getStatus().getDescription()).isEqualTo("the call ran longer than the server's default deadline of 200 ms"
                + " for calls that set none (trialgraph.server.default-deadline); set a deadline to allow more");
    }

    @Test
    void aCallWithItsOwnDeadlineKeepsIt() {
        assertThat(ServerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getServerInfo(GetServerInfoRequest.getDefaultInstance()).getVersion()).isEqualTo("late");
    }

    @Test
    void theServerKeepsServingAfterADeadlineClosedACall() throws Exception {
        catchThrowableOfType(StatusRuntimeException.class,
                () -> ServerServiceGrpc.newBlockingStub(channel).getServerInfo(GetServerInfoRequest.getDefaultInstance()));
        Thread.sleep(1200);   // the first handler finishes and its answer is dropped
        assertThat(ServerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getServerInfo(GetServerInfoRequest.getDefaultInstance()).getVersion()).isEqualTo("late");
    }
}
