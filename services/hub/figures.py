"""The owner's figures over the whole chain, computed by PostgreSQL at the hub.

The same figures a till computes over its own rows (services.insights.figures,
on the definitions of services.insights.basis), here over what every till
pushed: `hub_sale`, `hub_return`, `hub_ledger` and the members among the
synced documents (`entity`).  Nothing is read into Python but the figures
themselves: each period is one statement whose aggregates PostgreSQL makes in
one pass over the period's sales (found by `hub_sale_created_at`, hub step 7).

- A receipt is a sale net of its returns (any return the hub has, whenever it
  was made); a sale its returns took back whole is no receipt.
- A visit is a member's day on the shop's clock: `created_at` is naive UTC,
  so the day is `(created_at AT TIME ZONE 'UTC') AT TIME ZONE <zone>`, which
  PostgreSQL's own time-zone data moves across summer time.
- A store is what the hub's admin named for the till that pushed the sale
  (`hub_till.store`); a till with none counts under "" (no store named).
- Imported history never reaches the hub (an old system's sales stay on the
  till that imported them): the chain's figures cover sales made at tills.
  `coverage` says so in every answer.

What the hub cannot know is null: the programme's cost and ROI (the owner's
costs and margin live on the till), NPS and CSAT.  As on a till
(services.insights.figures), with a store the receipts, visits and points
issued and redeemed are that store's (its tills'), new members and the points
liability the chain's: a member and a balance belong to no store.  top20_share
is null below 5 buying members (⌊n/5⌋ = 0).
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from models.hub import Entity, hub_db, utcnow
from services.core.shares import member_figures, points_figures
from services.core.periods import Period, day_in

COVERAGE = "imported history: not at the hub"
# The shop's clock when the chain has set none (services.shop.settings.TIME_ZONE, by currency).
ZONE_BY_CURRENCY = {"RUB": "Europe/Moscow", "MDL": "Europe/Chisinau", "RON": "Europe/Bucharest", "EUR": "Europe/Bucharest"}
DEFAULT_DAYS = 30  # a period asked for without its first day
ACTIVE_DAYS = 90  # members_active: a visit in the 90 days to the period's end
# Points given and taken (as services.insights.figures counts them on a till: a test keeps the two equal): a sale's earning, the programme's bonuses and pending points released
# count as issued; a redemption as redeemed (a return's reversal and restoration undo those).
ISSUED_KINDS = ("earn", "welcome", "birthday", "referral", "release")
REDEEMED_KINDS = ("redeem", "reward")  # the bill paid with points, and gifts taken for points
NOT_AT_HUB = ("programme_cost", "roi", "nps", "csat", "nps_answers", "csat_answers")  # the answers: not counted at the hub yet


class FiguresError(ValueError):
    """A question the hub cannot answer as asked (an unknown time zone)."""


def chain_zone() -> str:
    """The shop's time zone as the chain's settings hold it at the hub (the owner-signed
    "time_zone" setting; else the one its currency implies; else UTC), as a till finds its own
    (services.shop.settings.shop_info) but for a name no zone has, which falls back too."""
    rows = dict(Entity.select(Entity.entity_id, Entity.doc).where(
        (Entity.kind == "setting") & Entity.entity_id.in_(["time_zone", "currency"])).tuples())
    for name in (_value(rows.get("time_zone")), ZONE_BY_CURRENCY.get(_value(rows.get("currency")), "")):
        try:
            return check_zone(name)
        except FiguresError:  # none set (""), or a name no zone has
            continue
    return "UTC"


def _value(doc: Any) -> str:
    value = doc.get("value") if isinstance(doc, dict) else None
    return value if isinstance(value, str) else ""


def check_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise FiguresError(f"unknown time zone {name!r}") from None
    return name


def period_of(start: dt.date | None, end: dt.date | None, zone_name: str,
              now: dt.datetime | None = None) -> Period | None:
    """The period asked for: to `end` (default today on the shop's clock), from `start`
    (default DEFAULT_DAYS before it); None when it would end before it starts."""
    end = end or day_in(now or utcnow(), zoneinfo.ZoneInfo(zone_name))
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    return Period(start, end) if start <= end else None


def chain_figures(period: Period, zone_name: str, *, store: str | None = None) -> dict[str, Any]:
    """The period's figures over the chain ("total", or one store's with `store`),
    each store's in "by_store", and the period before under "previous"."""
    zone = check_zone(zone_name)
    inside = hub_db.in_transaction()
    with hub_db.atomic():
        if not inside:  # one snapshot for both periods, as on a till (else the caller's transaction decides)
            hub_db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        now = _block(period, zone, store)
        before = _block(period.previous(), zone, store)
    total, previous = now.pop(None), before.pop(None)  # always there: the statement's own row
    return {
        **period.as_json(), "store": store, "time_zone": zone, **total,
        "previous": {**period.previous().as_json(), **previous},
        "by_store": [{"store": name, **figures, "previous": before.get(name) or _empty(previous)}
                     for name, figures in sorted(now.items())],
        "not_at_hub": list(NOT_AT_HUB), "coverage": COVERAGE,
    }


