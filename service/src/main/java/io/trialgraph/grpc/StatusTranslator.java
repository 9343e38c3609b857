package io.trialgraph.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.CancelledException;
import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.PermissionDeniedException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.domain.UnauthenticatedException;
import io.trialgraph.domain.UnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a call threw into the status its caller sees: our typed refusals keep their
 * message; an unexpected failure becomes INTERNAL with a reference to the server log, never a
 * stack trace.
 */
public final class StatusTranslator {

    private static final Logger LOG = LoggerFactory.getLogger(StatusTranslator.class);

    /** The gRPC retry pushback trailer (gRFC A6): how many milliseconds a client should wait before it retries. */
    static final Metadata.Key<String> RETRY_PUSHBACK =
            Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

    /** How long a client should wait before retrying when every Neo4j connection of the driver's pool was busy. */
    private static final Duration POOL_RETRY = Duration.ofSeconds(1);

    private StatusTranslator() {}

    /**
     * The most bytes a status description may take in the {@code grpc-message} header, which
     * percent-encodes everything but printable ASCII (3 bytes per encoded byte). Clients refuse
     * headers over 8 KiB (grpc-java's default) and then report INTERNAL instead of the status, so a
     * message that quotes a long input is cut well below that.
     */
    static final int MAX_DESCRIPTION_HEADER_BYTES = 4_096;

    public static Status toStatus(Throwable failure) {
        return capped(translate(failure));
    }

    /**
     * @return {@code status} with its description cut, on a character boundary, to what fits in
     *     {@link #MAX_DESCRIPTION_HEADER_BYTES} once encoded, saying how much was cut
     */
    public static Status capped(Status status) {
        String description = status.getDescription();
        if (description == null || description.length() <= MAX_DESCRIPTION_HEADER_BYTES / 12) {
            return status;
        }
        int budget = MAX_DESCRIPTION_HEADER_BYTES - 64;
        int end = 0;
        while (end < description.length()) {
            int codePoint = description.codePointAt(end);
            int cost = headerBytes(codePoint);
            if (cost > budget) {
                break;
            }
            budget -= cost;
            end += Character.charCount(codePoint);
        }
        if (end == description.length()) {
            return status;
        }
        return status.withDescription(description.substring(0, end) + "... (cut: "
                + description.codePointCount(end, description.length()) + " more characters)");
    }

    /** What one character costs in the percent-encoded header. */
    private static int headerBytes(int codePoint) {
        if (codePoint >= ' ' && codePoint < 0x7f && codePoint != '%') {
            return 1;
        }
        int utf8 = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        return 3 * utf8;
    }

    private static Status translate(Throwable failure) {
        if (failure instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (failure instanceof StatusException se) {
            return se.getStatus();
        }
        if (failure instanceof InvalidArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
        }
        if (failure instanceof NotFoundException) {
            return Status.NOT_FOUND.withDescription(failure.getMessage());
        }
        if (failure instanceof AlreadyExistsException) {
            return Status.ALREADY_EXISTS.withDescription(failure.getMessage());
        }
        if (failure instanceof FailedPreconditionException) {
            return Status.FAILED_PRECONDITION.withDescription(failure.getMessage());
        }
        if (failure instanceof UnauthenticatedException) {
            return Status.UNAUTHENTICATED.withDescription(failure.getMessage());
        }
        if (failure instanceof PermissionDeniedException) {
            return Status.PERMISSION_DENIED.withDescription(failure.getMessage());
        }
        if (failure instanceof DeadlineExceededException) {
            return Status.DEADLINE_EXCEEDED.withDescription(failure.getMessage());
        }
        if (failure instanceof ResourceExhaustedException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(failure.getMessage());
        }
        if (failure instanceof CancelledException) {
            return Status.CANCELLED.withDescription(failure.getMessage());
        }
        if (failure instanceof UnavailableException) {
            return Status.UNAVAILABLE.withDescription(failure.getMessage());
        }
        if (isMemoryGuard(failure)) {
            // A transient error to Neo4j, but retrying a query that does not fit is pointless.
            return Status.RESOURCE_EXHAUSTED.withDescription(
                    "Neo4j stopped the work because it needed more memory than "
                            + "Neo4j allows one transaction (or all of them together): " + failure.getMessage());
        }
        if (isPoolFull(failure)) {
            LOG.warn("Neo4j connection pool full: {}", failure.getMessage());
            return Status.UNAVAILABLE.withDescription("every Neo4j connection of this server stayed busy "
                    + "(neo4j.max-connection-pool-size); retry in a moment: " + failure.getMessage());
        }
        if (failure instanceof ServiceUnavailableException
                || failure instanceof SessionExpiredException
                || failure instanceof TransientException) {
            LOG.warn("Neo4j unavailable: {}", failure.getMessage());
            return Status.UNAVAILABLE.withDescription("Neo4j is unavailable, retry later: " + failure.getMessage());
        }
        String reference = UUID.randomUUID().toString();
        LOG.error("Internal error {}", reference, failure);
        // The cause stays on the server (gRPC never sends it): it carries the reference to the call log.
        return Status.INTERNAL
                .withDescription("internal error; the server log has the details under reference " + reference)
                .withCause(new ReferencedFailure(reference, failure));
    }

    /**
     * @return the trailers to send with the status of {@code failure}: a retry pushback
     *     ({@code grpc-retry-pushback-ms}) when the same request may succeed in a moment
     */
    public static Metadata trailers(Throwable failure) {
        Metadata trailers = new Metadata();
        retryAfter(failure).ifPresent(after -> trailers.put(RETRY_PUSHBACK, Long.toString(after.toMillis())));
        return trailers;
    }

    /**
     * @return how long a caller should wait before it sends the same request again, when it may
     *     then succeed (a full share of connections, a busy pool); empty when retrying will not help
     */
    public static Optional<Duration> retryAfter(Throwable failure) {
        if (failure instanceof ResourceExhaustedException exhausted) {
            return exhausted.retryAfter();
        }
        if (failure instanceof UnavailableException unavailable) {
            return Optional.of(unavailable.retryAfter());
        }
        if (isPoolFull(failure)) {
            return Optional.of(POOL_RETRY);
        }
        return Optional.empty();
    }

    /** @return true for Neo4j's refusal of a transaction that needs more memory than it may have */
    private static boolean isMemoryGuard(Throwable failure) {
        if (failure instanceof Neo4jException neo4j && neo4j.code() != null) {
            String code = neo4j.code();
            return code.endsWith(".General.TransactionOutOfMemoryError")
                    || code.endsWith(".General.TransactionMemoryLimit")
                    || code.endsWith(".General.MemoryPoolOutOfMemoryError")
                    || code.endsWith(".General.OutOfMemoryError");
        }
        return false;
    }

    /** @return true when the driver gave up waiting for a free connection of its pool */
    private static boolean isPoolFull(Throwable failure) {
        return failure instanceof ClientException
                && failure.getMessage() != null
                && failure.getMessage().startsWith("Unable to acquire connection from the pool");
    }

    /**
     * @return the reference under which the server log holds the details of an INTERNAL status
     *     made by {@link #toStatus}; empty for any other status
     */
    public static Optional<String> reference(Status status) {
        return status.getCause() instanceof ReferencedFailure referenced
                ? Optional.of(referenced.reference)
                : Optional.empty();
    }

    /** An unexpected failure and the reference its caller was given. */
    private static final class ReferencedFailure extends RuntimeException {

        private final String reference;

        ReferencedFailure(String reference, Throwable failure) {
            super("internal error " + reference, failure, false, false);
            this.reference = reference;
        }
    }
}
