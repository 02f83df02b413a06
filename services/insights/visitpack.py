"""The members' visits as columns, for the owner's figures.

services.insights.summary keeps `visit` (a member's day with a receipt, and its value), a
row per member and day: 3.3 million rows for five million sales.  The figures need, per
member, counts and sums of those rows over a few windows of days; grouped in SQL that
costs seconds.  Read as arrays, the same counts are a few numpy passes.

The pack is `visit` at one moment as arrays, stored in `visit_pack` a row per range of
members (their ids ascending, each one's number of visits, the visits' days as days since
1970-01-01 and values), one generation live at a time.  What `visit` changed since, the
summary marks member by member in `visit_dirty` (in the transaction that changes it; `seq`
only grows).  `visits(execute, first, last)` gives the visits of the days `first`..`last`
as arrays grouped by member: the pack's, less the marked members', plus the marked
members' read from `visit` itself (all of `visit` when there is no pack).  So a pack of
any age gives exactly what `visit` holds; it only gets slower as the marks grow.

`refresh()` packs again when the marks reach a twentieth of the members packed (or there
is no pack and `visit` is big): read in one snapshot, written a part per short write
transaction as a new generation, then made live in one more that also forgets the marks
it has read (seq up to the snapshot's) — provided the summary was not rebuilt meanwhile
(its build id, summary.state()["built"]; the rebuild empties both tables itself) and no
other pack went live meanwhile (another process's).
"""
from __future__ import annotations

import datetime as dt
import secrets
import threading
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np
from numpy.typing import NDArray

from models import db
from services.core.storage import write_transaction
from services.insights import summary

Execute = Callable[[str, Sequence[Any]], Any]

PART_MEMBERS = 65_536  # members per row of the pack
LEAST_TO_PACK = 20_000  # visits: fewer are read from `visit` at once, never packed
STALE_SHARE = 0.05  # pack again when the marked members pass this share of the packed ones
_EPOCH = dt.date(1970, 1, 1)
EPOCH_DAY = 2440587.5  # julianday('1970-01-01')
_DAY_SQL = f"CAST(julianday(day) - {EPOCH_DAY} AS INTEGER)"
_one_at_a_time = threading.Lock()


class Visits(NamedTuple):
    """Visits grouped by member (each member's rows together, members in no particular order):
    `member` a 0-based index per visit, `day` days since 1970-01-01, `value` minor units."""

    member: NDArray[np.int64]
    day: NDArray[np.int32]
    value: NDArray[np.int64]
    members: int  # the labels are below this (every packed member counts, with a visit here or not)


def day_number(day: dt.date) -> int:
    """A date as days since 1970-01-01 (as the pack keeps it; julianday(day) - EPOCH_DAY in SQL)."""
    return (day - _EPOCH).days


# --- reading ----------------------------------------------------------------------------------


def visits(execute: Execute, first: Any, last: Any) -> Visits:
    """The visits of the days `first`..`last` (dates), grouped by member.  Three reads (the pack,
    the marks, the marked members' visits) that agree only in one snapshot: call it in a transaction."""
    lo, hi = day_number(first), day_number(last)
    built = summary.build_name(execute)  # a pack of another build of the summary (never made live) is not read
    parts = [] if built is None else execute(
        'SELECT member_ids, counts, days, vals FROM "visit_pack" WHERE live = 1 AND summary = ? ORDER BY part',
        [built]).fetchall()
    dirty = _dirty_ids(execute) if parts else None
    members, days, values = [], [], []
    offset = 0
    for ids_blob, counts_blob, days_blob, vals_blob in parts:
        ids = np.frombuffer(ids_blob, dtype="V16")
        counts = np.frombuffer(counts_blob, dtype=np.uint32).astype(np.int64)
        day = np.frombuffer(days_blob, dtype=np.int32)
        value = np.frombuffer(vals_blob, dtype=np.int64)
        member = np.repeat(np.arange(offset, offset + ids.size, dtype=np.int64), counts)
        keep = (day >= lo) & (day <= hi)
        if dirty is not None and dirty.size:
            marked = _marked(ids, dirty)
            if marked.size:
                out = np.zeros(ids.size, dtype=bool)
                out[marked] = True
                keep &= ~np.repeat(out, counts)
        members.append(member[keep])
        days.append(day[keep])
        values.append(value[keep])
        offset += ids.size
    where = "" if not parts else ' AND member_id IN (SELECT member_id FROM "visit_dirty")'
    rows = execute(f'SELECT member_id, {_DAY_SQL}, value FROM "visit" WHERE day >= ? AND day <= ?{where}'
                   " ORDER BY member_id, day", [first.isoformat(), last.isoformat()]).fetchall()
    if rows:
        ids_read = [r[0] for r in rows]
        new = np.fromiter((i > 0 and ids_read[i] != ids_read[i - 1] for i in range(len(ids_read))),
                          dtype=bool, count=len(ids_read))
        members.append(offset + np.cumsum(new, dtype=np.int64))
        days.append(np.fromiter((r[1] for r in rows), dtype=np.int32, count=len(rows)))
        values.append(np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows)))
        offset += int(new.sum()) + 1
    if not members:
        return Visits(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64), 0)
    return Visits(np.concatenate(members), np.concatenate(days), np.concatenate(values), offset)