# --- one period -----------------------------------------------------------------------

# The period's receipts and the members' visits, one pass: `r` spans the previous
# period (retention) and the 90 days to the end (active members) as well as the period.
_SQL = """
WITH bounds AS (
    SELECT (%(wide)s::timestamp AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC' AS lo,
           (%(after)s::timestamp AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC' AS hi
), r AS MATERIALIZED (
    SELECT COALESCE(t.store, '') AS store, s.member_id,
           ((s.created_at AT TIME ZONE 'UTC') AT TIME ZONE %(zone)s)::date AS day,
           s.total - COALESCE(x.value, 0) AS value
    FROM hub_sale s CROSS JOIN bounds b
    JOIN hub_till t ON t.id = s.origin_id
    LEFT JOIN (SELECT sale_id, SUM(value) AS value FROM hub_return GROUP BY sale_id) x ON x.sale_id = s.id
    WHERE s.created_at >= b.lo AND s.created_at < b.hi
      AND (%(store)s::text IS NULL OR COALESCE(t.store, '') = %(store)s::text)
      AND NOT (x.value IS NOT NULL AND s.total - x.value <= 0)
), scopes AS (
    SELECT DISTINCT 0 AS g, store FROM r UNION ALL SELECT 1, NULL
), receipts AS (
    SELECT GROUPING(store) AS g, store, COUNT(*) AS receipts, SUM(value) AS revenue,
           COUNT(member_id) AS member_receipts, COALESCE(SUM(value) FILTER (WHERE member_id IS NOT NULL), 0) AS member_revenue
    FROM r WHERE day BETWEEN %(start)s AND %(end)s GROUP BY ROLLUP (store)
), m AS (
    SELECT GROUPING(store) AS g, store, member_id,
           COUNT(DISTINCT day) FILTER (WHERE day >= %(start)s) AS visits,
           COALESCE(SUM(value) FILTER (WHERE day >= %(start)s), 0) AS revenue,
           COALESCE(BOOL_OR(day >= %(prev_start)s AND day < %(start)s), FALSE) AS before,
           BOOL_OR(day >= %(active_start)s) AS active
    FROM r WHERE member_id IS NOT NULL
    GROUP BY GROUPING SETS ((store, member_id), (member_id))
), ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY g, store ORDER BY visits > 0 DESC, revenue DESC) AS place,
           COUNT(*) FILTER (WHERE visits > 0) OVER (PARTITION BY g, store) AS n
    FROM m
), members AS (
    SELECT g, store, COUNT(*) FILTER (WHERE visits > 0) AS buying, COUNT(*) FILTER (WHERE visits >= 2) AS repeating,
           COALESCE(SUM(revenue) FILTER (WHERE visits > 0 AND place <= n / 5), 0) AS top_revenue,
           COALESCE(SUM(revenue) FILTER (WHERE visits > 0), 0) AS buyers_revenue,
           COUNT(*) FILTER (WHERE before) AS earlier, COUNT(*) FILTER (WHERE before AND visits > 0) AS returned,
           COUNT(*) FILTER (WHERE active) AS active
    FROM ranked GROUP BY g, store
)
SELECT s.store, COALESCE(c.receipts, 0), COALESCE(c.revenue, 0), COALESCE(c.member_receipts, 0),
       COALESCE(c.member_revenue, 0), COALESCE(m.buying, 0), COALESCE(m.repeating, 0), COALESCE(m.top_revenue, 0),
       COALESCE(m.buyers_revenue, 0), COALESCE(m.earlier, 0), COALESCE(m.returned, 0), COALESCE(m.active, 0)
FROM scopes s
LEFT JOIN receipts c ON c.g = s.g AND c.store IS NOT DISTINCT FROM s.store
LEFT JOIN members m ON m.g = s.g AND m.store IS NOT DISTINCT FROM s.store
"""
# Points moved in the period by the store of the till that sent them, and what every member
# held at its end (a balance belongs to no store: the liability is the chain's, as on a till).
_POINTS_SQL = """
WITH bounds AS (
    SELECT (%(start)s::timestamp AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC' AS lo,
           (%(after)s::timestamp AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC' AS hi
), l AS (
    SELECT COALESCE(t.store, '') AS store, e.kind, e.delta,
           e.created_at >= b.lo AND (%(store)s::text IS NULL OR COALESCE(t.store, '') = %(store)s::text) AS counted
    FROM hub_ledger e CROSS JOIN bounds b LEFT JOIN hub_till t ON t.id = e.origin_id
    WHERE e.created_at < b.hi
)
SELECT GROUPING(store) AS g, store,
       COALESCE(SUM(delta) FILTER (WHERE counted AND kind = ANY(%(issued)s) AND delta > 0), 0),
       COALESCE(-SUM(delta) FILTER (WHERE counted AND kind = ANY(%(redeemed)s) AND delta < 0), 0),
       COALESCE(SUM(delta), 0)
FROM l GROUP BY ROLLUP (store)
"""

