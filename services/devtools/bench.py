"""`main.py bench`: the till's hot paths beside raw sqlite3 on the same file.

Each figure is paired with a baseline measured in the same run, so the ratio
means something on any machine.  The sale benchmark adds real sales (and the
raw baseline adds the same rows) to the database: run it on a demo file.
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import uuid_utils.compat

from models import db
from services.core.startup import STARTUP_PROBE
from models.schema import Product, Staff, utcnow
from services.programme import tiers
from services.sale import checkout
from services.members import registry as members
from services.sale.checkout import Cart, Tender
from services.programme.pricing import CartLine, Customer, price_cart
from services.programme.rules import Promotion, Rules, active_rules, default_rules


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 4),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 4),
    }


def _time_each(items: list[Any], action: Callable[[Any], Any]) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        action(item)
        samples.append(time.perf_counter() - start)
    return samples


def _pair(name: str, ours: list[float], raw: list[float]) -> dict[str, Any]:
    a, b = _percentiles(ours), _percentiles(raw)
    return {
        "name": name, "loyaltill": a, "raw_sqlite3": b,
        "ratio_p50": round(a["p50_ms"] / b["p50_ms"], 2) if b["p50_ms"] else None,
        "ratio_p99": round(a["p99_ms"] / b["p99_ms"], 2) if b["p99_ms"] else None,
    }


def bench_lookup(path: Path, rounds: int, rng: random.Random) -> dict[str, Any]:
    count = db.obj.execute_sql('SELECT MAX(rowid) FROM "card"').fetchone()[0] or 0
    if not count:
        return {"name": "card lookup", "skipped": "no cards in this database"}
    numbers = []
    for rowid in rng.sample(range(1, count + 1), min(rounds, count)):
        row = db.obj.execute_sql('SELECT number FROM "card" WHERE rowid = ? AND member_id IS NOT NULL', (rowid,)).fetchone()
        if row:
            numbers.append(row[0])
    raw = sqlite3.connect(path)
    sql = 'SELECT m.* FROM "card" c JOIN "member" m ON m.id = c.member_id WHERE c.number = ?'
    half = len(numbers) // 2
    # Interleave halves so neither side gets only warm pages.
    ours = _time_each(numbers[:half], members.find_by_card)
    base = _time_each(numbers[half:], lambda n: raw.execute(sql, (n,)).fetchone())
    ours += _time_each(numbers[half:], members.find_by_card)
    base += _time_each(numbers[:half], lambda n: raw.execute(sql, (n,)).fetchone())
    raw.close()
    return _pair("card lookup", ours, base) | {"samples": len(ours)}


def _raw_sale(conn: sqlite3.Connection, till_id: bytes, member_id: bytes, rows: dict[str, list[tuple]],
              reads: tuple[str, list[str]] | None = None) -> None:
    """The same rows complete_sale writes, straight through sqlite3.  With
    `reads` (the tier window's start, the barcodes sold) it also makes the two
    reads every sale must: the member as they are now with their active card
    and their spend over the tier window (checkout's own statement), and the
    products' ids; without, only the member's row is read."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute('UPDATE "till" SET receipt_seq = receipt_seq + 1 WHERE id = ?', (till_id,))
    conn.execute('SELECT receipt_seq, code FROM "till" WHERE id = ?', (till_id,)).fetchone()
    if reads is None:
        conn.execute('SELECT * FROM "member" WHERE id = ?', (member_id,)).fetchone()
    else:
        since, barcodes = reads
        conn.execute(checkout._MEMBER_NOW, (since, since, member_id)).fetchone()
        marks = ", ".join("?" * len(barcodes))
        conn.execute(f'SELECT barcode, id FROM "product" WHERE barcode IN ({marks})', barcodes).fetchall()
    _insert(conn, "sale", rows["sale"])
    _insert(conn, "sale_line", rows["lines"])
    _insert(conn, "payment", rows["payments"])
    _insert(conn, "ledger_entry", rows["ledger"])
    _insert(conn, "sale_loyalty", rows["loyalty"])
    conn.executemany('UPDATE "member" SET balance = balance + ? WHERE id = ?', rows["balance"])
    conn.executemany('INSERT INTO "outbox" (op_id, kind, payload, created_at) VALUES (?, ?, ?, ?)', rows["outbox"])
    conn.execute("COMMIT")


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple]) -> None:
    if rows:
        conn.executemany(f'INSERT INTO "{table}" VALUES ({",".join("?" * len(rows[0]))})', rows)


