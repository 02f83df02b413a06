"""The owner's figures: does the programme pay?

`compute(period)` gives the issue's figures for a period of whole days on the shop's
clock and, under "previous", for the one before it of the same length; by cashier;
the trend by week (periods up to 92 days) or by month; the programme's cost and ROI;
and a sentence per figure saying what it counts (`definitions`).  What a receipt, a
visit and a period are is said once in services.insights.basis.

Speed: the figures read the summary services.insights.summary keeps of the sales (brought
up to date first: it costs only what was written since), never the sales themselves.
1. Every member's visits from the earliest day any figure needs (the start of the period
   before the previous one, for its retention, or 90 days before its end) to the period's
   end, as arrays grouped by member (services.insights.visitpack: the visits packed as
   columns, and those of the members changed since read from `visit`), counted per member
   from each edge on in numpy (visits in this period and in the one before, and whether the
   member bought in the 90 days to each end and in the period before each), then over the
   members (buyers, repeat, retention, active), the buyers' revenues partly sorted for the
   top 20 %.  It runs on a reader connection (services.insights.readers: one core each, in
   the same snapshot) beside the members enrolled, the rest (2. and the ledger) meanwhile on
   the main connection.  With a store, the store's receipts are read from the sales as
   before (basis.receipts_sql through the (member, created_at) index) into a temporary
   table: a visit is not kept per store.
2. The days' rows of `sale_day` of this period and the one before grouped by cashier,
   trend bucket (none for the period before) and member-or-not: receipts, revenue,
   discounts and points paid of members and others, "by_cashier" and "trend".
The ledger's days (`ledger_day`) give issued, redeemed and the liability; `first_sale` the
members each cashier enrolled (the whole shop; a store still asks the sales).

Choices where the issue left room (each is in `definitions` too):
- points issued: the positive entries of the earning kinds (ISSUING: earn, release of
  pending points, welcome, birthday and referral bonuses); adjustments, transfers,
  an import's opening balances and history grants are not issued by the programme.
  Redeemed: points paid with at the till (kind redeem) and gifts taken for points (kind
  reward, its negative entries), less nothing (a return's restored points are not subtracted).
- top20_share is null below 5 buying members (⌊n/5⌋ = 0) or when they spent nothing.
- with a store: receipts, visits, cashiers and points issued/redeemed are that store's
  (its tills'); new members and the liability are the whole shop's (a member and a
  balance belong to no store).
- members_enrolled: nothing records who registered a member (no column, no audit
  action), so a member is counted for the cashier of their first receipt; members made
  by an import are counted for nobody.
- programme cost: the discounts on members' receipts and the money value of the points
  they paid with (as sold, returns not subtracted), plus the owner's monthly costs
  taken for the period's days (× days × 12 / 365).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from models import db
from models.schema import Category, Staff, Store
from services.core.errors import InputError
from services.core.messages import _
from services.core.money import round_div
from services.core.shares import average, member_figures, points_figures, rate, score_figures
from services.core.storage import write_transaction
from services.insights import basis, readers, summary, visitpack
from services.insights.basis import Period
from services.shop import staff as auth
from services.shop.settings import get_setting, set_setting, shop_info

ISSUING = ("earn", "release", "welcome", "birthday", "referral")
ACTIVE_DAYS = 90
WEEKLY_UP_TO = 92  # days: a longer period's trend is by month
COST_PARTS = ("cards", "messages", "staff_bonuses")  # the owner's costs, money per month
COSTS_KEY, MARGINS_KEY = "programme_costs", "margins"
MAX_COST = 10**12  # minor units a month: more than any shop spends
FULL_BP = 10_000

FIGURES = (
    "members_new", "members_active", "receipts", "revenue", "member_receipts", "member_revenue",
    "card_share_receipts", "card_share_revenue", "avg_check_members", "avg_check_others",
    "receipts_per_member", "repeat_rate", "retention_rate", "top20_share", "points_issued",
    "points_redeemed", "redemption_rate", "points_liability", "programme_cost", "roi", "nps", "csat",
    "nps_answers", "csat_answers",
)


# --- the owner's costs and margins ---------------------------------------------------------


def costs() -> dict[str, int]:
    """The owner's monthly programme costs, minor units: {"cards", "messages", "staff_bonuses"}."""
    stored = get_setting(COSTS_KEY) or {}
    return {part: int(stored.get(part, 0)) for part in COST_PARTS}


