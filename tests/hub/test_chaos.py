"""Chaos: a real hub process and three tills on loopback, with connections cut,
answers lost, batches duplicated and replayed out of order, and the hub
SIGKILLed and restarted while the tills push.  Then everything must agree."""
from __future__ import annotations

import json
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import peewee
import pytest

from models.hub import AppliedOp, Entity, HubLedger, HubReturn, HubSale, Quarantine, hub_db
from models.schema import LedgerEntry, Member, Outbox, Sale, SaleReturn
from services.programme import ledger
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import on_till, trust_owner_of

pytestmark = [pytest.mark.hub, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HubProcess:
    def __init__(self, dsn: str, port: int, log: Path) -> None:
        self.dsn, self.port, self.log = dsn, port, log
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{port}"
        self.kills = 0

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "main.py", "hub", "serve", "--dsn", self.dsn, "--port", str(self.port)],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the hub did not start:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def test_three_tills_through_chaos_agree_with_the_hub(pg_dsn, demo_template, tmp_path, hub):
    started = time.monotonic()
    hubproc = HubProcess(pg_dsn, free_port(), tmp_path / "hub.log")
    hubproc.start()
    try:
        from services.hub import auth

        with hub_db.connection_context():
            tokens = {name: auth.add_till(name)[1] for name in ("A", "B", "C")}
        paths = {name: tmp_path / f"{name}.db" for name in tokens}
        shutil.copy(demo_template, paths["A"])
        trust_owner_of(paths["A"])
        for name in ("A", "B", "C"):  # A brings the shop; B and C join empty
            with on_till(paths[name]):
                sync.configure(hubproc.url, tokens[name])
                sync.sync_once(sync.client_from_settings())
        with on_till(paths["A"]):
            cards = tillkit.active_cards(5)
            # Everything the demo's history queued (its programme) went with the first sync.
            assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0

        workers = {
            name: subprocess.Popen(
                [sys.executable, "-m", "tests.hub.chaos_till", str(paths[name]), hubproc.url, tokens[name],
                 str(seed), str(ACTIONS), *cards],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for seed, name in enumerate(("A", "B", "C"), start=11)
        }
        rng = random.Random(5)
        stop = threading.Event()
        mid_push = []

        def killer() -> None:
            import psycopg2

            watch = psycopg2.connect(pg_dsn)
            watch.autocommit = True
            while not stop.wait(rng.uniform(0.6, 1.5)):
                # SIGKILL while a push has written inside a still-open transaction, if one
                # comes within a second (PostgreSQL rolls it back; the till sends again).
                deadline = time.monotonic() + 1.0
                caught = False
                while time.monotonic() < deadline and not caught:
                    with watch.cursor() as cur:
                        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")  # a transaction that has written
                        caught = cur.fetchone()[0] > 0
                hubproc.kill()
                mid_push.append(caught)
                time.sleep(rng.uniform(0.1, 0.5))
                hubproc.start()
            watch.close()

        chaos = threading.Thread(target=killer, daemon=True)
        chaos.start()
        summaries = {}
        for name, proc in workers.items():
            out, err = proc.communicate(timeout=240)
            assert proc.returncode == 0, err[-3000:]
            summaries[name] = json.loads(out.strip().splitlines()[-1])
        stop.set()
        chaos.join()
        if hubproc.proc.poll() is not None:
            hubproc.start()
        assert hubproc.kills >= 3 and any(mid_push), mid_push
        faults = {k: sum(s["faults"][k] for s in summaries.values()) for k in ("cut", "lost_answer", "duplicate", "replayed_old")}
        assert all(faults.values()), faults
        assert sum(s["done"]["sales"] for s in summaries.values()) > 30

        # Calm again: two rounds of clean syncs so every till has heard everyone.
        for _ in range(2):
            for name in ("A", "B", "C"):
                with on_till(paths[name]):
                    result = sync.sync_with_retries(sync.client_from_settings())
                    assert result.pending == 0

        till_state = {}
        for name in ("A", "B", "C"):
            with on_till(paths[name]):
                assert ledger.mismatched_balances() == []
                assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0
                till_state[name] = {
                    "ops": {r.op_id for r in Outbox.select(Outbox.op_id)},
                    "balances": tillkit.balances(),
                    "ledger": {str(e.id) for e in LedgerEntry.select(LedgerEntry.id)},
                    "names": {str(m.id): m.name for m in Member.select(Member.id, Member.name)},
                    "sale_totals": _own_sales(),
                    "refunds": sum(r.refund for r in SaleReturn.select(SaleReturn.refund)),
                }
        with hub_db.connection_context():
            hub_sales = {str(s.id): s.total for s in HubSale.select(HubSale.id, HubSale.total)}
            hub_refunds = sum(r.refund for r in HubReturn.select(HubReturn.refund))
            applied = {uuid.UUID(str(a.op_id)) for a in AppliedOp.select(AppliedOp.op_id)}
            hub_ledger = {str(e.id) for e in HubLedger.select(HubLedger.id)}
            hub_balances = {str(m): int(t) for m, t in HubLedger.select(HubLedger.member_id, peewee.fn.SUM(HubLedger.delta)).group_by(HubLedger.member_id).tuples()}
            quarantined = Quarantine.select().count()
            hub_names = {}
            for e in Entity.select().where(Entity.kind == "member"):
                hub_names[e.entity_id] = e.doc.get("name")

        all_ops = set().union(*(s["ops"] for s in till_state.values()))
        assert sum(len(s["ops"]) for s in till_state.values()) == len(all_ops) == len(applied)  # each op once
        assert applied == all_ops and quarantined == 0
        till_sales = {}
        for s in till_state.values():
            till_sales.update(s["sale_totals"])
        assert hub_sales == till_sales
        assert sum(hub_sales.values()) == sum(till_sales.values())
        assert hub_refunds == sum(s["refunds"] for s in till_state.values())
        for name, s in till_state.items():
            assert s["ledger"] == hub_ledger, name
            assert {m: b for m, b in s["balances"].items() if b or m in hub_balances} == {
                m: hub_balances.get(m, 0) for m, b in s["balances"].items() if b or m in hub_balances
            }, name
            assert s["names"] == till_state["A"]["names"], name
        assert {m: hub_names[m] for m in till_state["A"]["names"]} == till_state["A"]["names"]
        print(f"chaos: {time.monotonic() - started:.1f} s, hub killed {hubproc.kills}x "
              f"({sum(mid_push)} inside a push's open, written transaction), faults {faults}, "
              f"ops {len(applied)}, sales {len(hub_sales)}")
    finally:
        hubproc.stop()


def _own_sales() -> dict[str, int]:
    """Sales this till made since it joined (those that went through its outbox)."""
    ids = {
        json.loads(p)["sale"]["id"] for (p,) in Outbox.select(Outbox.payload).where(Outbox.kind == "sale").tuples()
    }
    return {str(s.id): s.total for s in Sale.select(Sale.id, Sale.total) if str(s.id) in ids}
