"""The pytest suite of the Python client runs against the real packaged service
(service/target/trialgraph serve) with an embedded Neo4j in a temporary folder, on free ports,
started once per session. No mocks of the server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Dict, List, Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(PYTHON_DIR))
SRC = os.path.join(PYTHON_DIR, "src")
LAUNCHER = os.path.join(REPO, "service", "target", "trialgraph")
sys.path.insert(0, SRC)

# The suite must not pick up the developer's own connection settings.
for _name in list(os.environ):
    if _name.startswith("TRIALGRAPH_"):
        del os.environ[_name]
# Loggers that are given no spool folder write here, not into the user's cache.
os.environ["TRIALGRAPH_SPOOL_DIR"] = tempfile.mkdtemp(prefix="trialgraph-pytest-spool-")

import grpc  # noqa: E402

import trialgraph  # noqa: E402


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One trialgraph process; restartable on the same port and data folder."""

    def __init__(self, workdir: str, settings: Optional[List[str]] = None, env: Optional[Dict[str, str]] = None,
                 host: str = "localhost") -> None:
        if not os.access(LAUNCHER, os.X_OK):
            raise RuntimeError(f"{LAUNCHER} is missing: build the service first (./mvnw -DskipTests package)")
        self.workdir = workdir
        self.port = free_port()
        self.target = f"{host}:{self.port}"
        self.settings = list(settings or [])
        self.env = dict(env or {})
        self.process: Optional[subprocess.Popen] = None
        self.starts = 0

    def start(self, client_factory=None, timeout: float = 240.0) -> None:
        self.starts += 1
        log = open(os.path.join(self.workdir, f"server-{self.starts}.log"), "wb")
        env = dict(os.environ)
        env.update(self.env)
        env.setdefault("TRIALGRAPH_JAVA_OPTS", "-Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        self.process = subprocess.Popen(
            [LAUNCHER, "serve", f"--grpc.server.port={self.port}", "--trialgraph.management.port=0",
             "--neo4j.embedded.bolt-port=0", "--trialgraph.http.port=0", "--neo4j.embedded.page-cache-size=64MB",
             *self.settings],
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        client = (client_factory or (lambda: trialgraph.Client(self.target, deadline=5.0, max_attempts=1)))()
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"trialgraph exited with {self.process.returncode}:\n{self.log_tail()}")
                try:
                    client.server_info()
                    return
                except trialgraph.TrialGraphError as e:
                    starting = e.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
                    if not starting or time.monotonic() > deadline:
                        raise RuntimeError(f"trialgraph did not start ({e}):\n{self.log_tail()}") from e
                time.sleep(0.5)
        finally:
            client.close()

    def log_tail(self, lines: int = 40) -> str:
        path = os.path.join(self.workdir, f"server-{self.starts}.log")
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")

    def kill9(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(60)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill9()


@pytest.fixture(scope="session")
def server():
    workdir = tempfile.mkdtemp(prefix="trialgraph-pytest-")
    s = Server(workdir)
    s.start()
    yield s
    s.stop()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture()
def client(server):
    with trialgraph.Client(server.target) as c:
        yield c


@pytest.fixture()
def unique():
    """A name prefix no other test uses (the server's data lives for the whole session)."""
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture()
def spool_dir(tmp_path):
    return str(tmp_path / "spool")


def python_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """The environment of a Python child process that imports trialgraph from the source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALGRAPH_")}
    env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


@pytest.fixture(scope="session", autouse=True)
def _remove_default_spool():
    yield
    shutil.rmtree(os.environ["TRIALGRAPH_SPOOL_DIR"], ignore_errors=True)
