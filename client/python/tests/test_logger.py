"""MetricLogger against the real server: exactly once, rejections, names, spool, offline mode
and sync, fork."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import grpc
import pytest

import trialgraph
from trialgraph import MetricLogger, TrialGraphError
from trialgraph.v1 import metrics_pb2, metrics_pb2_grpc

from conftest import free_port, python_env


def counts(client, component):
    return {s.metric_name: (s.count, s.mean * (s.count - s.non_finite_count)) for s in
            client.get_metric_summaries(component)}


def test_threads_logging_at_once_are_stored_exactly_once(client, unique, spool_dir):
    client.create_trial_component(f"{unique}-job")
    with MetricLogger(client, f"{unique}-job", spool_dir=spool_dir, batch_points=500, linger=0.01) as metrics:
        def work(metric):
            for step in range(5000):
                metrics.log(metric, 1.0, step)
        threads = [threading.Thread(target=work, args=(f"m{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        metrics.flush(timeout=60)
        stats = metrics.stats()
    assert counts(client, f"{unique}-job") == {f"m{i}": (5000, 5000.0) for i in range(4)}
    assert (stats.logged_points, stats.acknowledged_points, stats.stored_points, stats.buffered_points) == \
        (20000, 20000, 20000, 0)
    assert not os.path.exists(stats.writer_id) and os.listdir(spool_dir) == []  # spool removed once delivered


def test_steps_default_to_the_next_one_per_metric(client, unique, spool_dir):
    client.create_trial_component(f"{unique}-job")
    with MetricLogger(client, f"{unique}-job", spool_dir=spool_dir) as metrics:
        metrics.log("loss", 3.0)
        metrics.log("loss", 2.0)
        metrics.log_many({"loss": 1.0, "acc": 0.5})
        metrics.log("acc", 0.7, step=10)
        metrics.log("acc", 0.8)
    assert client.read_metric_series(f"{unique}-job", "loss").steps == [0, 1, 2]
    assert client.read_metric_series(f"{unique}-job", "acc").steps == [0, 10, 11]


def test_a_batch_for_an_unknown_component_is_rejected_and_reported(client, unique, spool_dir):
    client.create_trial_component(f"{unique}-job")
    rejected = []
    with MetricLogger(client, f"{unique}-job", spool_dir=spool_dir, on_rejected=rejected.append) as metrics:
        metrics.log("loss", 1.0, 0, component=f"{unique}-ghost")
        metrics.flush(timeout=60)
        metrics.log("loss", 1.0, 0)
    assert [(r.code, r.points) for r in rejected] == [(grpc.StatusCode.NOT_FOUND, 1)]
    assert f"{unique}-ghost" in rejected[0].message
    assert metrics.stats().rejected_points == 1 and counts(client, f"{unique}-job") == {"loss": (1, 1.0)}


@pytest.mark.parametrize("component, metric", [("bad name", "loss"), ("", "loss"), ("x" * 121, "loss"),
                                               ("-x", "loss"), ("ok", ""), ("ok", "l\x07oss"), ("ok", "m" * 256)])
def test_log_refuses_a_bad_name_with_the_servers_own_message(server, unique, spool_dir, component, metric):
    with MetricLogger(trialgraph.Client(server.target), spool_dir=spool_dir) as metrics:
        with pytest.raises(TrialGraphError) as refused:
            metrics.log(metric, 1.0, 0, component=component)
    # The server says the same about the same names (one rule, checked early by the client).
    channel = grpc.insecure_channel(server.target)
    request = metrics_pb2.IngestMetricsRequest(writer_id=f"{unique}-w", sequence=1, series=[
        metrics_pb2.MetricSeries(trial_component_name=component, metric_name=metric, steps=[0], values=[1.0])])
    [answer] = list(metrics_pb2_grpc.MetricServiceStub(channel).IngestMetrics(iter([request]), timeout=30))
    channel.close()
    assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert answer.rejected_batches[0].message.endswith(refused.value.message)


def test_bad_steps_and_values_are_refused_in_log(server, spool_dir):
    with MetricLogger(trialgraph.Client(server.target), "job", spool_dir=spool_dir) as metrics:
        for step, value, field in [(-1, 1.0, "step"), (1.5, 1.0, "step"), (True, 1.0, "step"), (0, "x", "value")]:
            with pytest.raises(TrialGraphError) as refused:
                metrics.log("loss", value, step)
            assert refused.value.code == grpc.StatusCode.INVALID_ARGUMENT and refused.value.message.startswith(field)
    with pytest.raises(TrialGraphError) as closed:
        metrics.log("loss", 1.0)
    assert closed.value.code == grpc.StatusCode.FAILED_PRECONDITION


def test_unreachable_server_keeps_points_in_the_spool_and_the_same_writer_delivers_them(client, unique, spool_dir):
    client.create_trial_component(f"{unique}-job")
    nowhere = trialgraph.Client(f"localhost:{free_port()}")
    metrics = MetricLogger(nowhere, f"{unique}-job", spool_dir=spool_dir, writer_id=f"{unique}-writer",
                           batch_points=100, linger=0.01)
    started = time.monotonic()
    for step in range(1000):
        metrics.log("loss", 2.0, step)
    assert time.monotonic() - started < 5
    with pytest.raises(TrialGraphError) as late:
        metrics.flush(timeout=0.5)
    assert late.value.code == grpc.StatusCode.DEADLINE_EXCEEDED and "spool" in late.value.message
    assert metrics.close(timeout=1) == 1000
    with pytest.raises(TrialGraphError) as taken:  # two live loggers never share a writer id
        held = MetricLogger(nowhere, writer_id=f"{unique}-holder", spool_dir=spool_dir)
        MetricLogger(nowhere, writer_id=f"{unique}-holder", spool_dir=spool_dir)
    held.close(timeout=0)
    assert taken.value.code == grpc.StatusCode.FAILED_PRECONDITION and "in use by process" in taken.value.message
    with MetricLogger(client, f"{unique}-job", spool_dir=spool_dir, writer_id=f"{unique}-writer") as again:
        assert again.stats().recovered_points == 1000
        again.log("loss", 2.0, 1000)
    assert counts(client, f"{unique}-job") == {"loss": (1001, 2002.0)}


def test_a_torn_record_at_the_end_of_the_spool_is_dropped(client, unique, spool_dir):
    client.create_trial_component(f"{unique}-job")
    nowhere = trialgraph.Client(f"localhost:{free_port()}")
    metrics = MetricLogger(nowhere, f"{unique}-job", spool_dir=spool_dir, writer_id=f"{unique}-w", batch_points=10)
    for step in range(25):
        metrics.log("loss", 1.0, step)
    metrics.close(timeout=0.5)
    [segment] = [os.path.join(metrics.spool_path, n) for n in os.listdir(metrics.spool_path) if n.endswith(".tgspool")]
    with open(segment, "r+b") as f:  # a crash while the third record was written
        f.truncate(os.path.getsize(segment) - 7)
    with MetricLogger(client, f"{unique}-job", spool_dir=spool_dir, writer_id=f"{unique}-w") as again:
        assert again.stats().recovered_points == 20
    assert counts(client, f"{unique}-job") == {"loss": (20, 20.0)}


def test_offline_tracker_records_everything_and_sync_replays_it_once(server, client, unique, spool_dir):
    env = python_env({"TRIALGRAPH_MODE": "offline", "TRIALGRAPH_TARGET": "localhost:1",
                      "TRIALGRAPH_SPOOL_DIR": spool_dir})
    script = f"""
