"""MetricLogger: streams metric points to trialgraph in the background, exactly once, without
ever making training wait for the network.

How it works (the manual is the class docstring):

* ``log()`` appends the point to the open batch in memory under a lock and returns (about a
  microsecond). A batch is sealed when it holds ``batch_points`` points or when its first point
  is ``linger`` seconds old.
* A background thread (the sender) serializes each sealed batch into an ``IngestMetricsRequest``
  with the logger's writer id and the next sequence number, appends it to the spool file (so
  it survives the process), and sends it over one ``IngestMetrics`` stream, at most
  ``max_in_flight`` unacknowledged at a time. The server acknowledges a batch once it is
  durably committed; then its spool space is freed.
* When the stream breaks or the server is away, the sender reconnects with exponential backoff
  and resends every unacknowledged batch with its sequence number; the server recognises the
  ones it already committed, so each point is stored exactly once. Meanwhile ``log()`` goes on
  into memory (at most ``buffer_points`` points held there; older batches are read back from the
  spool when their turn comes).
"""

from __future__ import annotations

import atexit
import collections
import sys
from array import array
import dataclasses
import logging
import os
import queue
import random
import threading
import time
import uuid
import weakref
from datetime import datetime
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Tuple, Union

import grpc

from . import _names
from .connection import Connection
from .errors import TrialGraphError, failed_precondition, invalid
from .spool import BATCH, CALL, Spool, SpoolRecord, default_spool_dir, is_locked, writer_dirs
from .v1 import metrics_pb2

__all__ = ["MetricLogger", "LoggerStats", "Rejection"]

_log = logging.getLogger("trialgraph")

_INGEST = "/trialgraph.v1.MetricService/IngestMetrics"
_RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED, grpc.StatusCode.DEADLINE_EXCEEDED,
                        grpc.StatusCode.ABORTED, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN,
                        grpc.StatusCode.RESOURCE_EXHAUSTED})
_MAX_STEP = 2**63 - 1
_time = time.time
_monotonic = time.monotonic


@dataclasses.dataclass(frozen=True)
class Rejection:
    """A batch (or, replaying a spool, a call) the server refused: nothing of it was stored."""

    writer_id: str
    sequence: int
    code: grpc.StatusCode
    message: str
    points: int


@dataclasses.dataclass(frozen=True)
class LoggerStats:
    """Counters of a logger since it was made (a consistent snapshot).

    ``buffered_points``: logged (or found in the spool) and not yet acknowledged;
    ``spooled_points``: of those, the ones written to the spool; ``stored_points``: reported newly
    stored by the server (a resent batch it had committed before adds nothing)."""

    writer_id: str
    logged_points: int
    buffered_points: int
    spooled_points: int
    spool_bytes: int
    acknowledged_points: int
    stored_points: int
    rejected_batches: int
    rejected_points: int
    sent_batches: int
    resent_batches: int
    reconnects: int
    acknowledged_sequence: int
    recovered_points: int
    failure: Optional[str]


class _Series:
    __slots__ = ("component", "metric", "steps", "values", "stamps", "next_step")

    def __init__(self, component: str, metric: str) -> None:
        self.component = component
        self.metric = metric
        self.steps: List[int] = []
        self.values: List[float] = []
        self.stamps: List[int] = []
        self.next_step = 0


class _Record:
    """A sealed batch or call, from sealing until it is acknowledged."""

    __slots__ = ("kind", "sequence", "points", "data", "columns", "method", "spooled", "times_sent", "sent_at")

    def __init__(self, kind: int, sequence: int, points: int) -> None:
        self.kind = kind
        self.sequence = sequence
        self.points = points
        self.data: Optional[bytes] = None  # the serialized request, while it is held in memory
        self.columns: Optional[List[Tuple[str, str, List[int], List[float], List[int]]]] = None
        self.method = ""
        self.spooled: Optional[SpoolRecord] = None
        self.times_sent = 0
        self.sent_at = 0.0


class _Stream:
    __slots__ = ("generation", "requests", "call")

    def __init__(self, generation: int, requests: "queue.SimpleQueue[Optional[bytes]]", call: Any) -> None:
        self.generation = generation
        self.requests = requests
        self.call = call


_live: "weakref.WeakSet[MetricLogger]" = weakref.WeakSet()


