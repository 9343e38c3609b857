"""TLS, mutual TLS and bearer tokens against a real server that requires all three."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

import grpc
import pytest

import trialgraph
from trialgraph import MetricLogger, TrialGraphError

from conftest import Server

WRITER_TOKEN = "writer-token-0123456789abcdef"
READER_TOKEN = "reader-token-0123456789abcdef"


def openssl(*args: str, cwd: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def secured():
    """A server with TLS, client certificates required, and tokens (a writer and a reader)."""
    folder = tempfile.mkdtemp(prefix="trialgraph-pytest-tls-")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=trialgraph test CA", cwd=folder)
    for name, subject, extensions in (("server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
                                      ("worker", "/CN=worker", "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj",
                subject, cwd=folder)
        with open(os.path.join(folder, f"{name}.ext"), "w") as f:
            f.write(extensions + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=folder)
    path = lambda name: os.path.join(folder, name)  # noqa: E731
    server = Server(folder, settings=[
        f"--trialgraph.server.tls.cert-chain={path('server.pem')}",
        f"--trialgraph.server.tls.private-key={path('server.key')}",
        f"--trialgraph.server.tls.client-ca={path('ca.pem')}", "--trialgraph.server.tls.client-auth=require"],
        env={"TRIALGRAPH_AUTH_ENABLED": "true",
             "TRIALGRAPH_AUTH_TOKENS": f"writer ci {WRITER_TOKEN},reader dashboards {READER_TOKEN}"})
    mtls = dict(ca_cert=path("ca.pem"), client_cert=path("worker.pem"), client_key=path("worker.key"))
    server.start(lambda: trialgraph.Client(server.target, token=READER_TOKEN, deadline=5.0, max_attempts=1, **mtls))
    yield server, mtls
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_mutual_tls_and_a_writer_token_record_a_job_and_its_metrics(secured, unique, spool_dir):
    server, mtls = secured
    with trialgraph.Client(server.target, token=WRITER_TOKEN, **mtls) as client:
        assert client.connection.uses_tls
        client.create_trial_component(f"{unique}-job", kind="training")
        with MetricLogger(client, f"{unique}-job", spool_dir=spool_dir) as metrics:
            for step in range(100):
                metrics.log("loss", 1.0, step)
        assert client.get_metric_summaries(f"{unique}-job")[0].count == 100


def test_the_environment_configures_tls_certificates_and_token(secured, unique, monkeypatch):
    server, mtls = secured
    monkeypatch.setenv("TRIALGRAPH_TARGET", server.target)
    monkeypatch.setenv("TRIALGRAPH_TOKEN", WRITER_TOKEN)
    monkeypatch.setenv("TRIALGRAPH_CA_CERT", mtls["ca_cert"])
    monkeypatch.setenv("TRIALGRAPH_CLIENT_CERT", mtls["client_cert"])
    monkeypatch.setenv("TRIALGRAPH_CLIENT_KEY", mtls["client_key"])
    with trialgraph.Tracker(f"{unique}-env-job", kind="training") as job:
        job.log("loss", 0.5, 0)
    with trialgraph.Client() as client:
        assert client.get_trial_component(f"{unique}-env-job").status == "Completed"


def test_refusals_say_why(secured, unique, spool_dir):
    server, mtls = secured
    with trialgraph.Client(server.target, token=WRITER_TOKEN, ca_cert=mtls["ca_cert"], deadline=10) as no_cert:
        with pytest.raises(TrialGraphError) as handshake:
            no_cert.server_info()
        assert handshake.value.code == grpc.StatusCode.UNAVAILABLE
    with trialgraph.Client(server.target, **mtls) as anonymous:
        with pytest.raises(TrialGraphError) as missing:
            anonymous.server_info()
        assert missing.value.code == grpc.StatusCode.UNAUTHENTICATED
        assert missing.value.message.startswith("missing bearer token")
    with trialgraph.Client(server.target, token=READER_TOKEN, **mtls) as reader:
        with pytest.raises(TrialGraphError) as denied:
            reader.create_experiment(f"{unique}-exp")
        assert denied.value.code == grpc.StatusCode.PERMISSION_DENIED
        assert "CreateExperiment needs role writer" in denied.value.message
        # A logger whose stream is refused keeps its points in the spool and says why on flush/close.
        metrics = MetricLogger(reader, "some-job", spool_dir=spool_dir)
        metrics.log("loss", 1.0, 0)
        with pytest.raises(TrialGraphError) as refused:
            metrics.flush(timeout=60)
        assert refused.value.code == grpc.StatusCode.PERMISSION_DENIED and "spool" in refused.value.message
        metrics.log("loss", 2.0, 1)  # training goes on
        time.sleep(0.3)
        assert metrics.stats().spooled_points == 2
        with pytest.raises(TrialGraphError):
            metrics.close(timeout=5)
    with pytest.raises(TrialGraphError) as plain:
        trialgraph.Client("tg.example.com:443", tls=False, token=WRITER_TOKEN)
    assert plain.value.message.startswith("token: not sent in plain text")
