package io.trialgraph.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.core.order.Ordered;
import io.trialgraph.domain.CallBudget;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens the {@link CallBudget} of every call: the caller's remaining deadline (or the server's
 * default one, set just outside), stopped when the call's context is cancelled (the client
 * cancelled, went away, or the deadline passed), and current on the thread of each of the call's
 * callbacks. The database layer reads it, so every read of the call times out with the call and
 * stops when the caller leaves.
 *
 * <p>Which calls are long reads, drawing from a bounded share of connections, {@link ReadLanes} says.
 */
@Singleton
class CallBudgetInterceptor implements ServerInterceptor, Ordered {

    @Override
    public int getOrder() {
        return InterceptorOrder.CALL_BUDGET;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current();
        Deadline deadline = context.getDeadline();
        CallBudget budget = CallBudget.of(
                deadline == null ? null : Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)),
                ReadLanes.of(call.getMethodDescriptor().getFullMethodName()));
        // Runs on the thread that cancels the context (transport, deadline timer); also when the
        // call ends normally, when nothing of it runs any more.
        context.addListener(
                cancelled -> budget.stop(
                        cancelled.cancellationCause() instanceof TimeoutException
                                ? CallBudget.Reason.DEADLINE
                                : CallBudget.Reason.CANCELLED),
                MoreExecutors.directExecutor());
        ServerCall.Listener<Q> delegate;
        try (CallBudget.Scope scope = budget.enter()) {
            delegate = next.startCall(call, headers);
        }
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try (CallBudget.Scope scope = budget.enter()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (CallBudget.Scope scope = budget.enter()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                try (CallBudget.Scope scope = budget.enter()) {
                    super.onReady();
                }
            }

            @Override
            public void onCancel() {
                budget.stop(CallBudget.Reason.CANCELLED);
                super.onCancel();
            }
        };
    }
}