class MetricLogger:
    """Streams metric points (loss, accuracy, ... per step) of trial components to trialgraph.

    >>> with client.metric_logger("resnet-adam-30-training") as metrics:
    ...     for step, batch in enumerate(loader):
    ...         metrics.log("loss", loss.item(), step)
    ...         metrics.log_many({"acc": acc, "lr": lr}, step)

    * ``log(name, value, step=None, timestamp=None)`` never waits for the network. ``step``
      defaults to one more than the metric's previous step (0 first); ``timestamp`` (a
      ``datetime`` or seconds since the epoch) to now. ``component=`` logs to another component
      than the logger's own. Thread-safe.
    * Exactly once: every batch carries the writer id and a sequence number; after a broken
      connection the logger resends what the server did not acknowledge, and the server stores
      each batch once. Every batch goes to the spool (``spool_dir``, default
      ``~/.cache/trialgraph/spool``) before it is sent and leaves it once acknowledged, so
      batches survive a server that is away for hours and a process that is killed: the next
      logger with the same ``writer_id``, or ``trialgraph-sync``, delivers them.
    * ``flush(timeout)`` waits until everything logged is acknowledged; ``close(timeout)``
      flushes and stops. At interpreter exit open loggers are closed, waiting at most
      ``exit_timeout`` seconds; what is not delivered then stays in the spool (one line on
      stderr says so).
    * Offline (``offline=True`` or ``TRIALGRAPH_MODE=offline``) it only writes the spool.
    * After ``os.fork()`` the child's logger starts empty with a writer id of its own (the
      parent's points stay the parent's) and a channel of its own.
    * A batch the server refuses (an unknown component: ``NOT_FOUND``) is not stored and not
      retried: it is counted in :meth:`stats`, logged as a warning and passed to
      ``on_rejected``. A stream failure no retry can cure (``UNAUTHENTICATED``,
      ``PERMISSION_DENIED``, ...) is logged once; points keep going to the spool and
      ``flush``/``close`` raise it.
    """

    def __init__(self, client: Any = None, component: Optional[str] = None, *, writer_id: Optional[str] = None,
                 batch_points: int = 10_000, linger: float = 0.1, buffer_points: int = 1_000_000,
                 max_in_flight: int = 5, ack_timeout: float = 60.0, spool_dir: Optional[str] = None,
                 spool_max_bytes: int = 8 * 1024**3, offline: Optional[bool] = None,
                 on_rejected: Optional[Callable[[Rejection], None]] = None, first_sequence: Optional[int] = None,
                 exit_timeout: float = 10.0, reconnect_backoff: Tuple[float, float] = (0.1, 5.0)) -> None:
        if client is None:
            from .client import Client
            client = Client()
        self.connection: Connection = client.connection if hasattr(client, "connection") else client
        if component is not None:
            _names.check_component_name(component)
        if writer_id is not None:
            _names.check_writer_id(writer_id)
        if not 1 <= batch_points <= 100_000:
            raise invalid(f"batch_points: must be 1 to 100,000, is {batch_points}")
        if linger < 0:
            raise invalid(f"linger: must not be negative, is {linger}")
        if buffer_points < batch_points:
            raise invalid(f"buffer_points: must be at least batch_points ({batch_points}), is {buffer_points}")
        if max_in_flight < 1:
            raise invalid(f"max_in_flight: must be at least 1, is {max_in_flight}")
        if ack_timeout <= 0:
            raise invalid(f"ack_timeout: must be positive, is {ack_timeout}")
        if first_sequence is not None and first_sequence < 1:
            raise invalid(f"first_sequence: must be at least 1, is {first_sequence}")
        if not 0 < reconnect_backoff[0] <= reconnect_backoff[1]:
            raise invalid("reconnect_backoff: (initial, max) with 0 < initial <= max")
        self.component = component
        self.offline = self.connection.offline if offline is None else offline
        self._batch_points = batch_points
        self._linger = linger
        self._buffer_points = buffer_points
        self._max_in_flight = max_in_flight
        self._ack_timeout = ack_timeout
        self._spool_root = os.path.abspath(spool_dir or default_spool_dir())
        self._spool_max_bytes = spool_max_bytes
        self._on_rejected = on_rejected
        self._exit_timeout = exit_timeout
        self._backoff_initial, self._backoff_max = reconnect_backoff
        self._fixed_first_sequence = first_sequence
        self._fork_child = False
        self._adopting = False
        self._next_adopt = 0.0
        self._start(writer_id or str(uuid.uuid4()))
        _live.add(self)

    # --- set-up (also after fork) ----------------------------------------------------------------

    def _start(self, writer_id: str) -> None:
        self.writer_id = writer_id
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._forked = False
        self._default: Dict[str, _Series] = {}
        self._others: Dict[Tuple[str, str], _Series] = {}
        self._touched: List[_Series] = []
        self._open_points = 0
        self._open_since = 0.0
        self._sealed: Deque[_Record] = collections.deque()
        self._sealed_points = 0
        self._unsent: Deque[_Record] = collections.deque()
        self._in_flight: Deque[_Record] = collections.deque()
        self._memory_points = 0
        self._buffered = 0
        self._spooled = 0
        self._acked_seq = 0
        self._last_sealed_seq = 0
        self._delivered_to_spool = 0  # acknowledged sequence last passed to the spool
        self._closing = False
        self._refuse: Optional[TrialGraphError] = None  # why log() refuses points: closed, or full
        self._terminate = False
        self._sender_done = False
        self._sender_idle = False
        self._fatal: Optional[TrialGraphError] = None
        self._full: Optional[TrialGraphError] = None
        self._last_error: Optional[str] = None
        self._stream: Optional[_Stream] = None
        self._generation = 0
        self._broken: Optional[Tuple[grpc.StatusCode, str]] = None
        self._reconnect_at = 0.0
        self._backoff = self._backoff_initial
        self._channel: Optional[grpc.Channel] = None
        self._ingest: Any = None
        self._logged = self._acked_points = self._stored = 0
        self._rejected_batches = self._rejected_points = 0
        self._sent = self._resent = self._reconnects = self._recovered = 0
        self._spool = Spool(self._spool_root, writer_id, self._spool_max_bytes)
        try:
            left = self._spool.load()
        except BaseException:
            self._spool.close(delivered_all=False)
            raise
        last = 0
        for r in left:
            record = _Record(r.kind, r.sequence, r.points)
            record.spooled = r
            self._unsent.append(record)
            self._buffered += r.points
            self._spooled += r.points
            self._recovered += r.points
            last = r.sequence
        first = self._fixed_first_sequence or time.time_ns() // 1000
        self._next_seq = max(first, last + 1)
        self._acked_seq = self._last_sealed_seq = (left[0].sequence - 1) if left else self._next_seq - 1
        if left:
            self._last_sealed_seq = last
            _log.info("trialgraph: metric logger %s found %d points in %d records left in its spool %s; "
                      "delivering them first", writer_id, self._recovered, len(left), self._spool.path)
        elif not self.offline:
            self._mention_orphans()
        self._sender = threading.Thread(target=self._run_sender, name=f"trialgraph-metric-sender-{writer_id}",
                                        daemon=True)
        self._sender.start()

    def _mention_orphans(self) -> None:
        try:
            orphans = [d for d in writer_dirs(self._spool_root) if d != self._spool.path and not is_locked(d)]
        except OSError:
            return
        if orphans:
            _log.warning("trialgraph: %d spool(s) of metric loggers that ended before delivering everything are in %s;"
                         " run trialgraph-sync to deliver them", len(orphans), self._spool_root)

    # --- logging -------------------------------------------------------------------------------

    def log(self, name: str, value: float, step: Optional[int] = None,
            timestamp: Union[None, float, datetime] = None, *, component: Optional[str] = None) -> None:
        """Logs one point; returns at once (the sender delivers it).

        Raises :class:`TrialGraphError` INVALID_ARGUMENT for a bad name, step or value,
        FAILED_PRECONDITION after :meth:`close`, RESOURCE_EXHAUSTED when neither memory nor the
        spool can take more (the point is not logged)."""
        # The training loop's hot path: one lock, a dictionary look-up and three list appends.
        if type(value) is not float:
            value = _float(value)
        millis = int(_time() * 1000) if timestamp is None else _millis(timestamp)
        if step is not None and (type(step) is not int or step < 0 or step > _MAX_STEP):
            step = _step(step)
        if self._forked:
            self._after_fork()
        with self._lock:
            s = self._default.get(name) if component is None else self._others.get((component, name))
            if s is None:
                s = self._new_series(self.component if component is None else component, name)
            if self._refuse is not None:
                raise self._refuse
            if step is None:
                step = s.next_step
            s.next_step = step + 1
            steps = s.steps
            if not steps:
                self._touched.append(s)
            steps.append(step)
            s.values.append(value)
            s.stamps.append(millis)
            n = self._open_points + 1
            self._open_points = n
            if n == 1:
                self._open_since = _monotonic()
                if self._sender_idle:
                    self._cond.notify()
            if n >= self._batch_points:
                self._seal()

    def log_many(self, values: Mapping[str, float], step: Optional[int] = None,
                 timestamp: Union[None, float, datetime] = None, *, component: Optional[str] = None) -> None:
        """Logs several metrics at the same step (each metric's own next step when None) and
        time, under one lock."""
        millis = int(_time() * 1000) if timestamp is None else _millis(timestamp)
        if step is not None and (type(step) is not int or step < 0 or step > _MAX_STEP):
            step = _step(step)
        points = [(name, v if type(v) is float else _float(v)) for name, v in values.items()]
        if self._forked:
            self._after_fork()
        with self._lock:
            if self._refuse is not None:
                raise self._refuse
            for name, value in points:
                s = self._default.get(name) if component is None else self._others.get((component, name))
                if s is None:
                    s = self._new_series(self.component if component is None else component, name)
                at = s.next_step if step is None else step
                s.next_step = at + 1
                if not s.steps:
                    self._touched.append(s)
                s.steps.append(at)
                s.values.append(value)
                s.stamps.append(millis)
                self._open_points += 1
                if self._open_points == 1:
                    self._open_since = _monotonic()
                    if self._sender_idle:
                        self._cond.notify()
                if self._open_points >= self._batch_points:
                    self._seal()

    def _new_series(self, component: Optional[str], metric: str) -> _Series:
        if component is None:
            raise invalid("component: this logger has no component of its own; pass component=")
        _names.check_component_name(component)
        _names.check_metric_name(metric)
        s = _Series(component, metric)
        if component == self.component:
            self._default[metric] = s
        self._others[(component, metric)] = s
        return s

    def _seal(self) -> None:
        """Seals the open batch (under the lock) and wakes the sender."""
        if not self._open_points:
            return
        record = _Record(BATCH, self._next_seq, self._open_points)
        self._next_seq += 1
        self._logged += record.points
        self._buffered += record.points
        record.columns = [(s.component, s.metric, s.steps, s.values, s.stamps) for s in self._touched]
        for s in self._touched:
            s.steps, s.values, s.stamps = [], [], []
        self._touched = []
        self._open_points = 0
        self._last_sealed_seq = record.sequence
        self._sealed.append(record)
        self._sealed_points += record.points
        self._cond.notify_all()
        if self._sealed_points > self._buffer_points and threading.current_thread() is not self._sender:
            # The process logs faster than it can serialize and spool: wait for the sender.
            while self._sealed_points > self._buffer_points and not self._sender_done:
                self._cond.wait(1.0)

    def record_call(self, method: str, request: bytes) -> None:
        """Records a unary call (the full method path and the serialized request) in sequence
        with the points: offline trackers journal their calls this way, and whoever delivers the
        spool replays them in order (ALREADY_EXISTS counts as done, so a replay is harmless)."""
        with self._lock:
            if self._forked:
                raise failed_precondition("record_call after fork(): use a tracker of the child's own")
            if self._closing:
                raise failed_precondition("the metric logger is closed")
            self._seal()
            record = _Record(CALL, self._next_seq, 0)
            self._next_seq += 1
            record.method = method
            record.data = request
            self._last_sealed_seq = record.sequence
            self._sealed.append(record)
            self._cond.notify_all()

    # --- flush and close -----------------------------------------------------------------------

    def flush(self, timeout: Optional[float] = None) -> None:
        """Waits until every point logged before the call is acknowledged (offline: written to
        the spool). Raises DEADLINE_EXCEEDED after ``timeout`` seconds (the points stay queued
        and spooled and are still delivered), or the stream's failure when one that retrying
        cannot cure ended it (the points stay in the spool)."""
        if self._forked:
            return
        with self._lock:
            self._seal()
            target = self._last_sealed_seq
            self._await(lambda: self._done_up_to(target), timeout, "flush")
            if self.offline:
                self._spool.sync()

    def _done_up_to(self, sequence: int) -> bool:
        if self.offline or self._fatal is not None:
            return not self._sealed or self._sealed[0].sequence > sequence
        return self._acked_seq >= sequence

    def _await(self, done: Callable[[], bool], timeout: Optional[float], what: str) -> None:
        deadline = None if timeout is None else _monotonic() + timeout
        while not done():
            if self._fatal is not None:
                raise self._fatal
            if self._sender_done:
                raise failed_precondition(f"{what}: the metric logger stopped with {self._buffered} points not "
                                          f"acknowledged; they are in its spool {self._spool.path}")
            remaining = None if deadline is None else deadline - _monotonic()
            if remaining is not None and remaining <= 0:
                raise TrialGraphError(grpc.StatusCode.DEADLINE_EXCEEDED,
                                      f"{what}: {self._buffered} points not acknowledged after {timeout:g} s; "
                                      f"server {self.connection.target}"
                                      + (f", last stream error: {self._last_error}" if self._last_error else "")
                                      + f"; they stay in the spool {self._spool.path}")
            self._cond.wait(remaining if remaining is not None else 1.0)
        if self._fatal is not None:
            raise self._fatal

    def close(self, timeout: Optional[float] = None) -> int:
        """Flushes and stops: waits up to ``timeout`` seconds (None: as long as it takes) until
        every point is acknowledged, then ends the stream and the sender. Points still not
        acknowledged then stay in the spool (the next logger with this writer id or
        ``trialgraph-sync`` delivers them) and their number is returned (0 when all arrived).
        Raises the stream's failure when one that retrying cannot cure ended it. Later ``log``
        calls raise FAILED_PRECONDITION; calling close again does nothing."""
        if self._forked:
            return 0
        with self._lock:
            first = not self._closing
            self._closing = True
            self._refuse = failed_precondition("the metric logger is closed")
            self._seal()
            self._cond.notify_all()
            deadline = None if timeout is None else _monotonic() + timeout
            while not self._sender_done:
                remaining = None if deadline is None else deadline - _monotonic()
                if remaining is not None and remaining <= 0:
                    self._terminate = True
                    self._cond.notify_all()
                    self._cond.wait(5.0)  # the sender spools what is left, then ends
                    break
                self._cond.wait(remaining if remaining is not None else 1.0)
            left = self._buffered
            fatal = self._fatal
        self._sender.join(5.0)
        _live.discard(self)
        if first and not self.offline:
            self._adopt_children(None if deadline is None else max(1.0, deadline - _monotonic()))
        if left and first and self._fork_child:
            _log.info("trialgraph: %d metric points of forked writer %s wait in %s for the parent's logger",
                      left, self.writer_id, self._spool.path)
        elif left and first:
            where = "" if self.offline else f" to {self.connection.target}"
            _log.warning("trialgraph: %d metric points of writer %s not delivered%s are kept in the spool %s; "
                         "trialgraph-sync delivers them", left, self.writer_id, where, self._spool.path)
        if fatal is not None and first:
            raise fatal
        return left

    def __enter__(self) -> "MetricLogger":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def stats(self) -> LoggerStats:
        with self._lock:
            return LoggerStats(self.writer_id, self._logged + self._open_points, self._buffered + self._open_points,
                               self._spooled, self._spool.bytes,
                               self._acked_points, self._stored, self._rejected_batches, self._rejected_points,
                               self._sent, self._resent, self._reconnects, self._acked_seq, self._recovered,
                               str(self._fatal) if self._fatal else None)

    @property
    def spool_path(self) -> str:
        """The folder of this logger's spool."""
        return self._spool.path

    # --- the sender thread ---------------------------------------------------------------------

    def _run_sender(self) -> None:
        cond = self._cond
        cond.acquire()
        try:
            while True:
                now = _monotonic()
                if self._open_points and (self._closing or now - self._open_since >= self._linger):
                    self._seal()
                if self._sealed:
                    self._spool_sealed()
                    continue
                if self._terminate or (self._closing and self._all_delivered()):
                    break
                if not self.offline and self._fatal is None:
                    if self._broken is not None:
                        self._handle_broken(now)
                        continue
                    if self._stream is not None and self._in_flight and \
                            now - self._in_flight[0].sent_at >= self._ack_timeout:
                        self._stream.call.cancel()
                        self._broken = (grpc.StatusCode.DEADLINE_EXCEEDED,
                                        f"no acknowledgement within {self._ack_timeout:g} s")
                        continue
                    if self._unsent and self._stream is None and now >= self._reconnect_at:
                        self._open_stream()
                        continue
                    if self._unsent and self._stream is not None:
                        head = self._unsent[0]
                        if head.kind == CALL and not self._in_flight:
                            self._replay_call(head)
                            continue
                        if head.kind == BATCH and len(self._in_flight) < self._max_in_flight:
                            self._send(head)
                            continue
                    if self._acked_seq > self._delivered_to_spool:
                        self._delivered_to_spool = self._acked_seq
                        sequence = self._acked_seq
                        cond.release()
                        try:
                            self._spool.delivered(sequence)
                        except OSError as e:
                            _log.warning("trialgraph: cannot delete delivered spool segments: %s", e)
                        finally:
                            cond.acquire()
                        continue
                if not self.offline and not self._adopting and now >= self._next_adopt:
                    self._next_adopt = now + 5.0
                    self._adopting = True  # before the thread starts: it clears the flag when done
                    started = False
                    cond.release()
                    try:
                        if self._children():
                            threading.Thread(target=self._adopt_in_background, daemon=True,
                                             name=f"trialgraph-metric-adopt-{self.writer_id}").start()
                            started = True
                    finally:
                        cond.acquire()
                    if not started:
                        self._adopting = False
                    continue  # the lock was released: look at everything again
                wait = None
                if self._open_points:
                    wait = self._open_since + self._linger - now
                if not self.offline and self._fatal is None:
                    if self._unsent and self._stream is None:
                        wait = _min(wait, self._reconnect_at - now)
                    if self._in_flight:
                        wait = _min(wait, self._in_flight[0].sent_at + self._ack_timeout - now)
                if self._closing:
                    wait = _min(wait, 0.5)
                if wait is None or wait > 0:
                    self._sender_idle = True
                    cond.wait(wait)
                    self._sender_idle = False
        except BaseException as e:  # never die silently: what is held stays in memory and spool
            self._fatal = TrialGraphError(grpc.StatusCode.INTERNAL, f"the metric sender failed: {e!r}")
            _log.exception("trialgraph: metric sender of writer %s failed", self.writer_id)
        finally:
            stream, self._stream = self._stream, None
            self._generation += 1
            delivered = not self.offline and self._fatal is None and not (
                self._open_points or self._sealed or self._unsent or self._in_flight)
            if stream is not None:
                stream.requests.put(None)
                if not delivered:
                    stream.call.cancel()
            self._sender_done = True
            cond.notify_all()
            cond.release()
            try:
                self._spool.close(delivered_all=delivered)
            except OSError as e:
                _log.warning("trialgraph: closing the spool %s: %s", self._spool.path, e)
            if self._channel is not None:
                try:
                    self._channel.close()
                except Exception:
                    pass

    def _all_delivered(self) -> bool:
        if self._open_points or self._sealed:
            return False
        return self.offline or self._fatal is not None or (not self._unsent and not self._in_flight)

    def _spool_sealed(self) -> None:
        """Serializes and spools the sealed records (outside the lock), then queues them."""
        records = list(self._sealed)
        self._cond.release()
        problem: Optional[BaseException] = None
        try:
            for record in records:
                if record.kind == BATCH:
                    record.data = _encode(self.writer_id, record)
                    record.columns = None
                try:
                    if problem is None:
                        payload = record.data if record.kind == BATCH else \
                            record.method.encode("utf-8") + b"\0" + record.data
                        record.spooled = self._spool.append(record.kind, record.sequence, record.points, payload)
                except (OSError, TrialGraphError) as e:
                    problem = e
        finally:
            self._cond.acquire()
        for record in records:
            self._sealed.popleft()
            self._sealed_points -= record.points
            self._unsent.append(record)
            if record.spooled is not None:
                self._spooled += record.points
            self._memory_points += record.points
        if problem is not None and self._last_error != f"spool: {problem}":
            self._last_error = f"spool: {problem}"
            _log.error("trialgraph: cannot write the metric spool %s (%s); keeping batches in memory while "
                       "buffer_points allows", self._spool.path, problem)
        self._trim_memory()
        self._cond.notify_all()

    def _trim_memory(self) -> None:
        """Keeps at most buffer_points points in memory: the newest spooled batches are dropped
        from memory and read back from the spool when their turn comes."""
        if self._memory_points <= self._buffer_points:
            if self._full is not None and self._memory_points < self._buffer_points // 2:
                if self._refuse is self._full:
                    self._refuse = None
                self._full = None
            return
        for record in reversed(self._unsent):
            if self._memory_points <= self._buffer_points:
                break
            if record.data is not None and record.spooled is not None and record.kind == BATCH:
                record.data = None
                self._memory_points -= record.points
        if self._memory_points > self._buffer_points and self._full is None:
            self._full = TrialGraphError(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                         f"metric buffer full: {self._memory_points} points held in memory "
                                         f"(buffer_points {self._buffer_points}) and the spool cannot take them "
                                         f"({self._last_error}); the point was not logged")
            if self._refuse is None:
                self._refuse = self._full

    def _ingest_call(self) -> Any:
        if self._channel is None:
            self._channel = self.connection.channel()
            self._ingest = self._channel.stream_stream(
                _INGEST, request_serializer=None,
                response_deserializer=metrics_pb2.IngestMetricsResponse.FromString)
        return self._ingest

    def _open_stream(self) -> None:
        self._generation += 1
        generation = self._generation
        self._broken = None
        requests: "queue.SimpleQueue[Optional[bytes]]" = queue.SimpleQueue()

        def feed():
            while True:
                item = requests.get()
                if item is None:
                    return
                yield item

        ingest = self._ingest_call()
        self._cond.release()  # never start a thread or a call under the lock log() takes
        try:
            call = ingest(feed(), metadata=self.connection.metadata())
            threading.Thread(target=self._read_acks, args=(generation, call), daemon=True,
                             name=f"trialgraph-metric-acks-{self.writer_id}").start()
        finally:
            self._cond.acquire()
        self._stream = _Stream(generation, requests, call)

    def _send(self, record: _Record) -> None:
        data = record.data
        if data is None:
            spooled = record.spooled
            self._cond.release()
            try:
                data = self._spool.read(spooled)
            finally:
                self._cond.acquire()
            if not self._unsent or self._unsent[0] is not record or self._stream is None or self._broken:
                return  # acknowledged meanwhile, or the stream broke
        self._unsent.popleft()
        self._in_flight.append(record)
        record.sent_at = _monotonic()
        if record.times_sent:
            self._resent += 1
        record.times_sent += 1
        self._sent += 1
        self._stream.requests.put(data)

    def _replay_call(self, record: _Record) -> None:
        """Delivers a recorded call (offline trackers), in order with the batches around it."""
        data = record.data
        spooled = record.spooled
        channel = self._channel
        self._cond.release()
        code, message = None, ""
        try:
            if data is None:
                raw = self._spool.read(spooled)
                method, _, data = raw.partition(b"\0")
                record.method = method.decode("utf-8")
            call = channel.unary_unary(record.method, request_serializer=None, response_deserializer=None)
            call(data, timeout=self.connection.deadline, metadata=self.connection.metadata())
        except grpc.RpcError as e:
            code, message = e.code(), e.details() or ""
        except OSError as e:
            code, message = grpc.StatusCode.DATA_LOSS, str(e)
        finally:
            self._cond.acquire()
        if code in _RETRYABLE and code != grpc.StatusCode.RESOURCE_EXHAUSTED:
            self._broken = (code, message)
            return
        self._unsent.popleft()
        if record.data is not None:
            self._memory_points -= record.points
        self._acked_seq = max(self._acked_seq, record.sequence)
        if code is not None and code != grpc.StatusCode.ALREADY_EXISTS:
            self._rejected_batches += 1
            rejection = Rejection(self.writer_id, record.sequence, code, f"{record.method}: {message}", 0)
            _log.warning("trialgraph: replaying %s from the spool failed: %s: %s", record.method, code.name, message)
            self._notify_rejected([rejection])
        self._cond.notify_all()

    def _read_acks(self, generation: int, call: Any) -> None:
        status: Tuple[grpc.StatusCode, str] = (grpc.StatusCode.UNAVAILABLE, "the server ended the metric stream")
        try:
            for response in call:
                self._acknowledged(generation, response)
        except grpc.RpcError as e:
            status = (e.code() or grpc.StatusCode.UNKNOWN, e.details() or "")
        except Exception as e:  # a response that does not parse, a bug: treat as a broken stream
            status = (grpc.StatusCode.INTERNAL, repr(e))
        with self._cond:
            if generation == self._generation and self._broken is None:
                self._broken = status
                self._cond.notify_all()

    def _acknowledged(self, generation: int, response: metrics_pb2.IngestMetricsResponse) -> None:
        rejections: List[Rejection] = []
        with self._cond:
            self._stored += response.stored_points
            sequence = response.acknowledged_sequence
            if sequence <= self._acked_seq:
                return
            rejected = {r.sequence: r for r in response.rejected_batches}
            for q in (self._in_flight, self._unsent):
                while q and q[0].sequence <= sequence:
                    record = q.popleft()
                    self._buffered -= record.points
                    self._acked_points += record.points
                    if record.spooled is not None:
                        self._spooled -= record.points
                    if record.data is not None:
                        self._memory_points -= record.points
                    r = rejected.get(record.sequence)
                    if r is not None:
                        self._rejected_batches += 1
                        self._rejected_points += record.points
                        rejections.append(Rejection(self.writer_id, record.sequence, _code(r.code), r.message,
                                                    record.points))
            self._acked_seq = sequence
            if generation == self._generation:
                self._backoff = self._backoff_initial
            if self._full is not None:
                self._trim_memory()
            self._cond.notify_all()
        for r in rejections:
            _log.warning("trialgraph rejected metric batch %d of writer %s (%d points, not stored): %s: %s",
                         r.sequence, r.writer_id, r.points, r.code.name, r.message)
        self._notify_rejected(rejections)

    def _notify_rejected(self, rejections: List[Rejection]) -> None:
        if self._on_rejected is None:
            return
        for r in rejections:
            try:
                self._on_rejected(r)
            except Exception:
                _log.exception("trialgraph: the on_rejected callback failed")

    def _handle_broken(self, now: float) -> None:
        """The stream broke (under the lock): requeue what is in flight; back off, or fail."""
        code, message = self._broken
        self._broken = None
        stream, self._stream = self._stream, None
        self._generation += 1
        if stream is not None:
            stream.requests.put(None)
        had_work = bool(self._in_flight or self._unsent)
        while self._in_flight:
            self._unsent.appendleft(self._in_flight.pop())
        self._last_error = f"{code.name}: {message}" if message else code.name
        if code not in _RETRYABLE:
            self._fatal = TrialGraphError(code, f"the metric stream to {self.connection.target} failed and cannot go "
                                                f"on ({self._last_error}); {self._buffered} points not acknowledged "
                                                f"stay in the spool {self._spool.path} for trialgraph-sync")
            _log.error("trialgraph: %s", self._fatal.message)
            self._cond.notify_all()
            return
        if had_work:
            self._reconnects += 1
            delay = self._backoff / 2 + random.random() * self._backoff / 2
            self._reconnect_at = now + delay
            self._backoff = min(self._backoff * 2, self._backoff_max)
            _log.info("trialgraph: metric stream to %s broke (%s); resending %d unacknowledged batches in %.0f ms",
                      self.connection.target, self._last_error, len(self._unsent), delay * 1000)
        else:
            self._reconnect_at = now

    # --- fork ----------------------------------------------------------------------------------

    def _after_fork(self) -> None:
        """First use in a forked child: start over with a writer id and spool of the child's own."""
        if not self._forked:
            return
        try:
            self._spool.abandon_after_fork()
        except Exception:
            pass
        # gRPC does not survive fork() reliably, so a child never opens a channel: it writes its
        # own spool, and the parent's logger delivers it once the child has ended.
        self._fork_child = True
        self.offline = True
        self._start(f"{_fork_prefix(self.writer_id)}{os.getpid()}-{uuid.uuid4().hex[:8]}")
        _live.add(self)

    def _children(self) -> List[Tuple[str, str]]:
        """Spools of this logger's forked children that have ended: (writer id, folder)."""
        prefix = _fork_prefix(self.writer_id)
        found = []
        for folder in writer_dirs(self._spool_root):
            try:
                with open(os.path.join(folder, "writer"), encoding="utf-8") as f:
                    writer = f.read().strip()
            except OSError:
                continue
            if writer.startswith(prefix) and not is_locked(folder):
                found.append((writer, folder))
        return found

    def _adopt_children(self, timeout: Optional[float]) -> None:
        """Delivers what ended children left in their spools (each with its own writer id)."""
        deadline = None if timeout is None else _monotonic() + timeout
        for writer, _ in self._children():
            remaining = None if deadline is None else max(0.0, deadline - _monotonic())
            try:
                MetricLogger(self.connection, writer_id=writer, spool_dir=self._spool_root, offline=False,
                             on_rejected=self._on_rejected).close(remaining)
            except TrialGraphError as e:
                _log.warning("trialgraph: delivering the spool of forked writer %s: %s", writer, e)

    def _adopt_in_background(self) -> None:
        try:
            self._adopt_children(self._ack_timeout)
        finally:
            with self._lock:
                self._adopting = False

    def __repr__(self) -> str:
        return f"MetricLogger(writer_id={self.writer_id!r}, component={self.component!r}, offline={self.offline})"


