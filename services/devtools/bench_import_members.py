"""The members import against the database's own speed: `bench_members()`.

A generated file of `rows` members (names, phones written every way people
write them, e-mails, birthdays, old cards of every shape, balances) is
imported by services.imports.members into a fresh bench shop, with the
owner signed in (every opening balance signed).  The baseline is a raw
sqlite3 `executemany` of exactly the rows the import wrote (members, cards,
ledger entries, outbox operations, and the sync stamps and signatures that
go with them) into a fresh copy of the same file (the same tables, indexes
and pragmas), committed in chunks of the same size.  Both run in the same
process, one after the other, so the ratio holds on a busy machine.

A file this big is planned by the import's helper process while this one
writes (services.imports.helper): the report gives that process's CPU
beside this one's.

Goals (issue 12): 100,000 members <= 15 s, and within 3x the raw insert.
"""
from __future__ import annotations

import random
import resource
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

GOAL_S_PER_100K = 15.0
GOAL_RATIO = 3.0
# The tables the import writes, in the order the baseline fills them.
TABLES = ("member", "card", "ledger_entry", "outbox", "synced_row", "row_signature")
PIN = "111111"

_FIRST = ("Иван", "Мария", "Ольга", "Пётр", "Анна", "Sergiu", "Ana", "Elena", "Dmitri", "Ion")
_LAST = ("Иванов", "Петрова", "Смирнов", "Кузнецова", "Popescu", "Rusu", "Ceban", "Волков", "Лебедева", "Munteanu")


def _ean(body: str) -> str:
    from services.shop.product_codes import gtin_check_digit

    return body + str(gtin_check_digit(body))


