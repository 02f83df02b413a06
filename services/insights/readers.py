"""Reads of the summary shared out over several connections, one core each.

SQLite lets go of Python's lock while it steps a statement, so statements on two
connections run on two cores at once; the till has two or more.  `run(jobs, fingerprint)`
gives each job (a function of an `execute(sql, params) -> cursor`) to one of a few
read-only connections opened on the till's file for the call; the calling thread takes
jobs too, on the main connection.

One snapshot: each reader begins a read transaction and reads `fingerprint` (a SELECT
naming what its jobs' tables depend on: services.insights.summary's state, saved with
every change of the summary); a reader whose fingerprint is not the main connection's
(something was committed in between) is not used, its jobs run on the main connection.
Nothing runs in parallel outside snapshot() or when a transaction of a caller's is open
around it (its writes are not committed: the readers would not see them), when the file is
in memory, on one core, or while another call holds the readers.
"""
from __future__ import annotations

import contextlib
import os
import queue
import sqlite3
import threading
from typing import Any, Callable, Iterator, Sequence

from models import db
from services.insights import summary

Execute = Callable[[str, Sequence[Any]], Any]
Job = Callable[[Execute], Any]

MOST_AT_ONCE = 3  # connections reading at once, the main one included
READER_PRAGMAS = (
    "PRAGMA query_only = 1",
    "PRAGMA cache_size = -64000",  # 64 MiB, as the till's own connection
    "PRAGMA temp_store = 2",
    "PRAGMA mmap_size = 1073741824",  # the file's pages read in place, not copied into the cache
)

# What the readers' snapshots must agree on with the main connection's for the summary's
# reads: its state (saved, with a count of its saves, in every transaction that changes the
# summary) and the members (the enrolment reads their registration).
FINGERPRINT = f"SELECT value, (SELECT MAX(rowid) FROM \"member\") FROM \"setting\" WHERE key = '{summary.STATE_KEY}'"
CHUNKS_PER_READER = 32  # the members' ranges: many, so that the readers share out uneven ones
SMALLEST_CHUNK = 1000  # members: fewer are read in one range

_lock = threading.Lock()  # one call at a time uses readers (a second one runs on its main connection)
_alone = threading.local()  # .depth: snapshot()s open on this thread with no transaction of a caller's around


@contextlib.contextmanager
def snapshot() -> Iterator[None]:
    """db.atomic() for reads, in which run() may use readers: only when no transaction of a
    caller's is open around it (its writes would not be committed, the readers would not see
    them: peewee nests an atomic() in it as a savepoint)."""
    alone = not db.obj.in_transaction()
    with db.obj.atomic():
        _alone.depth = getattr(_alone, "depth", 0) + alone
        try:
            yield
        finally:
            _alone.depth -= alone


def wanted() -> int:
    """How many reader connections a call would use besides the main one (0: none)."""
    return max(0, min(MOST_AT_ONCE, (os.cpu_count() or 1)) - 1) if _file() else 0


def _file() -> str | None:
    path = getattr(db.obj, "database", None)
    if not isinstance(path, str) or not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path


def _open(path: str, count: int) -> list[sqlite3.Connection]:
    """Opened for the call and closed after it (a connection costs a millisecond; one kept
    open would hold the file, which a restore replaces)."""
    readers = []
    for _i in range(count):
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5)
        for pragma in READER_PRAGMAS:
            conn.execute(pragma)
        readers.append(conn)
    return readers


def run(jobs: list[Job], fingerprint: str, main: Callable[[], Any] | None = None) -> tuple[list[Any], Any]:
    """Every job's result, in the jobs' order, and `main()`'s (run first on the calling
    thread, on the main connection, while the readers work).  Readers only inside snapshot():
    the main connection's snapshot is the one they must see."""
    results: list[Any] = [None] * len(jobs)
    path, count = _file(), wanted()
    mine = db.obj.execute_sql(fingerprint).fetchall()
    alone = getattr(_alone, "depth", 0) > 0
    if not jobs or not count or not path or not alone or not _lock.acquire(blocking=False):
        main_result = main() if main else None
        for i, job in enumerate(jobs):
            results[i] = job(db.obj.execute_sql)
        return results, main_result
    opened: list[sqlite3.Connection] = []
    try:
        try:
            opened = _open(path, min(count, len(jobs)))
        except sqlite3.Error:  # no reader today (the file's permissions, too many open): all of it here
            opened = []
        return _run_parallel(jobs, fingerprint, mine, opened, main, results)
    finally:
        for conn in opened:
            conn.close()
        _lock.release()


def _run_parallel(jobs: list[Job], fingerprint: str, mine: list[Any], readers: list[sqlite3.Connection],
                  main: Callable[[], Any] | None, results: list[Any]) -> tuple[list[Any], Any]:
    pending: queue.Queue[int] = queue.Queue()
    for i in range(len(jobs)):
        pending.put(i)
    errors: list[BaseException] = []

    def work(execute: Execute) -> None:
        while not errors:
            try:
                i = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[i] = jobs[i](execute)
            except BaseException as exc:  # handed to the caller below
                errors.append(exc)

    def reader(conn: sqlite3.Connection) -> None:
        try:
            try:
                conn.execute("BEGIN")
                same = conn.execute(fingerprint).fetchall() == mine  # the main connection's snapshot?
            except sqlite3.Error:  # busy, say: its jobs are left to the others
                same = False
            if same:
                work(conn.execute)
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    threads = [threading.Thread(target=reader, args=(conn,), name="figures-reader", daemon=True) for conn in readers]
    for thread in threads:
        thread.start()
    try:
        main_result = main() if main else None
        work(db.obj.execute_sql)
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return results, main_result


def member_ranges(readers_wanted: int) -> list[tuple[str, list[bytes]]]:
    """The members cut into ranges of ids for jobs over a table keyed member first: (" AND
    member_id >= ? AND member_id < ?", its ids) each, covering every id; about equal numbers
    of members each (CHUNKS_PER_READER per reader), one range (no condition) for a few."""
    edges = _member_edges(readers_wanted * CHUNKS_PER_READER) if readers_wanted else []
    out = []
    for lo, hi in zip([None, *edges], [*edges, None]):
        where = (" AND member_id >= ?" if lo is not None else "") + (" AND member_id < ?" if hi is not None else "")
        out.append((where, [b for b in (lo, hi) if b is not None]))
    return out


def _member_edges(parts: int) -> list[bytes]:
    """Member ids cutting the members into about `parts` runs of equal numbers (none for a few)."""
    count = int(db.obj.execute_sql('SELECT COUNT(*) FROM "member"').fetchone()[0])
    step = count // max(parts, 1)
    if parts < 2 or step < SMALLEST_CHUNK:
        return []
    edges: list[bytes] = []
    while len(edges) < parts - 1:
        after = " WHERE id > ?" if edges else ""
        row = db.obj.execute_sql(f'SELECT id FROM "member"{after} ORDER BY id LIMIT 1 OFFSET ?',
                                 [*edges[-1:], step - 1]).fetchone()
        if row is None:
            break
        edges.append(bytes(row[0]))
    return edges
