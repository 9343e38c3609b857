package io.trialgraph.grpc;

import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.MethodDescriptor;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes request bytes that are not a valid message (a truncated varint, a length past the end,
 * invalid UTF-8 in a string, nesting past protobuf's recursion limit) an INVALID_ARGUMENT, on
 * every method. grpc-java parses a request before any interceptor sees it and ends the call with
 * UNKNOWN when parsing fails; the one per-method hook that runs before parsing is the server's
 * binary-log wrapper ({@code ServerBuilder.setBinaryLog}), so this "binary log" logs nothing: it
 * wraps each method so that parsing cannot fail, and a failure travels, as a marker next to an
 * empty message, through the interceptors to {@link ErrorTranslatingInterceptor}, which ends the
 * call there (so metrics and the failed-call log see the status like any other).
 */
@Singleton
final class MalformedRequests extends BinaryLog implements BeanCreatedEventListener<ServerBuilder<?>> {

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        return event.getBean().setBinaryLog(this);
    }

    private static final ThreadLocal<Status> MALFORMED = new ThreadLocal<>();

    /**
     * @return the INVALID_ARGUMENT status when the message being delivered on this thread stands
     *     for bytes that did not parse, else null
     */
    static Status malformed() {
        return MALFORMED.get();
    }

    /** A parsed request, or why the bytes did not parse. */
    private record Parsed<T>(T message, Status failure) {}

    /** The lenient form of each method, made once: the server asks for it on every call. */
    private final Map<MethodDescriptor<?, ?>, Lenient<?, ?>> lenient = new ConcurrentHashMap<>();

    /** A method whose request parsing cannot fail, and the empty request that stands in for bytes that did not parse. */
    private record Lenient<Q, R>(MethodDescriptor<Parsed<Q>, R> method, Q empty) {}

    @Override
    @SuppressWarnings("unchecked")
    public <Q, R> ServerMethodDefinition<?, ?> wrapMethodDefinition(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
        Lenient<Q, R> wrapped = (Lenient<Q, R>) lenient.computeIfAbsent(method, MalformedRequests::lenient);
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(wrapped.method(), (call, headers) -> {
            ServerCall.Listener<Q> listener = handler.startCall(new Unwrapped<>(call, method), headers);
            return new ParsingListener<>(listener, wrapped.empty());
        });
    }

    private static <Q, R> Lenient<Q, R> lenient(MethodDescriptor<Q, R> method) {
        MethodDescriptor.Marshaller<Parsed<Q>> marshaller = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Parsed<Q> value) {
                return method.streamRequest(value.message());
            }

            @Override
            public Parsed<Q> parse(InputStream stream) {
                try {
                    return new Parsed<>(method.parseRequest(stream), null);
                } catch (RuntimeException e) {
                    return new Parsed<>(null, invalid(e));
                }
            }
        };
        return new Lenient<>(
                method.toBuilder(marshaller, method.getResponseMarshaller()).build(),
                method.parseRequest(new ByteArrayInputStream(new byte[0])));
    }

    private static Status invalid(RuntimeException parseFailure) {
        Throwable cause = parseFailure.getCause() != null ? parseFailure.getCause() : parseFailure;
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return Status.INVALID_ARGUMENT.withDescription("the request is not a valid protobuf message: " + reason);
    }

    /** The call as the interceptors and the service see it: with the method's own request type. */
    private static final class Unwrapped<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final MethodDescriptor<Q, R> method;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Unwrapped(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> method) {
            super((ServerCall) call);
            this.method = method;
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }

    private static final class ParsingListener<Q> extends ServerCall.Listener<Parsed<Q>> {
        private final ServerCall.Listener<Q> delegate;
        private final Q empty;

        ParsingListener(ServerCall.Listener<Q> delegate, Q empty) {
            this.delegate = delegate;
            this.empty = empty;
        }

        @Override
        public void onMessage(Parsed<Q> parsed) {
            if (parsed.failure() == null) {
                delegate.onMessage(parsed.message());
                return;
            }
            MALFORMED.set(parsed.failure());
            try {
                delegate.onMessage(empty);
            } finally {
                MALFORMED.remove();
            }
        }

        @Override
        public void onHalfClose() {
            delegate.onHalfClose();
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }

        @Override
        public void onReady() {
            delegate.onReady();
        }
    }

    @Override
    public Channel wrapChannel(Channel channel) {
        return channel;
    }

    @Override
    public void close() {}
}
