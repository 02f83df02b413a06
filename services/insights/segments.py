"""Customers in segments: RFM scores, named segments and the 20/80 curve (issue 13, item 3).

RFM at a day `at` (default today on the shop's clock), over a **window of the 365 days**
ending on `at` (`at` included), by the definitions of services.insights.basis (a receipt
is a sale net of its returns; a visit is a day on which the member bought), for each
member who bought in the window:

- R, recency: days from their last visit (on or before `at`, any time) to `at`;
- F, frequency: visits in the window;
- M, monetary: revenue in the window (minor units).

Each is scored 1-5 by quintiles over the n members who bought in the window, in the
order from worst to best (last visit earliest first; fewest visits; least revenue).
**Ties share a score**, so members alike in a measure are never split between two scores
by chance (a fifth may hold more or fewer than n/5):

- F and M take the score of the first (worst) of their run: ``1 + ⌊5·below / n⌋``, `below`
  the members strictly worse (SQL's RANK() − 1), so the many who visited once all have F = 1
  (new, promising, about to sleep, hibernating, lost, as the map means);
- R takes the score of the last (best) of its run: ``⌈5·not_later / n⌉``, `not_later` the
  members whose last visit was on or before this one's (SQL's CUME_DIST() · n), so those who
  bought on the latest day are R = 5 however many they are: a lone buyer, or buyers whose
  last visits are all on one day (a new shop, a history imported up to one day), are "new"
  (R 5, F 1), not "lost" on the day they bought.

Named segments by the common R/F map (M is shown, not used to name):

    R \\ F   1                 2                    3                    4          5
    5       new               potential_loyalists  potential_loyalists  champions  champions
    4       promising         potential_loyalists  potential_loyalists  loyal      loyal
    3       about_to_sleep    about_to_sleep       need_attention       loyal      loyal
    2       hibernating       hibernating          at_risk              at_risk    cant_lose
    1       lost              hibernating          at_risk              at_risk    cant_lose

and two outside the map: **lost** also holds members who bought before the window but not
in it (their R is the days since that last visit; F and M are 0, no scores), and
**no_purchases** the members registered by the end of `at` who have no receipt on or
before it.

One pass over the members' visits (services.insights.summary's `visit`, kept up to date
as sales are written, read in member order with no sort) gives the window's sums and, for
who bought before it only, their last visit, into a temporary table scored by window
functions.  The table is the connection's own and is kept for the next call at the same
day until anything is written.  Who never bought is counted from the members' created_at
index less the buyers.  Timings: see README (bench --what kpis).
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from models import db
from models.schema import utcnow
from services.core import messages
from services.core.error_texts import N_
from services.core.money import round_div
from services.insights import basis, readers, summary
from services.insights.basis import Period

WINDOW_DAYS = 365

# R from 5 down to 1 -> the segment for F = 1..5 (the table in the module's docstring).
GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("new", "potential_loyalists", "potential_loyalists", "champions", "champions"),
    4: ("promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"),
    3: ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    1: ("lost", "hibernating", "at_risk", "at_risk", "cant_lose"),
}
SEGMENTS = ("champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
            "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost", "no_purchases")

LABELS = {
    "champions": N_("Champions"), "loyal": N_("Loyal"), "potential_loyalists": N_("Potential loyalists"),
    "new": N_("New customers"), "promising": N_("Promising"), "need_attention": N_("Need attention"),
    "about_to_sleep": N_("About to sleep"), "at_risk": N_("At risk"), "cant_lose": N_("Can't lose them"),
    "hibernating": N_("Hibernating"), "lost": N_("Lost"), "no_purchases": N_("No purchases"),
}


def label(name: str) -> str:
    """A segment's name as people read it, in the current language."""
    return messages._(LABELS[name])


TIES = N_("Ties share a score: for frequency and money the one of the first of their run, "
          "1 + floor(5 × below / n), below = the members strictly worse; for recency the one of the last "
          "of their run, ceil(5 × not later / n), not later = the members whose last visit was on or "
          "before theirs (so the latest day's buyers score 5).")


def segment_of(r: int, f: int) -> str:
    """The named segment of a member who bought in the window, by their R and F scores."""
    return GRID[r][f - 1]


