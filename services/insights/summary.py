"""The sales summed up for the owner's figures, kept up to date as they are written.

The figures, the segments and the lifetime fit all need the members' visits (a member's
day with a receipt) and each day's receipts; derived from five million sales every time,
that took tens of seconds.  Tables of schema 13 hold them instead:

- `visit` (member_id, day) -> receipts, value: a member's receipts of that day on the
  shop's clock and their value net of returns.  Keyed member first (WITHOUT ROWID), so a
  GROUP BY member reads it in order with no sort.
- `sale_day` (day, till_id, cashier_id, is_member) -> receipts, revenue, discount,
  points_value: the day's receipts per till and cashier (x'' for none), members' apart;
  revenue net of returns, the discounts and points paid as sold (basis.EXTRA_SALE_COLUMNS).
- `ledger_day` (day, till_id, kind) -> gained, spent: the day's points per till (x'' for
  none) and kind of entry, the positive and the negative deltas summed apart.
- `first_sale` (member_id) -> created_at, cashier_id, till_id: each member's first sale
  made here (not imported), for the members each cashier enrolled.

`visit` and `sale_day` are built from basis.receipts_sql, the one statement of what a
receipt is and of the shop's day; nothing here says it again.

`refresh()` brings them up to date by watermarks, in short write transactions (Pace) so a
sale at the till never waits long:
- new sales: those with a rowid above the last one read (the sale table is a rowid
  table; rowids only grow, sales are never deleted) are grouped and added, with whatever
  returns they already have;
- new ledger entries (ledger_entry's rowid: the ledger is only added to);
- new returns (sale_return's rowid, likewise) of a sale already counted: the visit and
  the day's row of that sale are counted again from the sales (a sale returned in full is
  no receipt: its visit loses it, and is gone at none);
- sales changed in place (a corrected imported receipt: services.imports.history marks
  them in `sale_changed`): counted again the same way.
Every write of `visit` also marks its members in `visit_dirty` for the visits packed as
columns (services.insights.visitpack); a rebuild empties the pack and the marks.
"Counted again" reads the keys' sales from the sales themselves, the counted ones only
(rowid up to the watermark), so it can run twice and change nothing.

The zone the days were worked out in is kept with the watermarks in the till-local
setting "insights_summary"; when the shop's zone changes, or the setting is missing (the
first refresh after the migration, a file from elsewhere), the tables are rebuilt: the
sales grouped once in one snapshot into temporary tables (a read: the till sells on), then
copied in key order in paced chunks.  One refresh at a time in this process (a lock).
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from typing import Any, Callable

from models import db
from models.schema import Setting
from services.core.storage import Pace, write_transaction
from services.insights import basis
from services.insights.basis import Period

STATE_KEY = "insights_summary"  # till-local (services.sync.client.LOCAL_KEYS)
VERSION = 3  # what the tables hold; another version is rebuilt
NO_CASHIER = b""
FIRST_CHUNK = 20_000  # sales per transaction to start with; Pace sizes the next ones
MOST_CHUNK = 400_000
RECOUNT_CHUNK = 500  # returns or changed sales per transaction
_one_at_a_time = threading.Lock()  # two rebuilds at once would copy the same rows twice


# --- the state: the zone, and how far the sales and returns have been read ----------------

def _zone_key(zone: Any) -> str:
    return str(getattr(zone, "key", zone))


def state(execute: Callable[[str, Any], Any] | None = None) -> dict[str, Any] | None:
    """The summary's state (read on `execute`'s connection: a reader's too); None when there is
    none of this VERSION (never built, or being built)."""
    row = (execute or db.obj.execute_sql)('SELECT value FROM "setting" WHERE key = ?', [STATE_KEY]).fetchone()
    try:
        found = json.loads(row[0]) if row else None
    except ValueError:
        return None
    return found if isinstance(found, dict) and found.get("version") == VERSION else None


def build_name(execute: Callable[[str, Any], Any] | None = None) -> str | None:
    """The name of the build the summary's tables hold (state()["built"]); "" for a state saved
    before builds were named, None while one is being built (no state): never equal to a name
    read before that rebuild began."""
    found = state(execute)
    return None if found is None else str(found.get("built") or "")


def _save(found: dict[str, Any]) -> None:
    # Not set_setting: this till's own bookkeeping, never signed nor sent.  "saves" counts
    # them: the state changes in every transaction that changes the summary (a recount of
    # changed sales moves no watermark), so readers on other connections can tell they see
    # the same summary (services.insights.readers).
    found["saves"] = int(found.get("saves", 0)) + 1
    Setting.insert(key=STATE_KEY, value=json.dumps(found)).on_conflict_replace().execute()


def _last(table: str) -> int:
    return int(db.obj.execute_sql(f'SELECT COALESCE(MAX(rowid), 0) FROM "{table}"').fetchone()[0])


def is_current() -> bool:
    """Nothing written since the last refresh (and built in today's zone)."""
    found = state()
    return (found is not None and found["zone"] == _zone_key(basis.shop_zone()) and found["sale"] == _last("sale")
            and found["return"] == _last("sale_return") and found["ledger"] == _last("ledger_entry")
            and db.obj.execute_sql('SELECT 1 FROM "sale_changed" LIMIT 1').fetchone() is None)


# --- marking a sale changed in place ------------------------------------------------------

def mark_changed(sale_ids: list[bytes]) -> None:
    """Sales whose total (or member, time, till, cashier) was changed in place: the next
    refresh counts them again.  Call it inside the transaction that changes them."""
    if sale_ids:
        db.obj.cursor().executemany('INSERT OR IGNORE INTO "sale_changed" (sale_id) VALUES (?)',
                                    [(bytes(s),) for s in sale_ids])


# --- refresh and rebuild --------------------------------------------------------------------

def refresh(progress: Callable[[int], None] | None = None, should_stop: Callable[[], bool] | None = None,
            *, pace: Pace | None = None) -> dict[str, int]:
    """Bring the summary up to date (rebuilding it if it was never built or the zone
    changed); returns {"sales", "returns", "changed", "ledger", "rebuilt"}: what it read.
    `progress(sales read)` after each chunk; `should_stop()` between chunks (what was
    committed stays: the next refresh goes on from there)."""
    with _one_at_a_time:
        return _refresh(progress, should_stop, pace)


def _refresh(progress: Callable[[int], None] | None, should_stop: Callable[[], bool] | None,
             pace: Pace | None) -> dict[str, int]:
    zone = basis.shop_zone()
    done = {"sales": 0, "returns": 0, "changed": 0, "ledger": 0, "rebuilt": 0}
    found = state()
    if found is not None and found["zone"] == _zone_key(zone) and not _pending(found):
        return done  # nothing new: no write transaction at all
    # rest_first: the rest with the lock free comes before a next chunk, none after the last.
    pace = pace or Pace(FIRST_CHUNK, most=MOST_CHUNK, rest_first=True)
    if found is None or found["zone"] != _zone_key(zone):
        done["sales"] = _rebuild(zone, pace, progress, should_stop)
        done["rebuilt"] = 1
        if state() is None:
            return done  # stopped before the end: the next refresh starts again
    while not (should_stop and should_stop()):
        with pace.chunk():
            found = state()
            assert found is not None
            done["returns"] += _recount_returns(found, zone)
            done["changed"] += _recount_changed(found, zone)
            added = _add_sales(found, zone, pace.size)
            done["ledger"] += _add_ledger(found, zone, pace.size)
            _save(found)
            more = _pending(found)
        done["sales"] += added
        if progress:
            progress(done["sales"])
        if not more:
            break
    return done


def rebuild(progress: Callable[[int], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> dict[str, int]:
    """Count every sale again from scratch (chunked, with progress)."""
    with write_transaction():
        Setting.delete().where(Setting.key == STATE_KEY).execute()
    return refresh(progress, should_stop)


def _rebuild(zone: Any, pace: Pace, progress: Callable[[int], None] | None,
             should_stop: Callable[[], bool] | None) -> int:
    """The whole summary from the sales up to now: grouped once into temporary tables in key
    order (a read: the till sells on meanwhile), then copied into the summary in chunks, each
    a short write appended in key order (few pages per chunk).  What is sold or returned
    meanwhile is the next refresh's (the watermarks are read in the same snapshot)."""
    _drop_new()
    db.obj.execute_sql("CREATE TEMP TABLE summary_new_visit (member_id BLOB, day TEXT, receipts INTEGER,"
                       " value INTEGER, PRIMARY KEY (member_id, day)) WITHOUT ROWID")
    db.obj.execute_sql("CREATE TEMP TABLE summary_new_day (day TEXT, till_id BLOB, cashier_id BLOB, is_member INTEGER,"
                       " receipts INTEGER, revenue INTEGER, discount INTEGER, points_value INTEGER,"
                       " PRIMARY KEY (day, till_id, cashier_id, is_member)) WITHOUT ROWID")
    db.obj.execute_sql("CREATE TEMP TABLE summary_new_ledger (day TEXT, till_id BLOB, kind TEXT, gained INTEGER,"
                       " spent INTEGER, PRIMARY KEY (day, till_id, kind)) WITHOUT ROWID")
    db.obj.execute_sql("CREATE TEMP TABLE summary_new_first (member_id BLOB PRIMARY KEY, created_at TEXT,"
                       " cashier_id BLOB, till_id BLOB) WITHOUT ROWID")
    try:
        with db.obj.atomic():  # one snapshot: the watermarks and what is grouped agree
            upto, returned, entries = _last("sale"), _last("sale_return"), _last("ledger_entry")
            _group_ledger((0, entries), zone, "temp.summary_new_ledger")
            db.obj.execute_sql(_FIRSTS.format(into="temp.summary_new_first"), [0, upto])
            span = _span("rowid <= ?", [upto], zone)
            if span is not None:
                sql, params = basis.receipts_sql(span, zone, extra=("discount", "points_value"), rowids=(0, upto),
                                                 scan=True)
                db.obj.execute_sql(_VISITS.format(sql=sql, keys="").replace('"visit"', "temp.summary_new_visit"),
                                   params)
                db.obj.execute_sql(_DAYS.format(sql=sql, keys="").replace('"sale_day"', "temp.summary_new_day"),
                                   params)
        with write_transaction():
            for table in ("visit", "sale_day", "sale_changed", "ledger_day", "first_sale", "visit_pack", "visit_dirty"):
                db.obj.execute_sql(f'DELETE FROM "{table}"')
            Setting.delete().where(Setting.key == STATE_KEY).execute()
        for table, new, key in (("visit", "summary_new_visit", "member_id, day"),
                                ("sale_day", "summary_new_day", "day, till_id, cashier_id, is_member"),
                                ("ledger_day", "summary_new_ledger", "day, till_id, kind"),
                                ("first_sale", "summary_new_first", "member_id")):
            if not _copy(table, new, key, pace, progress, should_stop):
                return 0
        with write_transaction():
            _save({"version": VERSION, "zone": _zone_key(zone), "sale": upto, "return": returned, "ledger": entries,
                   "built": uuid.uuid4().hex})  # this build's name: services.insights.visitpack packs no other's
        return upto
    finally:
        _drop_new()


def _drop_new() -> None:
    for name in ("summary_new_visit", "summary_new_day", "summary_new_ledger", "summary_new_first"):
        db.obj.execute_sql(f"DROP TABLE IF EXISTS temp.{name}")


def _copy(table: str, new: str, key: str, pace: Pace, progress: Callable[[int], None] | None,
          should_stop: Callable[[], bool] | None) -> bool:
    """temp.`new` into `table` in key order, a chunk per transaction; False when stopped."""
    marks = ", ".join("?" * len(key.split(",")))
    last: tuple[Any, ...] | None = None
    copied = 0
    while True:
        if should_stop and should_stop():
            return False
        with pace.chunk():
            after = "" if last is None else f" WHERE ({key}) > ({marks})"
            edge = db.obj.execute_sql(f"SELECT {key} FROM temp.{new}{after} ORDER BY {key} LIMIT 1 OFFSET ?",
                                      [*(last or ()), pace.size * 4 - 1]).fetchone()
            upper = "" if edge is None else f" AND ({key}) <= ({marks})"
            cursor = db.obj.execute_sql(f'INSERT INTO "{table}" SELECT * FROM temp.{new}{after or " WHERE 1"}{upper}'
                                        f" ORDER BY {key}", [*(last or ()), *(edge or ())])
            copied += cursor.rowcount
            last = edge
        if progress:
            progress(copied)
        if edge is None:
            return True


def _pending(found: dict[str, Any]) -> bool:
    return (found["sale"] < _last("sale") or found["return"] < _last("sale_return")
            or found["ledger"] < _last("ledger_entry")
            or db.obj.execute_sql('SELECT 1 FROM "sale_changed" LIMIT 1').fetchone() is not None)


def _span(where: str, params: list[Any], zone: Any, table: str = "sale") -> Period | None:
    """The days (shop's clock) of the sales (or ledger entries) `where` picks."""
    lo, hi = db.obj.execute_sql(f'SELECT MIN(created_at), MAX(created_at) FROM "{table}" WHERE {where}',
                                params).fetchone()
    if lo is None:
        return None
    return Period(basis.today(dt.datetime.fromisoformat(str(lo)), zone),
                  basis.today(dt.datetime.fromisoformat(str(hi)), zone))


def _add_sales(found: dict[str, Any], zone: Any, size: int) -> int:
    """The next `size` sales by rowid, grouped and added to both tables."""
    after = found["sale"]
    upto = min(_last("sale"), after + size)
    if upto <= after:
        return 0
    span = _span("rowid > ? AND rowid <= ?", [after, upto], zone)
    if span is not None:
        _add(span, zone, (after, upto))
        db.obj.execute_sql(_MARK.format(members='SELECT member_id FROM "sale" WHERE rowid > ? AND rowid <= ?'
                                        " AND member_id IS NOT NULL"), [after, upto])
        db.obj.execute_sql(_FIRSTS.format(into='"first_sale"'), [after, upto])
    found["sale"] = upto
    return upto - after


_VISITS = ("INSERT INTO \"visit\" (member_id, day, receipts, value)"
           " SELECT member_id, day, COUNT(*), SUM(value) FROM ({sql}) WHERE member_id IS NOT NULL{keys}"
           " GROUP BY member_id, day ORDER BY member_id, day"
           " ON CONFLICT (member_id, day) DO UPDATE SET receipts = receipts + excluded.receipts,"
           " value = value + excluded.value")
_DAYS = ("INSERT INTO \"sale_day\" (day, till_id, cashier_id, is_member, receipts, revenue, discount, points_value)"
         " SELECT day, till_id, COALESCE(cashier_id, x''), member_id IS NOT NULL, COUNT(*), SUM(value),"
         " SUM(sale_discount), SUM(sale_points_value) FROM ({sql}) WHERE 1{keys} GROUP BY 1, 2, 3, 4"
         " ON CONFLICT (day, till_id, cashier_id, is_member) DO UPDATE SET receipts = receipts + excluded.receipts,"
         " revenue = revenue + excluded.revenue, discount = discount + excluded.discount,"
         " points_value = points_value + excluded.points_value")


# The members whose visits this transaction changes, marked for services.insights.visitpack
# (a mark made again takes a new seq: the pack forgets only the marks it read).
_MARK = 'INSERT OR REPLACE INTO "visit_dirty" (member_id) SELECT DISTINCT member_id FROM ({members})'

_FIRSTS = ('INSERT INTO {into} (member_id, created_at, cashier_id, till_id)'
           # a bare column beside MIN() is the row's that holds the minimum (SQLite); ties: the first written
           ' SELECT member_id, MIN(created_at), cashier_id, till_id FROM "sale"'
           " WHERE rowid > ? AND rowid <= ? AND member_id IS NOT NULL AND imported = 0 GROUP BY member_id"
           " ON CONFLICT (member_id) DO UPDATE SET created_at = excluded.created_at, cashier_id = excluded.cashier_id,"
           " till_id = excluded.till_id WHERE excluded.created_at < created_at")


def _add(span: Period, zone: Any, rowids: tuple[int, int], keys: bool = False) -> None:
    """Add the receipts of the sales with rowid in (after, upto] over `span` (only the
    keys in temp.summary_visit_key / temp.summary_day_key when `keys`)."""
    sql, params = basis.receipts_sql(span, zone, extra=("discount", "points_value"), rowids=rowids, scan=not keys)
    visit_keys = (" AND (member_id, day) IN (SELECT member_id, day FROM temp.summary_visit_key)" if keys else "")
    day_keys = (" AND (day, till_id, COALESCE(cashier_id, x''), member_id IS NOT NULL) IN"
                " (SELECT day, till_id, cashier_id, is_member FROM temp.summary_day_key)" if keys else "")
    db.obj.execute_sql(_VISITS.format(sql=sql, keys=visit_keys), params)
    db.obj.execute_sql(_DAYS.format(sql=sql, keys=day_keys), params)


def _add_ledger(found: dict[str, Any], zone: Any, size: int) -> int:
    """The next `size` ledger entries by rowid (the ledger is only ever added to) into ledger_day."""
    after = found["ledger"]
    upto = min(_last("ledger_entry"), after + size)
    if upto <= after:
        return 0
    _group_ledger((after, upto), zone, '"ledger_day"')
    found["ledger"] = upto
    return upto - after


def _group_ledger(rowids: tuple[int, int], zone: Any, into: str) -> None:
    span = _span("rowid > ? AND rowid <= ?", list(rowids), zone, "ledger_entry")
    if span is None:
        return
    lo, hi = basis.utc_span(span, zone)
    day = basis.local_day_sql("created_at", dt.datetime.fromisoformat(lo), dt.datetime.fromisoformat(hi), zone)
    db.obj.execute_sql(
        f"INSERT INTO {into} (day, till_id, kind, gained, spent)"
        " SELECT day, till, kind, SUM(CASE WHEN delta > 0 THEN delta ELSE 0 END),"
        " SUM(CASE WHEN delta < 0 THEN delta ELSE 0 END)"
        f' FROM (SELECT {day} AS day, COALESCE(till_id, x\'\') AS till, kind, delta FROM "ledger_entry"'
        "  WHERE rowid > ? AND rowid <= ?) WHERE 1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        " ON CONFLICT (day, till_id, kind) DO UPDATE SET gained = gained + excluded.gained,"
        " spent = spent + excluded.spent", list(rowids))


def _recount_returns(found: dict[str, Any], zone: Any) -> int:
    """Returns written since the last refresh, of sales already counted: their sales' keys counted again."""
    after = found["return"]
    upto = min(_last("sale_return"), after + RECOUNT_CHUNK)
    if upto <= after:
        return 0
    rows = db.obj.execute_sql(
        'SELECT DISTINCT s.rowid FROM "sale_return" r JOIN "sale" s ON s.id = r.sale_id'
        " WHERE r.rowid > ? AND r.rowid <= ? AND s.rowid <= ?", [after, upto, found["sale"]]).fetchall()
    _recount([row[0] for row in rows], found["sale"], zone)
    found["return"] = upto
    return upto - after


def _recount_changed(found: dict[str, Any], zone: Any) -> int:
    rows = db.obj.execute_sql(
        'SELECT c.sale_id, s.rowid FROM "sale_changed" c LEFT JOIN "sale" s ON s.id = c.sale_id LIMIT ?',
        [RECOUNT_CHUNK]).fetchall()
    if not rows:
        return 0
    _recount([rowid for _, rowid in rows if rowid is not None and rowid <= found["sale"]], found["sale"], zone)
    db.obj.cursor().executemany('DELETE FROM "sale_changed" WHERE sale_id = ?', [(sale_id,) for sale_id, _ in rows])
    return len(rows)


def _recount(rowids: list[int], upto: int, zone: Any) -> None:
    """Count again, from the sales up to rowid `upto`, the visits and days' rows of these sales."""
    if not rowids:
        return
    marks = ", ".join("?" * len(rowids))
    span = _span(f"rowid IN ({marks})", rowids, zone)
    assert span is not None
    lo, hi = basis.utc_span(span, zone)
    day = basis.local_day_sql("created_at", dt.datetime.fromisoformat(lo), dt.datetime.fromisoformat(hi), zone)
    db.obj.execute_sql("CREATE TEMP TABLE IF NOT EXISTS summary_visit_key (member_id BLOB, day TEXT,"
                       " PRIMARY KEY (member_id, day)) WITHOUT ROWID")
    db.obj.execute_sql("CREATE TEMP TABLE IF NOT EXISTS summary_day_key (day TEXT, till_id BLOB, cashier_id BLOB,"
                       " is_member INTEGER, PRIMARY KEY (day, till_id, cashier_id, is_member)) WITHOUT ROWID")
    try:
        db.obj.execute_sql(f"INSERT OR IGNORE INTO temp.summary_visit_key SELECT member_id, {day} FROM \"sale\""
                           f" WHERE rowid IN ({marks}) AND member_id IS NOT NULL", rowids)
        db.obj.execute_sql(f"INSERT OR IGNORE INTO temp.summary_day_key SELECT {day}, till_id,"
                           f" COALESCE(cashier_id, x''), member_id IS NOT NULL FROM \"sale\" WHERE rowid IN ({marks})",
                           rowids)
        db.obj.execute_sql(_MARK.format(members="SELECT member_id FROM temp.summary_visit_key"))
        db.obj.execute_sql('DELETE FROM "visit" WHERE (member_id, day) IN'
                           " (SELECT member_id, day FROM temp.summary_visit_key)")
        db.obj.execute_sql('DELETE FROM "sale_day" WHERE (day, till_id, cashier_id, is_member) IN'
                           " (SELECT day, till_id, cashier_id, is_member FROM temp.summary_day_key)")
        days = [dt.date.fromisoformat(row[0]) for row in db.obj.execute_sql(
            "SELECT DISTINCT day FROM temp.summary_day_key ORDER BY day")]
        for one in days:  # a day's sales at a time, through the created_at index
            _add(Period(one, one), zone, (0, upto), keys=True)
    finally:
        db.obj.execute_sql("DELETE FROM temp.summary_visit_key")
        db.obj.execute_sql("DELETE FROM temp.summary_day_key")
