package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.ServerServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls any method of the server with request bytes as given (a generic call with a byte-array
 * marshaller, as a client with broken or hostile encoding would), and the checks every resilience
 * case ends with.
 */
final class RawCalls {

    private RawCalls() {}

    /** What came back: the status, and how many response messages came before it. */
    record Outcome(Status status, int responses) {}

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** The method with bytes in and out. */
    static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return method.toBuilder(BYTES, BYTES).build();
    }

    /**
     * Sends {@code request} as the one request message of {@code method} (any kind: a stream gets
     * it and a half-close), reads every response, and returns how the call ended.
     */
    static Outcome call(Channel channel, MethodDescriptor<?, ?> method, byte[] request, long deadlineSeconds) {
        ClientCall<byte[], byte[]> call =
                channel.newCall(raw(method), CallOptions.DEFAULT.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS));
        CompletableFuture<Outcome> end = new CompletableFuture<>();
        int[] responses = {0};
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        responses[0]++;
                        call.request(1);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        end.complete(new Outcome(status, responses[0]));
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        try {
            return end.get(deadlineSeconds + 30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no end of " + method.getFullMethodName() + " within its deadline", e);
        }
    }

    /** The server answers health SERVING and a small call, each within 2 s. */
    static void assertServing(Channel channel) {
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .as("health")
                .isEqualTo(ServingStatus.SERVING);
        assertThat(ServerServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .getServerInfo(GetServerInfoRequest.getDefaultInstance())
                        .getVersion())
                .as("GetServerInfo")
                .isNotEmpty();
    }
}