import trialgraph
with trialgraph.Tracker("{unique}-job", kind="training", experiment="{unique}-exp", trial="{unique}-trial",
                        parameters={{"epochs": 3}}, inputs={{"train": trialgraph.Artifact("s3://{unique}/train", "dataset")}},
                        batch_points=100) as job:
    for step in range(1000):
        job.log("loss", 0.5, step)
    job.log_output("model", "s3://{unique}/model", kind="model")
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    with pytest.raises(TrialGraphError):
        client.get_trial_component(f"{unique}-job")  # nothing was sent
    sync_env = python_env({"TRIALGRAPH_TARGET": server.target})
    first = subprocess.run([sys.executable, "-m", "trialgraph.sync", "--spool-dir", spool_dir], env=sync_env,
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1000 points, 1000 newly stored" in first.stdout
    job = client.get_trial_component(f"{unique}-job")
    assert (job.status, job.parameters, job.trial_names) == ("Completed", {"epochs": 3}, [f"{unique}-trial"])
    assert [o.artifact.uri for o in job.outputs] == [f"s3://{unique}/model"]
    assert counts(client, f"{unique}-job") == {"loss": (1000, 500.0)}
    again = subprocess.run([sys.executable, "-m", "trialgraph.sync", "--spool-dir", spool_dir], env=sync_env,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "nothing to deliver" in again.stdout


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_never_uses_the_parents_channel_and_its_points_arrive_once(client, unique, spool_dir):
    client.create_trial_component(f"{unique}-job")
    metrics = MetricLogger(client, f"{unique}-job", spool_dir=spool_dir)
    for step in range(100):
        metrics.log("parent", 1.0, step)
    metrics.flush(timeout=60)
    metrics.log("parent", 1.0, 100)  # still in the parent's memory at the fork: the child must not send it
    parent_writer = metrics.writer_id
    pid = os.fork()
    if pid == 0:  # the child, like a DataLoader worker: spools with a writer id of its own
        code = 1
        try:
            for step in range(50):
                metrics.log("child", 1.0, step)
            left = metrics.close(timeout=60)
            code = 0 if metrics.writer_id.startswith(parent_writer + "-fork-") and left == 50 else 2
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    for step in range(101, 200):
        metrics.log("parent", 1.0, step)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert metrics.close(timeout=60) == 0  # delivers the ended child's spool too
    assert counts(client, f"{unique}-job") == {"parent": (200, 200.0), "child": (50, 50.0)}
    assert os.listdir(spool_dir) == []


def test_the_hand_packed_values_column_decodes_as_protobuf_would():
    from trialgraph.logger import BATCH, _encode, _Record
    record = _Record(BATCH, 2**40 + 5, 6)
    record.columns = [("c1", "loss", [0, 1, 2**62], [1.5, float("inf"), -0.0], [1, 2, 3]),
                      ("c2", "m\u00e9tric", [5, 6, 7], [2.0, 1e-300, -3.25], [9, 9, 9])]
    decoded = metrics_pb2.IngestMetricsRequest.FromString(_encode("writer", record))
    expected = metrics_pb2.IngestMetricsRequest(writer_id="writer", sequence=2**40 + 5, series=[
        metrics_pb2.MetricSeries(trial_component_name=c, metric_name=m, steps=s, values=v, timestamps=t)
        for c, m, s, v, t in record.columns])
    assert decoded == expected
