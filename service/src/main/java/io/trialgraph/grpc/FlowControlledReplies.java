package io.trialgraph.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * Sends a server-streaming reply only as fast as the client reads it: a message is made (and read
 * from Neo4j) only while the call is ready to send, and making resumes when gRPC reports it ready
 * again. A client that stops reading therefore costs the messages already handed to the
 * transport (about one message beyond the flow-control window) plus whatever state
 * {@code messages} keeps between messages; no thread waits for it.
 */
final class FlowControlledReplies<R> {

    private final ServerCallStreamObserver<R> call;
    private Supplier<R> messages;
    private boolean sending;

    private FlowControlledReplies(ServerCallStreamObserver<R> call, Supplier<R> messages) {
        this.call = call;
        this.messages = messages;
    }

    /**
     * Streams what {@code messages} returns, in order, until it returns null; what it throws ends
     * the call with the translated status. Call from the RPC method itself, before it returns.
     */
    static <R> void send(StreamObserver<R> observer, Supplier<R> messages) {
        ServerCallStreamObserver<R> call = (ServerCallStreamObserver<R>) observer;
        FlowControlledReplies<R> replies = new FlowControlledReplies<>(call, messages);
        call.setOnReadyHandler(replies::sendWhileReady);
        // A cancelled call drops its state at once, not when the call object goes away.
        call.setOnCancelHandler(replies::stop);
        replies.sendWhileReady();
    }

    private synchronized void stop() {
        messages = null;
    }

    /** Runs on the call's serialized executor (the method itself, then each onReady). */
    private synchronized void sendWhileReady() {
        if (sending) {
            return;
        }
        sending = true;
        try {
            while (messages != null && call.isReady() && !call.isCancelled()) {
                R message;
                try {
                    message = messages.get();
                } catch (RuntimeException e) {
                    messages = null;
                    call.onError(StatusTranslator.capped(StatusTranslator.toStatus(e))
                            .asRuntimeException());
                    return;
                }
                if (message == null) {
                    messages = null;
                    call.onCompleted();
                    return;
                }
                call.onNext(message);
            }
        } finally {
            sending = false;
        }
    }
}
