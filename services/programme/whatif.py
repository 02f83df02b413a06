"""What-if: replay the real sales of a period under another rule set.

Each recorded sale is priced again by the same pure function the till uses
(services.pricing.price_cart), with the same items, member context, time,
coupons and points the customer asked to use, and the totals are set beside
what was recorded.  Replaying the rule set that was in force reproduces the
recorded discounts and points exactly; that is the check that the replay is
honest.

What a replay keeps as it happened: the items and quantities bought, the
coupons presented, the points the customer wanted to use (cut to what the
new rules allow), the member's birthday and referral.  What follows the new
rules: every discount and point, the redemption cap, and tiers (recomputed
from the replayed spend when the new rules' tier ladder differs from the
one in force, starting from the recorded spend in the window before the
period; else the recorded tier).  Expiry and pending timing are not
replayed: the liability is the recorded outstanding points moved by the
difference in points issued and redeemed.

Sales are read in chunks as plain tuples in one streaming query, with no
ORM object per row, so a million sales fit in a minute on a till's PC.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from models import db
from models.schema import Sale
from services.programme.loyalty import birthday_key
from services.core.money import BP
from services.programme.pricing import CartLine, Customer, price_cart
from services.core.errors import InputError, RedeemRefused
from services.programme.rules import Rules, Tier, all_versions

Progress = Callable[[int, int], None]
FETCH = 20_000


@dataclass
class Totals:
    sales: int = 0
    revenue: int = 0  # what the goods cost after discounts
    discount: int = 0
    points_issued: int = 0
    points_redeemed: int = 0
    liability: int = 0  # outstanding points at the end, in money
    cost_bp: int = 0  # (discount + points issued in money) / revenue (what was paid for the goods)
    tiers: dict[str, int] = field(default_factory=dict)  # members by tier at their last sale

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WhatIf:
    start: dt.date
    end: dt.date  # inclusive
    rules_version: int
    simulated: Totals
    actual: Totals
    tier_changes: int  # members whose tier differs from what they had
    members: int
    actual_point_value: int = 100  # what a point was worth at the period's end (the draft's may differ)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"period": {"from": self.start.isoformat(), "to": self.end.isoformat()}}
        out.update(self.simulated.as_json())
        out["tier_changes"] = self.tier_changes
        out["members"] = self.members
        out["actual"] = self.actual.as_json()
        return out


def _ladder(rules: Rules) -> tuple:
    return (rules.tier_window_days, tuple(sorted((t.code, t.min_spend) for t in rules.tiers)))


def _ts(value: dt.datetime) -> object:
    return Sale.created_at.db_value(value)


def _parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def period_bounds() -> tuple[dt.date, dt.date] | None:
    row = db.obj.execute_sql('SELECT MIN(created_at), MAX(created_at) FROM "sale"').fetchone()
    if row[0] is None:
        return None
    return _parse_ts(row[0]).date(), _parse_ts(row[1]).date()


_SALES_SQL = (
    'SELECT s.id, s.created_at, s.member_id, s.rule_version, s.subtotal, s.discount, s.total, '
    's.points_redeemed, s.points_earned, s.balance_after, sl.tier, sl.bonus_points, '
    'l.barcode, l.qty, l.unit_price, l.product_id, l.name '
    'FROM "sale" s JOIN "sale_line" l ON l.sale_id = s.id '
    'LEFT JOIN "sale_loyalty" sl ON sl.sale_id = s.id '
    'WHERE s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at, s.id, l.position'
)


FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(9000, 12, 31)


def simulate(
    rules: Rules,
    start: dt.date | None = None,
    end: dt.date | None = None,
    progress: Progress | None = None,
) -> WhatIf:
    """Replay the sales from `start` to `end` (inclusive days, the whole history
    by default) under `rules`."""
    bounds = period_bounds()
    if bounds is None:
        raise InputError("whatif_no_sales")
    start = start or bounds[0]
    end = end or bounds[1]
    if end < start:
        raise InputError("whatif_period")
    # No till sold before 1970 or will in 9000: the edges of the calendar (0001-01-01,
    # 9999-12-31) are clamped so the day after and the tier window before stay dates.
    start, end = max(start, FIRST_DAY), min(end, LAST_DAY)
    since = dt.datetime.combine(start, dt.time())
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    report = progress or (lambda done, total: None)
    conn = db.obj.connection()
    total = conn.execute('SELECT COUNT(*) FROM "sale" WHERE created_at >= ? AND created_at < ?',
                         (_ts(since), _ts(until))).fetchone()[0]

    versions = all_versions()
    pending_versions = {v for v, r in versions.items() if r.pending_days}
    same_ladder = {v for v, r in versions.items() if _ladder(r) == _ladder(rules)}
    products = {
        pid: (cat, bool(excluded)) for pid, cat, excluded in conn.execute(
            'SELECT p.id, c.name, c.loyalty_excluded FROM "product" p JOIN "category" c ON c.id = p.category_id')
    }
    birthdays: dict[bytes, dt.date] = {}
    if rules.birthday_points or rules.birthday_discount_bp:
        birthdays = {mid: dt.date.fromisoformat(b) for mid, b in conn.execute(
            'SELECT id, birthday FROM "member" WHERE birthday IS NOT NULL')}
    given: set[tuple[bytes, str]] = {
        (mid, key) for mid, key in conn.execute(
            'SELECT member_id, key FROM "event_bonus" WHERE kind = \'birthday\' AND created_at < ?', (_ts(since),))
    }
    referred = {mid for (mid,) in conn.execute('SELECT member_id FROM "referral"')}
    bought_before = {mid for (mid,) in conn.execute(
        'SELECT DISTINCT member_id FROM "sale" WHERE member_id IS NOT NULL AND created_at < ?', (_ts(since),))}
    coupons: dict[bytes, frozenset[str]] = defaultdict(frozenset)
    for sid, promo in conn.execute(
        'SELECT r.sale_id, r.promotion FROM "coupon_redemption" r JOIN "sale" s ON s.id = r.sale_id '
        'WHERE s.created_at >= ? AND s.created_at < ?', (_ts(since), _ts(until))):
        coupons[sid] = coupons[sid] | {promo}
    # A manager's discount is part of what happened: the replay gives it again (rare: read apart).
    manual: dict[bytes, int] = {}
    for sid, reasons in conn.execute(
        'SELECT s.id, l.reasons FROM "sale" s JOIN "sale_line" l ON l.sale_id = s.id '
        'WHERE s.discount_authorised_by_id IS NOT NULL AND s.created_at >= ? AND s.created_at < ?',
            (_ts(since), _ts(until))):
        for reason in json.loads(reasons):
            if reason.get("code") == "manual_discount" and sid not in manual:
                manual[sid] = int(reason["bp"])

    sim, act = Totals(), Totals()
    drift: dict[bytes, int] = defaultdict(int)  # simulated minus recorded points, per member
    last_tier: dict[bytes, tuple[str, str]] = {}  # member -> (recorded, simulated) at their last sale
    spend: dict[bytes, deque] = defaultdict(deque)  # for recomputed tiers: (time, total) in the window
    spend_sum: dict[bytes, int] = defaultdict(int)
    sim_tier: dict[bytes, str] = {}
    entry = rules.tier_for_spend(0)
    window = dt.timedelta(days=rules.tier_window_days)
    done = 0
    if set(versions) - same_ladder:
        # Tiers may be recomputed: start from what members spent in the window
        # before the period (recorded totals, by day), as the till would have.
        for member, day, spent in conn.execute(
            'SELECT member_id, substr(created_at, 1, 10), SUM(total) FROM "sale" '
            'WHERE member_id IS NOT NULL AND created_at >= ? AND created_at < ? '
            'GROUP BY member_id, substr(created_at, 1, 10) ORDER BY 2', (_ts(since - window), _ts(since))):
            _add_spend(member, dt.datetime.fromisoformat(day), int(spent), sim_tier, spend, spend_sum, rules)

    def replay(head: tuple, lines: list[CartLine]) -> None:
        (sid, created, member, version, subtotal, discount, total_, redeemed, earned, balance_after,
         tier, bonus) = head
        bonus = bonus or 0
        when = _parse_ts(created)
        act.sales += 1
        act.revenue += total_
        act.discount += discount
        act.points_issued += earned + bonus
        act.points_redeemed += redeemed
        customer = None
        if member is not None:
            credited = bonus + (0 if version in pending_versions else earned)
            before = (balance_after or 0) - credited + redeemed + drift[member]
            if version in same_ladder and tier is not None:
                now_tier = tier
            else:
                now_tier = _recomputed_tier(member, when, sim_tier, spend, spend_sum, rules, entry, window)
            due = False
            if birthdays:
                key = birthday_key(birthdays.get(member), when.date(), rules.birthday_days)
                due = key is not None and (member, key) not in given
                if due:
                    given.add((member, key))
            first = member not in bought_before
            bought_before.add(member)
            customer = Customer(now_tier, before, before < 0, birthday_due=due, first_purchase=first,
                                referred=first and member in referred)
        unlocked = coupons.get(sid, frozenset())
        by_hand = manual.get(sid, 0)
        try:
            priced = price_cart(lines, customer, rules, redeemed, by_hand, now=when, coupons=unlocked)
        except RedeemRefused:
            free = price_cart(lines, customer, rules, 0, by_hand, now=when, coupons=unlocked)
            want = min(redeemed, free.max_redeem)
            want -= want % rules.redeem_step
            priced = price_cart(lines, customer, rules, want, by_hand, now=when, coupons=unlocked) if want else free
        sim.sales += 1
        sim.revenue += priced.total
        sim.discount += priced.discount
        issued = priced.points_issued
        if customer is not None and customer.first_purchase and customer.referred:
            issued += rules.referral_points
        sim.points_issued += issued
        sim.points_redeemed += priced.points_redeemed
        if member is not None:
            drift[member] += (issued - earned - bonus) - (priced.points_redeemed - redeemed)
            if not (version in same_ladder and tier is not None):
                _add_spend(member, when, priced.total, sim_tier, spend, spend_sum, rules)
            last_tier[member] = (tier or "", customer.tier)  # type: ignore[union-attr]

    cursor = conn.execute(_SALES_SQL, (_ts(since), _ts(until)))
    current: tuple | None = None
    lines: list[CartLine] = []
    while True:
        rows = cursor.fetchmany(FETCH)
        if not rows:
            break
        for row in rows:
            head = row[:12]
            if current is None or head[0] != current[0]:
                if current is not None:
                    replay(current, lines)
                    done += 1
                    if done % FETCH == 0:
                        report(done, total)
                current, lines = head, []
            barcode, qty, price, pid, name = row[12:]
            cat, excluded = products.get(pid, ("", False))
            lines.append(CartLine(f"{len(lines):04d}", barcode, name, cat, price, qty, excluded))
    if current is not None:
        replay(current, lines)
        done += 1
    report(done, total)

    outstanding = _outstanding_points(until)
    point_value_now = _rules_at(versions, until).point_value if versions else rules.point_value
    act.liability = outstanding * point_value_now
    sim.liability = max(0, outstanding + sum(drift.values())) * rules.point_value
    act.cost_bp = _cost_bp(act.discount, act.points_issued * point_value_now, act.revenue)
    sim.cost_bp = _cost_bp(sim.discount, sim.points_issued * rules.point_value, sim.revenue)
    for recorded, simulated in last_tier.values():
        act.tiers[recorded] = act.tiers.get(recorded, 0) + 1
        sim.tiers[simulated] = sim.tiers.get(simulated, 0) + 1
    changes = sum(1 for recorded, simulated in last_tier.values() if recorded != simulated)
    return WhatIf(start, end, rules.version, sim, act, changes, len(last_tier), point_value_now)


def _cost_bp(discount: int, points_money: int, revenue: int) -> int:
    return (discount + points_money) * BP // revenue if revenue else 0


def _rules_at(versions: dict[int, Rules], until: dt.datetime) -> Rules:
    row = db.obj.execute_sql(
        'SELECT version FROM "rule_set" WHERE status = \'active\' AND effective_from < ? '
        'ORDER BY effective_from DESC, version DESC LIMIT 1', (_ts(until),)).fetchone()
    return versions[row[0]] if row else next(iter(versions.values()))


def _outstanding_points(until: dt.datetime) -> int:
    """Points members held at `until`: the ledger, plus points still pending then."""
    conn = db.obj.connection()
    held = conn.execute('SELECT COALESCE(SUM(delta), 0) FROM "ledger_entry" WHERE created_at < ?',
                        (_ts(until),)).fetchone()[0]
    pending = conn.execute(
        'SELECT COALESCE(SUM(points - reversed), 0) FROM "pending_points" WHERE created_at < ? '
        'AND (released_at IS NULL OR released_at >= ?)', (_ts(until), _ts(until))).fetchone()[0]
    return int(held) + int(pending)


Spend = dict[bytes, deque]


def _recomputed_tier(
    member: bytes, when: dt.datetime, sim_tier: dict[bytes, str], spend: Spend, spend_sum: dict[bytes, int],
    rules: Rules, entry: Tier | None, window: dt.timedelta,
) -> str:
    _expire_spend(member, when, spend, spend_sum, window)
    return sim_tier.get(member, entry.code if entry else "")


def _expire_spend(member: bytes, when: dt.datetime, spend: Spend, spend_sum: dict[bytes, int],
                  window: dt.timedelta) -> None:
    queue = spend[member]
    while queue and queue[0][0] < when - window:
        spend_sum[member] -= queue.popleft()[1]


def _add_spend(member: bytes, when: dt.datetime, total: int, sim_tier: dict[bytes, str], spend: Spend,
               spend_sum: dict[bytes, int], rules: Rules) -> None:
    """As checkout settles a tier after a sale: up at once, never down."""
    spend[member].append((when, total))
    spend_sum[member] += total
    earned = rules.tier_for_spend(spend_sum[member])
    current = rules.tier(sim_tier.get(member, ""))
    if earned is not None and (current is None or earned.min_spend > current.min_spend):
        sim_tier[member] = earned.code


ROWS = (
    ("sales", "Sales"), ("revenue", "Revenue"), ("discount", "Discounts given"),
    ("points_issued", "Points issued"), ("points_redeemed", "Points redeemed"),
    ("liability", "Liability"), ("cost_bp", "Cost, % of revenue"),
)


def to_csv(result: WhatIf) -> str:
    """The comparison as CSV (amounts in minor units, cost in basis points)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["measure", "simulated", "actual", "difference"])
    for key, _ in ROWS:
        sim, act = getattr(result.simulated, key), getattr(result.actual, key)
        writer.writerow([key, sim, act, sim - act])
    writer.writerow(["tier_changes", result.tier_changes, 0, result.tier_changes])
    for tier in sorted(set(result.simulated.tiers) | set(result.actual.tiers)):
        sim, act = result.simulated.tiers.get(tier, 0), result.actual.tiers.get(tier, 0)
        writer.writerow([f"members_in_tier:{tier}", sim, act, sim - act])
    return out.getvalue()


def dumps(result: WhatIf) -> str:
    return json.dumps(result.as_json(), ensure_ascii=False)


