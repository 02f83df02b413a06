"""The pricing function: exact, explainable and independent of line order."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from services.errors import RedeemRefused
from services.money import BP
from services.pricing import CartLine, Customer, price_cart
from services.rules import Rules, default_rules

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
    min_size=1, max_size=25, unique_by=lambda l: l.key,
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
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert price_cart(shuffled, customer, rules, redeem, manual) == priced


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