def _raw_rows(sale: dict[str, Any], member: bytes) -> dict[str, list[tuple]]:
    """Fresh ids for a copy of a completed sale's rows, for another member."""
    new = lambda: uuid_utils.compat.uuid7().bytes  # noqa: E731
    sid = new()
    s = sale["sale"]
    now = str(utcnow())
    sale_row = (sid, s[1], f"RAW-{uuid.uuid4().hex[:12]}", s[3], member, *s[5:])
    lines = [(new(), sid, *l[2:]) for l in sale["lines"]]
    pays = [(new(), sid, *p[2:]) for p in sale["payments"]]
    ledger = [(new(), member, e[2], e[3], sid, None, *e[6:]) for e in sale["ledger"]]
    balance = [(e[3], member) for e in sale["ledger"]]
    outbox = [(new(), kind, payload, now) for kind, payload in sale["outbox"]]
    loyalty = [(sid, *row[1:]) for row in sale["loyalty"]]
    return {"sale": [sale_row], "lines": lines, "payments": pays, "ledger": ledger, "balance": balance,
            "outbox": outbox, "loyalty": loyalty}


def _last_outbox_seq() -> int:
    return db.obj.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0]


def _captured(sale_id: str, outbox_after: int) -> dict[str, Any]:
    """The rows one completed sale wrote: its own, and the outbox rows after `outbox_after`."""
    sid = uuid.UUID(sale_id).bytes
    q = lambda sql, arg=sid: [tuple(r) for r in db.obj.execute_sql(sql, (arg,)).fetchall()]  # noqa: E731
    return {
        "sale": q('SELECT * FROM "sale" WHERE id = ?')[0],
        "lines": q('SELECT * FROM "sale_line" WHERE sale_id = ?'),
        "payments": q('SELECT * FROM "payment" WHERE sale_id = ?'),
        "ledger": q('SELECT * FROM "ledger_entry" WHERE sale_id = ?'),
        "loyalty": q('SELECT * FROM "sale_loyalty" WHERE sale_id = ?'),
        "outbox": q('SELECT kind, payload FROM "outbox" WHERE seq > ? ORDER BY seq', outbox_after),
    }


def _random_members(count: int, rng: random.Random, limit: int) -> list[tuple[str, bytes]]:
    """(card number, member id) of `count` random cards that belong to someone."""
    out = []
    while len(out) < count:
        row = db.obj.execute_sql('SELECT number, member_id FROM "card" WHERE rowid = ?', (rng.randrange(1, limit + 1),)).fetchone()
        if row and row[1]:
            out.append(row)
    return out


def bench_sales(path: Path, rounds: int, rng: random.Random) -> dict[str, Any]:
    """Complete `rounds` sales for random members, then write the same rows raw
    for *other* random members, so neither side finds the other's pages warm."""
    cashier = Staff.select().where(Staff.role == "cashier").first() or Staff.select().first()
    # Goods sold by the piece: a weighed one needs a scale's label.
    products = [p.barcode for p in Product.select(Product.barcode).where(Product.weighed == False).limit(200)]  # noqa: E712
    count = db.obj.execute_sql('SELECT MAX(rowid) FROM "card"').fetchone()[0] or 0
    if not (cashier and products and count):
        return {"name": "sale completion", "skipped": "needs staff, products and members"}
    rules = active_rules()
    ours, captured, sold = [], [], []
    for number, _ in _random_members(rounds, rng, count):
        cart = Cart(member=members.find_by_card(number))
        for barcode in rng.sample(products, min(3, len(products))):
            cart.add_barcode(barcode, rng.randint(1, 3))
        sold.append([line.barcode for line in cart.lines])
        now = utcnow()  # priced and written at one moment: a happy hour cannot start in between
        cart.redeem = min(cart.price(rules, now).max_redeem, 10)
        tender = [Tender("card", cart.price(rules, now).to_pay)]
        outbox_before = _last_outbox_seq()
        start = time.perf_counter()
        result = checkout.complete_sale(cart, tender, cashier=cashier, rules=rules, now=now)
        ours.append(time.perf_counter() - start)
        captured.append(_captured(result.sale_id, outbox_before))
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA foreign_keys = ON")
    since = tiers.window_start(rules, utcnow())
    base, writes_only = [], []
    others = _random_members(2 * rounds, rng, count)
    for index, (sale, barcodes) in enumerate(zip(captured, sold)):
        for samples, other, reads in ((base, others[2 * index][1], (since, barcodes)),
                                      (writes_only, others[2 * index + 1][1], None)):
            rows = _raw_rows(sale, other)
            start = time.perf_counter()
            _raw_sale(raw, rows["sale"][0][1], other, rows, reads)
            samples.append(time.perf_counter() - start)
    raw.close()
    plain = _percentiles(writes_only)
    return _pair("sale completion", ours, base) | {
        "samples": rounds,
        "baseline": "raw sqlite3: the same rows written, and the member-now and product reads every sale makes",
        "raw_writes_only": plain | {"ratio_p50": round(_percentiles(ours)["p50_ms"] / plain["p50_ms"], 2)},
    }