def member_records(rows: int, seed: int = 12) -> list[tuple[int, dict[str, Any]]]:
    """A file's records as the reader hands them over: text cells, every field mapped."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        mobile = f"9{15 + i % 85:02d}{i:07d}"
        phone = rng.choice((f"+7 {mobile[:3]} {mobile[3:6]}-{mobile[6:8]}-{mobile[8:]}", f"8{mobile}",
                            f"8 ({mobile[:3]}) {mobile[3:6]} {mobile[6:]}", f"7{mobile}"))
        kind = i % 3
        card = _ean(f"{i:07d}") if kind == 0 else _ean(f"400{i:09d}") if kind == 1 else f"{10**9 + i}"
        out.append((i + 2, {
            "name": f"{rng.choice(_LAST)} {rng.choice(_FIRST)}",
            "phone": phone,
            "email": f"member{i}@example.com" if i % 2 else "",
            "birthday": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1940, 2005)}",
            "card": card,
            "balance": str(rng.randint(0, 5000)) if i % 5 else "",
            "consent": rng.choice(("да", "нет", "")),
        }))
    return out


def _bench_shop(path: Path) -> None:
    from models import open_database
    from services.programme import rules
    from services.shop import staff as auth
    from services.shop.settings import configure_shop

    database = open_database(path)
    configure_shop("Bench shop", "RUB", "ru")
    auth.add_staff("Owner", "owner", PIN)
    rules.publish(rules.default_rules())
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _close() -> None:
    from models import db

    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(None)


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (the import's helper)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _table_rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {t: conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in TABLES}


def _rows_written(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """What the import added to each table (a fresh bench shop has few rows before it)."""
    written = {}
    for table in TABLES:
        old = set(before[table])
        written[table] = [row for row in after[table] if row not in old]
    return written


def _raw_insert(path: Path, written: dict[str, list[tuple]], members: int, chunk: int) -> float:
    """executemany of the same rows into a fresh copy of the tables, `chunk` members a transaction
    (a card and a ledger entry go with their member's chunk: the foreign keys are on, as on the till)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = wal", "synchronous = FULL", "foreign_keys = ON", "cache_size = -64000"):
        conn.execute(f"PRAGMA {pragma}")
    described = {t: [d[0] for d in conn.execute(f'SELECT * FROM "{t}" LIMIT 0').description] for t in TABLES}
    steps = max(1, -(-members // chunk))
    step_of = {row[0]: i * steps // max(1, len(written["member"])) for i, row in enumerate(written["member"])}
    shares: list[dict[str, list[tuple]]] = [{t: [] for t in TABLES} for _ in range(steps)]
    for table in TABLES:
        rows = written[table]
        owner = described[table].index("member_id") if "member_id" in described[table] else None
        for i, row in enumerate(rows):
            step = step_of[row[0]] if table == "member" else step_of.get(row[owner]) if owner is not None else None
            shares[i * steps // len(rows) if step is None else step][table].append(row)
    start = time.perf_counter()
    for share in shares:
        conn.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            if share[table]:
                marks = ", ".join("?" * len(described[table]))
                conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', share[table])
        conn.execute("COMMIT")
    took = time.perf_counter() - start
    conn.close()
    return took


def bench_members(rows: int = 100_000, *, workdir: Path | None = None, seed: int = 12,
                  progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Figures: our engine on a generated file vs a raw executemany of the same rows, as a ratio, in one run."""
    from models.schema import Staff
    from services.imports import members as engine
    from services.journal import authority
    from services.shop import staff as auth

    own_dir = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="loyaltill-bench-import-")) if workdir is None else workdir
    try:
        template = folder / "template.db"
        _bench_shop(template)
        _close()
        ours_path, raw_path = folder / "ours.db", folder / "raw.db"
        shutil.copy(template, ours_path)
        shutil.copy(template, raw_path)
        records = member_records(rows, seed)

        from models import open_database

        open_database(ours_path)
        owner = Staff.get(Staff.role == "owner")
        auth.login(PIN, owner)
        conn = sqlite3.connect(ours_path)
        before = _table_rows(conn)
        conn.close()
        chunks: list[int] = []

        def counted(done: int) -> None:
            chunks.append(done)
            if progress is not None:
                progress(done)

        start, cpu, helper_cpu = time.perf_counter(), time.process_time(), _children_cpu()
        outcome = engine.run(records, actor=owner, progress=counted)
        ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
        helper_cpu = _children_cpu() - helper_cpu  # the import's helper process (ended and waited for)
        authority.forget()
        _close()
        conn = sqlite3.connect(ours_path)
        written = _rows_written(before, _table_rows(conn))
        conn.close()
        cpu = time.process_time()
        raw = _raw_insert(raw_path, written, rows, max(1, rows // max(1, len(chunks))))
        raw_cpu = time.process_time() - cpu
        with sqlite3.connect(raw_path) as check:
            same = all(check.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] >= len(written[t]) for t in TABLES)
    finally:
        _close()
        if own_dir:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = ours / raw if raw > 0 else float("inf")
    goal_s = GOAL_S_PER_100K * rows / 100_000
    return {
        "name": "import members", "rows": rows, "imported": outcome.imported, "errors": len(outcome.errors),
        "chunks": len(chunks), "ours_s": round(ours, 2), "raw_s": round(raw, 2), "ratio": round(ratio, 2),
        # CPU seconds of this process: the part of each a busy machine does not inflate (the raw
        # insert mostly waits for the disk, so its CPU is small and this ratio larger).
        "ours_cpu_s": round(ours_cpu, 2), "helper_cpu_s": round(helper_cpu, 2), "raw_cpu_s": round(raw_cpu, 2),
        "raw_has_the_same_rows": same,
        "rows_written": {t: len(r) for t, r in written.items()},
        "rows_per_s": round(rows / ours) if ours else None,
        "goal": f"<= {goal_s:g} s and <= {GOAL_RATIO:g}x raw", "met": ours <= goal_s and ratio <= GOAL_RATIO,
    }


def format_members_report(r: dict[str, Any]) -> str:
    return (
        f"{r['name']}: {r['rows']} rows in {r['ours_s']} s ({r['rows_per_s']} rows/s, {r['chunks']} chunks), "
        f"raw executemany of the same rows {r['raw_s']} s: {r['ratio']}x (CPU {r['ours_cpu_s']} s + helper "
        f"{r['helper_cpu_s']} s vs "
        f"{r['raw_cpu_s']} s); goal {r['goal']}: "
        f"{'met' if r['met'] else 'NOT met'}"
    )