def set_costs(actor: Staff | None, values: dict[str, Any]) -> dict[str, int]:
    """Set some or all of the monthly costs (non-negative minor units); the owner only."""
    auth.require(actor, "shop_settings")
    new = costs()
    for part, value in values.items():
        if part not in COST_PARTS:
            raise InputError("figures_cost_unknown", part=part)
        new[part] = _whole(value, 0, MAX_COST, "figures_cost_bad", part=part)
    with write_transaction():
        set_setting(COSTS_KEY, new)
    return new


def margins() -> dict[str, Any]:
    """The owner's margins in basis points: {"overall_bp": int | None, "categories_bp": {category id: bp}}."""
    stored = get_setting(MARGINS_KEY) or {}
    overall = stored.get("overall_bp")
    legacy = stored.get("overall")  # {"overall": percent}, an early shape nothing writes now
    if overall is None and isinstance(legacy, (int, float)) and not isinstance(legacy, bool) and 0 <= legacy <= 100:
        overall = round(legacy * 100)
    return {"overall_bp": None if overall is None else int(overall),
            "categories_bp": {str(k): int(v) for k, v in (stored.get("categories_bp") or {}).items()}}


def set_margins(actor: Staff | None, values: dict[str, Any]) -> dict[str, Any]:
    """Set the overall margin and/or the categories' (basis points, 0-10000; a category's
    None removes it); the owner only."""
    auth.require(actor, "shop_settings")
    new = margins()
    if "overall_bp" in values:
        value = values["overall_bp"]
        new["overall_bp"] = None if value is None else _whole(value, 0, FULL_BP, "figures_margin_bad")
    for key, value in (values.get("categories_bp") or {}).items():
        category = Category.get_or_none(Category.id == str(key)) if _uuid_text(key) else None
        if category is None:
            raise InputError("figures_category_unknown", category=str(key))
        if value is None:
            new["categories_bp"].pop(str(category.id), None)
        else:
            new["categories_bp"][str(category.id)] = _whole(value, 0, FULL_BP, "figures_margin_bad")
    unknown = set(values) - {"overall_bp", "categories_bp"}
    if unknown:
        raise InputError("figures_margin_unknown", key=sorted(unknown)[0])
    with write_transaction():
        set_setting(MARGINS_KEY, new)
    return new


