"""The one exception type of the trialgraph client."""

from __future__ import annotations

import grpc

__all__ = ["TrialGraphError"]

_RETRYABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    }
)


class TrialGraphError(Exception):
    """Every failure of the client: a gRPC status code and a message naming the field and the rule.

    ``code`` is a :class:`grpc.StatusCode` (``err.code.name`` is e.g. ``"NOT_FOUND"``); the
    message is the server's status description, or the client's own for checks it makes before
    a call (``INVALID_ARGUMENT`` for a bad name, ``FAILED_PRECONDITION`` for a closed logger).
    ``str(err)`` is ``"NOT_FOUND: experiment 'x' does not exist"``, like the command line prints.
    """

    def __init__(self, code: grpc.StatusCode, message: str = "") -> None:
        self.code = code
        self.message = message or code.name
        super().__init__(f"{code.name}: {self.message}")

    @property
    def retryable(self) -> bool:
        """Whether the same call may succeed later (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED,
        RESOURCE_EXHAUSTED); a retried write may then have happened twice (ALREADY_EXISTS)."""
        return self.code in _RETRYABLE

    @classmethod
    def of(cls, failure: BaseException) -> "TrialGraphError":
        """The error for what a gRPC call raised (a :class:`grpc.RpcError` carries the status)."""
        if isinstance(failure, TrialGraphError):
            return failure
        code_fn = getattr(failure, "code", None)
        details_fn = getattr(failure, "details", None)
        if callable(code_fn):
            try:
                code = code_fn() or grpc.StatusCode.UNKNOWN
                details = (details_fn() if callable(details_fn) else None) or ""
            except Exception:  # a call object without a status yet
                code, details = grpc.StatusCode.UNKNOWN, str(failure)
            error = cls(code, details)
        else:
            error = cls(grpc.StatusCode.UNKNOWN, f"{type(failure).__name__}: {failure}")
        error.__cause__ = failure
        return error


def invalid(message: str) -> TrialGraphError:
    return TrialGraphError(grpc.StatusCode.INVALID_ARGUMENT, message)


def failed_precondition(message: str) -> TrialGraphError:
    return TrialGraphError(grpc.StatusCode.FAILED_PRECONDITION, message)
