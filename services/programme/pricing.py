"""Pricing: a pure function of cart + member + rules (+ the time, passed in).

Nothing here reads the database or the clock, so the same cart always prices
the same way: at the till, in a replay of history (services.whatif), and in a
test.  Each line carries the reasons for its discount and its points, and the
bill carries its event bonuses, so the screen and the receipt can explain
every kopeck and every point.

Stacking, per line: every discount source (member or tier discount, birthday
discount, promotions, the manager's manual discount) is listed in priority
order; if any promotion or programme discount is exclusive, the first
exclusive one is the only one of them that applies (a manager's discount
still adds); the sum stops at the programme's maximum discount.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from services.core.errors import RedeemRefused
from services.core.money import BP, allocate, percent
from services.programme.rules import Promotion, Rules

Reason = dict[str, Any]


@dataclass(frozen=True)
class CartLine:
    key: str  # stable id of the line (born when scanned)
    barcode: str
    name: str
    category: str
    unit_price: int
    qty: int
    excluded: bool = False  # category never gets a discount or points
    # A weighed line (services.shop.scales): qty 1, unit_price its amount, and these to print.
    grams: int = 0
    per_kg: int = 0
    # A gift for points (services.programme.rewards): price 0, the reward's id and the points for the whole qty.
    reward_id: str = ""
    reward_points: int = 0


@dataclass(frozen=True)
class Customer:
    """What pricing needs to know of a member (the services work it out)."""

    tier: str = ""
    balance: int = 0
    redeem_blocked: bool = False
    birthday_due: bool = False  # in the birthday window, no birthday bonus yet this year
    first_purchase: bool = False
    referred: bool = False  # registered with a referrer's card or phone


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    gross: int
    discount: int
    points_value: int  # money of this line paid with points
    points_earned: int
    reasons: tuple[Reason, ...]

    @property
    def net(self) -> int:
        return self.gross - self.discount

    @property
    def money(self) -> int:
        return self.net - self.points_value


@dataclass(frozen=True)
class PricedCart:
    lines: tuple[PricedLine, ...]
    rule_version: int
    subtotal: int
    discount: int
    total: int  # after discounts
    points_redeemed: int
    points_value: int
    to_pay: int  # in money
    points_earned: int  # on the lines
    max_redeem: int  # points this sale could take
    member: bool = False
    bonuses: tuple[Reason, ...] = ()  # welcome, birthday, referral: points for the bill, not a line
    promotions: tuple[str, ...] = ()  # codes of the promotions that gave something

    @property
    def bonus_points(self) -> int:
        return sum(b["points"] for b in self.bonuses)

    @property
    def points_issued(self) -> int:
        return self.points_earned + self.bonus_points

    @property
    def points_rewarded(self) -> int:
        """Points the gifts on the sale cost (apart from the points that pay the bill)."""
        return sum(pl.line.reward_points for pl in self.lines)

    @property
    def points_spent(self) -> int:
        """All the points the sale takes from the member: paying the bill, and gifts for points."""
        return self.points_redeemed + self.points_rewarded


def _is_excluded(line: CartLine, rules: Rules) -> bool:
    return bool(line.reward_id) or line.excluded or line.category in rules.excluded_categories or line.barcode in rules.excluded_products


def _discount_rate(customer: Customer | None, rules: Rules) -> tuple[int, Reason | None]:
    if customer is None:
        return 0, None
    tier = rules.tier(customer.tier)
    if tier is not None and tier.discount_bp is not None:
        return tier.discount_bp, {"code": "tier_discount", "tier": tier.name, "bp": tier.discount_bp}
    if rules.discount_bp:
        return rules.discount_bp, {"code": "member_discount", "bp": rules.discount_bp}
    return 0, None


def earn_rate(customer: Customer | None, rules: Rules) -> int:
    if customer is None:
        return 0
    tier = rules.tier(customer.tier)
    if tier is not None and tier.earn_bp is not None:
        return tier.earn_bp
    return rules.earn_bp


def max_redeemable(customer: Customer | None, rules: Rules, eligible: int) -> int:
    """Points this bill can take: balance, cap, minimum balance and step."""
    if customer is None or not rules.redeem_enabled or customer.redeem_blocked:
        return 0
    if customer.balance < max(rules.redeem_min_balance, 1):
        return 0
    cap_money = eligible * rules.redeem_cap_bp // BP  # floor: never over the cap
    points = min(customer.balance, cap_money // rules.point_value)
    return points - points % rules.redeem_step


def _why_none(customer: Customer, rules: Rules) -> RedeemRefused:
    if not rules.redeem_enabled:
        return RedeemRefused("redeem_off")
    if customer.redeem_blocked or customer.balance < 0:
        return RedeemRefused("redeem_owes")
    least = max(rules.redeem_min_balance, 1)
    if customer.balance < least:
        return RedeemRefused("redeem_min_balance", least=least, balance=customer.balance)
    return RedeemRefused("redeem_no_items")


# --- promotions ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    """A promotion with its text fields made into what matching needs."""

    promo: Promotion
    categories: frozenset[str]
    products: frozenset[str]
    tiers: frozenset[str]
    starts: dt.date | None
    ends: dt.date | None


_compiled_cache: dict[int, tuple[Rules, tuple[_Compiled, ...]]] = {}


def _compiled(rules: Rules) -> tuple[_Compiled, ...]:
    """Promotions sorted by priority, parsed once per rule set (not per cart)."""
    hit = _compiled_cache.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    out = tuple(
        _Compiled(
            p, frozenset(p.categories), frozenset(p.products), frozenset(p.tiers),
            dt.date.fromisoformat(p.starts) if p.starts else None,
            dt.date.fromisoformat(p.ends) if p.ends else None,
        )
        for p in sorted(rules.promotions, key=lambda p: (p.priority, p.code))
    )
    if len(_compiled_cache) > 32:
        _compiled_cache.clear()
    _compiled_cache[id(rules)] = (rules, out)
    return out


def local_time(now: dt.datetime, rules: Rules) -> dt.datetime:
    """`now` is naive UTC (as the till stores it); promotions run on the shop's clock."""
    if not rules.timezone:
        return now
    import zoneinfo

    return now.replace(tzinfo=dt.timezone.utc).astimezone(zoneinfo.ZoneInfo(rules.timezone)).replace(tzinfo=None)


