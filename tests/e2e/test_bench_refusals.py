"""The bench writes sales into the file it measures: a shop's real till is refused
in one line, and the scan probe's refusal is a line too, never a traceback."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from tests.e2e.conftest import ROOT, counts, run


def test_bench_refuses_a_file_that_is_not_a_demo(shop):
    path, _ = shop
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM setting WHERE key = 'demo_state'")  # a shop's own till has no demo mark
    conn.close()
    before = counts(path)
    out = run("bench", "--db", str(path), "--rounds", "20", check=False)
    assert out.returncode == 2, out.stderr
    assert "not a demo shop" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert counts(path) == before


def test_the_scan_probe_says_in_one_line_that_no_till_is_set_up(shop):
    path, info = shop
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE till SET is_local = 0")
    conn.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-m", "ui.scan_probe", "--db", str(path), "--cards", info["sample_cards"][0]],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == "Эта касса ещё не настроена."  # the demo shop's language
