"""The committed stubs are what proto/ generates, and they work with Debian 12's protobuf and
grpcio as well as with the versions pip installs today."""

from __future__ import annotations

import filecmp
import glob
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import PYTHON_DIR, SRC

STUBS = os.path.join(SRC, "trialgraph", "v1")
SCRIPT = os.path.join(PYTHON_DIR, "scripts", "generate-stubs.sh")
# Wheels of newer protobuf and grpcio releases, where this machine keeps some (no PyPI here).
WHEELS = os.environ.get("TRIALGRAPH_TEST_WHEELS", "/opt/pypi/files")


def test_committed_stubs_are_what_proto_generates(tmp_path):
    subprocess.run([SCRIPT, str(tmp_path)], check=True, timeout=120)
    fresh = os.path.join(tmp_path, "trialgraph", "v1")
    names = sorted(os.listdir(fresh))
    committed = sorted(n for n in os.listdir(STUBS) if n.endswith(".py"))
    assert committed == names, "stub files differ from proto/: run client/python/scripts/generate-stubs.sh"
    _, mismatch, errors = filecmp.cmpfiles(fresh, STUBS, names, shallow=False)
    assert not mismatch and not errors, \
        f"{mismatch + errors} differ from what proto/ generates: run client/python/scripts/generate-stubs.sh"


def _wheel(pattern: str) -> str:
    found = sorted(glob.glob(os.path.join(WHEELS, pattern)))
    return found[-1] if found else ""


@pytest.mark.parametrize("protobuf", ["protobuf-6.*-cp*abi3*.whl", "protobuf-7.*-cp*abi3*.whl"])
def test_the_client_works_with_newer_protobuf_and_grpcio_from_pip(server, tmp_path, unique, protobuf):
    wheels = [_wheel(protobuf), _wheel(f"grpcio-1.*-cp{sys.version_info[0]}{sys.version_info[1]}-*.whl"),
              _wheel("typing_extensions-4.*.whl")]
    if not all(wheels):
        pytest.skip(f"no protobuf/grpcio wheels in {WHEELS} (set TRIALGRAPH_TEST_WHEELS to a folder of them)")
    site = tmp_path / "site"
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            z.extractall(site)
    # -S: without Debian's dist-packages, so only the unpacked wheels provide protobuf and grpc.
    code = f"""
import sys
sys.path[:0] = [{str(site)!r}, {SRC!r}]
import google.protobuf, grpc, trialgraph
from trialgraph.v1 import (analytics_pb2_grpc, artifacts_pb2_grpc, experiments_pb2_grpc, lineage_pb2_grpc,
                           metrics_pb2_grpc, query_pb2_grpc, server_pb2_grpc, trial_components_pb2_grpc, trials_pb2_grpc)
assert google.protobuf.__file__.startswith({str(site)!r}) and grpc.__file__.startswith({str(site)!r})
client = trialgraph.Client({server.target!r})
client.create_trial_component("{unique}-job", parameters={{"lr": 0.1}})
with client.metric_logger("{unique}-job", spool_dir={str(tmp_path / 'spool')!r}) as metrics:
    for step in range(10):
        metrics.log("loss", 1.0, step)
assert client.get_metric_summaries("{unique}-job")[0].count == 10
print(google.protobuf.__version__, grpc.__version__)
"""
    done = subprocess.run([sys.executable, "-S", "-W", "error::DeprecationWarning", "-c", code], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
