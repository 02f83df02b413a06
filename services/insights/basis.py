"""What the owner's figures count, said once for all of them.

- A **period** is a run of whole days on the shop's clock (its time zone), first and last
  day included; the one before it has the same length and ends the day before it starts.
- A **receipt** is a sale, imported or made here, net of its returns: its value is the
  sale's `total` (the goods after discounts, points included) less the `value` of its
  returns. A sale whose returns took all of it back is no receipt; one whose amount was
  zero from the start (an imported receipt of 0.00) is.
- A **visit** is a day on which a customer bought: several receipts of a member on one day
  are one visit.
- Money is in minor units.

Sales are stored in UTC; the shop's day of each is found in SQL with the zone's offsets
over the span asked for (a CASE on the instants the offset changes), so summer time moves
a receipt to the right day without reading it into Python.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from services.core.errors import InputError
from services.core.periods import Period, day_in  # said once on the ground floor: the hub counts over periods too
from services.shop.settings import shop_info

# The days the figures take (a period's ends, an observation's end): a date outside is a
# typing slip, and one near the calendar's ends would overflow a period before it or a day after.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


def check_day(day: dt.date) -> dt.date:
    """`day` if the figures take it (FIRST_DAY to LAST_DAY), else InputError "figures_day_range"."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError("figures_day_range", day=day.isoformat(), first=FIRST_DAY.isoformat(),
                         last=LAST_DAY.isoformat())
    return day


def shop_zone() -> Any:
    return shop_info().zone


def today(now: dt.datetime, zone: Any = None) -> dt.date:
    """The shop's date at `now` (naive UTC, as stored)."""
    return day_in(now, zone or shop_zone())


def utc_start(day: dt.date, zone: Any) -> dt.datetime:
    """The naive UTC instant at which `day` begins on the shop's clock."""
    local = dt.datetime.combine(day, dt.time()).replace(tzinfo=zone)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def utc_span(period: Period, zone: Any) -> tuple[str, str]:
    """[lo, hi) of the period as stored text, for `created_at >= lo AND created_at < hi`."""
    return (stamp(utc_start(period.start, zone)),
            stamp(utc_start(period.end + dt.timedelta(days=1), zone)))


def stamp(when: dt.datetime) -> str:
    """A naive UTC time as peewee stores it (str(datetime)), comparable as text."""
    return str(when.replace(microsecond=0))


def _offset(when: dt.datetime, zone: Any) -> dt.timedelta:
    return when.replace(tzinfo=dt.timezone.utc).astimezone(zone).utcoffset() or dt.timedelta(0)


def offset_changes(lo: dt.datetime, hi: dt.datetime, zone: Any) -> list[tuple[dt.datetime, dt.timedelta]]:
    """The zone's offset at `lo` and at every instant in (lo, hi] it changes, UTC-naive:
    [(since, offset), ...]. Found day by day, then to the minute by halving."""
    out = [(lo, _offset(lo, zone))]
    day = dt.timedelta(days=1)
    at = lo
    while at < hi:
        nxt = min(at + day, hi)
        if _offset(nxt, zone) != out[-1][1]:
            a, b = at, nxt  # offset(a) is the old one, offset(b) the new one
            while b - a > dt.timedelta(minutes=1):
                mid = a + (b - a) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= a:
                    break
                if _offset(mid, zone) == out[-1][1]:
                    a = mid
                else:
                    b = mid
            out.append((b, _offset(b, zone)))
        at = nxt
    return out


def _modifier(offset: dt.timedelta) -> str:
    return f"'{int(offset.total_seconds() // 60):+d} minutes'"


def local_day_sql(column: str, lo: dt.datetime, hi: dt.datetime, zone: Any) -> str:
    """SQL (SQLite) for the shop's date (YYYY-MM-DD text) of a stored UTC time in [lo, hi)."""
    changes = offset_changes(lo, hi, zone)
    if len(changes) == 1:
        return f"date({column}, {_modifier(changes[0][1])})"
    whens = " ".join(f"WHEN {column} < '{stamp(since)}' THEN {_modifier(changes[i - 1][1])}"
                     for i, (since, _) in enumerate(changes) if i)
    return f"date({column}, CASE {whens} ELSE {_modifier(changes[-1][1])} END)"