def _runs_now(c: _Compiled, when: dt.datetime | None) -> bool:
    p = c.promo
    timed = c.starts or c.ends or p.weekdays or p.hour_from or p.hour_to != 24
    if not timed:
        return True
    if when is None:
        return False  # no time given: only promotions that always run
    day = when.date()
    if c.starts and day < c.starts or c.ends and day > c.ends:
        return False
    if p.weekdays and when.weekday() not in p.weekdays:
        return False
    return p.hour_from <= when.hour < p.hour_to


def _touches(c: _Compiled, line: CartLine) -> bool:
    return (not c.categories or line.category in c.categories) and (not c.products or line.barcode in c.products)


def _applicable(
    rules: Rules, lines: Sequence[CartLine], eligible: Sequence[bool], customer: Customer | None,
    when: dt.datetime | None, coupons: frozenset[str],
) -> list[tuple[_Compiled, list[int]]]:
    """The promotions that apply to this cart, each with the indexes of its lines."""
    subtotal = sum(l.unit_price * l.qty for l in lines)
    out = []
    for c in _compiled(rules):
        p = c.promo
        if p.members_only and customer is None:
            continue
        if c.tiers and (customer is None or customer.tier not in c.tiers):
            continue
        if p.coupon and p.code not in coupons:
            continue
        if subtotal < p.min_bill or not _runs_now(c, when):
            continue
        hit = [i for i, line in enumerate(lines) if eligible[i] and _touches(c, line)]
        if not hit or sum(lines[i].qty for i in hit) < p.min_qty:
            continue
        out.append((c, hit))
    return out


