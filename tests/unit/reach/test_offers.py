"""Personal offers at scan: goods due, companions and personal coupons from constructed histories."""
from __future__ import annotations

import datetime as dt
import itertools
import statistics

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.schema import Product
from services.programme import rules as rules_service
from services.reach import baskets, offers
from services.reach.offers import Suggestion
from services.sale import returns
from tests.unit.reach.offerkit import NOW, days_ago, issue_coupon, programme_with_campaign, sell
from tests.unit.shopkit import add_member, add_products

_names = itertools.count(1)


@pytest.fixture
def goods(shop):
    programme_with_campaign()
    return add_products([("Coffee beans", 90000, False), ("Milk", 9000, False), ("Cookies", 15000, False),
                         ("Tea", 30000, False)])


def member(shop):
    return add_member(f"Member {next(_names)}", shop["cashier"])[0]


def product_id(barcode: str) -> str:
    return str(Product.get(Product.barcode == barcode).id)


def test_goods_due_from_a_constructed_history(shop, goods):
    coffee, milk, *_ = goods
    anna = member(shop)
    for back in (48, 34, 20):  # every 14 days; last 20 days ago
        sell([coffee], days_ago(back), shop["cashier"], anna)
    sell([milk], days_ago(3), shop["cashier"], anna)
    got = offers.suggest(anna, [], now=NOW)
    assert got == [Suggestion("due", "Usually buys Coffee beans every ~14 days; last 20 days ago",
                              round(offers.due_score(20, 14), 4), product_id(coffee), coffee, "Coffee beans")]
    assert got[0].score == pytest.approx(0.5 + 0.25 * (20 / 14 - 1), abs=1e-4)
    # Already in the cart: not offered again.
    assert offers.suggest(anna, [product_id(coffee)], now=NOW) == []


def test_no_goods_due_when_bought_recently_seldom_long_ago_or_returned(shop, goods):
    coffee, milk, cookies, tea = goods
    recent, twice, lapsed, returned = member(shop), member(shop), member(shop), member(shop)
    for back in (38, 24, 10):  # every 14 days, last 10 days ago: not due yet
        sell([coffee], days_ago(back), shop["cashier"], recent)
    for back in (34, 20):  # twice only: no habit
        sell([coffee], days_ago(back), shop["cashier"], twice)
    for back in (85, 78, 71):  # every 7 days, last 71 days ago: more than 4 intervals, they stopped
        sell([coffee], days_ago(back), shop["cashier"], lapsed)
    kept = [sell([coffee], days_ago(back), shop["cashier"], returned) for back in (48, 34, 20)]
    returns.return_items(kept[1].receipt_no, None, actor=shop["manager"], now=days_ago(33))  # two days left
    for person in (recent, twice, lapsed, returned):
        assert [s for s in offers.suggest(person, [], now=NOW) if s.kind == "due"] == []
    # One more day on the clock and `recent`'s habit is not overdue yet either; at 15 days it is.
    assert [s.kind for s in offers.suggest(recent, [], now=NOW + dt.timedelta(days=5))] == ["due"]


def test_a_personal_coupon_is_suggested_while_open(shop, goods):
    anna, boris = member(shop), member(shop)
    issue_coupon(anna, "AUTUMN42", NOW + dt.timedelta(days=9))
    issue_coupon(anna, "OLD00001", NOW - dt.timedelta(minutes=1))  # expired
    issue_coupon(anna, "GONE0001", NOW + dt.timedelta(days=9), promotion="summer")  # its promotion is over
    issue_coupon(boris, "BORIS001", NOW + dt.timedelta(days=9))  # someone else's
    rules = rules_service.active_rules(NOW)
    got = offers.suggest(anna, [], now=NOW, rules=rules)
    assert [(s.kind, s.coupon, s.product_id) for s in got] == [("coupon", "AUTUMN42", None)]
    assert got[0].text == "Personal coupon AUTUMN42: Autumn −10 %, until 10.12"  # 09:00 UTC: noon in Moscow
    assert 0.9 < got[0].score < 1
    # On the sale already: not offered twice.
    assert offers.suggest(anna, [], now=NOW, rules=rules, held_coupons=["AUTUMN42"]) == []
    # Used on a sale: gone.
    from services.sale.checkout import Cart

    cart = Cart(member=anna)
    cart.add_barcode(goods[0])
    cart.add_coupon("AUTUMN42", rules, NOW)
    from services.sale import checkout
    from services.sale.checkout import Tender

    checkout.complete_sale(cart, [Tender("card", cart.price(rules, NOW).to_pay)], cashier=shop["cashier"], now=NOW)
    assert [s for s in offers.suggest(anna, [], now=NOW, rules=rules) if s.kind == "coupon"] == []