# Sale columns a caller may add to receipts_sql's (as they were sold: not net of returns).
EXTRA_SALE_COLUMNS = ("discount", "points_value", "points_redeemed", "points_earned", "subtotal", "total")


def receipts_sql(period: Period, zone: Any, *, store: Any = None,
                 extra: tuple[str, ...] = (), members_only: bool = False,
                 scan: bool = False, rowids: tuple[int, int] | None = None) -> tuple[str, list[Any]]:
    """A SELECT of the period's receipts: id, member_id, cashier_id, till_id, store_id,
    created_at, day (the shop's date, text), value (net of returns, minor units), imported;
    then the sale's own columns named in `extra` (EXTRA_SALE_COLUMNS), as sold.
    `members_only`: members' receipts alone, read in member order through the sale's
    (member, created_at) index, so that a GROUP BY member_id over them needs no sort.

    `scan`: read the sales straight through, not by an index — for a period holding most of
    the history (SQLite would otherwise walk an index and look every row up, several times slower).

    `rowids`: (after, upto): only the sales whose rowid is in (after, upto] (the order they
    were written: services.insights.summary reads the new ones by it).

    Use it as a sub-query or a CTE: `WITH r AS (<sql>) SELECT ... FROM r`."""
    lo, hi = utc_span(period, zone)
    day = local_day_sql("s.created_at", dt.datetime.fromisoformat(lo), dt.datetime.fromisoformat(hi), zone)
    params: list[Any] = [lo, hi]
    where_store = ""
    if store is not None:
        where_store = ' AND s.till_id IN (SELECT id FROM "till" WHERE store_id = ?)'
        params.append(store.bytes if hasattr(store, "bytes") else store)
    where_rowid = ""
    if rowids is not None:
        where_rowid = " AND s.rowid > ? AND s.rowid <= ?"
        params += [int(rowids[0]), int(rowids[1])]
    unknown = set(extra) - set(EXTRA_SALE_COLUMNS)
    if unknown:
        raise ValueError(f"not a sale column receipts_sql adds: {sorted(unknown)}")
    more = "".join(f", s.{column} AS sale_{column}" for column in extra)
    sql = (
        "SELECT s.id AS id, s.member_id AS member_id, s.cashier_id AS cashier_id, s.till_id AS till_id,"
        ' (SELECT store_id FROM "till" t WHERE t.id = s.till_id) AS store_id, s.created_at AS created_at,'
        # (a sub-query, not a join: a query that does not name store_id does not look the till up)
        f" {day} AS day, s.total - COALESCE(r.value, 0) AS value, s.imported AS imported" + more +
        ' FROM "sale" s' + (" INDEXED BY sale_member_id_created_at" if members_only else " NOT INDEXED" if scan else "") +
        ' LEFT JOIN (SELECT sale_id, SUM(value) AS value FROM "sale_return" GROUP BY sale_id) r ON r.sale_id = s.id'
        " WHERE" + (" s.member_id IS NOT NULL AND" if members_only else "") +
        " s.created_at >= ? AND s.created_at < ?" + where_store + where_rowid +
        " AND NOT (r.sale_id IS NOT NULL AND s.total - r.value <= 0)"
    )
    return sql, params


def visits_sql(period: Period, zone: Any, *, store: Any = None, scan: bool = False) -> tuple[str, list[Any]]:
    """A SELECT of the period's visits: member_id, day, receipts, value (members only)."""
    sql, params = receipts_sql(period, zone, store=store, scan=scan)
    return ("SELECT member_id, day, COUNT(*) AS receipts, SUM(value) AS value"
            f" FROM ({sql}) WHERE member_id IS NOT NULL GROUP BY member_id, day"), params
