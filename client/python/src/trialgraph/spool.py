"""The spool: append-only files where a metric logger keeps every batch (and, offline, every
tracker call) until the server has acknowledged it, so a batch survives a dead server, a dead
connection and a dead process.

Layout: ``<spool_dir>/<writer>/`` holds ``lock`` (held with ``flock`` by the one live process
that writes for this writer id), ``writer`` (the writer id) and segment files
``<first sequence, 20 digits>.tgspool``. A segment is a sequence of records, each a 25-byte
header (kind, payload length, sequence, points, CRC-32 of header and payload) and the payload:
for a metric batch the serialized ``IngestMetricsRequest`` (writer id and sequence inside, sent
as is), for a call the method path, a NUL byte and the serialized request. Records are in
sequence order; a segment is deleted once every record in it is acknowledged. A record cut off
by a crash fails its length or CRC check: it and what follows in that segment are dropped (it
was never sent, since a batch is spooled before it is sent).
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import hashlib
import os
import re
import struct
import time
import zlib
from typing import List, Optional

import grpc

from .errors import TrialGraphError

__all__ = ["Spool", "SpoolRecord", "default_spool_dir", "writer_dirs", "BATCH", "CALL"]

BATCH = 1
CALL = 2
_HEADER = struct.Struct(">BIqIQ")  # kind, payload length, sequence, points, crc (in the low 32 bits)
_SUFFIX = ".tgspool"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
SEGMENT_BYTES = 16 * 1024 * 1024


def default_spool_dir() -> str:
    """``$TRIALGRAPH_SPOOL_DIR``, else ``$XDG_CACHE_HOME/trialgraph/spool``, else
    ``~/.cache/trialgraph/spool``."""
    configured = os.environ.get("TRIALGRAPH_SPOOL_DIR", "").strip()
    if configured:
        return configured
    cache = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "trialgraph", "spool")


def writer_dir_name(writer_id: str) -> str:
    if _SAFE.fullmatch(writer_id):
        return writer_id
    return "w-" + hashlib.sha256(writer_id.encode("utf-8")).hexdigest()[:40]


def writer_dirs(root: str) -> List[str]:
    """The writer folders under a spool folder that hold segments, oldest first."""
    try:
        names = os.listdir(root)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        path = os.path.join(root, name)
        if os.path.isfile(os.path.join(path, "writer")):
            found.append((os.path.getmtime(path), path))
    return [p for _, p in sorted(found)]


@dataclasses.dataclass
class SpoolRecord:
    kind: int
    sequence: int
    points: int
    segment: int  # the segment's first sequence (its file name)
    offset: int  # of the payload
    length: int


class _Segment:
    __slots__ = ("first", "path", "fd", "size", "last")

    def __init__(self, first: int, path: str, fd: Optional[int], size: int, last: int) -> None:
        self.first, self.path, self.fd, self.size, self.last = first, path, fd, size, last


class Spool:
    """The spool of one writer id; held by one process at a time (a second gets
    FAILED_PRECONDITION). Not thread-safe: the logger's sender thread is its only user."""

    def __init__(self, root: str, writer_id: str, max_bytes: int) -> None:
        self.root = root
        self.writer_id = writer_id
        self.max_bytes = max_bytes
        self.path = os.path.join(root, writer_dir_name(writer_id))
        os.makedirs(self.path, exist_ok=True)
        self._lock_fd = os.open(os.path.join(self.path, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            for attempt in range(10):  # is_locked() of another logger may hold it for a moment
                try:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as e:
                    if attempt == 9 or e.errno not in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                        raise
                    time.sleep(0.02)
        except OSError as e:
            holder = os.pread(self._lock_fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            os.close(self._lock_fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EACCES, errno.EAGAIN):
                raise TrialGraphError(grpc.StatusCode.FAILED_PRECONDITION,
                                      f"writer id '{writer_id}' is in use by process {holder} (its spool {self.path} "
                                      f"is locked): never give two live metric loggers one writer id") from None
            raise
        os.ftruncate(self._lock_fd, 0)
        os.pwrite(self._lock_fd, str(os.getpid()).encode("ascii"), 0)
        writer_file = os.path.join(self.path, "writer")
        if not os.path.exists(writer_file):
            with open(writer_file, "w", encoding="utf-8") as f:
                f.write(writer_id)
        self._segments: List[_Segment] = []
        self.bytes = 0
        self._active: Optional[_Segment] = None

    # --- reading what an earlier process left ---------------------------------------------------

    def load(self) -> List[SpoolRecord]:
        """The records left by earlier holders of this writer id, in sequence order; cuts a
        segment at its first damaged record."""
        records: List[SpoolRecord] = []
        names = sorted(n for n in os.listdir(self.path) if n.endswith(_SUFFIX))
        for name in names:
            path = os.path.join(self.path, name)
            try:
                first = int(name[:-len(_SUFFIX)])
            except ValueError:
                continue
            with open(path, "rb") as f:
                data = f.read()
            offset, last, found = 0, first, []
            while offset + _HEADER.size <= len(data):
                kind, length, seq, points, crc = _HEADER.unpack_from(data, offset)
                end = offset + _HEADER.size + length
                if kind not in (BATCH, CALL) or end > len(data) or \
                        crc != _crc(data[offset:offset + _HEADER.size - 8], data[offset + _HEADER.size:end]):
                    break
                found.append(SpoolRecord(kind, seq, points, first, offset + _HEADER.size, length))
                last = seq
                offset = end
            if offset < len(data):  # a torn or damaged tail: never sent, drop it
                os.truncate(path, offset)
            if not found:
                os.unlink(path)
                continue
            records.extend(found)
            self._segments.append(_Segment(first, path, None, offset, last))
            self.bytes += offset
        return records

    def read(self, record: SpoolRecord) -> bytes:
        for segment in self._segments:
            if segment.first == record.segment:
                with open(segment.path, "rb") as f:
                    f.seek(record.offset)
                    return f.read(record.length)
        raise TrialGraphError(grpc.StatusCode.DATA_LOSS, f"spool segment {record.segment} of {self.path} is gone")

    # --- writing -------------------------------------------------------------------------------

    def append(self, kind: int, sequence: int, points: int, payload: bytes) -> SpoolRecord:
        """Appends a record; raises OSError (e.g. ENOSPC) or TrialGraphError RESOURCE_EXHAUSTED
        when the spool would exceed its size limit."""
        size = _HEADER.size + len(payload)
        if self.bytes + size > self.max_bytes:
            raise TrialGraphError(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                  f"metric spool {self.path} is full ({self.bytes} bytes, spool_max_bytes "
                                  f"{self.max_bytes})")
        active = self._active
        if active is None or active.size >= SEGMENT_BYTES:
            active = self._rotate(sequence)
        header = _HEADER.pack(kind, len(payload), sequence, points, 0)
        header = header[:-8] + struct.pack(">Q", _crc(header[:-8], payload))
        os.write(active.fd, header + payload)
        record = SpoolRecord(kind, sequence, points, active.first, active.size + _HEADER.size, len(payload))
        active.size += size
        active.last = sequence
        self.bytes += size
        return record

    def _rotate(self, first: int) -> _Segment:
        if self._active is not None and self._active.fd is not None:
            os.close(self._active.fd)
            self._active.fd = None
        path = os.path.join(self.path, f"{first:020d}{_SUFFIX}")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        segment = _Segment(first, path, fd, 0, first)
        self._segments.append(segment)
        self._active = segment
        return segment

    def delivered(self, sequence: int) -> None:
        """Deletes the segments whose records are all acknowledged (sequence at most this)."""
        keep = []
        for segment in self._segments:
            done = segment.last <= sequence and segment.size > 0
            if done and segment is self._active and segment.size < SEGMENT_BYTES // 16:
                done = False  # keep appending to a small active segment
            if done:
                if segment.fd is not None:
                    os.close(segment.fd)
                os.unlink(segment.path)
                self.bytes -= segment.size
                if segment is self._active:
                    self._active = None
            else:
                keep.append(segment)
        self._segments = keep

    def sync(self) -> None:
        """Flushes the active segment to the disk (survives a power loss, not only a dead process)."""
        if self._active is not None and self._active.fd is not None:
            os.fsync(self._active.fd)

    def close(self, delivered_all: bool) -> None:
        """Closes the files and releases the writer id; deletes the folder when nothing is left."""
        for segment in self._segments:
            if segment.fd is not None:
                os.close(segment.fd)
                segment.fd = None
        if delivered_all:
            for segment in self._segments:
                try:
                    os.unlink(segment.path)
                except FileNotFoundError:
                    pass
            self._segments = []
            self.bytes = 0
            for name in ("writer", "lock"):
                try:
                    os.unlink(os.path.join(self.path, name))
                except FileNotFoundError:
                    pass
            try:
                os.rmdir(self.path)
            except OSError:
                pass
        self._active = None
        os.close(self._lock_fd)  # releases the flock
        self._lock_fd = -1

    def abandon_after_fork(self) -> None:
        """In a forked child: forget the parent's files without touching its lock (flock is
        shared with the parent through the inherited descriptor, so never unlock it here)."""
        for segment in self._segments:
            if segment.fd is not None:
                try:
                    os.close(segment.fd)
                except OSError:
                    pass
        try:
            os.close(self._lock_fd)
        except OSError:
            pass
        self._segments = []
        self._active = None


def is_locked(path: str) -> bool:
    """Whether a live process holds the writer folder's lock."""
    try:
        fd = os.open(os.path.join(path, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _crc(header: bytes, payload: bytes) -> int:
    return zlib.crc32(payload, zlib.crc32(header)) & 0xFFFFFFFF
