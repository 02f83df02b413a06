"""`main.py bench-sync`: pushing queued operations to a real hub process over loopback.

1. One till with N queued operations (sales and their ledger entries, cloned
   from a real sale with fresh UUIDs) pushes them all: ops/s.
2. Baseline in the same run, right after: the rows the hub stored for those N
   operations, read back and written again by raw psycopg2 `INSERT ... ON
   CONFLICT DO NOTHING` into scratch copies of the same tables (same columns,
   keys and indexes), one transaction per batch as the push: the facts (a
   `hub_sale` row per sale with its lines and payments as the till sent them,
   a `hub_ledger` row per entry) and what exactly-once needs (an `applied_op`
   row per operation).  Not in it: the change log (a row per entry), the
   checks' reads, the HTTP round trips and the till's side.  Written two
   ways, a VALUES list (execute_values) and one array per column (unnest,
   as the hub does), each twice, the better time kept; the faster form is
   the baseline the goal is judged against.
3. T tills push M operations each at the same moment (one process per till):
   aggregate ops/s and the slowest till's time.

It enrols tills named bench-... on the hub database given: use a scratch one.
"""
from __future__ import annotations

import json
import multiprocessing
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

GOAL_OPS_PER_S = 5000
GOAL_RATIO = 0.5  # of the raw INSERT of the same rows (issue 10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_hub(dsn: str, main_py: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, str(main_py), "hub", "serve", "--dsn", dsn, "--port", str(port)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the hub did not start; see {log}")


def build_till(path: Path, ops: int, hub_url: str, token: str) -> None:
    """A till with a shop, one real sale, and `ops` queued operations cloned from it."""
    from models import db, open_database
    from models.db import insert_tuples
    from models.schema import Category, Outbox, Product, new_id
    from services.shop import staff as auth
    from services.sale import checkout
    from services.members import registry as members
    from services.programme import rules
    from services.sync import client as sync
    from services.sale.checkout import Cart, Tender
    from services.shop.settings import configure_shop

    open_database(path)
    configure_shop("Bench shop", "RUB", "ru")
    owner = auth.add_staff("Owner", "owner", "111111")
    rules.publish(rules.default_rules())
    with db.atomic():
        food = Category.create(name="Food")
        Product.create(barcode="4600000000017", sku="B1", name="Bread", name_key="bread", category=food, price=5000)
    member, card = members.register("Bench Member", actor=owner)
    cart = Cart(member=member)
    cart.add_barcode("4600000000017", 3)
    checkout.complete_sale(cart, [Tender("cash", cart.price(rules.active_rules()).to_pay)], cashier=owner)
    sale_op, entry_op = None, None
    for row in Outbox.select():
        body = json.loads(row.payload)
        if row.kind == "sale":
            sale_op = body
        elif row.kind == "ledger_entry":
            entry_op = body
    assert sale_op and entry_op
    sync.configure(hub_url, token)
    with db.atomic():
        Outbox.delete().execute()  # the template itself is not part of the measurement
        sync._set("sync_seeded", True)  # nothing of this shop needs seeding: the bench is about the queue
        rows = []
        for i in range(ops):
            if i % 2 == 0:
                sale_id = str(new_id())
                body = {
                    "sale": {**sale_op["sale"], "id": sale_id, "receipt_no": f"B-{i:08d}-{sale_id[-6:]}"},
                    "lines": [{**line, "id": str(new_id()), "sale_id": sale_id} for line in sale_op["lines"]],
                    "payments": [{**p, "id": str(new_id()), "sale_id": sale_id} for p in sale_op["payments"]],
                }
                kind = "sale"
            else:
                body = {**entry_op, "id": str(new_id()), "sale_id": sale_id}
                kind = "ledger_entry"
            rows.append((new_id().bytes, kind, json.dumps(body, ensure_ascii=False, sort_keys=True), "2026-01-01T00:00:00"))
        insert_tuples(Outbox, ["op_id", "kind", "payload", "created_at"], rows)
    db.obj.close()
    db.initialize(None)


def _push_till(path: str, batch: int, start_at: float, out: Any) -> None:
    from models import db, open_database
    from services.sync import client as sync

    open_database(path)
    client = sync.client_from_settings()
    client.http.timeout = httpx.Timeout(120)
    while time.time() < start_at:
        time.sleep(0.001)
    started = time.perf_counter()
    pushed, refused = 0, 0
    # The hub's door may answer 429/503 while many tills push at once (services.hub.door):
    # the till's sync tries again later; the bench does so at once, and counts it.
    while sync.pending() and refused < 1000:
        try:
            pushed += sync.push_all(client, batch=batch)
        except sync.SyncError:
            refused += 1
            time.sleep(0.05)
    out.put({"pushed": pushed, "seconds": time.perf_counter() - started, "pending": sync.pending(), "refused": refused})
    db.obj.close()