def _fork_prefix(writer_id: str) -> str:
    base = writer_id.split("-fork-", 1)[0]
    return f"{base[:80]}-fork-"


def _encode(writer_id: str, record: _Record) -> bytes:
    """The batch as a serialized IngestMetricsRequest. The values column is written as raw
    little-endian doubles (protobuf's packed encoding of a double field) instead of going through
    the message object, which halves the encoding time; steps and timestamps are varints and go
    through protobuf."""
    parts = [metrics_pb2.IngestMetricsRequest(writer_id=writer_id, sequence=record.sequence).SerializeToString()]
    for component, metric, steps, values, stamps in record.columns:
        series = metrics_pb2.MetricSeries(trial_component_name=component, metric_name=metric)
        series.steps.extend(steps)
        series.timestamps.extend(stamps)
        packed = _doubles(values)
        body = b"".join((series.SerializeToString(), _VALUES_TAG, _varint(len(packed)), packed))
        parts.append(_SERIES_TAG + _varint(len(body)) + body)
    return b"".join(parts)


_SERIES_TAG = bytes([3 << 3 | 2])  # IngestMetricsRequest.series, length-delimited
_VALUES_TAG = bytes([4 << 3 | 2])  # MetricSeries.values, packed


def _doubles(values: List[float]) -> bytes:
    packed = array("d", values)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes()


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _min(a: Optional[float], b: float) -> float:
    return b if a is None else min(a, b)