# Members who joined in the period: their synced document's `created_at` (naive UTC ISO text,
# compared as text: a malformed one is simply outside every period, never an error).
_NEW_MEMBERS_SQL = """
SELECT COUNT(*) FROM entity WHERE kind = 'member'
  AND doc->>'created_at' >= to_char((%(start)s::timestamp AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
  AND doc->>'created_at' < to_char((%(after)s::timestamp AT TIME ZONE %(zone)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
"""


# For these statements only (SET LOCAL: to the end of their transaction).  Measured over
# 1,000,000 sales: PostgreSQL's JIT spent 2.8 s compiling what runs in 1 s (its estimates of
# the materialised CTE are far off), and the members' sorts spilled to disk at 4 MB.
_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'")


def _block(period: Period, zone: str, store: str | None) -> dict[str | None, dict[str, Any]]:
    """{store: figures} for one period; the chain's (or the one store's) under None."""
    one = dt.timedelta(days=1)
    before = period.previous()
    active_start = period.end - dt.timedelta(days=ACTIVE_DAYS - 1)
    params = {
        "zone": zone, "store": store, "start": period.start, "end": period.end, "after": period.end + one,
        "prev_start": before.start, "active_start": active_start, "wide": min(before.start, active_start),
        "issued": list(ISSUED_KINDS), "redeemed": list(REDEEMED_KINDS),
    }
    with hub_db.atomic():
        for setting in _SETTINGS:
            hub_db.execute_sql(setting)
        rows = hub_db.execute_sql(_SQL, params).fetchall()
        point_rows = hub_db.execute_sql(_POINTS_SQL, params).fetchall()
    out: dict[str | None, dict[str, Any]] = {row[0]: _figures(*(int(v) for v in row[1:])) for row in rows}
    points: dict[str | None, tuple[int, int]] = {}
    liability = 0
    for g, name, issued, redeemed, held in point_rows:
        points[None if g else name] = (int(issued), int(redeemed))
        liability = int(held) if g else liability
    for name in set(points) - set(out):
        if name is None or (store is None and any(points[name])):
            out[name] = _empty(None)
    new_members = int(hub_db.execute_sql(_NEW_MEMBERS_SQL, params).fetchone()[0])
    for name, figures in out.items():
        figures.update(points_figures(*points.get(name, (0, 0)), liability))
        figures["members_new"] = new_members  # a member and a balance belong to no store: the chain's
    return out


def _figures(receipts: int, revenue: int, member_receipts: int, member_revenue: int, buying: int, repeating: int,
             top_revenue: int, buyers_revenue: int, earlier: int, returned: int, active: int) -> dict[str, Any]:
    return {
        **member_figures(receipts=receipts, revenue=revenue, member_receipts=member_receipts,
                         member_revenue=member_revenue, buyers=buying, repeaters=repeating, retained=returned,
                         retention_base=earlier, top_revenue=top_revenue, buyers_revenue=buyers_revenue,
                         active=active),
        "buying_members": buying,
        **{key: None for key in NOT_AT_HUB},
    }


def _empty(chain: dict[str, Any] | None) -> dict[str, Any]:
    """A store's figures where it sold nothing; the chain's own (new members, liability) from `chain`."""
    chain = chain or {}
    return {**_figures(*(0,) * 11), **points_figures(0, 0, chain.get("points_liability", 0)),
            "members_new": chain.get("members_new", 0)}