def _enrol(dsn: str, name: str) -> tuple[str, str]:
    from models.hub import open_hub
    from services.hub import auth

    database = open_hub(dsn, max_connections=2)
    with database.connection_context():
        till, token = auth.add_till(name)
    database.close_all()
    return str(till.id), token


def _publish_programme(dsn: str) -> None:
    """The bench shop's programme at the hub, as its owner publishes it through the
    hub (services.hub.admin does caps the same way): without it the hub caps every
    earn entry at 0 points and the bench would time the quarantine, not the push."""
    from models.hub import HubTill, hub_db, open_hub
    from services.hub import apply
    from services.programme import rules

    body = json.dumps(rules.to_dict(rules.default_rules()), ensure_ascii=False, sort_keys=True)
    database = open_hub(dsn, max_connections=2)
    with database.connection_context(), hub_db.atomic():
        ctx = apply.Context(HubTill(id=None, name="owner"))
        rule_id = "bench-programme"
        apply.merge_entity(ctx, "rule_set", rule_id, {"id": rule_id, "status": "active", "body": body}, {})
        apply.append_changes(ctx.changes)
    database.close_all()


# What the hub stores for one till's push, table by table, and how to find it.
STORED = (("hub_sale", "origin_id", "id"), ("hub_ledger", "origin_id", "id"), ("applied_op", "till_id", "seq"))


