"""Benchmark of the Python MetricLogger (not a test): starts the packaged service on a fresh
embedded Neo4j (free ports, temporary folder) and measures, in one run, with baselines:

* log() cost on the training thread while the sender runs (p50, p99 of every call);
* points per second durably acknowledged end to end, one process (first log() until flush()
  returns, so every point is committed);
* the same for 8 processes logging at once (all points / time from the first start to the
  last flush);
* baseline: the same points through the generated stub without the logger, one batch of
  10,000 points at a time, waiting for each acknowledgement (the RPC is a stream; this is the
  unary-call pattern a hand-written client would use);
* baseline: the Java client's MetricLogger against the same server.

Run from the repository root after ./mvnw -q -DskipTests package:

    /usr/bin/python3 client/python/benchmarks/bench_logger.py
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(PYTHON_DIR))
sys.path.insert(0, os.path.join(PYTHON_DIR, "src"))
sys.path.insert(0, os.path.join(PYTHON_DIR, "tests"))

import grpc  # noqa: E402

import trialgraph  # noqa: E402
from trialgraph.v1 import metrics_pb2, metrics_pb2_grpc  # noqa: E402

METRICS = ("loss", "acc", "val_loss", "val_acc")


def log_points(target: str, points: int, timed: bool, spool_dir: str) -> dict:
    """One process's run: a fresh component, `points` points of 4 metrics in turn."""
    client = trialgraph.Client(target, deadline=300)
    component = f"bench-py-{time.time_ns()}"
    client.create_trial_component(component, kind="training")
    durations = array("q", bytes(8 * points)) if timed else None
    clock = time.perf_counter_ns
    with client.metric_logger(component, spool_dir=spool_dir) as metrics:
        log = metrics.log
        started_wall = time.time()
        cpu = time.process_time()
        start = time.perf_counter()
        if timed:
            for i in range(points):
                before = clock()
                log(METRICS[i & 3], i * 1e-6, i >> 2)
                durations[i] = clock() - before
        else:
            for i in range(points):
                log(METRICS[i & 3], i * 1e-6, i >> 2)
        logged = time.perf_counter()
        metrics.flush(timeout=600)
        flushed = time.perf_counter()
        cpu = time.process_time() - cpu
        stored = metrics.stats().stored_points
    client.close()
    if stored != points:
        raise SystemExit(f"stored {stored} of {points} points")
    result = {"start": started_wall, "end": started_wall + (flushed - start), "points": points,
              "log_seconds": logged - start, "seconds": flushed - start, "cpu_seconds": cpu}
    if timed:
        overhead = min(_timer_overhead(clock) for _ in range(5))
        ordered = sorted(durations)
        result["p50_ns"] = max(0, ordered[len(ordered) // 2] - overhead)
        result["p99_ns"] = max(0, ordered[int(len(ordered) * 0.99)] - overhead)
        result["max_ns"] = ordered[-1]
    return result


def _timer_overhead(clock) -> int:
    samples = []
    for _ in range(10_000):
        before = clock()
        samples.append(clock() - before)
    return sorted(samples)[len(samples) // 2]


def stub_baseline(target: str, points: int) -> float:
    """The same points through the generated stub: batches of 10,000, each acknowledged before the next."""
    channel = grpc.insecure_channel(target)
    client = trialgraph.Client(target, deadline=300)
    component = f"bench-stub-{time.time_ns()}"
    client.create_trial_component(component, kind="training")
    stub = metrics_pb2_grpc.MetricServiceStub(channel)
    writer = f"bench-stub-{time.time_ns()}"
    batch = 10_000
    cpu = time.process_time()
    start = time.perf_counter()
    sequence = 0
    acks: "queue.SimpleQueue[int]" = queue.SimpleQueue()

    def requests():
        nonlocal sequence
        for first in range(0, points, batch):
            columns = {m: ([], [], []) for m in METRICS}
            stamp = int(time.time() * 1000)
            for i in range(first, min(points, first + batch)):
                steps, values, stamps = columns[METRICS[i & 3]]
                steps.append(i >> 2)
                values.append(i * 1e-6)
                stamps.append(stamp)
            sequence += 1
            yield metrics_pb2.IngestMetricsRequest(writer_id=writer, sequence=sequence, series=[
                metrics_pb2.MetricSeries(trial_component_name=component, metric_name=m, steps=s, values=v,
                                         timestamps=t) for m, (s, v, t) in columns.items()])
            acks.get()  # wait for the acknowledgement before building the next batch
    stream = stub.IngestMetrics(requests(), timeout=600)
    stored = 0
    for ack in stream:
        stored += ack.stored_points
        acks.put(ack.acknowledged_sequence)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    channel.close()
    client.close()
    if stored != points:
        raise SystemExit(f"stub baseline stored {stored} of {points}")
    return points / seconds, cpu / points


def many_processes(target: str, processes: int, points: int, spool_dir: str) -> float:
    go = os.path.join(spool_dir, f"go-{time.time_ns()}")
    workers = [subprocess.Popen([sys.executable, __file__, "--worker", target, str(points), go,
                                 os.path.join(spool_dir, f"w{i}")], stdout=subprocess.PIPE, text=True)
               for i in range(processes)]
    time.sleep(3)  # let every process import and connect
    open(go, "w").close()
    results = [json.loads(w.communicate(timeout=900)[0].strip().splitlines()[-1]) for w in workers]
    if any(w.returncode for w in workers):
        raise SystemExit("a worker failed")
    total = sum(r["points"] for r in results)
    return total / (max(r["end"] for r in results) - min(r["start"] for r in results))


def java_baseline(target: str, points: int, runs: int) -> list:
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    out = subprocess.run([java, "-cp", os.path.join(REPO, "service", "target", "lib", "*"),
                          os.path.join(HERE, "JavaLoggerBaseline.java"), target, str(points), str(runs)],
                         capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise SystemExit("Java baseline failed:\n" + out.stderr[-2000:])
    return [(float(ns), float(rate)) for _, _, ns, rate in (line.split() for line in out.stdout.splitlines()
                                                             if line.startswith("java "))]


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark of the Python MetricLogger (see the module doc)")
    parser.add_argument("--points", type=int, default=2_000_000, help="points a run, one process (default 2M)")
    parser.add_argument("--process-points", type=int, default=1_000_000,
                        help="points a run for each of the parallel processes (default 1M)")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--target", help="use a running server instead of starting one")
    parser.add_argument("--no-java", action="store_true", help="skip the Java MetricLogger baseline")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="trialgraph-bench-python-")
    server = None
    try:
        if args.target:
            target = args.target
        else:
            from conftest import Server
            server = Server(work)
            server.env["TRIALGRAPH_JAVA_OPTS"] = ""
            server.start()
            target = server.target
        spool = os.path.join(work, "spool")
        print(f"Python MetricLogger against trialgraph at {target}; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}; medians of {args.runs} runs after a warm-up", flush=True)
        log_points(target, min(args.points, 500_000), False, spool)  # warm-up of server and client
        timed = [log_points(target, args.points, True, spool) for _ in range(args.runs)]
        untimed = [log_points(target, args.points, False, spool) for _ in range(args.runs)]
        stub_runs = [stub_baseline(target, args.points) for _ in range(args.runs)]
        stub = [rate for rate, _ in stub_runs]
        stub_cpu = statistics.median(cpu for _, cpu in stub_runs) * 1e6
        many_processes(target, args.processes, min(args.process_points, 200_000), spool)  # warm-up
        many = [many_processes(target, args.processes, args.process_points, spool) for _ in range(args.runs)]
        p50 = statistics.median(r["p50_ns"] for r in timed)
        p99 = statistics.median(r["p99_ns"] for r in timed)
        one = statistics.median(r["points"] / r["seconds"] for r in untimed)
        loop = statistics.median(r["log_seconds"] / r["points"] * 1e9 for r in untimed)
        print(f"log() cost while the sender runs: p50 {p50 / 1000:.2f} us, p99 {p99 / 1000:.2f} us "
              f"(runs p50 {[r['p50_ns'] for r in timed]} ns, p99 {[r['p99_ns'] for r in timed]} ns; "
              f"a loop of untimed calls: {loop:.0f} ns a call)")
        cpu = statistics.median(r["cpu_seconds"] / r["points"] for r in untimed) * 1e6
        print(f"1 process, durable end to end: {one:,.0f} points/s "
              f"(runs {[round(r['points'] / r['seconds']) for r in untimed]}); "
              f"CPU of the Python process: {cpu:.2f} us a point")
        print(f"{args.processes} processes, durable end to end: {statistics.median(many):,.0f} points/s "
              f"(runs {[round(x) for x in many]})")
        print(f"baseline, generated stub, 10,000-point batches each acknowledged before the next: "
              f"{statistics.median(stub):,.0f} points/s (runs {[round(x) for x in stub]}; "
              f"the logger: {one / statistics.median(stub):.1f}x); CPU: {stub_cpu:.2f} us a point, and the "
              f"calling thread waits for every acknowledgement")
        if not args.no_java:
            java = java_baseline(target, args.points, args.runs)
            rate = statistics.median(r for _, r in java)
            print(f"baseline, Java MetricLogger, same server: log() {statistics.median(n for n, _ in java):.0f} ns "
                  f"a call, {rate:,.0f} points/s durable (runs {[round(r) for _, r in java]}; "
                  f"Python/Java: {one / rate:.2f})")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def worker(target: str, points: str, go: str, spool: str) -> None:
    while not os.path.exists(go):
        time.sleep(0.01)
    print(json.dumps(log_points(target, int(points), False, spool)), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:6])
    else:
        main()