def test_companions_of_what_they_buy_and_of_the_cart(shop, goods):
    coffee, milk, cookies, tea = goods
    for n in range(6):  # others: coffee with cookies, tea with milk
        sell([coffee, cookies], days_ago(60 - n), shop["cashier"])
        sell([tea, milk], days_ago(50 - n), shop["cashier"])
    baskets.refresh(now=NOW, force=True)
    anna = member(shop)
    sell([coffee], days_ago(2), shop["cashier"], anna)
    got = offers.suggest(anna, [], now=NOW)
    assert [(s.kind, s.name) for s in got] == [("companion", "Cookies")]
    assert got[0].text == "Often bought with Coffee beans: Cookies"
    assert got[0].score == pytest.approx(offers.COMPANION_WEIGHT)  # confidence 1, new to her
    # Tea in the cart: milk too; cookies already in it: not offered.
    got = offers.suggest(anna, [product_id(tea), product_id(cookies)], now=NOW)
    assert [(s.kind, s.name) for s in got] == [("companion", "Milk")]


def test_one_of_each_kind_first_then_by_score():
    due = [Suggestion("due", f"d{i}", 0.9 - i / 10) for i in range(3)]
    companion = [Suggestion("companion", "c", 0.3)]
    coupon = [Suggestion("coupon", "k", 0.95)]
    assert [s.text for s in offers.pick(due + companion + coupon, 3)] == ["k", "d0", "c"]
    assert [s.text for s in offers.pick(due + coupon, 4)] == ["k", "d0", "d1", "d2"]
    assert offers.pick(due, 0) == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gaps=st.lists(st.integers(1, 30), min_size=0, max_size=5), since=st.integers(0, 150))
def test_due_exactly_when_the_usual_interval_has_passed(shop, goods, gaps, since):
    coffee = goods[0]
    person = member(shop)
    back = since
    days = [back]
    for gap in reversed(gaps):
        back += gap
        days.append(back)
    for n in sorted(days, reverse=True):
        sell([coffee], days_ago(n), shop["cashier"], person)
    due = [s for s in offers.suggest(person, [], now=NOW) if s.kind == "due"]
    every = statistics.median(gaps) if gaps else 0
    want = len(days) >= offers.MIN_PURCHASES and every < since <= offers.LAPSED_TIMES * every
    assert bool(due) == want
    if want:
        assert due[0].text.endswith(f"last {since} days ago")  # since > every >= 1: plural
        assert 0.5 <= due[0].score <= 0.95


def test_an_erased_member_is_offered_nothing(shop, goods):
    """Erased at another till while on this sale (the till holds the member as read before):
    neither their habits nor their personal coupons are offered."""
    from models.schema import Member

    coffee, *_ = goods
    erika = member(shop)
    for back in (48, 34, 20):
        sell([coffee], days_ago(back), shop["cashier"], erika)
    assert offers.suggest(erika, [], now=NOW) != []  # due before
    Member.update(erased_at=NOW).where(Member.id == erika.id).execute()
    assert offers.suggest(erika, [], now=NOW) == [] and offers.coupons(erika, now=NOW) == []
