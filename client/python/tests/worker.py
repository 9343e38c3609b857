"""Training processes for the fault tests: each logs one metric whose value is its step, so a
lost or duplicated point shows in the stored series."""

from __future__ import annotations

import json
import os
import sys
import time

import trialgraph


def paced(target: str, component: str, spool_dir: str, stop_file: str, result_file: str, down_file: str) -> None:
    """Logs about 500 points a second until stop_file appears, timing every log() call (apart
    while down_file exists: the server is away) and sampling the spool, then flushes, closes and
    writes what it saw to result_file."""
    metrics = trialgraph.MetricLogger(trialgraph.Client(target), component, spool_dir=spool_dir,
                                      batch_points=1000, linger=0.05, buffer_points=20_000)
    step, worst, worst_down, slow, slow_down, calls, calls_down, spool_max = 0, 0.0, 0.0, 0, 0, 0, 0, 0
    started = time.monotonic()
    clock = time.perf_counter
    while not os.path.exists(stop_file):
        down = os.path.exists(down_file)
        for _ in range(50):
            before = clock()
            metrics.log("x", float(step), step)
            took = clock() - before
            calls += 1
            worst = max(worst, took)
            slow += took > 0.010
            if down:
                calls_down += 1
                worst_down = max(worst_down, took)
                slow_down += took > 0.010
            step += 1
        spool_max = max(spool_max, metrics.stats().spool_bytes)
        time.sleep(max(0.0, started + step / 500.0 - time.monotonic()))
    metrics.flush(timeout=240)
    stats = metrics.stats()
    metrics.close(timeout=60)
    with open(result_file + ".tmp", "w") as f:
        json.dump({"logged": step, "worst_log_seconds": worst, "log_calls_over_10ms": slow, "calls": calls,
                   "worst_log_seconds_server_away": worst_down, "calls_server_away": calls_down,
                   "log_calls_over_10ms_server_away": slow_down,
                   "spool_bytes_max": spool_max, "stored": stats.stored_points,
                   "acknowledged": stats.acknowledged_points, "reconnects": stats.reconnects,
                   "resent": stats.resent_batches}, f)
    os.replace(result_file + ".tmp", result_file)


def flood(target: str, component: str, spool_dir: str, writer_id: str) -> None:
    """Logs as fast as it can and reports its counters every 1,000 points, until killed."""
    metrics = trialgraph.MetricLogger(trialgraph.Client(target), component, spool_dir=spool_dir, writer_id=writer_id,
                                      batch_points=500, linger=0.01, max_in_flight=1)
    for step in range(10_000_000):
        metrics.log("x", float(step), step)
        if step % 1000 == 999:
            s = metrics.stats()
            print(f"logged={s.logged_points} acknowledged={s.acknowledged_points} spooled={s.spooled_points}",
                  flush=True)


if __name__ == "__main__":
    {"paced": paced, "flood": flood}[sys.argv[1]](*sys.argv[2:])
