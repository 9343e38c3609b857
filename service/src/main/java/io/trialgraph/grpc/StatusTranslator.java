package io.trialgraph.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.PermissionDeniedException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.domain.UnauthenticatedException;
import java.util.Optional;
import java.util.UUID;
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

    private StatusTranslator() {}

    public static Status toStatus(Throwable failure) {
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
