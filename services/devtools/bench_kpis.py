"""`main.py bench --what kpis`: the owner's figures for a year beside one bare SQL aggregate.

1. A copy of the demo shop given (`--db`, a finished demo: its till, staff and
   programme) gets N sales over M members across the two years to today, written
   with a raw sqlite3 executemany (fast, not through the till's services): 70 % of
   the sales with a member (a few members buy often, most seldom), 1 % of the
   amounts zero (as imported receipts of 0.00 are), 1 % returned (half of those in
   full), an earn entry in the ledger for every member's sale and a redeem for one
   in ten; the members registered over the three years to today, their ids in the order
   of their registration (as UUIDv7s made then are).  `--keep FILE`
   builds it there and keeps it (a second run with the same N and M reuses it).
2. Timed, each three times alternating, medians: `figures.compute` for the year
   to today, and `SELECT count(*), sum(total) FROM sale WHERE created_at >= ? AND
   created_at < ?` over the same rows (the year's UTC span).  The goal: compute
   within 2 s and within 3x the bare aggregate.

Sales have no lines here: the figures read lines only for margins set per
category, which this bench does not set.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_S = 2.0
GOAL_RATIO = 3.0
CHUNK = 100_000
_MEMBER_PREFIX = b"\x01\x90\x00\x00\x00\x00\xb0\x00"  # ids of the bench's rows: 8 fixed bytes + a counter,
_SALE_PREFIX = b"\x01\x90\x00\x00\x00\x00\xb1\x00"  # in insertion order as a UUIDv7's are
_LEDGER_PREFIX = b"\x01\x90\x00\x00\x00\x00\xb2\x00"
_RETURN_PREFIX = b"\x01\x90\x00\x00\x00\x00\xb3\x00"


def _id(prefix: bytes, n: int) -> bytes:
    return prefix + n.to_bytes(8, "big")


def _stamp(when: dt.datetime) -> str:
    return str(when)


def build(path: Path, sales: int, members: int, now: dt.datetime, seed: int = 13) -> dict[str, Any]:
    """Add the bench's members, sales, returns and ledger entries to the file at `path`."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-512000")
    till = conn.execute('SELECT id FROM "till" WHERE is_local = 1').fetchone()[0]
    staff = [row[0] for row in conn.execute('SELECT id FROM "staff"')]
    started = time.perf_counter()
    three_years = 3 * 365 * 86400
    conn.execute("BEGIN")
    rows = []
    # Registered in id order, as a UUIDv7 made at registration is: the first id the earliest.
    registered = sorted(now - dt.timedelta(seconds=rng.randrange(three_years)) for _ in range(members))
    for n, created in enumerate(registered):
        name = f"Bench member {n}"
        rows.append((_id(_MEMBER_PREFIX, n), name, name.casefold(), None, None, 0, "", 0, _stamp(created),
                     _stamp(created), None, "", "", None))
        if len(rows) == CHUNK:
            _members(conn, rows)
            rows = []
    _members(conn, rows)
    conn.execute("COMMIT")
    # Who buys: a few often, most seldom (a member's weight ~ 1/rank, shuffled).
    weights = [1.0 / (1 + i) ** 0.7 for i in range(members)]
    chosen = rng.choices(range(members), weights=weights, k=int(sales * 0.7) + 1)
    rng.shuffle(chosen)
    two_years = 2 * 365 * 86400
    offsets = sorted(rng.randrange(two_years) for _ in range(sales))
    start = now - dt.timedelta(seconds=two_years)
    sale_rows, ledger_rows, return_rows = [], [], []
    picked = 0
    ledger_n = return_n = 0
    conn.execute("BEGIN")
    for n, offset in enumerate(offsets):
        when = _stamp(start + dt.timedelta(seconds=offset))
        member = None
        if rng.random() < 0.7 and picked < len(chosen):
            member = _id(_MEMBER_PREFIX, chosen[picked])
            picked += 1
        subtotal = 0 if rng.random() < 0.01 else rng.randrange(100, 300_000)
        discount = subtotal * 5 // 100 if member else 0
        total = subtotal - discount
        redeemed = min(total // 100, rng.randrange(50, 500)) if member and rng.random() < 0.1 else 0
        earned = total // 1000 if member else 0
        sale_id = _id(_SALE_PREFIX, n)
        sale_rows.append((sale_id, till, f"B{n:09d}", rng.choice(staff), member, None, 1, when, subtotal, discount,
                          total, redeemed, redeemed * 100, total - redeemed * 100, earned, None, 0, None, 0))
        if member:
            if earned:
                ledger_rows.append((_id(_LEDGER_PREFIX, ledger_n), member, "earn", earned, sale_id, None, till, None,
                                    "", when))
                ledger_n += 1
            if redeemed:
                ledger_rows.append((_id(_LEDGER_PREFIX, ledger_n), member, "redeem", -redeemed, sale_id, None, till,
                                    None, "", when))
                ledger_n += 1
        if rng.random() < 0.01:
            value = total if rng.random() < 0.5 else total // 2
            return_rows.append((_id(_RETURN_PREFIX, return_n), sale_id, till, None, None, when, value, 0, value,
                                value, 0, 0))
            return_n += 1
        if len(sale_rows) == CHUNK:
            _flush(conn, sale_rows, ledger_rows, return_rows)
    _flush(conn, sale_rows, ledger_rows, return_rows)
    conn.execute("COMMIT")
    conn.close()
    return {"sales": sales, "members": members, "ledger_entries": ledger_n, "returns": return_n,
            "seconds": round(time.perf_counter() - started, 1)}


def _members(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        conn.executemany(
            'INSERT INTO "member" (id, name, name_key, phone, birthday, marketing_consent, tier, balance, created_at,'
            " updated_at, email, note, origin, external_ref) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def _flush(conn: sqlite3.Connection, sales: list[tuple[Any, ...]], ledger: list[tuple[Any, ...]],
           returns: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        'INSERT INTO "sale" (id, till_id, receipt_no, cashier_id, member_id, card_number, rule_version, created_at,'
        " subtotal, discount, total, points_redeemed, points_value, paid_money, points_earned, balance_after,"
        " offline, discount_authorised_by_id, imported) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sales)
    conn.executemany(
        'INSERT INTO "ledger_entry" (id, member_id, kind, delta, sale_id, return_id, till_id, staff_id, note,'
        " created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", ledger)
    conn.executemany(
        'INSERT INTO "sale_return" (id, sale_id, till_id, staff_id, authorised_by_id, created_at, refund,'
        " refund_card, refund_cash, value, points_reversed, points_restored) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        returns)
    sales.clear()
    ledger.clear()
    returns.clear()


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT COUNT(*) FROM sale WHERE receipt_no LIKE 'B%'").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM member WHERE name LIKE 'Bench member %'").fetchone()[0])
    finally:
        conn.close()


def _new_sales(n: int, now: dt.datetime, seed: int) -> None:
    """N sales written as a till writes them (today, 70 % with a member, 1 % returned), after
    the summary was last refreshed: what a refresh then costs."""
    from models import db

    rng = random.Random(seed)
    till = db.obj.execute_sql('SELECT id FROM "till" WHERE is_local = 1').fetchone()[0]
    staff = [row[0] for row in db.obj.execute_sql('SELECT id FROM "staff"')]
    members = [row[0] for row in db.obj.execute_sql('SELECT id FROM "member" ORDER BY random() LIMIT ?', [n])]
    base = int(db.obj.execute_sql('SELECT COALESCE(MAX(rowid), 0) FROM "sale"').fetchone()[0]) + 10**9
    sales, returns = [], []
    for k in range(n):
        sale_id = _id(_SALE_PREFIX, base + k)
        member = rng.choice(members) if members and rng.random() < 0.7 else None
        total = rng.randrange(100, 300_000)
        when = _stamp(now - dt.timedelta(seconds=rng.randrange(8 * 3600)))
        sales.append((sale_id, till, f"N{base + k:012d}", rng.choice(staff), member, None, 1, when, total, 0, total,
                      0, 0, total, 0, None, 1, None, 0))
        if rng.random() < 0.01:
            returns.append((_id(_RETURN_PREFIX, base + k), sale_id, till, None, None, when, total, 0, total, total,
                            0, 0))
    with db.obj.atomic("IMMEDIATE"):
        _flush(db.obj.connection(), sales, [], returns)


def measure(path: Path, now: dt.datetime, rounds: int = 3, fresh_sales: int = 1000) -> dict[str, Any]:
    from models import db, open_database
    from services.insights import basis, figures, segments, summary, visitpack

    open_database(path)
    zone = basis.shop_zone()
    period = basis.Period.ending(basis.today(now, zone), 365)
    lo, hi = basis.utc_span(period, zone)
    bare_sql = "SELECT count(*), sum(total) FROM sale WHERE created_at >= ? AND created_at < ?"

    def bare() -> Any:
        return db.obj.execute_sql(bare_sql, (lo, hi)).fetchone()

    def ours() -> Any:
        return figures.compute(period)

    # The summary: built once (the first refresh after the migration), or brought up to date.
    t = time.perf_counter()
    first = summary.refresh()
    summary_s = time.perf_counter() - t
    t = time.perf_counter()  # the visits packed as columns (the first figures would do it)
    packed = visitpack.refresh()
    pack_s = time.perf_counter() - t
    bare()  # both warm: the file's pages in the OS's cache
    result = ours()
    bare_s, ours_s, bare_cpu, ours_cpu = [], [], [], []
    load_before = os.getloadavg()
    for _ in range(rounds):  # wall and CPU (this process's, all its threads: the figures' readers too)
        t, c = time.perf_counter(), time.process_time()
        counted = bare()
        bare_s.append(time.perf_counter() - t)
        bare_cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        result = ours()
        ours_s.append(time.perf_counter() - t)
        ours_cpu.append(time.process_time() - c)
    load_after = os.getloadavg()
    # What the till's new sales cost the next figures: a refresh after N of them.
    _new_sales(fresh_sales, now, seed=len(ours_s))
    t = time.perf_counter()
    after = summary.refresh()
    refresh_s = time.perf_counter() - t
    marked = visitpack.state()
    t = time.perf_counter()
    fresh = ours()
    fresh_s = time.perf_counter() - t
    t = time.perf_counter()
    segments.segments(basis.today(now, zone))
    segments_s = time.perf_counter() - t
    t = time.perf_counter()
    segments.pareto_curve(period)
    pareto_s = time.perf_counter() - t
    return {"period": period.as_json(), "bare_rows": counted[0], "receipts": result["receipts"],
            "members_active": result["members_active"],
            "summary": {"rebuilt": bool(first["rebuilt"]), "sales": first["sales"], "seconds": round(summary_s, 2),
                        "visits": db.obj.execute_sql('SELECT COUNT(*) FROM "visit"').fetchone()[0],
                        "day_rows": db.obj.execute_sql('SELECT COUNT(*) FROM "sale_day"').fetchone()[0]},
            "pack": {"packed": packed, "seconds": round(pack_s, 2)},
            "refresh": {"new_sales": after["sales"], "returns": after["returns"], "seconds": round(refresh_s, 3),
                        "marked": marked["marked"], "packed": marked["packed"], "compute_s": round(fresh_s, 3),
                        "receipts": fresh["receipts"]},
            "segments_s": round(segments_s, 3), "pareto_s": round(pareto_s, 3),
            "compute_s": [round(s, 3) for s in ours_s], "bare_s": [round(s, 3) for s in bare_s],
            "compute_median_s": round(statistics.median(ours_s), 3), "bare_median_s": round(statistics.median(bare_s), 3),
            "compute_cpu_s": [round(s, 3) for s in ours_cpu], "bare_cpu_s": [round(s, 3) for s in bare_cpu],
            "cpu_ratio": round(statistics.median(ours_cpu) / statistics.median(bare_cpu), 2) if min(bare_cpu) > 0 else None,
            "timed_load": [round(load_before[0], 2), round(load_after[0], 2)]}


def run_kpis_bench(demo: Path, sales: int, members: int, *, keep: Path | None = None) -> dict[str, Any]:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="bench-kpis-") as tmp:
        path = keep or Path(tmp) / "kpis.db"
        built: dict[str, Any] | None = None
        if not (path.exists() and _counts(path) == (sales, members)):
            if path.exists():
                path.unlink()
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            src = sqlite3.connect(demo)
            dst = sqlite3.connect(path)
            src.backup(dst)
            src.close()
            dst.close()
            built = build(path, sales, members, now)
        figures = measure(path, now)
        size = path.stat().st_size
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    ratio = figures["compute_median_s"] / figures["bare_median_s"] if figures["bare_median_s"] else float("inf")
    return {
        "name": "owner's figures, one year", "sales": sales, "members": members, "built": built,
        "file_mb": round(size / 2**20), "load": os.getloadavg(), **figures, "ratio": round(ratio, 2),
        "goal": f"compute <= {GOAL_S:g} s and <= {GOAL_RATIO:g}x the bare aggregate",
        "met": figures["compute_median_s"] <= GOAL_S and ratio <= GOAL_RATIO,
    }


def format_kpis_report(r: dict[str, Any]) -> str:
    lines = [f"{r['name']}: {r['sales']:,} sales, {r['members']:,} members, file {r['file_mb']} MB,"
             f" load {', '.join(f'{x:.2f}' for x in r['load'])}"]
    if r["built"]:
        lines.append(f"  built in {r['built']['seconds']} s ({r['built']['ledger_entries']:,} ledger entries,"
                     f" {r['built']['returns']:,} returns)")
    lines.append(f"  period {r['period']['from']} .. {r['period']['to']}: {r['bare_rows']:,} sales,"
                 f" {r['receipts']:,} receipts")
    built = r["summary"]
    lines.append(f"  summary {'built' if built['rebuilt'] else 'brought up to date'}: {built['sales']:,} sales read"
                 f" in {built['seconds']} s ({built['visits']:,} visits, {built['day_rows']:,} days' rows)")
    pack = r["pack"]
    lines.append(f"  visits packed as columns: {pack['seconds']} s" if pack["packed"] else "  visits: pack up to date")
    lines.append(f"  figures.compute: {r['compute_median_s']} s (runs {r['compute_s']})")
    lines.append(f"  bare count/sum:  {r['bare_median_s']} s (runs {r['bare_s']})")
    lines.append(f"  CPU seconds: figures.compute {r['compute_cpu_s']}, bare {r['bare_cpu_s']}: {r['cpu_ratio']}x;"
                 f" load {r['timed_load'][0]} -> {r['timed_load'][1]} while timed, {os.cpu_count()} cores")
    lines.append(f"  ratio {r['ratio']}x; goal {r['goal']}: {'met' if r['met'] else 'NOT met'}")
    lines.append(f"  refresh after {r['refresh']['new_sales']:,} new sales ({r['refresh']['returns']} returns):"
                 f" {r['refresh']['seconds']} s; then figures.compute {r['refresh']['compute_s']} s"
                 f" ({r['refresh']['marked']:,} members' visits read beside the pack of {r['refresh']['packed']:,})")
    lines.append(f"  segments.segments (first call): {r['segments_s']} s; pareto_curve: {r['pareto_s']} s")
    return "\n".join(lines)