def _dirty_ids(execute: Execute) -> Any:
    rows = execute('SELECT member_id FROM "visit_dirty" ORDER BY member_id', []).fetchall()
    return np.frombuffer(b"".join(bytes(r[0]) for r in rows), dtype="V16") if rows else np.zeros(0, dtype="V16")


def _marked(ids: Any, dirty: Any) -> Any:
    """The positions in `ids` (ascending) of the ids in `dirty` (ascending) found there."""
    at = np.searchsorted(ids, dirty)
    inside = at < ids.size
    at, wanted = at[inside], dirty[inside]
    return at[ids[at] == wanted]


# --- packing ----------------------------------------------------------------------------------


def state() -> dict[str, int]:
    """{"packed": members in the live pack, "marked": members marked since}."""
    packed = db.obj.execute_sql('SELECT COALESCE(SUM(length(counts)), 0) / 4 FROM "visit_pack" WHERE live = 1')
    marked = db.obj.execute_sql('SELECT COUNT(*) FROM "visit_dirty"')
    return {"packed": int(packed.fetchone()[0]), "marked": int(marked.fetchone()[0])}


def stale() -> bool:
    """Whether a pack would pay: marks past a twentieth of the packed members, or no pack over a big `visit`."""
    found = state()
    if found["packed"]:
        return found["marked"] > found["packed"] * STALE_SHARE
    return db.obj.execute_sql(f'SELECT COUNT(*) >= {LEAST_TO_PACK} FROM (SELECT 1 FROM "visit" LIMIT {LEAST_TO_PACK})'
                              ).fetchone()[0] == 1


def refresh(progress: Callable[[int], None] | None = None, *, force: bool = False) -> bool:
    """Pack again when stale() (or `force`); True when a new pack went live."""
    with _one_at_a_time:
        if not force and not stale():
            return False
        return _pack(progress)


def _pack(progress: Callable[[int], None] | None) -> bool:
    with db.obj.atomic():  # one snapshot: the marks read and the visits packed agree
        built = summary.build_name()
        if built is None:
            return False  # the summary is being built: its visits are not all there
        upto = int(db.obj.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "visit_dirty"').fetchone()[0])
        live = _live_gen()
        parts = list(_read_parts()) or [(b"",) * 4]  # an empty pack has a row too: its generation is seen live
    gen = secrets.randbits(62)  # another process packing at the same time picks another
    done = 0
    try:
        for number, part in enumerate(parts):
            with write_transaction():
                if summary.build_name() != built:
                    raise _NotUsed
                db.obj.execute_sql(
                    'INSERT INTO "visit_pack" (gen, part, live, summary, member_ids, counts, days, vals)'
                    " VALUES (?, ?, 0, ?, ?, ?, ?, ?)", [gen, number, built, *part])
            done += len(part[1]) // 4
            if progress:
                progress(done)
        with write_transaction():
            # The same build of the summary, no other pack made live since the snapshot (its marks
            # forgotten would be changes this pack never read), and every part of this one there.
            mine = db.obj.execute_sql('SELECT COUNT(*) FROM "visit_pack" WHERE gen = ?', [gen]).fetchone()[0]
            if summary.build_name() != built or _live_gen() != live or mine != len(parts):
                raise _NotUsed
            db.obj.execute_sql('DELETE FROM "visit_pack" WHERE gen != ?', [gen])
            db.obj.execute_sql('UPDATE "visit_pack" SET live = 1 WHERE gen = ?', [gen])
            db.obj.execute_sql('DELETE FROM "visit_dirty" WHERE seq <= ?', [upto])
        return True
    except _NotUsed:
        with write_transaction():
            db.obj.execute_sql('DELETE FROM "visit_pack" WHERE gen = ?', [gen])
        return False


class _NotUsed(Exception):
    """The summary was rebuilt, or another pack went live, while packing: this one is not used."""


def _live_gen() -> int | None:
    row = db.obj.execute_sql('SELECT gen FROM "visit_pack" WHERE live = 1 LIMIT 1').fetchone()
    return None if row is None else int(row[0])


def _read_parts() -> Any:
    """Each part's (ids, counts, days, values) as bytes, read from `visit` in member order."""
    cursor = db.obj.execute_sql(f'SELECT member_id, {_DAY_SQL}, value FROM "visit" ORDER BY member_id, day')
    ids: list[bytes] = []
    counts: list[int] = []
    days: list[int] = []
    values: list[int] = []
    last = None
    while True:
        rows = cursor.fetchmany(100_000)
        if not rows:
            break
        for member, day, value in rows:
            if member != last:
                if len(ids) == PART_MEMBERS:
                    yield _part(ids, counts, days, values)
                    ids, counts, days, values = [], [], [], []
                ids.append(bytes(member))
                counts.append(0)
                last = member
            counts[-1] += 1
            days.append(day)
            values.append(value)
    if ids:
        yield _part(ids, counts, days, values)


def _part(ids: list[bytes], counts: list[int], days: list[int], values: list[int]) -> tuple[bytes, ...]:
    return (b"".join(ids), np.asarray(counts, dtype=np.uint32).tobytes(),
            np.asarray(days, dtype=np.int32).tobytes(), np.asarray(values, dtype=np.int64).tobytes())
