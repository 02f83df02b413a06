"""`main.py bench --what import`: the history import beside a raw executemany, and a sale's wait meanwhile.

1. A history file of N receipts over three years is written (CSV, `;`, in
   date order, as a register exports it): most receipts carry a card of one of N/5 customers, some a phone
   only, some no key at all (not members); a few are of zero amount.
2. The import runs as the till runs it, in a process of its own
   (`python -m services.devtools.bench_import history DB FILE`), reading the
   file and calling services.imports.history.run; it reports its own time.
   Meanwhile this process takes the write lock the way a sale does (BEGIN
   IMMEDIATE with the till's busy timeout) every 20 ms and records how long
   it waited (as bench_period does).
3. The baseline: the same rows the import wrote (its sales, their lines, the
   members and cards it made, and what it queued for the hub about them: the
   outbox and the per-field clocks) are read back and written with a raw sqlite3
   executemany into a fresh file holding the same tables and indexes (the
   till's pragmas: WAL, synchronous FULL, foreign keys on), 50,000 rows per
   transaction; only the executemany and commit calls are timed.

With `--members N` the members' import (`bench_import_members.bench_members`,
its own bench shop) brings N customers first, and the history names them by
their cards and phones; without it the N/5 customers are new to the till and
the history makes them.  The import changes the file: run it on a copy of a demo.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

from services.devtools.bench_period import _summary, _wait_for_lock

GOAL_S = 90.0  # 1,000,000 receipts
GOAL_RATIO = 3.0
GOAL_WAIT_S = 1.0
RAW_CHUNK = 50_000
HEADER = ["date", "time", "amount", "card", "phone", "customer_name"]  # the engine's field names as columns


def customer_keys(count: int, seed: int = 12) -> tuple[list[str], list[str]]:
    """The history's customers: (cards, phones).  Without the members' part, cards of
    the old system (a foreign prefix, 13 digits) and phones nobody has yet."""
    rng = random.Random(seed)
    return ([f"990{n:010d}" for n in range(1, count + 1)],
            [f"+7 9{rng.randrange(10**9):09d}" for _ in range(max(1, count // 4))])


def write_history(path: Path, receipts: int, keys: tuple[list[str], list[str]], seed: int = 12) -> None:
    rng = random.Random(seed)
    cards, phones = keys
    customers = len(cards)
    start = dt.date.today() - dt.timedelta(days=3 * 365)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        moments = sorted((rng.randrange(3 * 365), rng.randrange(8 * 60, 22 * 60)) for _ in range(receipts))
        for days, minute in moments:  # in date order, as registers export
            day = start + dt.timedelta(days=days)
            amount = 0 if rng.random() < 0.01 else rng.randrange(100, 500_000)
            roll = rng.random()
            card = cards[rng.randrange(customers)] if roll < 0.7 else ""
            phone = phones[rng.randrange(len(phones))] if 0.7 <= roll < 0.8 else ""
            writer.writerow([day.strftime("%d.%m.%Y"), f"{minute // 60:02d}:{minute % 60:02d}",
                             f"{amount // 100},{amount % 100:02d}", card, phone, ""])


def read_history(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The file as the engine takes it (row number as the owner sees it, {field: cell})."""
    with path.open(encoding="utf-8", newline="") as src:
        reader = csv.reader(src, delimiter=";")
        fields = next(reader)
        for number, cells in enumerate(reader, start=2):
            yield number, dict(zip(fields, cells))


def members_first(folder: Path, customers: int) -> tuple[dict[str, Any], Path, tuple[list[str], list[str]]]:
    """The members' part (services.devtools.bench_import_members): the customers
    imported first into its bench shop, as a shop brings its member list before
    its history; the history then names them by their cards and phones."""
    from services.devtools.bench_import_members import bench_members, member_records

    figures = bench_members(customers, workdir=folder)
    people = [cells for _, cells in member_records(customers)]
    return figures, folder / "ours.db", ([p["card"] for p in people], [p["phone"] for p in people[::4]])


def child(db_path: Path, history_file: Path) -> dict[str, Any]:
    """Run in the import's own process: open the till, import, report."""
    from models import open_database
    from services.imports import history
    from services.shop.staff import first_of_role

    open_database(db_path)
    owner = first_of_role("owner")
    start = time.perf_counter()
    outcome = history.run(read_history(history_file), actor=owner)
    took = time.perf_counter() - start
    return {"seconds": round(took, 2), "outcome": {k: v for k, v in outcome.as_json().items() if k != "warnings"}
            | {"errors": len(outcome.errors)}}


