package io.trialgraph.client;

import io.grpc.Status;

/**
 * The one exception the trialgraph client throws: a call the server refused, a server that could
 * not be reached, a deadline that ran out, an argument the client could tell was wrong before
 * sending it, or a {@link MetricLogger} that could not deliver its points.
 *
 * <p>It is unchecked and carries the gRPC status {@link #code()} that says what kind of failure it
 * is, and a {@link #getMessage() message} that says why, as the server worded it, e.g.
 * {@code NOT_FOUND: experiment 'cifar10' does not exist}. The codes mean what the trialgraph API
 * says they mean:
 * <ul>
 *   <li>{@code INVALID_ARGUMENT}: a field breaks a rule; the message starts with the field;</li>
 *   <li>{@code NOT_FOUND}, {@code ALREADY_EXISTS}: a name that does not exist, or already does;</li>
 *   <li>{@code FAILED_PRECONDITION}: e.g. a delete that would orphan things without cascade;</li>
 *   <li>{@code PERMISSION_DENIED}: a query that would write;</li>
 *   <li>{@code DEADLINE_EXCEEDED}: the call's deadline (or a query's timeout) ran out;</li>
 *   <li>{@code RESOURCE_EXHAUSTED}: a limit was hit, e.g. a full {@link MetricLogger} buffer;</li>
 *   <li>{@code UNAVAILABLE}: the server or its Neo4j did not answer; retrying is safe (reads are
 *       retried by the client itself, see {@link TrialGraphClient.Builder#retry(int)});</li>
 *   <li>{@code UNAUTHENTICATED}: the server refused the token;</li>
 *   <li>{@code INTERNAL}: an unexpected failure, with a reference to the server log.</li>
 * </ul>
 */
public class TrialGraphException extends RuntimeException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The gRPC status code. */
    private final Status.Code code;

    /**
     * A failure with a code and a message.
     *
     * @param code what kind of failure it is
     * @param message why, for people
     */
    public TrialGraphException(Status.Code code, String message) {
        this(code, message, null);
    }

    /**
     * A failure with a code, a message and the exception that caused it.
     *
     * @param code what kind of failure it is
     * @param message why, for people
     * @param cause what went wrong underneath, or null
     */
    public TrialGraphException(Status.Code code, String message, Throwable cause) {
        super(message == null || message.isEmpty() ? code.name() : message, cause);
        this.code = code;
    }

    /**
     * The exception for a failed gRPC call: the status code and its description (or the code's
     * name, when the status has no description), with the gRPC exception as cause.
     *
     * @param failure what gRPC threw
     * @return the exception to throw
     */
    public static TrialGraphException of(Throwable failure) {
        if (failure instanceof TrialGraphException known) {
            return known;
        }
        Status status = Status.fromThrowable(failure);
        String message = status.getDescription();
        if (message == null && status.getCause() != null) {
            message = status.getCause().toString();
        }
        return new TrialGraphException(status.getCode(), message, failure);
    }

    /** @return the gRPC status code, e.g. {@code NOT_FOUND} */
    public Status.Code code() {
        return code;
    }

    /**
     * Whether trying the same call again may succeed: {@code UNAVAILABLE} (server or Neo4j did
     * not answer), {@code DEADLINE_EXCEEDED}, {@code ABORTED} and {@code RESOURCE_EXHAUSTED}.
     * Retrying a write that failed this way may repeat it (e.g. {@code ALREADY_EXISTS} on the retry).
     *
     * @return true when a retry may succeed
     */
    public boolean isRetryable() {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.ABORTED
                || code == Status.Code.RESOURCE_EXHAUSTED;
    }

    /** @return the code and the message, e.g. {@code TrialGraphException: NOT_FOUND: trial 'x' does not exist} */
    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + code + ": " + getMessage();
    }
}