def _raw_baseline(dsn: str, till_id: str, ops: int, batch: int) -> dict[str, Any]:
    """The rows the hub stored for `till_id`'s push, written again raw: ops/s per form."""
    import psycopg2
    from psycopg2.extras import execute_values

    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    tag = uuid.uuid4().hex[:8]
    chunks = max(1, -(-ops // batch))
    tables = []
    for table, owner, order in STORED:
        cur.execute("SELECT column_name, udt_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position", (table,))
        columns = cur.fetchall()
        names = ", ".join(name for name, _ in columns)
        cur.execute(f"SELECT {', '.join(f'{name}::text' for name, _ in columns)} FROM {table} "
                    f"WHERE {owner} = %s ORDER BY {order}", (till_id,))
        rows = cur.fetchall()
        size = -(-len(rows) // chunks)
        tables.append((table, names, [udt for _, udt in columns], [rows[i * size:(i + 1) * size] for i in range(chunks)]))
    stored = {table: sum(len(c) for c in parts) for table, _, _, parts in tables}

    def values(scratch: str, names: str, types: list[str], rows: list[tuple]) -> None:
        template = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
        execute_values(cur, f"INSERT INTO {scratch} ({names}) VALUES %s ON CONFLICT DO NOTHING", rows,
                       template=template, page_size=len(rows) or 1)

    def arrays(scratch: str, names: str, types: list[str], rows: list[tuple]) -> None:
        unnest = ", ".join(f"%s::{t}[]" for t in types)
        cur.execute(f"INSERT INTO {scratch} ({names}) SELECT * FROM unnest({unnest}) ON CONFLICT DO NOTHING",
                    [list(column) for column in zip(*rows)])

    rates: dict[str, float] = {}
    for form, write in (("values", values), ("unnest", arrays)) * 2:  # each twice, its better time kept
        scratch = {table: f"bench_raw_{tag}_{form}_{table}" for table, _, _, _ in tables}
        for table, name in scratch.items():
            cur.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING ALL)")
        conn.commit()
        started = time.perf_counter()
        for i in range(chunks):
            for table, names, types, parts in tables:
                if parts[i]:
                    write(scratch[table], names, types, parts[i])
            conn.commit()
        rates[form] = max(rates.get(form, 0.0), ops / (time.perf_counter() - started))
        for name in scratch.values():
            cur.execute(f"DROP TABLE {name}")
        conn.commit()
    conn.close()
    return {"rows": stored, "ops_per_s": rates}


def run_bench_sync(dsn: str, *, ops: int, tills: int, ops_per_till: int, main_py: Path, batch: int = 1000) -> dict[str, Any]:
    from models.hub import open_hub

    open_hub(dsn, max_connections=2).close_all()
    _publish_programme(dsn)
    tag = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory(prefix="loyaltill-bench-sync-") as tmp:
        folder = Path(tmp)
        hub, url = _start_hub(dsn, main_py, folder / "hub.log")
        try:
            ctx = multiprocessing.get_context("spawn")
            # 1. one till, `ops` queued
            one = folder / "one.db"
            one_id, one_token = _enrol(dsn, f"bench-{tag}-one")
            _build_in_child(ctx, one, ops, url, one_token)
            queue = ctx.Queue()
            proc = ctx.Process(target=_push_till, args=(str(one), batch, time.time(), queue))
            proc.start()
            single = queue.get()
            proc.join()
            # 2. the same rows, raw
            raw = _raw_baseline(dsn, one_id, single["pushed"], batch)
            # 3. `tills` tills at once
            paths = [folder / f"till{i}.db" for i in range(tills)]
            builders = [ctx.Process(target=build_till, args=(p, ops_per_till, url, _enrol(dsn, f"bench-{tag}-{i}")[1]))
                        for i, p in enumerate(paths)]
            for b in builders:
                b.start()
            for b in builders:
                b.join()
            start_at = time.time() + 2.0
            procs = [ctx.Process(target=_push_till, args=(str(p), batch, start_at, queue)) for p in paths]
            for p in procs:
                p.start()
            results = [queue.get() for _ in procs]
            for p in procs:
                p.join()
            wall = max(r["seconds"] for r in results)
            total = sum(r["pushed"] for r in results)
        finally:
            hub.kill()
            hub.wait()
    single_rate = single["pushed"] / single["seconds"]
    raw_rate = max(raw["ops_per_s"].values())
    return {
        "single_till": {"ops": single["pushed"], "seconds": round(single["seconds"], 2), "ops_per_s": round(single_rate),
                        "pending_after": single["pending"], "batch": batch},
        "concurrent": {"tills": tills, "ops_each": ops_per_till, "ops": total, "wall_seconds": round(wall, 2),
                       "ops_per_s": round(total / wall), "pending_after": sum(r["pending"] for r in results),
                       "refused_and_retried": sum(r["refused"] for r in results)},
        "raw_baseline": {"rows": raw["rows"], "ops_per_s": {k: round(v) for k, v in raw["ops_per_s"].items()},
                         "what": "the rows the hub stored for the one till's push (hub_sale, hub_ledger, applied_op), "
                                 "raw INSERT ... ON CONFLICT DO NOTHING into copies of those tables, a transaction "
                                 "per batch; the faster of VALUES lists and unnest arrays"},
        "ratio_single_to_raw": round(single_rate / raw_rate, 2),
        "goal_ops_per_s": GOAL_OPS_PER_S,
        "goal_ratio": GOAL_RATIO,
        "goal_met": single_rate >= GOAL_OPS_PER_S,
        "goal_ratio_met": single_rate >= GOAL_RATIO * raw_rate,
    }


def _build_in_child(ctx: Any, path: Path, ops: int, url: str, token: str) -> None:
    proc = ctx.Process(target=build_till, args=(path, ops, url, token))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError("building the bench till failed")


def format_report(r: dict[str, Any]) -> str:
    s, c, raw = r["single_till"], r["concurrent"], r["raw_baseline"]
    rows = ", ".join(f"{n} {table}" for table, n in raw["rows"].items())
    forms = ", ".join(f"{form} {rate} ops/s" for form, rate in raw["ops_per_s"].items())
    return "\n".join([
        f"one till, {s['ops']} queued ops (batches of {s['batch']}): {s['seconds']} s, {s['ops_per_s']} ops/s "
        f"(goal {r['goal_ops_per_s']}: {'met' if r['goal_met'] else 'NOT met'}); pending after: {s['pending_after']}",
        f"baseline, the same rows ({rows}) by raw INSERT ... ON CONFLICT DO NOTHING: {forms}; "
        f"the push is {r['ratio_single_to_raw']}x the faster (goal {r['goal_ratio']}x: "
        f"{'met' if r['goal_ratio_met'] else 'NOT met'})",
        f"{c['tills']} tills at once, {c['ops_each']} ops each: {c['ops']} ops in {c['wall_seconds']} s, "
        f"{c['ops_per_s']} ops/s; pending after: {c['pending_after']}; "
        f"pushes the door refused (429/503) and the tills sent again: {c['refused_and_retried']}",
    ])