def _launch(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    took = time.perf_counter() - start
    if "ready" not in out.stdout:
        raise RuntimeError(f"start-up probe did not report ready: {out.stderr[-2000:]}")
    return took


def bench_startup(path: Path, main_py: Path, runs: int = 5) -> dict[str, Any]:
    """Process start to a cashier window that has painted and takes input.

    Both sides start as an installed till does, from compiled bytecode: a
    PYTHONDONTWRITEBYTECODE in the environment (CI and some shells set it) is
    lifted for them, the bytecode goes to a folder of its own, and one launch
    of each, not counted, writes it."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env[STARTUP_PROBE] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "loyaltill-bench-pycache")
    till = [sys.executable, str(main_py), "--db", str(path)]
    bare = [sys.executable, str(main_py.parent / "ui" / "bare_window.py")]
    _launch(till, env), _launch(bare, env)
    ours, base = [], []
    for _ in range(runs):  # in turns, so a drift of the machine's speed falls on both
        ours.append(_launch(till, env))
        base.append(_launch(bare, env))
    result = _pair("start-up to cashier window", ours, base) | {"baseline": "a bare Qt window, shown and painted"}
    result["best_s"] = round(min(ours), 3)
    return result | {"samples": runs}


def bench_scan_to_shown(path: Path, main_py: Path, rounds: int, rng: random.Random) -> dict[str, Any]:
    """From the Enter key of a wedge scan to the member panel painted, in the
    real cashier window (offscreen, a process of its own: Qt stays out of
    services), beside the same keys into a bare Qt window that paints a label."""
    count = db.obj.execute_sql('SELECT MAX(rowid) FROM "card"').fetchone()[0] or 0
    if not count:
        return {"name": "scan to member shown", "skipped": "no cards in this database"}
    cards = [number for number, _ in _random_members(rounds, rng, count)]
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "ui.scan_probe", "--db", str(path), "--cards", ",".join(cards)],
        cwd=main_py.parent, env=env, capture_output=True, text=True, timeout=600,
    )
    if out.returncode == 2:  # the file cannot open a cashier window: said in one line by the probe
        reason = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "the probe refused this file"
        return {"name": "scan to member shown", "skipped": reason}
    if out.returncode != 0:
        raise RuntimeError(f"the scan probe failed: {out.stderr[-2000:]}")
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return _pair("scan to member shown", found["loyaltill"], found["bare_qt"]) | {
        "samples": len(cards), "baseline": "the same keys into a bare Qt window painting a label"}


def run_bench(path: Path, rounds: int, main_py: Path) -> dict[str, Any]:
    rng = random.Random(7)
    sizes = {
        name: db.obj.execute_sql(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in ("member", "sale")
    }
    return {
        "database": str(path), "size_bytes": path.stat().st_size, **sizes,
        "results": [
            bench_lookup(path, rounds, rng),
            bench_sales(path, max(20, rounds // 10), rng),
            bench_startup(path, main_py),
            bench_scan_to_shown(path, main_py, min(rounds, 500), rng),
        ],
        "goals": {"card lookup": "ratio <= 1.5", "sale completion": "ratio <= 2",
                  "start-up to cashier window": "ratio <= 2.5", "scan to member shown": "p99 <= 8 ms"},
    }


def pricing_bench_rules() -> tuple[Rules, Rules]:
    """30 active rules (promotions of every kind, plus the three tiers' rates)
    and, as the baseline, the standard programme without promotions."""
    base = default_rules()
    cats = [f"cat{i}" for i in range(10)]
    promos = []
    kinds = ("discount", "multiplier", "fixed_points", "buy_get")
    for i in range(27):
        kind = kinds[i % 4]
        promos.append(Promotion(
            f"p{i:02d}", f"Promotion {i}", kind, bp=500 + i * 10 if kind == "discount" else 15000 + i * 100,
            points=5, buy=2, get=1, categories=(cats[i % 10], cats[(i + 3) % 10]),
            weekdays=tuple(range(7)) if i % 3 == 0 else (), hour_from=0, hour_to=24,
            min_bill=10_000 * (i % 5), priority=10 * (i % 7), exclusive=i % 9 == 0,
        ))
    rich = dataclasses.replace(base, version=2, promotions=tuple(promos), birthday_discount_bp=300,
                               birthday_points=100, max_discount_bp=4000)
    return rich, dataclasses.replace(base, version=1)


def pricing_bench_cart(rng: random.Random, size: int = 100) -> list[CartLine]:
    return [
        CartLine(f"{i:04d}", f"46{i:011d}", f"item {i}", f"cat{rng.randrange(10)}", rng.randrange(50, 50_000),
                 rng.randint(1, 6), excluded=rng.random() < 0.05)
        for i in range(size)
    ]


def run_pricing_bench(rounds: int = 300) -> dict[str, Any]:
    """A 100-line cart priced under 30 active rules, beside the same cart under
    the standard programme (no promotions) in the same run."""
    rng = random.Random(11)
    rich, plain = pricing_bench_rules()
    cart = pricing_bench_cart(rng)
    member = Customer(tier="silver", balance=50_000, birthday_due=True)
    now = utcnow()
    redeem = price_cart(cart, member, rich, now=now).max_redeem

    def ours(_: object) -> None:
        price_cart(cart, member, rich, redeem, now=now)

    def baseline(_: object) -> None:
        price_cart(cart, member, plain, now=now)

    for _ in range(20):  # warm
        ours(None), baseline(None)
    a = _time_each(list(range(rounds)), ours)
    b = _time_each(list(range(rounds)), baseline)
    rule_count = len(rich.promotions) + len(rich.tiers)
    return _pair(f"price 100 lines, {rule_count} rules", a, b) | {"samples": rounds, "goal": "p50 <= 5 ms"}


def run_whatif_bench(progress: Any = None) -> dict[str, Any]:
    """Replay every sale in the database under the programme in force, beside
    the same rows only read (no pricing) in the same run."""
    from services.programme import whatif

    start = time.perf_counter()
    conn = db.obj.connection()
    cursor = conn.execute(whatif._SALES_SQL, ("0001-01-01 00:00:00", "9999-12-31 00:00:00"))  # text: the column compares as text
    while cursor.fetchmany(whatif.FETCH):
        pass
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    result = whatif.simulate(active_rules(), progress=progress)
    took = time.perf_counter() - start
    return {
        "sales": result.simulated.sales, "seconds": round(took, 2), "read_only_seconds": round(read_s, 2),
        "ratio": round(took / read_s, 2) if read_s else None,
        "sales_per_second": round(result.simulated.sales / took) if took else None,
        "equal_to_actual": result.simulated.as_json() == result.actual.as_json(),
        "goal": "1,000,000 sales <= 60 s",
    }


def format_report(report: dict[str, Any]) -> str:
    out = []
    if "pricing" in report:
        r = report["pricing"]
        out.append(f"{r['name']:28} p50 {r['loyaltill']['p50_ms']:9.3f} ms  p99 {r['loyaltill']['p99_ms']:9.3f} ms   "
                   f"standard programme p50 {r['raw_sqlite3']['p50_ms']:9.3f} ms   ratio p50 {r['ratio_p50']}   "
                   f"(n={r['samples']}; goal {r['goal']})")
    if "whatif" in report:
        w = report["whatif"]
        out.append(f"what-if replay of {w['sales']} sales: {w['seconds']} s ({w['sales_per_second']} sales/s); "
                   f"reading the rows alone {w['read_only_seconds']} s, ratio {w['ratio']}; "
                   f"simulated == actual: {w['equal_to_actual']} (goal {w['goal']})")
    if "results" not in report:
        return "\n".join(out)
    out.insert(0, f"database {report['database']}: {report['member']} members, {report['sale']} sales, "
               f"{report['size_bytes'] / 2**20:.0f} MiB")
    for r in report["results"]:
        if "skipped" in r:
            out.append(f"{r['name']}: skipped ({r['skipped']})")
            continue
        a, b = r["loyaltill"], r["raw_sqlite3"]
        unit, scale = ("s", 0.001) if r["name"].startswith("start") else ("ms", 1)
        out.append(
            f"{r['name']:28} p50 {a['p50_ms'] * scale:9.3f} {unit}  p99 {a['p99_ms'] * scale:9.3f} {unit}   "
            f"raw/baseline p50 {b['p50_ms'] * scale:9.3f}  p99 {b['p99_ms'] * scale:9.3f}   "
            f"ratio p50 {r['ratio_p50']}  p99 {r['ratio_p99']}   (n={r['samples']})"
            + (f"   [writes only: raw p50 {r['raw_writes_only']['p50_ms']:.3f}, ratio p50 {r['raw_writes_only']['ratio_p50']}]"
               if "raw_writes_only" in r else "")
        )
    out.append("goals: " + json.dumps(report["goals"]))
    return "\n".join(out)
