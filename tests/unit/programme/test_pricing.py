"""The pricing function: exact, explainable and independent of line order."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from services.core.errors import RedeemRefused
from services.core.money import BP
from services.programme.pricing import CartLine, Customer, price_cart
from services.programme.rules import Rules, default_rules

lines_st = st.lists(
    st.builds(
        CartLine,
        key=st.uuids().map(str),
        barcode=st.text("0123456789", min_size=8, max_size=13),
        name=st.just("item"),
        category=st.sampled_from(["Milk", "Bread", "Tobacco"]),
        unit_price=st.integers(0, 5_000_000),
        qty=st.integers(1, 50),
        excluded=st.booleans(),
    ),
    min_size=1, max_size=25, unique_by=(lambda l: l.key, lambda l: l.barcode),  # a cart has one line per barcode
)
rules_st = st.builds(
    Rules,
    version=st.just(1),
    discount_bp=st.integers(0, BP),
    earn_bp=st.integers(0, 3000),
    point_value=st.sampled_from([1, 10, 100]),
    redeem_cap_bp=st.integers(0, BP),
    redeem_min_balance=st.integers(0, 500),
    redeem_step=st.sampled_from([1, 5, 10]),
    max_discount_bp=st.integers(0, BP),
    tiers=st.just(default_rules().tiers),
)
customer_st = st.one_of(
    st.none(), st.builds(Customer, tier=st.sampled_from(["", "base", "silver", "gold"]), balance=st.integers(0, 10**6))
)
manual_st = st.integers(0, 3000)


def _check(priced, lines, rules):
    assert sum(pl.gross for pl in priced.lines) == priced.subtotal
    assert sum(pl.discount for pl in priced.lines) == priced.discount
    assert sum(pl.points_value for pl in priced.lines) == priced.points_value
    assert sum(pl.points_earned for pl in priced.lines) == priced.points_earned
    assert priced.subtotal - priced.discount == priced.total
    assert priced.total - priced.points_value == priced.to_pay
    for pl in priced.lines:
        assert pl.discount >= 0 and pl.points_value >= 0 and pl.points_earned >= 0
        assert pl.money >= 0, "a line never goes negative"
        assert pl.discount * BP <= pl.gross * rules.max_discount_bp, "stacking cap"
        if pl.line.excluded or pl.line.category in rules.excluded_categories:
            assert pl.discount == 0 and pl.points_value == 0 and pl.points_earned == 0


@settings(max_examples=300)
@given(lines_st, customer_st, rules_st, manual_st, st.randoms(), st.floats(0, 1))
def test_pricing_properties(lines, customer, rules, manual, rnd, share):
    first = price_cart(lines, customer, rules, manual_discount_bp=manual)
    _check(first, lines, rules)
    redeem = int(first.max_redeem * share)
    redeem -= redeem % rules.redeem_step
    priced = price_cart(lines, customer, rules, redeem, manual)
    _check(priced, lines, rules)
    eligible = sum(pl.net for pl in priced.lines if not pl.line.excluded)
    assert priced.points_value * BP <= eligible * rules.redeem_cap_bp, "redemption cap"
    if customer is not None:
        assert priced.points_redeemed <= customer.balance
    # Points are never earned on the part paid with points.
    rate = priced.points_earned
    money = sum(pl.money for pl in priced.lines if not pl.line.excluded)
    assert rate * rules.point_value * BP <= money * max(rules.earn_bp, 1000)
    again = rescanned(lines, rnd)
    assert per_barcode(price_cart(again, customer, rules, redeem, manual)) == per_barcode(priced)


def rescanned(lines, rnd):
    """The same goods scanned in another order: each line gets a new key, born in scan order."""
    import dataclasses
    import uuid

    order = list(lines)
    rnd.shuffle(order)
    return [dataclasses.replace(line, key=f"{i:04d}-{uuid.uuid4()}") for i, line in enumerate(order)]


def per_barcode(priced):
    """What each item got, whatever its line's key, and the bill's totals."""
    lines = {pl.line.barcode: (pl.gross, pl.discount, pl.points_value, pl.points_earned) for pl in priced.lines}
    return lines, (priced.subtotal, priced.discount, priced.points_value, priced.points_earned, priced.bonuses)


def _line(key, price, qty=1, excluded=False, category="Milk"):
    return CartLine(key, f"46000000000{key}", f"item {key}", category, price, qty, excluded)


def test_bonus_example_explains_every_point():
    rules = Rules(version=3, earn_bp=500, point_value=100, redeem_cap_bp=3000, redeem_min_balance=100)
    lines = [_line("a", 10000, 2), _line("b", 5000), _line("c", 20000, excluded=True, category="Tobacco")]
    member = Customer(balance=1000)
    priced = price_cart(lines, member, rules, redeem=75)
    assert priced.subtotal == 45000 and priced.discount == 0
    assert priced.max_redeem == 75  # 30 % of the 250.00 that may take points
    assert priced.points_value == 7500 and priced.to_pay == 37500
    # 5 % of the 175.00 paid in money for eligible goods = 8.75 -> 8 whole points
    assert priced.points_earned == 8
    assert priced.lines[2].reasons == ({"code": "excluded", "category": "Tobacco"},)
    assert any(r["code"] == "earn" for r in priced.lines[0].reasons)
    assert priced.rule_version == 3


def test_discount_programme_and_tier():
    rules = dataclasses.replace(default_rules(), discount_bp=500, earn_bp=0, version=1)
    lines = [_line("a", 9999)]
    plain = price_cart(lines, Customer(tier="base"), rules)
    assert plain.discount == 500  # 5 % of 99.99 = 4.9995 -> 5.00
    gold = price_cart(lines, Customer(tier="gold"), rules)
    assert gold.discount == 300 and gold.lines[0].reasons[0]["code"] == "tier_discount"
    assert price_cart(lines, None, rules).discount == 0


def test_redeem_refusals_say_why():
    rules = Rules(version=1, earn_bp=500, redeem_min_balance=100)
    lines = [_line("a", 10000)]
    with pytest.raises(RedeemRefused, match="from a balance of 100"):
        price_cart(lines, Customer(balance=50), rules, redeem=10)
    with pytest.raises(RedeemRefused, match="At most 30"):
        price_cart(lines, Customer(balance=500), rules, redeem=31)
    with pytest.raises(RedeemRefused, match="member"):
        price_cart(lines, None, rules, redeem=1)
    with pytest.raises(RedeemRefused, match="owes"):
        price_cart(lines, Customer(balance=-5, redeem_blocked=True), rules, redeem=1)


# --- with promotions, event bonuses and time ------------------------------------------------

import datetime as dt  # noqa: E402

from services.programme.rules import Promotion  # noqa: E402

CATEGORIES = ["Milk", "Bread", "Tobacco", "Sweets"]
promotion_st = st.builds(
    Promotion,
    code=st.text("abcdef", min_size=1, max_size=4),
    name=st.just("promo"),
    kind=st.sampled_from(["discount", "multiplier", "fixed_points", "buy_get"]),
    bp=st.integers(1, 10 * BP),
    points=st.integers(1, 50),
    buy=st.integers(1, 4),
    get=st.integers(1, 3),
    categories=st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True).map(tuple),
    tiers=st.sampled_from([(), ("gold",), ("base", "silver")]),
    members_only=st.booleans(),
    weekdays=st.sampled_from([(), (0, 1, 2, 3, 4), (5, 6)]),
    hour_from=st.sampled_from([0, 8, 18]),
    hour_to=st.sampled_from([12, 24]),
    min_bill=st.sampled_from([0, 10_000, 1_000_000]),
    min_qty=st.sampled_from([0, 3]),
    coupon=st.booleans(),
    priority=st.integers(0, 200),
    exclusive=st.booleans(),
)
rich_rules_st = st.builds(
    Rules,
    version=st.just(2),
    discount_bp=st.integers(0, BP),
    earn_bp=st.integers(0, 3000),
    point_value=st.sampled_from([1, 10, 100]),
    redeem_cap_bp=st.integers(0, BP),
    redeem_step=st.sampled_from([1, 5]),
    max_discount_bp=st.integers(0, BP),
    tiers=st.just(default_rules().tiers),
    excluded_categories=st.sampled_from([(), ("Tobacco",)]),
    promotions=st.lists(promotion_st, max_size=8, unique_by=lambda p: p.code).map(tuple),
    birthday_points=st.integers(0, 300),
    birthday_discount_bp=st.integers(0, 2000),
    welcome_on=st.sampled_from(["registration", "first_purchase"]),
    welcome_points=st.integers(0, 100),
    referral_new_points=st.integers(0, 100),
)
rich_lines_st = st.lists(
    st.builds(
        CartLine,
        key=st.uuids().map(str),
        barcode=st.text("0123456789", min_size=8, max_size=13),
        name=st.just("item"),
        category=st.sampled_from(CATEGORIES),
        unit_price=st.integers(0, 2_000_000),
        qty=st.integers(1, 20),
        excluded=st.booleans(),
    ),
    min_size=1, max_size=20, unique_by=(lambda l: l.key, lambda l: l.barcode),
)
rich_customer_st = st.one_of(st.none(), st.builds(
    Customer, tier=st.sampled_from(["", "base", "silver", "gold"]), balance=st.integers(0, 10**6),
    birthday_due=st.booleans(), first_purchase=st.booleans(), referred=st.booleans(),
))
when_st = st.one_of(st.none(), st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2027, 1, 1)))


@pytest.mark.slow  # over 3 s (pytest --durations)
@settings(max_examples=300)
@given(rich_lines_st, rich_customer_st, rich_rules_st, manual_st, when_st,
       st.sets(st.text("abcdef", min_size=1, max_size=4)), st.randoms(), st.floats(0, 1))
def test_pricing_properties_with_promotions(lines, customer, rules, manual, when, coupons, rnd, share):
    first = price_cart(lines, customer, rules, manual_discount_bp=manual, now=when, coupons=coupons)
    _check(first, lines, rules)
    redeem = int(first.max_redeem * share)
    redeem -= redeem % rules.redeem_step
    priced = price_cart(lines, customer, rules, redeem, manual, now=when, coupons=coupons)
    _check(priced, lines, rules)
    # Redemption is a bill-level amount: spread over the lines, it sums exactly and never
    # makes a line negative (checked in _check); it stays under the cap.
    eligible = sum(pl.net for pl in priced.lines if not (pl.line.excluded or pl.line.category in rules.excluded_categories))
    assert priced.points_value * BP <= eligible * rules.redeem_cap_bp
    assert priced.bonus_points >= 0
    if customer is None:
        assert priced.bonuses == () and priced.points_earned == 0
    for pl in priced.lines:
        assert pl.net >= 0
        promo_codes = {r.get("promo") for r in pl.reasons} - {None}
        assert promo_codes <= {p.code for p in rules.promotions}
    again = rescanned(lines, rnd)
    assert per_barcode(price_cart(again, customer, rules, redeem, manual, now=when, coupons=coupons)) == per_barcode(priced)


def test_a_discount_source_is_listed_with_its_amount_and_they_add_up():
    rules = Rules(version=1, discount_bp=300, max_discount_bp=BP, promotions=(
        Promotion("a", "A", "discount", bp=1000, members_only=False),
        Promotion("b", "B", "buy_get", buy=1, get=1, members_only=False),
    ))
    priced = price_cart([_line("x", 999, qty=4)], Customer(tier="base"), rules, manual_discount_bp=500)
    pl = priced.lines[0]
    amounts = [r["amount"] for r in pl.reasons if "amount" in r and r["code"] != "points_paid"]
    assert sum(amounts) == pl.discount == 400 + 1998 + 120 + 200


def test_an_odd_kopeck_goes_to_the_same_item_whatever_the_scan_order():
    rules = Rules(version=1, earn_bp=0, point_value=1, redeem_cap_bp=BP, redeem_min_balance=0)
    milk, bread = ("4600000000017", "Milk"), ("4600000000024", "Bread")
    member = Customer(balance=100)

    def scan(*goods):
        lines = [CartLine(f"{i:04d}", code, name, "Food", 10000, 1, False) for i, (code, name) in enumerate(goods)]
        return per_barcode(price_cart(lines, member, rules, redeem=1))

    assert scan(milk, bread) == scan(bread, milk)
