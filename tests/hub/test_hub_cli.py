"""The hub and sync from the command line, and the hub's HTTP surface."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from models.hub import Hold, hub_db
from services.hub import apply, pull
from tests.hub.test_chaos import HubProcess, free_port

pytestmark = pytest.mark.hub
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.slow  # over 3 s (pytest --durations)
def test_enrol_sync_and_join_from_the_command_line(hub, pg_dsn, demo_template, tmp_path):
    added = run("hub", "add-till", "--dsn", pg_dsn, "--name", "T1", "--json")
    assert added.returncode == 0, added.stderr
    t1 = json.loads(added.stdout)
    assert set(t1) >= {"till_id", "token"} and len(t1["token"]) >= 40
    again = run("hub", "add-till", "--dsn", pg_dsn, "--name", "T1", "--json")
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already enrolled" in again.stderr
    t2 = json.loads(run("hub", "add-till", "--dsn", pg_dsn, "--name", "T2", "--json").stdout)
    hub = HubProcess(pg_dsn, free_port(), tmp_path / "hub.log")
    hub.start()
    try:
        first = tmp_path / "first.db"
        shutil.copy(demo_template, first)
        # The hub's admin trusts the owner's key, as the owner prints it at the till.
        key = json.loads(run("owner-key", "--db", str(first), "--pin", "1111", "--json").stdout)["key"]
        trusted = run("hub", "trust-owner", "--dsn", pg_dsn, "--key", key, "--name", "owner", "--json")
        assert trusted.returncode == 0 and json.loads(trusted.stdout)["trusted"] is True, trusted.stderr
        out = run("sync", "--db", str(first), "--hub", hub.url, "--token", t1["token"], "--json")
        assert out.returncode == 0, out.stderr
        first_sync = json.loads(out.stdout)
        assert set(first_sync) == {"pushed", "pulled", "pending"} and first_sync["pending"] == 0
        sold = run("sell", "--db", str(first), "--card", _a_card_with_points(first), "--item", _a_barcode(first) + "*20",
                   "--redeem", "10", "--json")
        assert sold.returncode == 0, sold.stderr
        assert json.loads(sold.stdout)["points_redeemed"] == 10
        with hub_db.connection_context():  # online: the points were held at the hub and the hold confirmed
            assert [(h.points, h.state) for h in Hold.select()] == [(10, "confirmed")]
        out = json.loads(run("sync", "--db", str(first), "--json").stdout)  # hub and token were remembered
        assert out["pushed"] >= 2 and out["pending"] == 0
        with hub_db.connection_context():
            assert [h.state for h in Hold.select()] == ["settled"]  # the sale's redeem entry arrived
        second = tmp_path / "second.db"
        out = run("sync", "--db", str(second), "--hub", hub.url, "--token", t2["token"], "--json")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["pulled"] > 100
        wrong = run("sync", "--db", str(tmp_path / "third.db"), "--hub", hub.url, "--token", "forged", "--json")
        assert wrong.returncode == 2 and "token" in wrong.stderr and wrong.stderr.strip().count("\n") == 0
        revoked = run("hub", "revoke-till", "--dsn", pg_dsn, "--name", "T2", "--json")
        assert revoked.returncode == 0
        refused = run("sync", "--db", str(second), "--json")
        assert refused.returncode == 2 and "token" in refused.stderr
    finally:
        hub.stop()
    unreachable = run("sync", "--db", str(first), "--json")
    assert unreachable.returncode == 2 and "cannot be reached" in unreachable.stderr


def _a_card_with_points(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT c.number FROM card c JOIN member m ON m.id = c.member_id "
                            "WHERE c.status = 'active' AND m.balance >= 50 ORDER BY c.number LIMIT 1").fetchone()[0]


def _a_barcode(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT barcode FROM product ORDER BY barcode LIMIT 1").fetchone()[0]


def test_bad_input_is_one_line(pg_dsn):
    out = run("hub", "add-till", "--name", "X")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "--dsn" in out.stderr
    out = run("hub", "add-till", "--dsn", "mysql://nope", "--name", "X")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    out = run("hub", "serve", "--dsn", "postgresql://nobody@127.0.0.1:1/none", "--port", "1")
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0, out.stderr


def test_health_and_openapi(hub_http):
    assert hub_http.get("/health").json() == {"status": "ok"}
    paths = hub_http.get("/openapi.json").json()["paths"]
    assert {"/v1/push", "/v1/pull", "/v1/whoami", "/v1/holds", "/health"} <= set(paths)


def _a_push_waits_for_the_change_log() -> bool:
    with hub_db.connection_context():
        return bool(hub_db.execute_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = %s",
            (apply.CHANGE_LOG_LOCK,),
        ).fetchone()[0])


def _wait_for(condition, timeout_s: float = 10.0) -> None:
    """Poll a condition PostgreSQL reports (no signal exists for it); the timeout is only an upper bound."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{condition.__name__} did not happen within {timeout_s} s"
        time.sleep(0.01)


def test_the_change_feed_never_skips_a_row_committed_late(hub, enrol):
    """A push that started first but commits last must not be skipped by a
    reader that already read past it: appends are serialised to commit order."""
    enrol("A")
    first_has_appended = threading.Event()
    let_first_commit = threading.Event()
    seqs: dict[str, int] = {}

    def push(name: str, hold: bool) -> None:
        with hub_db.connection_context():
            with hub_db.atomic():
                apply.append_changes([{"kind": "member", "entity_id": name, "origin": None, "doc": {"id": name}, "clocks": {}}])
                seqs[name] = hub_db.execute_sql("SELECT currval(pg_get_serial_sequence('change', 'seq'))").fetchone()[0]
                if hold:
                    first_has_appended.set()
                    let_first_commit.wait(10)

    slow = threading.Thread(target=push, args=("slow", True))
    slow.start()
    first_has_appended.wait(10)
    fast = threading.Thread(target=push, args=("fast", False))
    fast.start()
    _wait_for(_a_push_waits_for_the_change_log)  # the fast push has reached the lock the slow one holds
    with hub_db.connection_context():
        early = pull.page(0)
    assert early["changes"] == [] and early["cursor"] == 0  # nothing visible, cursor not moved past the slow one
    assert fast.is_alive()  # the fast push waits for the slow one's commit
    let_first_commit.set()
    slow.join()
    fast.join()
    assert seqs["slow"] < seqs["fast"]
    with hub_db.connection_context():
        late = pull.page(early["cursor"])
    assert [c["id"] for c in late["changes"]] == ["slow", "fast"]