# --- the price ------------------------------------------------------------------------------


def price_cart(
    lines: Sequence[CartLine],
    customer: Customer | None,
    rules: Rules,
    redeem: int = 0,
    manual_discount_bp: int = 0,
    *,
    now: dt.datetime | None = None,
    coupons: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
) -> PricedCart:
    """Price a cart at `now` (naive UTC; None: only untimed promotions apply).

    `coupons` are the codes of the promotions the presented coupons unlock
    (the services check a coupon's limits before pricing).  `redeem` points
    are spent if allowed, else RedeemRefused.
    """
    ordered = sorted(lines, key=lambda l: l.key)  # line order never matters
    when = local_time(now, rules) if now is not None else None
    unlocked = frozenset(coupons)
    rate, rate_reason = _discount_rate(customer, rules)
    cap_bp = rules.max_discount_bp
    n = len(ordered)
    excluded = [_is_excluded(line, rules) for line in ordered]
    gross = [line.unit_price * line.qty for line in ordered]
    promos = _applicable(rules, ordered, [not e for e in excluded], customer, when, unlocked)

    # Discount sources per line: (priority, exclusive, order, reason, amount)
    sources: list[list[tuple[int, bool, str, Reason, int]]] = [[] for _ in range(n)]
    multipliers = [BP] * n
    mult_reason: list[Reason | None] = [None] * n
    fixed: list[list[Reason]] = [[] for _ in range(n)]
    used: set[str] = set()
    if rate:
        for i in range(n):
            if not excluded[i]:
                part = percent(gross[i], rate)
                sources[i].append((rules.member_discount_priority, False, "~member", {**rate_reason, "amount": part}, part))  # type: ignore[dict-item]
    if customer is not None and customer.birthday_due and rules.birthday_discount_bp:
        for i in range(n):
            if not excluded[i]:
                part = percent(gross[i], rules.birthday_discount_bp)
                why = {"code": "birthday_discount", "bp": rules.birthday_discount_bp, "amount": part}
                sources[i].append((rules.member_discount_priority, False, "~birthday", why, part))
    for c, hit in promos:
        p = c.promo
        for i in hit:
            line = ordered[i]
            if p.kind == "discount":
                part = percent(gross[i], p.bp)
                why = {"code": "promo_discount", "promo": p.code, "name": p.name, "bp": p.bp, "amount": part}
                sources[i].append((p.priority, p.exclusive, p.code, why, part))
            elif p.kind == "buy_get":
                free = line.qty // (p.buy + p.get) * p.get
                if free:
                    part = free * line.unit_price
                    why = {"code": "promo_free", "promo": p.code, "name": p.name, "free": free, "amount": part}
                    sources[i].append((p.priority, p.exclusive, p.code, why, part))
            elif p.kind == "multiplier" and customer is not None and p.bp > multipliers[i]:
                multipliers[i] = p.bp
                mult_reason[i] = {"code": "promo_multiplier", "promo": p.code, "name": p.name, "x_bp": p.bp}
            elif p.kind == "fixed_points" and customer is not None:
                fixed[i].append({"code": "promo_points", "promo": p.code, "name": p.name, "points": p.points * line.qty})

    discounts: list[int] = []
    reasons: list[list[Reason]] = []
    for i, line in enumerate(ordered):
        why: list[Reason] = []
        off = 0
        if line.reward_id:
            why.append({"code": "reward", "points": line.reward_points})
        elif excluded[i]:
            if rate or manual_discount_bp or customer is not None or promos:
                why.append({"code": "excluded", "category": line.category})
        else:
            chosen = sorted(sources[i], key=lambda s: (s[0], s[2]))
            exclusive = [s for s in chosen if s[1]]
            if exclusive:
                chosen = exclusive[:1]
            if manual_discount_bp:
                part = percent(gross[i], manual_discount_bp)
                chosen.append((10**9, False, "~manual", {"code": "manual_discount", "bp": manual_discount_bp, "amount": part}, part))
            for _, _, _, reason, amount in chosen:
                if amount:
                    off += amount
                    why.append(reason)
                    if "promo" in reason:
                        used.add(reason["promo"])
            cap = gross[i] * cap_bp // BP
            if off > cap:
                why.append({"code": "discount_capped", "bp": cap_bp, "amount": cap - off})
                off = cap
        discounts.append(off)
        reasons.append(why)

    nets = [g - d for g, d in zip(gross, discounts)]
    eligible_nets = [0 if ex else v for v, ex in zip(nets, excluded)]
    eligible = sum(eligible_nets)
    cap_points = max_redeemable(customer, rules, eligible)
    if redeem < 0:
        raise RedeemRefused("redeem_negative")
    if redeem and customer is None:
        raise RedeemRefused("redeem_no_member")
    if redeem > cap_points and cap_points == 0:
        raise _why_none(customer, rules)  # type: ignore[arg-type]
    if redeem > cap_points:
        raise RedeemRefused("redeem_over_cap", points=cap_points)
    if redeem % rules.redeem_step:
        raise RedeemRefused("redeem_step", step=rules.redeem_step)
    # Ties go by barcode (one line per barcode in a cart), not by the line's key,
    # which is born at scan time: the same goods scanned in another order get the same result.
    keys = [(l.barcode, l.key) for l in ordered]
    redeem_value = redeem * rules.point_value
    shares = allocate(redeem_value, eligible_nets, keys) if redeem_value else [0] * n

    # Points: the rate (times the line's best multiplier) of the money paid,
    # floored once for the bill and spread back by weight, then fixed points.
    base = earn_rate(customer, rules)
    money = [0 if ex else v - s for v, s, ex in zip(nets, shares, excluded)]
    weights = [m * base * multipliers[i] // BP for i, m in enumerate(money)] if base else [0] * n
    total_points = sum(weights) // (BP * rules.point_value) if base else 0
    earned = allocate(total_points, weights, keys) if total_points else [0] * n

    priced = []
    points_total = 0
    for i, line in enumerate(ordered):
        why = reasons[i]
        if shares[i]:
            why.append({"code": "points_paid", "amount": shares[i]})
        points = earned[i]
        if earned[i]:
            reason = {"code": "earn", "bp": base, "points": earned[i]}
            if mult_reason[i] is not None:
                reason["x_bp"] = multipliers[i]
                why.append(mult_reason[i])  # type: ignore[arg-type]
                used.add(mult_reason[i]["promo"])  # type: ignore[index]
            why.append(reason)
        for bonus in fixed[i]:
            why.append(bonus)
            points += bonus["points"]
            used.add(bonus["promo"])
        points_total += points
        priced.append(PricedLine(line, gross[i], discounts[i], shares[i], points, tuple(why)))

    bonuses: list[Reason] = []
    if customer is not None:
        if customer.birthday_due and (rules.birthday_points or rules.birthday_discount_bp):
            # Listed even with no points: it is what marks this year's birthday as given,
            # so a birthday discount alone is also once a year.
            bonuses.append({"code": "birthday", "points": rules.birthday_points})
        if customer.first_purchase and rules.welcome_on == "first_purchase" and rules.welcome_points:
            bonuses.append({"code": "welcome", "points": rules.welcome_points})
        if customer.first_purchase and customer.referred and rules.referral_new_points:
            bonuses.append({"code": "referral", "points": rules.referral_new_points})

    subtotal = sum(gross)
    discount = sum(discounts)
    total = subtotal - discount
    return PricedCart(
        lines=tuple(priced),
        rule_version=rules.version,
        subtotal=subtotal,
        discount=discount,
        total=total,
        points_redeemed=redeem,
        points_value=redeem_value,
        to_pay=total - redeem_value,
        points_earned=points_total,
        max_redeem=cap_points,
        member=customer is not None,
        bonuses=tuple(bonuses),
        promotions=tuple(sorted(used)),
    )