def _uuid_text(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _whole(value: Any, least: int, most: int, code: str, **params: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise InputError(code, value=str(value)[:40], least=least, most=most, **params)
    return value


# --- the figures ----------------------------------------------------------------------------


def compute(period: Period, *, store: Any = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The figures of `period` and of the one before (see the module's docstring)."""
    zone = basis.shop_zone()
    store_id = _store_id(store)
    before = period.previous()
    summary.refresh()  # the visits and days' rows of what was sold since the last figures
    if store_id is None:
        visitpack.refresh()  # packed again only when much has changed since (services.insights.visitpack)
    with readers.snapshot():  # one snapshot for every pass (the readers' too: services.insights.readers)
        if store_id is not None:
            members = _member_pass(period, before, zone, store_id)
            enrolled = _enrolled(period, zone, store_id)
            rest = _rest(period, before, zone, store_id)
            db.obj.execute_sql("DROP TABLE IF EXISTS temp.fig_member")
        else:  # the members' pass and the enrolment on the readers, the rest here meanwhile
            jobs = [_member_job(period, before), *_enrolled_jobs(period, zone)]
            done, rest = readers.run(jobs, readers.FINGERPRINT, lambda: _rest(period, before, zone, None))
            members = done[0]
            enrolled = _enrolled_sum(done[1:])
        cuts, points, new, trend_new, category_extra, category_extra_before, names = rest
        for key, rows in (("now", [c for c in cuts if c[1] is not None]), ("before", [c for c in cuts if c[1] is None])):
            for who, mine in (("other", [c for c in rows if not c[2]]), ("member", [c for c in rows if c[2]])):
                members[key][f"{who}_receipts"] = sum(c[3] for c in mine)
                members[key][f"{who}_revenue"] = sum(int(c[4] or 0) for c in mine)
            members[key]["discounts"] = sum(int(c[5] or 0) for c in rows if c[2])  # members' receipts only
            members[key]["points_value"] = sum(int(c[6] or 0) for c in rows if c[2])
        cuts = [c for c in cuts if c[1] is not None]
    own_costs, margin = costs(), margins()
    result: dict[str, Any] = {**period.as_json(), "store": str(_uuid(store_id)) if store_id else None,
                              "currency": shop_info().currency}
    result.update(_figures(period, members["now"], points["now"], new[period], own_costs, margin,
                           category_extra))
    result["previous"] = {**before.as_json(), **_figures(
        before, members["before"], points["before"], new[before], own_costs, margin, category_extra_before)}
    scores = _scores(period, before, zone, store_id)  # NPS and CSAT of both periods: one query
    result.update(scores["now"])
    result["previous"].update(scores["before"])
    result["programme"] = _programme(period, members["now"], own_costs, margin, category_extra)
    result["by_cashier"] = _by_cashier(cuts, enrolled, names, _scores_by_cashier(period, zone, store_id))
    result["trend"] = _trend(period, cuts, trend_new)
    result["definitions"] = definitions()
    return result


def _rest(period: Period, before: Period, zone: Any, store_id: bytes | None) -> tuple[Any, ...]:
    """The passes over the days' rows, the ledger's days and the members' registrations."""
    cuts = _cut_pass(period, before, zone, store_id)
    points = _ledger_pass(period, before, zone, store_id)
    new = {p: _members_new(p, zone) for p in (period, before)}
    trend_new = _members_new_by_bucket(period, zone)
    category_extra = _category_margin_extra(period, zone, store_id)
    category_extra_before = _category_margin_extra(before, zone, store_id)
    names = {row[0]: row[1] for row in db.obj.execute_sql('SELECT id, name FROM "staff"')}
    return cuts, points, new, trend_new, category_extra, category_extra_before, names


def _uuid(raw: bytes) -> Any:
    import uuid

    return uuid.UUID(bytes=raw)


def _store_id(store: Any) -> bytes | None:
    if store is None:
        return None
    if isinstance(store, Store):
        return store.id.bytes
    if hasattr(store, "bytes"):
        return store.bytes
    if isinstance(store, bytes):
        return store
    return find_store(str(store)).id.bytes


def find_store(text: str) -> Store:
    """A store by its id or its name (as the command line's --store gives it)."""
    text = text.strip()
    found = Store.get_or_none(Store.id == text) if _uuid_text(text) else None
    found = found or Store.get_or_none(Store.name == text)
    if found is None:
        raise InputError("figures_store_unknown", store=text[:80])
    return found


def _day(day: dt.date) -> str:
    return day.isoformat()


def _member_pass(period: Period, before: Period, zone: Any, store_id: bytes | None) -> dict[str, dict[str, Any]]:
    """Pass 1: per member (NULL: nobody's receipts) into temp.fig_member, then its sums."""
    active_now = period.end - dt.timedelta(days=ACTIVE_DAYS - 1)
    active_before = before.end - dt.timedelta(days=ACTIVE_DAYS - 1)
    earlier = before.previous()  # the previous period's retention looks back at this one
    span = Period(min(earlier.start, active_before), period.end)
    sql, params = basis.receipts_sql(span, zone, store=store_id, members_only=True)
    # Which period a receipt falls in is read from its stored UTC time against each period's
    # first instant (the same thing as its day on the shop's clock, and cheap); the day itself
    # (an expression SQLite copies into each place it is named) only where visits are counted.
    c, p, e = (_start(day, zone) for day in (period.start, before.start, earlier.start))
    an, ab = _start(active_now, zone), _start(active_before, zone)
    now_, before_ = "created_at >= ?", "created_at >= ? AND created_at < ?"
    db.obj.execute_sql("DROP TABLE IF EXISTS temp.fig_member")
    db.obj.execute_sql(
        "CREATE TEMP TABLE fig_member AS SELECT member_id,"
        f" COUNT(DISTINCT CASE WHEN {now_} THEN day END) AS cv,"
        f" SUM(CASE WHEN {now_} THEN value ELSE 0 END) AS cval,"
        f" COUNT(DISTINCT CASE WHEN {before_} THEN day END) AS pv,"
        f" SUM(CASE WHEN {before_} THEN value ELSE 0 END) AS pval,"
        f" MAX({now_}) AS ca, MAX({before_}) AS pa, MAX({before_}) AS ea"
        f" FROM ({sql}) GROUP BY member_id",
        [c, c, p, c, p, c, an, ab, c, e, p, *params])
    return _member_sums()


def _member_sums() -> dict[str, dict[str, Any]]:
    """The period's and the one before's member figures from temp.fig_member."""
    out = {}
    for key, (v, val, act, other) in {
        "now": ("cv", "cval", "ca", "pv"),  # retention: bought before, and now?
        "before": ("pv", "pval", "pa", "ea"),
    }.items():
        row = db.obj.execute_sql(
            f"SELECT COUNT(CASE WHEN member_id IS NOT NULL AND {v} >= 1 THEN 1 END),"
            f" COUNT(CASE WHEN member_id IS NOT NULL AND {v} >= 2 THEN 1 END),"
            f" COUNT(CASE WHEN member_id IS NOT NULL AND {act} = 1 THEN 1 END),"
            f" COUNT(CASE WHEN member_id IS NOT NULL AND {other} >= 1 THEN 1 END),"
            f" COUNT(CASE WHEN member_id IS NOT NULL AND {other} >= 1 AND {v} >= 1 THEN 1 END)"
            " FROM temp.fig_member").fetchone()
        figures = dict(zip(("buyers", "repeaters", "active", "other_buyers", "kept"), row))
        figures["top"] = _top_share(v, val, figures["buyers"] // 5)
        out[key] = figures
    for figures in out.values():  # retention: over the members who bought in the period before
        figures["retention_base"], figures["retained"] = figures["other_buyers"], figures["kept"]
    return out


def _member_job(period: Period, before: Period) -> Any:
    """Pass 1 for the whole shop, a job for services.insights.readers: every member's visits
    from the earliest day a figure needs to the period's end, as arrays grouped by member
    (services.insights.visitpack), counted from each edge on (visits on or after it: each
    window is the difference of two counts), then over the members."""
    active_now = period.end - dt.timedelta(days=ACTIVE_DAYS - 1)
    active_before = before.end - dt.timedelta(days=ACTIVE_DAYS - 1)
    earlier = before.previous()
    first = min(earlier.start, active_before)
    edges = [visitpack.day_number(d) for d in (period.start, before.start, earlier.start, active_now, active_before)]
    return lambda execute: _members_of(visitpack.visits(execute, first, period.end), *edges)


def _members_of(visits: visitpack.Visits, c: int, p: int, e: int, an: int, ab: int) -> dict[str, dict[str, Any]]:
    """The period's and the one before's member figures from the visits of the days from
    min(e, ab) to the period's end (c, p, e: the first days of the period, of the one before
    and of the one before that; an, ab: the first days of the 90 days to each period's end)."""
    import numpy as np

    day, value = visits.day, visits.value
    if not day.size:
        empty = {name: 0 for name in _COUNTED}
        return {key: {**empty, "top": _top_of(np.zeros(0, np.int64), 0),
                      "retention_base": 0, "retained": 0} for key in ("now", "before")}
    starts = np.flatnonzero(np.concatenate(([True], visits.member[1:] != visits.member[:-1])))

    def count(edge: int) -> Any:  # per member: visits on or after `edge`
        return np.add.reduceat((day >= edge).astype(np.int64), starts)

    def worth(edge: int) -> Any:  # per member: the value of those visits
        return np.add.reduceat(np.where(day >= edge, value, 0), starts)

    nc, n_p, ne, na, nb = (count(edge) for edge in (c, p, e, an, ab))
    vc, vp = worth(c), worth(p)
    now_buyer, before_buyer, earlier_buyer = nc >= 1, n_p > nc, ne > n_p
    out = {
        "now": {"buyers": now_buyer, "repeaters": nc >= 2, "active": na > 0, "other_buyers": before_buyer,
                "kept": now_buyer & before_buyer},
        "before": {"buyers": before_buyer, "repeaters": n_p - nc >= 2, "active": nb > nc,
                   "other_buyers": earlier_buyer, "kept": before_buyer & earlier_buyer},
    }
    tops = {"now": vc[now_buyer], "before": (vp - vc)[before_buyer]}
    result = {}
    for key, flags in out.items():
        figures: dict[str, Any] = {name: int(np.count_nonzero(flag)) for name, flag in flags.items()}
        figures["top"] = _top_of(tops[key], figures["buyers"] // 5)
        figures["retention_base"], figures["retained"] = figures["other_buyers"], figures["kept"]
        result[key] = figures
    return result


_COUNTED = ("buyers", "repeaters", "active", "other_buyers", "kept")


def _top_of(values: Any, top: int) -> int | None:
    """The sum of the `top` largest values (None for none): a partial sort, in numpy."""
    import numpy as np

    if top <= 0:
        return None
    return int(np.partition(values, values.size - top)[values.size - top:].sum())


def _enrolled_jobs(period: Period, zone: Any) -> list[Any]:
    """The members enrolled (see _enrolled), in two halves of the period's registrations."""
    lo, hi = basis.utc_span(period, zone)
    mid = basis.stamp(dt.datetime.fromisoformat(lo) + (dt.datetime.fromisoformat(hi) - dt.datetime.fromisoformat(lo)) / 2)
    return [(lambda execute, a=a, b=b: execute(_ENROLLED_SQL, [a, b]).fetchall()) for a, b in ((lo, mid), (mid, hi))]


def _enrolled_sum(parts: list[list[tuple[Any, int]]]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for rows in parts:
        for cashier, n in rows:
            if cashier is not None:
                out[bytes(cashier)] = out.get(bytes(cashier), 0) + n
    return out


def _top_share(visits: str, value: str, top: int) -> int | None:
    if top <= 0:
        return None
    row = db.obj.execute_sql(
        f"SELECT SUM({value}) FROM (SELECT {value} FROM temp.fig_member WHERE member_id IS NOT NULL"
        f" AND {visits} >= 1 ORDER BY {value} DESC LIMIT ?)", [top]).fetchone()
    return int(row[0] or 0)


def _start(day: dt.date, zone: Any) -> str:
    """The stored (UTC) text of the instant `day` begins on the shop's clock."""
    return basis.stamp(basis.utc_start(day, zone))


def _ledger_pass(period: Period, before: Period, zone: Any, store_id: bytes | None) -> dict[str, dict[str, int]]:
    """Issued and redeemed in each period, the liability at each end: one pass over the
    days' points of services.insights.summary (a row per day, till and kind)."""
    kinds = ", ".join(f"'{k}'" for k in ISSUING)
    mine = "1" if store_id is None else "till_id IN (SELECT id FROM \"till\" WHERE store_id = ?)"
    lo, hi, plo, phi = (d.isoformat() for d in (period.start, period.end, before.start, before.end))
    row = db.obj.execute_sql(
        "SELECT"
        f" COALESCE(SUM(CASE WHEN day >= ? AND day <= ? AND kind IN ({kinds}) AND {mine} THEN gained END), 0),"
        f" COALESCE(SUM(CASE WHEN day >= ? AND day <= ? AND kind IN ('redeem', 'reward') AND {mine} THEN -(CASE kind WHEN 'reward' THEN spent ELSE gained + spent END) END), 0),"
        " COALESCE(SUM(CASE WHEN day <= ? THEN gained + spent END), 0),"
        f" COALESCE(SUM(CASE WHEN day >= ? AND day <= ? AND kind IN ({kinds}) AND {mine} THEN gained END), 0),"
        f" COALESCE(SUM(CASE WHEN day >= ? AND day <= ? AND kind IN ('redeem', 'reward') AND {mine} THEN -(CASE kind WHEN 'reward' THEN spent ELSE gained + spent END) END), 0),"
        " COALESCE(SUM(CASE WHEN day <= ? THEN gained + spent END), 0)"
        ' FROM "ledger_day"',
        _with_store([lo, hi], store_id) + _with_store([lo, hi], store_id) + [hi]
        + _with_store([plo, phi], store_id) + _with_store([plo, phi], store_id) + [phi]).fetchone()
    return {"now": dict(zip(("issued", "redeemed", "liability"), row[:3])),
            "before": dict(zip(("issued", "redeemed", "liability"), row[3:]))}


def _with_store(params: list[Any], store_id: bytes | None) -> list[Any]:
    return params + ([store_id] if store_id is not None else [])


def _members_new(period: Period, zone: Any) -> int:
    lo, hi = basis.utc_span(period, zone)
    return int(db.obj.execute_sql('SELECT COUNT(*) FROM "member" WHERE created_at >= ? AND created_at < ?',
                                  [lo, hi]).fetchone()[0])


def _bucket_sql(period: Period, day: str) -> str:
    if period.days <= WEEKLY_UP_TO:
        return f"date({day}, '-6 days', 'weekday 1')"  # the Monday on or before the day
    return f"substr({day}, 1, 7) || '-01'"


def _cut_pass(period: Period, before: Period, zone: Any, store_id: bytes | None) -> list[tuple[Any, ...]]:
    """Pass 2: (cashier_id, bucket, is_member, receipts, revenue, discounts, points paid) of the period and of the one
    before it (bucket None: the receipts of nobody there count in its figures), from the
    days' rows of services.insights.summary (a few per till, cashier and day)."""
    firsts = [max(b, period.start) for b in _buckets(period)]
    whens = " ".join(f"WHEN day >= '{first.isoformat()}' THEN '{b.isoformat()}'"
                     for b, first in reversed(list(zip(_buckets(period), firsts))))
    mine = "" if store_id is None else ' AND till_id IN (SELECT id FROM "till" WHERE store_id = ?)'
    return db.obj.execute_sql(
        f"SELECT NULLIF(cashier_id, x''), CASE {whens} END AS bucket, is_member, SUM(receipts), SUM(revenue),"
        f' SUM(discount), SUM(points_value) FROM "sale_day" WHERE day >= ? AND day <= ?{mine} GROUP BY 1, 2, 3',
        _with_store([before.start.isoformat(), period.end.isoformat()], store_id)).fetchall()


_ENROLLED_SQL = ('SELECT f.cashier_id, COUNT(*) FROM "member" m JOIN "first_sale" f ON f.member_id = m.id'
                 " WHERE m.created_at >= ? AND m.created_at < ? AND m.origin != 'import' GROUP BY 1")


def _enrolled(period: Period, zone: Any, store_id: bytes | None) -> dict[Any, int]:
    """Members registered in the period, by the cashier of their first receipt (made here)."""
    lo, hi = basis.utc_span(period, zone)
    if store_id is None:  # each member's first sale here is kept by services.insights.summary
        return _enrolled_sum([db.obj.execute_sql(_ENROLLED_SQL, [lo, hi]).fetchall()])
    where_store = " AND t.store_id = ?"
    rows = db.obj.execute_sql(
        "SELECT (SELECT s.cashier_id FROM \"sale\" s JOIN \"till\" t ON t.id = s.till_id"
        f" WHERE s.member_id = m.id AND s.imported = 0{where_store} ORDER BY s.created_at LIMIT 1) AS c, COUNT(*)"
        " FROM \"member\" m WHERE m.created_at >= ? AND m.created_at < ? AND m.origin != 'import'"
        " GROUP BY c", _with_store([], store_id) + [lo, hi]).fetchall()
    return {bytes(c) if c is not None else None: n for c, n in rows if c is not None}


def _members_new_by_bucket(period: Period, zone: Any) -> dict[str, int]:
    lo, hi = basis.utc_span(period, zone)
    day = basis.local_day_sql("created_at", dt.datetime.fromisoformat(lo), dt.datetime.fromisoformat(hi), zone)
    rows = db.obj.execute_sql(
        f"SELECT {_bucket_sql(period, day)}, COUNT(*) FROM \"member\" WHERE created_at >= ? AND created_at < ?"
        " GROUP BY 1", [lo, hi]).fetchall()
    return dict(rows)


def _category_margin_extra(period: Period, zone: Any, store_id: bytes | None) -> int | None:
    """What the categories with their own margin add to (or take from) the overall margin's
    gross profit on members' lines: Σ line value × (its category's margin − the overall one),
    a line's value net of its returned quantity (its goods after discounts less the returned
    share, rounded half up as services.sale.returns works a return's value out, so the lines
    sum to the receipts' value net of returns).
    None when the owner set no category margins (the lines are not read)."""
    margin = margins()
    if not margin["categories_bp"]:
        return None
    overall = margin["overall_bp"] or 0
    sql, params = basis.receipts_sql(period, zone, store=store_id)
    cases = " ".join(f"WHEN x'{_uuid_hex(cid)}' THEN {bp - overall}" for cid, bp in margin["categories_bp"].items())
    net, back = "(l.gross - l.discount)", '(SELECT SUM(rl.qty) FROM "return_line" rl WHERE rl.sale_line_id = l.id)'
    returned = (f"COALESCE(CASE WHEN {net} >= 0 THEN (2 * {net} * {back} + l.qty) / (2 * l.qty)"
                f" ELSE -((2 * -{net} * {back} + l.qty) / (2 * l.qty)) END, 0)")  # round_div(net × back, qty)
    row = db.obj.execute_sql(
        f"SELECT SUM(({net} - {returned}) * (CASE p.category_id {cases} ELSE 0 END))"
        f" FROM ({sql}) r JOIN \"sale_line\" l ON l.sale_id = r.id JOIN \"product\" p ON p.id = l.product_id"
        " WHERE r.member_id IS NOT NULL", params).fetchone()
    return round_div(int(row[0] or 0), FULL_BP)


def _uuid_hex(text: str) -> str:
    import uuid

    return uuid.UUID(text).hex


def _owner_costs(period: Period, own: dict[str, int]) -> int:
    return round_div(sum(own.values()) * period.days * 12, 365)


def _cost(period: Period, m: dict[str, Any], own: dict[str, int]) -> int:
    return int(m["discounts"]) + int(m["points_value"]) + _owner_costs(period, own)


def _gross_profit(m: dict[str, Any], margin: dict[str, Any], category_extra: int | None) -> int | None:
    if margin["overall_bp"] is None and not margin["categories_bp"]:
        return None
    return round_div(int(m["member_revenue"]) * (margin["overall_bp"] or 0), FULL_BP) + (category_extra or 0)


def _figures(period: Period, m: dict[str, Any], p: dict[str, int], new: int, own: dict[str, int],
             margin: dict[str, Any], category_extra: int | None) -> dict[str, Any]:
    receipts = int(m["member_receipts"] + m["other_receipts"])
    revenue = int(m["member_revenue"] + m["other_revenue"])
    cost = _cost(period, m, own)
    profit = _gross_profit(m, margin, category_extra)
    return {
        "members_new": new,
        **member_figures(receipts=receipts, revenue=revenue, member_receipts=int(m["member_receipts"]),
                         member_revenue=int(m["member_revenue"]), buyers=int(m["buyers"]),
                         repeaters=int(m["repeaters"]), retained=int(m["retained"]),
                         retention_base=int(m["retention_base"]), top_revenue=m["top"],
                         buyers_revenue=int(m["member_revenue"]), active=int(m["active"])),
        **points_figures(int(p["issued"]), int(p["redeemed"]), int(p["liability"])),
        "programme_cost": cost,
        "roi": None if profit is None or not cost else (profit - cost) / cost,
    }


def _programme(period: Period, m: dict[str, Any], own: dict[str, int], margin: dict[str, Any],
               category_extra: int | None) -> dict[str, Any]:
    profit = _gross_profit(m, margin, category_extra)
    cost = _cost(period, m, own)
    return {
        "discounts": int(m["discounts"]),
        "points_redeemed_value": int(m["points_value"]),
        "owner_costs": _owner_costs(period, own),
        "owner_costs_monthly": own,
        "cost": cost,
        "member_revenue": int(m["member_revenue"]),
        "margin_bp": margin["overall_bp"],
        "categories_bp": margin["categories_bp"],
        "gross_profit": profit,
        "roi": None if profit is None or not cost else (profit - cost) / cost,
        "formula": _("ROI = (members' revenue × margin − programme cost) / programme cost; programme cost ="
                     " discounts on members' receipts + points they paid with, at their money value + the"
                     " owner's costs (cards, messages, staff bonuses) for the period's days."),
    }


# The customers' answers (services.reach.feedback): NPS counts (answers, promoters 9-10,
# detractors 0-6) and CSAT counts (answers, satisfied 4-5), read from feedback_created_at alone.
_SCORE_SUMS = "COUNT(nps), COALESCE(SUM(nps >= 9), 0), COALESCE(SUM(nps <= 6), 0), COUNT(csat), COALESCE(SUM(csat >= 4), 0)"


def _scores(period: Period, before: Period, zone: Any, store_id: bytes | None) -> dict[str, dict[str, Any]]:
    """NPS and CSAT of the period and of the one before, by the answers' time on the shop's clock:
    one statement, a range of the index for each period (no test of each row's time)."""
    mine = "" if store_id is None else ' AND till_id IN (SELECT id FROM "till" WHERE store_id = ?)'
    one = (f'SELECT {_SCORE_SUMS} FROM "feedback" INDEXED BY feedback_created_at'
           f" WHERE created_at >= ? AND created_at < ?{mine}")
    rows = db.obj.execute_sql(f"{one} UNION ALL {one}", _with_store(list(basis.utc_span(period, zone)), store_id)
                              + _with_store(list(basis.utc_span(before, zone)), store_id)).fetchall()
    return {"now": score_figures(*(int(v) for v in rows[0])), "before": score_figures(*(int(v) for v in rows[1]))}


def _scores_by_cashier(period: Period, zone: Any, store_id: bytes | None) -> dict[bytes, dict[str, Any]]:
    """NPS and CSAT of the period's answers per cashier of the sale answered (none: not a cashier's):
    for each person on the staff in turn, the range of their answers in feedback_cashier_id_created_at
    (rows come grouped as they are read: no sort of the period's answers)."""
    lo, hi = basis.utc_span(period, zone)
    mine = "" if store_id is None else ' AND f.till_id IN (SELECT id FROM "till" WHERE store_id = ?)'
    sums = _SCORE_SUMS.replace("nps", "f.nps").replace("csat", "f.csat")
    rows = db.obj.execute_sql(
        f'SELECT p.id, {sums} FROM "staff" p JOIN "feedback" f INDEXED BY feedback_cashier_id_created_at'
        f" ON f.cashier_id = p.id AND f.created_at >= ? AND f.created_at < ?{mine} GROUP BY p.id",
        _with_store([lo, hi], store_id)).fetchall()
    return {bytes(r[0]): score_figures(*(int(v) for v in r[1:])) for r in rows}


def _by_cashier(cuts: Iterable[tuple[Any, ...]], enrolled: dict[Any, int], names: dict[Any, str],
                scores: dict[bytes, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    scores = scores or {}
    totals: dict[Any, list[int]] = {}
    for cashier, _bucket, is_member, count, value, *_money in cuts:
        key = bytes(cashier) if cashier is not None else None
        t = totals.setdefault(key, [0, 0, 0])
        t[0] += count
        t[1] += int(value or 0)
        t[2] += count if is_member else 0
    for key in (*enrolled, *scores):
        totals.setdefault(key, [0, 0, 0])
    no_answers = score_figures(0, 0, 0, 0, 0)
    rows = []
    for key, (count, value, members) in totals.items():
        rows.append({
            "cashier_id": str(_uuid(key)) if key is not None else None,
            "name": names.get(key) if key is not None else None,
            "receipts": count,
            "revenue": value,
            "card_share_receipts": rate(members, count),
            "members_enrolled": enrolled.get(key, 0),
            "avg_check": average(value, count),
            **scores.get(key, no_answers),
        })
    rows.sort(key=lambda r: (r["cashier_id"] is None, -r["receipts"], r["name"] or ""))
    return rows


def _buckets(period: Period) -> list[dt.date]:
    if period.days <= WEEKLY_UP_TO:
        first = period.start - dt.timedelta(days=period.start.weekday())
        return [first + dt.timedelta(weeks=i) for i in range((period.end - first).days // 7 + 1)]
    out, day = [], period.start.replace(day=1)
    while day <= period.end:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _trend(period: Period, cuts: Iterable[tuple[Any, ...]], new: dict[str, int]) -> dict[str, Any]:
    rows = {b.isoformat(): {"start": b.isoformat(), "member_receipts": 0, "other_receipts": 0,
                            "member_revenue": 0, "other_revenue": 0, "members_new": 0} for b in _buckets(period)}
    for _cashier, bucket, is_member, count, value, *_money in cuts:
        row = rows[bucket]
        who = "member" if is_member else "other"
        row[f"{who}_receipts"] += count
        row[f"{who}_revenue"] += int(value or 0)
    for bucket, count in new.items():
        rows[bucket]["members_new"] += count
    return {"unit": "week" if period.days <= WEEKLY_UP_TO else "month", "rows": list(rows.values())}


def definitions() -> dict[str, str]:
    """One sentence per figure, in the current language."""
    return {
        "receipt": _("A receipt is a sale, imported or made here, net of its returns; a sale returned in full is "
                     "none. A visit is a day on which a member bought (several receipts that day are one visit). "
                     "Money is in minor units; days are on the shop's clock."),
        "members_new": _("Members registered in the period (an imported member on the registration date the "
                         "file gave, else the day of the import or of their first imported receipt)."),
        "members_active": _("Members with at least one visit in the 90 days up to the period's last day."),
        "receipts": _("Receipts of the period."),
        "revenue": _("What the period's receipts came to, net of returns."),
        "member_receipts": _("Receipts of the period with a member's card."),
        "member_revenue": _("Revenue of the period's receipts with a member's card."),
        "card_share_receipts": _("Members' receipts / all receipts."),
        "card_share_revenue": _("Members' revenue / all revenue."),
        "avg_check_members": _("Members' revenue / members' receipts."),
        "avg_check_others": _("Revenue without a card / receipts without a card."),
        "receipts_per_member": _("Members' receipts / members who bought in the period."),
        "repeat_rate": _("Members with at least 2 visits in the period / members with at least 1."),
        "retention_rate": _("Of the members with a visit in the period before, the share with a visit in this one."),
        "top20_share": _("Revenue of the top ⌊n/5⌋ of the n members who bought, by revenue / revenue of all n; "
                         "none with fewer than 5 buyers."),
        "points_issued": _("Points given in the period for purchases (earned, pending ones released) and as "
                           "welcome, birthday and referral bonuses; not adjustments, transfers or imported balances."),
        "points_redeemed": _("Points members paid with in the period."),
        "redemption_rate": _("Points redeemed / points issued in the period."),
        "points_liability": _("All members' points balances at the period's end, from the ledger (the whole shop)."),
        "programme_cost": _("Discounts on members' receipts + the money value of the points they paid with + the "
                            "owner's monthly costs (cards, messages, staff bonuses) × the period's days × 12 / 365."),
        "roi": _("(Members' revenue × margin − programme cost) / programme cost; none until the owner sets a margin."),
        "nps": _("Net promoter score: of the customers who answered “would you recommend us to a friend?” "
                 "(0–10) in the period, % who gave 9–10 − % who gave 0–6 (−100 to 100); none without answers."),
        "csat": _("Customer satisfaction: of the answers to “how was your visit today?” (1–5) in the period, "
                  "the share of 4 and 5; none without answers."),
        "nps_answers": _("Answers to the NPS question in the period."),
        "csat_answers": _("Answers to the CSAT question in the period."),
        "by_cashier": _("Per cashier: receipts, the share with a card, average check, members enrolled "
                        "(members registered in the period whose first receipt that cashier rang up), and the "
                        "NPS and CSAT of the answers after their sales."),
        "trend": _("By week (Monday first) for periods up to 92 days, else by month."),
    }

