"""`main.py bench --what period`: how long a sale waits for the write lock
while the end-of-period job runs over every member.

The job runs as the real command (`main.py period`) in a process of its own;
this process meanwhile takes the write lock the way a sale does (BEGIN
IMMEDIATE, with the till's busy timeout) every few milliseconds and records
how long it waited.  The baseline is the same probe in the same run with no
job running.  The job changes the file (points released and expired, tiers
moved): run it on a bench copy.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from services.devtools.bench import _percentiles

GOAL_S = 1.0  # a sale never waits longer than this for the write lock


def _wait_for_lock(conn: sqlite3.Connection) -> float:
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    waited = time.perf_counter() - start
    conn.execute("ROLLBACK")
    return waited


def _summary(samples: list[float]) -> dict[str, Any]:
    return _percentiles(samples) | {"max_ms": round(max(samples) * 1000, 3), "samples": len(samples)}


def run_period_bench(path: Path, main_py: Path, baseline_samples: int = 200, every_s: float = 0.02) -> dict[str, Any]:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        members = conn.execute('SELECT COUNT(*) FROM "member"').fetchone()[0]
        baseline = []
        for _ in range(baseline_samples):
            baseline.append(_wait_for_lock(conn))
            time.sleep(every_s)
        start = time.perf_counter()
        job = subprocess.Popen([sys.executable, str(main_py), "period", "--db", str(path), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        during = []
        while job.poll() is None:
            during.append(_wait_for_lock(conn))
            time.sleep(every_s)
        took = time.perf_counter() - start
        out, err = job.communicate()
    finally:
        conn.close()
    if job.returncode != 0:
        raise RuntimeError(f"period failed: {err.strip()[-2000:]}")
    return {
        "name": "sale's wait for the write lock during period", "members": members,
        "period_seconds": round(took, 1), "period": json.loads(out),
        "during_period": _summary(during or [0.0]), "baseline": _summary(baseline),
        "goal": f"max wait <= {GOAL_S:g} s", "met": max(during or [0.0]) <= GOAL_S,
    }


def format_period_report(r: dict[str, Any]) -> str:
    d, b = r["during_period"], r["baseline"]
    return (
        f"{r['name']} ({r['members']} members, the job took {r['period_seconds']} s: {r['period']}):\n"
        f"  during period  p50 {d['p50_ms']:9.3f} ms  p99 {d['p99_ms']:9.3f} ms  max {d['max_ms']:9.3f} ms  (n={d['samples']})\n"
        f"  no job running p50 {b['p50_ms']:9.3f} ms  p99 {b['p99_ms']:9.3f} ms  max {b['max_ms']:9.3f} ms  (n={b['samples']})\n"
        f"  goal {r['goal']}: {'met' if r['met'] else 'NOT met'}"
    )
