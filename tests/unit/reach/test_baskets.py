"""Goods bought together: the rules counted from constructed baskets, exactly, and against
plain Python over the raw rows."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.schema import Product, ReturnLine, SaleLine, Setting
from services.reach import baskets
from services.sale import returns
from tests.unit.insights.insightkit import import_history, receipt_rows
from tests.unit.reach.offerkit import NOW, days_ago, programme_with_campaign, sell
from tests.unit.shopkit import add_products


@pytest.fixture
def goods(shop):
    programme_with_campaign()
    return add_products([("Apples", 9000, False), ("Bread", 4500, False), ("Cheese", 30000, False),
                         ("Dates", 12000, False)])


def pid(barcode: str) -> uuid.UUID:
    return Product.get(Product.barcode == barcode).id


def test_rules_of_constructed_baskets_are_exact(shop, goods):
    a, b, c, d = goods
    cashier = shop["cashier"]
    for n, basket in enumerate([[a, b]] * 3 + [[a, b, c]] + [[b, c]] * 2 + [[d]] * 2):
        sell(basket, days_ago(30 - n), cashier)
    # A basket of apples and cheese whose cheese came back: apples alone.  Dates returned whole: no basket.
    partly = sell([a, c], days_ago(5), cashier)
    wholly = sell([d, d], days_ago(4), cashier)  # one line of two, both returned
    returns.return_items(partly.receipt_no, {c: 1}, actor=shop["manager"], now=days_ago(3))
    returns.return_items(wholly.receipt_no, None, actor=shop["manager"], now=days_ago(3))
    # A line returned in part keeps its product in the basket.
    kept = sell([b, b], days_ago(2), cashier)
    returns.return_items(kept.receipt_no, {b: 1}, actor=shop["manager"], now=days_ago(1))

    count, rules = baskets.count_rules(min_support=Fraction(0), min_confidence=Fraction(0), min_pair_baskets=3)
    # Baskets: AB x3, ABC, BC x2, D x2, A (cheese returned), B (one bread kept) = 10.
    assert count == 10
    by = {(r.antecedent, r.consequent): r for r in rules}
    A, B, C = pid(a), pid(b), pid(c)
    assert set(by) == {(A, B), (B, A), (B, C), (C, B)}  # AC together once only: under 3 baskets
    # A in 5 baskets, B in 7, C in 3; AB together 4, BC 3.
    assert (by[A, B].support, by[A, B].confidence, by[A, B].lift) == (Fraction(4, 10), Fraction(4, 5),
                                                                      Fraction(8, 7))
    assert (by[B, A].support, by[B, A].confidence, by[B, A].lift) == (Fraction(4, 10), Fraction(4, 7),
                                                                      Fraction(8, 7))
    assert (by[B, C].support, by[B, C].confidence, by[B, C].lift) == (Fraction(3, 10), Fraction(3, 7),
                                                                      Fraction(10, 7))
    assert (by[C, B].confidence, by[C, B].lift) == (Fraction(1), Fraction(10, 7))

    # The thresholds: confidence 1/2 leaves A->B (4/5), B->A (4/7), C->B (1) and drops B->C (3/7).
    _, strict = baskets.count_rules(min_support=Fraction(0), min_confidence=Fraction(1, 2), min_pair_baskets=3)
    assert {(r.antecedent, r.consequent) for r in strict} == {(A, B), (B, A), (C, B)}
    # Support 1/3 (4 of 10 baskets at least): only A and B together.
    _, common = baskets.count_rules(min_support=Fraction(1, 3), min_confidence=Fraction(0), min_pair_baskets=1)
    assert {(r.antecedent, r.consequent) for r in common} == {(A, B), (B, A)}
    # Lift at or below 1 is no rule: two more baskets of apples alone make A->B 4 of 7 beside B in 7 of 12.
    sell([a], days_ago(1), cashier)
    sell([a], days_ago(1), cashier)
    _, flat = baskets.count_rules(min_support=Fraction(0), min_confidence=Fraction(0), min_pair_baskets=3)
    assert {(r.antecedent, r.consequent) for r in flat} == {(B, C), (C, B)}  # AB: lift 4*12/(7*7) = 48/49


def test_companions_read_the_kept_rules_and_never_count(shop, goods):
    a, b, c, d = goods
    for n, basket in enumerate([[a, b]] * 4 + [[b, c]] * 3 + [[d]] * 3):
        sell(basket, days_ago(20 - n), shop["cashier"])
    assert baskets.companions([pid(a)]) == []  # never counted: nothing to offer, and nothing counted now
    assert baskets.is_due(NOW)
    assert baskets.refresh(now=NOW)["counted"]
    assert not baskets.is_due(NOW)
    first = baskets.companions([pid(a)])
    assert [(x.product_id, x.because_of, x.confidence) for x in first] == [(pid(b), pid(a), Fraction(1))]
    # From bread: apples (4 of 7) and cheese (3 of 7); from bread and cheese together: apples only.
    assert [x.product_id for x in baskets.companions([pid(b)])] == [pid(a), pid(c)]
    assert [x.product_id for x in baskets.companions([pid(b), pid(c)])] == [pid(a)]
    assert baskets.companions([pid(b)], limit=1)[0].product_id == pid(a)
    # A few new sales do not make it due; a day later they do.
    sell([c, d], NOW, shop["cashier"])
    assert not baskets.is_due(NOW)
    assert baskets.refresh(now=NOW)["counted"] is False
    assert baskets.is_due(NOW + baskets.REFRESH_AFTER)
    # Kept till-local: neither setting is shared with the chain.
    from services.sync.client import LOCAL_KEYS

    assert {baskets.STATE_KEY, baskets.RULES_KEY} <= LOCAL_KEYS
    assert Setting.get_by_id(baskets.RULES_KEY).value


def test_the_kept_rules_are_the_last_years_baskets(shop, goods):
    a, b, c, d = goods
    for n in range(4):
        sell([c, d], days_ago(400 + n), shop["cashier"])  # a taste of long ago
        sell([a, b], days_ago(10 + n), shop["cashier"])
        sell([c], days_ago(10 + n), shop["cashier"])  # cheese alone this year (and a lift above 1 for A, B)
    assert {(r.antecedent, r.consequent) for r in baskets.count_rules(min_confidence=Fraction(0))[1]} == {
        (pid(a), pid(b)), (pid(b), pid(a)), (pid(c), pid(d)), (pid(d), pid(c))}
    assert baskets.refresh(now=NOW)["baskets"] == 8
    assert baskets.companions([pid(c)]) == [] and [x.product_id for x in baskets.companions([pid(a)])] == [pid(b)]


BASKET = st.lists(st.integers(0, 3), min_size=1, max_size=4)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(BASKET, min_size=1, max_size=14), floor=st.integers(1, 3),
       confidence=st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(1, 2)]))
def test_rules_are_the_plain_count_over_the_raw_rows(shop, goods, drawn, floor, confidence):
    names = ("Apples", "Bread", "Cheese", "Dates")
    rows = []
    for n, basket in enumerate(drawn):
        rows += receipt_rows(None, dt.datetime(2026, 11, 1, 10, 0) + dt.timedelta(minutes=n),
                             [(goods[p], names[p], 1, 1000) for p in basket])
    import_history(rows, shop)
    # Plain Python over every sale line in the file (earlier examples' too), net of full returns.
    returned = Counter()
    for rl in ReturnLine.select():
        returned[rl.sale_line_id] += rl.qty
    sets: dict = {}
    for line in SaleLine.select():
        if line.product_id is not None and returned[line.id] < line.qty:
            sets.setdefault(line.sale_id, set()).add(line.product_id)
    total = len(sets)
    items = Counter(p for s in sets.values() for p in s)
    pairs = Counter(frozenset(pair) for s in sets.values() for pair in combinations(sorted(s, key=str), 2))
    want = set()
    for pair, together in pairs.items():
        if together < floor:
            continue
        x, y = tuple(pair)
        for ante, cons in ((x, y), (y, x)):
            conf = Fraction(together, items[ante])
            lift = Fraction(together * total, items[ante] * items[cons])
            if conf >= confidence and lift > 1:
                want.add((ante, cons, together, conf, lift))
    count, rules = baskets.count_rules(min_support=Fraction(0), min_confidence=confidence, min_pair_baskets=floor)
    assert count == total
    assert {(r.antecedent, r.consequent, r.together, r.confidence, r.lift) for r in rules} == want