def _code(value: int) -> grpc.StatusCode:
    for code in grpc.StatusCode:
        if code.value[0] == value:
            return code
    return grpc.StatusCode.UNKNOWN


def _millis(timestamp: Union[float, datetime]) -> int:
    if isinstance(timestamp, datetime):
        return int(timestamp.timestamp() * 1000)
    if isinstance(timestamp, (int, float)) and not isinstance(timestamp, bool) and timestamp >= 0:
        return int(timestamp * 1000)
    raise invalid(f"timestamp: must be a datetime or seconds since the epoch, is {timestamp!r}")


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise invalid(f"value: must be a number, is {type(value).__name__}") from None


def _step(step: Any) -> int:
    try:
        value = step.__index__()
    except AttributeError:
        raise invalid(f"step: must be an integer, is {type(step).__name__}") from None
    if value < 0 or value > _MAX_STEP or isinstance(step, bool):
        raise invalid(f"step: must be 0 to {_MAX_STEP}, is {step!r}")
    return value


# --- process-wide hooks ---------------------------------------------------------------------------

def _close_all_at_exit() -> None:
    loggers = list(_live)
    # One wait for all of them: a process with many loggers and no server still exits in time.
    deadline = _monotonic() + max((logger._exit_timeout for logger in loggers), default=0.0)
    for logger in loggers:
        try:
            logger.close(timeout=max(0.0, min(logger._exit_timeout, deadline - _monotonic())))
        except TrialGraphError as e:
            _log.error("trialgraph: closing metric logger %s at exit: %s", logger.writer_id, e)
        except Exception:
            _log.exception("trialgraph: closing metric logger %s at exit", logger.writer_id)


def _before_fork() -> None:
    for logger in list(_live):
        logger._lock.acquire()


def _after_fork_in_parent() -> None:
    for logger in list(_live):
        if logger._lock.locked():
            logger._lock.release()


def _after_fork_in_child() -> None:
    # The parent's threads do not exist here; give every logger fresh locks, and let its first
    # use in the child start it over (writer id, spool, sender, channel of the child's own).
    for logger in list(_live):
        logger._lock = threading.Lock()
        logger._cond = threading.Condition(logger._lock)
        logger._forked = True


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                        after_in_child=_after_fork_in_child)