def score(below: int, n: int) -> int:
    """An F or M score 1-5: `below` of the n worse than this member (ties not counted);
    the SQL in _scored does the same with RANK()."""
    return 1 + 5 * below // n


def recency_score(not_later: int, n: int) -> int:
    """An R score 1-5: `not_later` of the n whose last visit was on or before this member's
    (this one included); the SQL in _scored does the same with CUME_DIST()."""
    return -(-5 * not_later // n)


def _score_sql(column: str) -> str:
    return f"1 + 5 * (RANK() OVER (ORDER BY {column}) - 1) / n"


def _recency_score_sql(column: str) -> str:
    not_later = f"CAST(ROUND(CUME_DIST() OVER (ORDER BY {column}) * n) AS INTEGER)"
    return f"(5 * {not_later} + n - 1) / n"


def _segment_case() -> str:
    cells: dict[str, list[str]] = {}
    for r, row in GRID.items():
        for f, name in enumerate(row, start=1):
            cells.setdefault(name, []).append(str(10 * r + f))
    whens = " ".join(f"WHEN 10 * r + f IN ({', '.join(codes)}) THEN '{name}'" for name, codes in cells.items())
    return f"CASE {whens} END"


def window(at: dt.date) -> Period:
    return Period.ending(at, WINDOW_DAYS)


_built: dict[str, Any] = {}  # what temp.rfm_member holds: {"key": (connection, at, data version, changes)}


def _state(at: dt.date) -> tuple[Any, ...]:
    """Changes when this connection or another writes (total_changes, PRAGMA data_version)."""
    version = db.execute_sql("PRAGMA data_version").fetchone()[0]
    return (id(db.connection()), at, version, db.execute_sql("SELECT total_changes()").fetchone()[0])


def _scored(at: dt.date) -> Period:
    """Temporary table rfm_member (member_id, last_day, visits, receipts, revenue, recency,
    r, f, m, segment) of every member with a receipt on or before `at`; scores are null
    for those who bought before the window only.  Kept for the next call at the same day
    while nothing is written (the window shows the counts, then a segment's members)."""
    span = window(at)
    summary.refresh()  # before the key: a refresh that writes nothing changes nothing of it
    if _built.get("key") == _state(at) and db.execute_sql(
            "SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'rfm_member'").fetchone()[0]:
        return span
    zone = basis.shop_zone()
    db.execute_sql("DROP TABLE IF EXISTS temp.rfm_raw")
    db.execute_sql("DROP TABLE IF EXISTS temp.rfm_member")
    db.execute_sql("CREATE TEMP TABLE rfm_raw (member_id BLOB PRIMARY KEY, last_day TEXT, visits INTEGER,"
                   " receipts INTEGER, revenue INTEGER)")
    first = db.execute_sql('SELECT MIN(created_at) FROM "sale"').fetchone()[0]
    if first is not None and basis.today(dt.datetime.fromisoformat(first), zone) <= at:
        # One pass over the visits (services.insights.summary, in member order: no sort): the
        # window's sums, and the last visit of those who bought before it only (visits 0).
        start = span.start.isoformat()
        db.execute_sql("INSERT INTO temp.rfm_raw SELECT member_id, MAX(day), SUM(day >= ?),"
                       " SUM(CASE WHEN day >= ? THEN receipts ELSE 0 END), SUM(CASE WHEN day >= ? THEN value ELSE 0 END)"
                       ' FROM "visit" WHERE day <= ? GROUP BY member_id', [start, start, start, at.isoformat()])
    db.execute_sql(
        "CREATE TEMP TABLE rfm_member AS"
        " WITH n AS (SELECT COUNT(*) AS n FROM temp.rfm_raw WHERE visits > 0),"
        " s AS (SELECT x.*, CAST(julianday(?) - julianday(last_day) AS INTEGER) AS recency,"
        f"  {_recency_score_sql('last_day')} AS r, {_score_sql('visits')} AS f, {_score_sql('revenue')} AS m"
        "  FROM temp.rfm_raw x, n WHERE visits > 0)"
        f" SELECT s.*, {_segment_case()} AS segment FROM s"
        " UNION ALL SELECT x.*, CAST(julianday(?) - julianday(last_day) AS INTEGER), NULL, NULL, NULL, 'lost'"
        " FROM temp.rfm_raw x WHERE visits = 0", [at.isoformat(), at.isoformat()])
    # Who never bought: a look-up per member, so once per scoring, not per call.
    # Who never bought: those registered by then (the created_at index alone) less those of them
    # who bought (the buyers, less the few registered after `at`): no look-up per member.
    by = _registered_by(at)
    registered = db.execute_sql('SELECT COUNT(*) FROM "member" WHERE created_at < ?', [by]).fetchone()[0]
    buyers = db.execute_sql("SELECT COUNT(*) FROM temp.rfm_raw").fetchone()[0]
    later = db.execute_sql('SELECT COUNT(*) FROM "member" mb WHERE mb.created_at >= ?'
                           " AND EXISTS (SELECT 1 FROM temp.rfm_raw x WHERE x.member_id = mb.id)", [by]).fetchone()[0]
    _built["never"] = registered - (buyers - later)
    _built["key"] = _state(at)
    return span


def _at(at: dt.date | None, now: dt.datetime | None) -> dt.date:
    return at or basis.today(now or utcnow())


def _registered_by(at: dt.date) -> str:
    """Stored text of the instant `at` ends on the shop's clock: members created before it."""
    return basis.utc_span(Period(at, at), basis.shop_zone())[1]


def _no_purchases_sql() -> str:
    return ('FROM "member" mb WHERE mb.created_at < ?'
            " AND NOT EXISTS (SELECT 1 FROM temp.rfm_raw x WHERE x.member_id = mb.id)")  # by its key


def rfm(at: dt.date | None = None, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The scoring at `at`: the window, how many bought in it, and each score's lowest
    value (R: the most days since the last visit that still scores it)."""
    at = _at(at, now)
    span = _scored(at)
    n = db.execute_sql("SELECT COUNT(*) FROM temp.rfm_member WHERE visits > 0").fetchone()[0]
    edges: dict[str, dict[str, Any]] = {}
    for key, column, edge in (("r", "recency", "MAX"), ("f", "visits", "MIN"), ("m", "revenue", "MIN")):
        rows = db.execute_sql(f"SELECT {key}, {edge}({column}) FROM temp.rfm_member WHERE visits > 0"
                              f" GROUP BY {key} ORDER BY {key}").fetchall()
        edges[key] = {str(s): value for s, value in rows}
    return {"at": at.isoformat(), "window": span.as_json(), "window_days": WINDOW_DAYS, "buying": n,
            "edges": edges, "ties": messages._(TIES)}


def segments(at: dt.date | None = None, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Per named segment: members, receipts, revenue (in the window), its share of the
    window's revenue and the average check (revenue / receipts, half up; null without)."""
    at = _at(at, now)
    span = _scored(at)
    rows = {name: (count, receipts or 0, revenue or 0) for name, count, receipts, revenue in db.execute_sql(
        "SELECT segment, COUNT(*), SUM(receipts), SUM(revenue) FROM temp.rfm_member GROUP BY segment")}
    never = _built["never"]
    buying = db.execute_sql("SELECT COUNT(*) FROM temp.rfm_member WHERE visits > 0").fetchone()[0]
    rows["no_purchases"] = (never, 0, 0)
    total = sum(revenue for _, _, revenue in rows.values())
    out = []
    for name in SEGMENTS:
        count, receipts, revenue = rows.get(name, (0, 0, 0))
        out.append({"name": name, "label": label(name), "members": count, "receipts": receipts, "revenue": revenue,
                    "revenue_share": revenue / total if total else None,
                    "avg_check": round_div(revenue, receipts) if receipts else None})
    return {"at": at.isoformat(), "window": span.as_json(), "window_days": WINDOW_DAYS,
            "members": sum(row["members"] for row in out), "buying": buying, "revenue": total,
            "segments": out, "grid": {str(r): list(row) for r, row in GRID.items()}, "ties": messages._(TIES)}


def _card_sql(member: str) -> str:
    return (f"(SELECT number FROM \"card\" c WHERE c.member_id = {member} AND c.status = 'active'"
            " ORDER BY c.created_at DESC LIMIT 1)")


def segment_members(name: str, at: dt.date | None = None, *, limit: int | None = None,
                    now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The members of one segment, most revenue first (no_purchases: newest first)."""
    if name not in SEGMENTS:
        raise ValueError(f"no segment {name!r}: one of {', '.join(SEGMENTS)}")
    at = _at(at, now)
    cap = " LIMIT ?" if limit is not None else ""
    _scored(at)
    if name == "no_purchases":
        rows = db.execute_sql(
            f"SELECT mb.id, mb.name, {_card_sql('mb.id')}, mb.phone, NULL, 0, 0, 0, NULL, NULL, NULL, NULL"
            f" {_no_purchases_sql()} ORDER BY mb.created_at DESC, mb.id{cap}",
            [_registered_by(at), *([limit] if limit is not None else [])]).fetchall()
    else:
        rows = db.execute_sql(
            f"SELECT mb.id, mb.name, {_card_sql('mb.id')}, mb.phone, x.recency, x.visits, x.revenue,"
            " x.receipts, x.r, x.f, x.m, x.last_day"
            ' FROM temp.rfm_member x JOIN "member" mb ON mb.id = x.member_id WHERE x.segment = ?'
            f" ORDER BY x.revenue DESC, x.last_day DESC, mb.id{cap}",
            [name, *([limit] if limit is not None else [])]).fetchall()
    return [{"id": str(uuid.UUID(bytes=mid)), "name": mname, "card": card, "phone": phone,
             "recency": recency, "frequency": visits, "monetary": revenue, "receipts": receipts,
             "r": r, "f": f, "m": m, "last_visit": last}
            for mid, mname, card, phone, recency, visits, revenue, receipts, r, f, m, last in rows]


def pareto_curve(period: Period | None = None, *, points: int = 100,
                 now: dt.datetime | None = None) -> dict[str, Any]:
    """The 20/80 curve over a period (default the RFM window ending today): for k = 0..points,
    the share of revenue brought by the top ⌊k·n/points⌋ of the n buying members, ranked
    by revenue (null when they spent nothing).  `top20_share` is the figures' one: the top
    ⌊n/5⌋'s revenue over all n's, null below 5 buying members or when they spent nothing;
    it is the curve's point at 0.2 when points is a multiple of 5 (and n ≥ 5)."""
    import numpy as np

    if not 1 <= points <= 10_000:
        raise ValueError("points: 1 to 10000")
    zone = basis.shop_zone()
    period = period or window(basis.today(now or utcnow(), zone))
    summary.refresh()
    # One pass over the period's visits (services.insights.summary, in member order), in ranges
    # of members side by side (services.insights.readers); each member's revenue handed back
    # as text, ranked and summed in numpy.
    sql = ('SELECT group_concat(v) FROM (SELECT SUM(value) AS v FROM "visit" WHERE day >= ? AND day <= ?{range}'
           " GROUP BY member_id)")
    days = [period.start.isoformat(), period.end.isoformat()]
    jobs = [(lambda execute, where=where, bounds=bounds: execute(sql.format(range=where), days + bounds).fetchone()[0])
            for where, bounds in readers.member_ranges(readers.wanted())]
    with readers.snapshot():
        done, _ = readers.run(jobs, readers.FINGERPRINT)
    values = np.sort(np.concatenate([np.zeros(0, np.int64)] + [np.fromstring(t, dtype=np.int64, sep=",")
                                                               for t in done if t]))[::-1]
    n, total = int(values.size), int(values.sum())
    running = np.concatenate([np.zeros(1, np.int64), np.cumsum(values)])  # running[k]: the top k's revenue
    wanted = sorted({k * n // points for k in range(points + 1)} | {n // 5})
    cum = {k: int(running[k]) for k in wanted}

    def share(count: int) -> float | None:
        return cum[count] / total if total else None

    return {**period.as_json(), "members": n, "revenue": total,
            "points": [{"members_share": k / points, "revenue_share": share(k * n // points)}
                       for k in range(points + 1)],
            "top20_members": n // 5, "top20_share": share(n // 5) if n // 5 else None}
