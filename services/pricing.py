"""Pricing: a pure function of cart + member + rules.

Nothing here reads the database or the clock, so the same cart always prices
the same way: at the till, in a replay of history, and in a test.  Each line
carries the reasons for its discount and its points, so the screen and the
receipt can explain every kopeck.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from services.errors import RedeemRefused
from services.money import BP, allocate, percent
from services.rules import Rules

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


@dataclass(frozen=True)
class Customer:
    """What pricing needs to know of a member."""

    tier: str = ""
    balance: int = 0
    redeem_blocked: bool = False


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
    points_earned: int
    max_redeem: int  # points this sale could take
    member: bool = False


def _is_excluded(line: CartLine, rules: Rules) -> bool:
    return line.excluded or line.category in rules.excluded_categories


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
        return RedeemRefused("Paying with points is switched off in this programme.", "redeem_off")
    if customer.redeem_blocked or customer.balance < 0:
        return RedeemRefused(
            "This member owes points; paying with points is blocked until new purchases cover it.", "redeem_owes"
        )
    least = max(rules.redeem_min_balance, 1)
    if customer.balance < least:
        return RedeemRefused(
            f"Points can be used from a balance of {least}; this member has {customer.balance}.",
            "redeem_min_balance", least=least, balance=customer.balance,
        )
    return RedeemRefused("No points can be used on these items.", "redeem_no_items")


def price_cart(
    lines: Sequence[CartLine],
    customer: Customer | None,
    rules: Rules,
    redeem: int = 0,
    manual_discount_bp: int = 0,
) -> PricedCart:
    """Price a cart.  `redeem` points are spent if allowed, else RedeemRefused."""
    ordered = sorted(lines, key=lambda l: l.key)  # line order never matters
    rate, rate_reason = _discount_rate(customer, rules)
    cap_bp = rules.max_discount_bp

    gross: list[int] = []
    discounts: list[int] = []
    reasons: list[list[Reason]] = []
    excluded: list[bool] = []
    for line in ordered:
        amount = line.unit_price * line.qty
        why: list[Reason] = []
        off = 0
        skip = _is_excluded(line, rules)
        if skip:
            if rate or manual_discount_bp or customer is not None:
                why.append({"code": "excluded", "category": line.category})
        else:
            if rate:
                part = percent(amount, rate)
                off += part
                why.append({**rate_reason, "amount": part})  # type: ignore[dict-item]
            if manual_discount_bp:
                part = percent(amount, manual_discount_bp)
                off += part
                why.append({"code": "manual_discount", "bp": manual_discount_bp, "amount": part})
            cap = amount * cap_bp // BP
            if off > cap:
                why.append({"code": "discount_capped", "bp": cap_bp, "amount": cap - off})
                off = cap
        gross.append(amount)
        discounts.append(off)
        reasons.append(why)
        excluded.append(skip)

    nets = [g - d for g, d in zip(gross, discounts)]
    eligible_nets = [0 if ex else n for n, ex in zip(nets, excluded)]
    eligible = sum(eligible_nets)
    cap_points = max_redeemable(customer, rules, eligible)
    if redeem < 0:
        raise RedeemRefused("Points to redeem cannot be negative.", "redeem_negative")
    if redeem and customer is None:
        raise RedeemRefused("Scan a member's card to pay with points.", "redeem_no_member")
    if redeem > cap_points and cap_points == 0:
        raise _why_none(customer, rules)
    if redeem > cap_points:
        raise RedeemRefused(
            f"At most {cap_points} points can be used on this sale.", "redeem_over_cap", points=cap_points
        )
    if redeem % rules.redeem_step:
        raise RedeemRefused(
            f"Points are redeemed in steps of {rules.redeem_step}.", "redeem_step", step=rules.redeem_step
        )
    keys = [l.key for l in ordered]
    redeem_value = redeem * rules.point_value
    shares = allocate(redeem_value, eligible_nets, keys) if redeem_value else [0] * len(ordered)

    rate_earn = earn_rate(customer, rules)
    money = [0 if ex else n - s for n, s, ex in zip(nets, shares, excluded)]
    total_points = sum(money) * rate_earn // (BP * rules.point_value) if rate_earn else 0
    earned = allocate(total_points, money, keys) if total_points else [0] * len(ordered)

    priced = []
    for i, line in enumerate(ordered):
        why = reasons[i]
        if shares[i]:
            why.append({"code": "points_paid", "amount": shares[i]})
        if earned[i]:
            why.append({"code": "earn", "bp": rate_earn, "points": earned[i]})
        priced.append(PricedLine(line, gross[i], discounts[i], shares[i], earned[i], tuple(why)))

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
        points_earned=total_points,
        max_redeem=cap_points,
        member=customer is not None,
    )