def _schema(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    marks = ", ".join("?" * len(tables))
    rows = conn.execute(f"SELECT type, sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL",
                        tables).fetchall()
    return [sql for kind, sql in rows if kind == "table"] + [sql for kind, sql in rows if kind == "index"]


_TABLES = ("store", "till", "staff", "product", "category", "reward", "member", "card", "sale", "sale_line", "outbox",
           "synced_row")


def raw_baseline(bench_db: Path, folder: Path, since_rowid: dict[str, int]) -> dict[str, Any]:
    """The rows the import wrote, executemany'd into a fresh copy of the same tables."""
    src = sqlite3.connect(bench_db)
    fresh_path = folder / "raw_history.db"  # raw.db is the members part's
    raw = sqlite3.connect(fresh_path, isolation_level=None)
    for pragma in ("journal_mode=wal", "synchronous=2", "foreign_keys=1", "cache_size=-64000", "temp_store=2"):
        raw.execute(f"PRAGMA {pragma}")
    for sql in _schema(src, _TABLES):
        raw.execute(sql)
    # Untimed: what the rows point at (the till, the members that were there before).
    raw.execute("BEGIN")
    for table in ("store", "till"):
        rows = src.execute(f'SELECT * FROM "{table}"').fetchall()
        if rows:
            raw.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
    old_members = src.execute(
        'SELECT * FROM "member" WHERE rowid <= ? AND id IN (SELECT member_id FROM "sale" WHERE imported = 1)',
        (since_rowid["member"],)).fetchall()
    if old_members:
        raw.executemany(f'INSERT INTO "member" VALUES ({", ".join("?" * len(old_members[0]))})', old_members)
    raw.execute("COMMIT")
    timed = 0.0
    counts = {}
    for table, where in (("member", "rowid > ?"), ("card", "rowid > ?"), ("sale", "rowid > ? AND imported = 1"),
                         ("sale_line", "rowid > ?"), ("outbox", "rowid > ?"), ("synced_row", "rowid > ?")):
        cursor = src.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY rowid', (since_rowid[table],))
        counts[table] = 0
        while True:
            rows = cursor.fetchmany(RAW_CHUNK)
            if not rows:
                break
            sql = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(rows[0]))})'
            start = time.perf_counter()
            raw.execute("BEGIN")
            raw.executemany(sql, rows)
            raw.execute("COMMIT")
            timed += time.perf_counter() - start
            counts[table] += len(rows)
    src.close()
    raw.close()
    return {"seconds": round(timed, 2), "rows": counts}


def run_import_bench(path: Path, main_py: Path, receipts: int, members: int | None = None,
                     every_s: float = 0.02) -> dict[str, Any]:
    customers = members or max(1, receipts // 5)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        members_part, keys = None, customer_keys(customers)
        if members:  # --members N: the customers imported first (otherwise the history makes them)
            members_part, path, keys = members_first(folder, customers)
        history_file = folder / "history.csv"
        write_history(history_file, receipts, keys)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        since = {t: conn.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{t}"').fetchone()[0]
                 for t in ("member", "card", "sale", "sale_line", "outbox", "synced_row")}
        baseline = []
        for _ in range(100):
            baseline.append(_wait_for_lock(conn))
            time.sleep(every_s)
        job = subprocess.Popen([sys.executable, "-m", "services.devtools.bench_import", "history", str(path),
                                str(history_file)], cwd=str(main_py.parent), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        during = []
        while job.poll() is None:
            during.append(_wait_for_lock(conn))
            time.sleep(every_s)
        out, err = job.communicate()
        conn.close()
        if job.returncode != 0:
            raise RuntimeError(f"the import failed: {err.strip()[-2000:]}")
        ours = json.loads(out)
        raw = raw_baseline(path, folder, since)
    ratio = ours["seconds"] / raw["seconds"] if raw["seconds"] else float("inf")
    waits = _summary(during or [0.0])
    return {
        "name": "history import", "receipts": receipts, "customers": customers, "members_part": members_part,
        "import": ours, "raw_executemany": raw, "ratio": round(ratio, 2),
        "sale_wait_during_import": waits, "sale_wait_no_job": _summary(baseline),
        "goal": f"<= {GOAL_S:g} s for 1,000,000 receipts, ratio <= {GOAL_RATIO:g}, a sale waits <= {GOAL_WAIT_S:g} s",
        "met": ratio <= GOAL_RATIO and waits["max_ms"] <= GOAL_WAIT_S * 1000
        and ours["seconds"] <= GOAL_S * max(1.0, receipts / 1_000_000),
    }


def format_import_report(r: dict[str, Any]) -> str:
    d, b = r["sale_wait_during_import"], r["sale_wait_no_job"]
    o = r["import"]["outcome"]
    return (
        f"{r['name']}: {r['receipts']} receipts, {r['customers']} customers "
        f"(imported {o['receipts']} receipts, {o['members_created']} new members, {o['errors']} errors)\n"
        f"  ours {r['import']['seconds']:8.2f} s   raw executemany {r['raw_executemany']['seconds']:8.2f} s "
        f"({r['raw_executemany']['rows']})   ratio {r['ratio']:.2f}\n"
        f"  a sale's wait during the import p50 {d['p50_ms']:8.3f} ms  p99 {d['p99_ms']:8.3f} ms  "
        f"max {d['max_ms']:8.3f} ms (n={d['samples']}); no job max {b['max_ms']:.3f} ms\n"
        f"  goal {r['goal']}: {'met' if r['met'] else 'NOT met'}"
    )


if __name__ == "__main__":  # the import's own process (see run_import_bench)
    if len(sys.argv) == 4 and sys.argv[1] == "history":
        print(json.dumps(child(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        sys.exit("usage: python -m services.devtools.bench_import history DB FILE")
