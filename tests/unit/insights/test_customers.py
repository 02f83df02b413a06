"""Each customer's profile against plain Python over the raw rows."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import db
from models.schema import Sale
from services.insights import basis, customers
from services.insights.customers import _LINES, _RECEIPTS
from services.sale import returns
from services.sale.checkout import Cart
from tests.unit.insights.insightkit import (
    half_up, import_history, member_by_card, programme_since_2000, raw_lines, raw_receipts, receipt_rows,
)
from tests.unit.shopkit import add_member, add_products, sell_by_card

NOW = dt.datetime(2026, 12, 1, 12, 0)
CARDS = ("7770001", "7770002", "7770003")


@pytest.fixture
def goods(shop):
    programme_since_2000()
    return add_products([("Milk", 9000, False), ("Bread", 4500, False), ("Vodka", 50000, True)])


def expected_profile(member_id, now: dt.datetime) -> dict:
    """The profile worked out from Sale/SaleLine/SaleReturn/ReturnLine in plain Python."""
    mine = [r for r in raw_receipts() if r.member_id == member_id]
    days = sorted({r.local.date() for r in mine})
    total = sum(r.value for r in mine)
    weekdays = [0] * 7
    for day in days:
        weekdays[day.weekday()] += 1
    hours = [0] * 24
    for r in mine:
        hours[r.local.hour] += 1
    products, categories = defaultdict(lambda: [0, 0, set()]), defaultdict(lambda: [0, 0, set()])
    items = 0
    for line, qty, value in raw_lines({r.sale_id for r in mine}):
        if qty <= 0:
            continue
        items += qty
        # A line of no product of ours has no category: it ranks among the products only.
        pairs = [(products, line.name)] + ([(categories, line.product.category.name)] if line.product_id else [])
        for tally, key in pairs:
            tally[key][0] += value
            tally[key][1] += qty
            tally[key][2].add(line.sale_id)
    today = now.replace(tzinfo=dt.timezone.utc).astimezone(basis.shop_zone()).date()
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    return {
        "visits": len(days), "receipts": len(mine), "items": items, "total": total,
        "avg_check": half_up(total, len(mine)) if mine else None,
        "first_visit": days[0].isoformat() if days else None, "last_visit": days[-1].isoformat() if days else None,
        "days_since_last": (today - days[-1]).days if days else None,
        "usual_interval_days": statistics.median(gaps) if gaps else None,
        "visits_by_weekday": weekdays, "receipts_by_hour": hours,
        "products": {k: (v, n, len(s)) for k, (v, n, s) in products.items()},
        "categories": {k: (v, n, len(s)) for k, (v, n, s) in categories.items()},
    }


def check_profile(member, now: dt.datetime) -> dict:
    got = customers.profile(member, now=now)
    want = expected_profile(member.id, now)
    for key in ("visits", "receipts", "items", "total", "avg_check", "first_visit", "last_visit",
                "days_since_last", "usual_interval_days", "visits_by_weekday", "receipts_by_hour"):
        assert got[key] == want[key], key
    for ours, theirs in (("top_products", "products"), ("top_categories", "categories")):
        tallies = {k: v for k, v in want[theirs].items() if v[0] or v[1]}
        by_value = sorted(tallies.items(), key=lambda kv: (-kv[1][0], kv[0]))[:customers.TOP]
        by_count = sorted(tallies.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))[:customers.TOP]
        assert [(e["name"], e["value"], e["items"], e["receipts"]) for e in got[ours]["by_value"]] == [
            (k, *v) for k, v in by_value if v[0] > 0]
        assert [(e["name"], e["value"], e["items"], e["receipts"]) for e in got[ours]["by_count"]] == [
            (k, *v) for k, v in by_count if v[1] > 0]
    return got


LINE = st.tuples(st.integers(0, 3), st.integers(1, 4), st.integers(0, 30000))  # product (3: none), qty, amount
RECEIPT = st.tuples(st.sampled_from(CARDS), st.integers(0, 800), st.integers(0, 24 * 60 - 1),
                    st.lists(LINE, min_size=1, max_size=3))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(receipts=st.lists(RECEIPT, min_size=1, max_size=12))
def test_profile_is_the_plain_computation_over_the_raw_rows(goods, shop, receipts):
    names = ("Milk", "Bread", "Vodka", "Loose apples")
    rows = []
    for card, back, minute, lines in receipts:
        when = dt.datetime(2026, 11, 30, minute // 60, minute % 60) - dt.timedelta(days=back)
        rows += receipt_rows(card, when, [(goods[p] if p < 3 else None, names[p], qty, amount)
                                          for p, qty, amount in lines])
    import_history(rows, shop)
    for card in {card for card, *_ in receipts}:
        check_profile(member_by_card(card), NOW)


def test_the_profile_of_a_constructed_history(goods, shop):
    milk, bread, vodka = goods
    rows = (receipt_rows("7770001", dt.datetime(2026, 11, 2, 9, 15), [(milk, "Milk", 2, 18000)])  # a Monday
            + receipt_rows("7770001", dt.datetime(2026, 11, 2, 19, 40), [(vodka, "Vodka", 1, 50000)])
            + receipt_rows("7770001", dt.datetime(2026, 11, 5, 9, 5), [(bread, "Bread", 5, 0)])  # zero amount
            + receipt_rows("7770001", dt.datetime(2026, 11, 12, 18, 0), [(None, "Loose apples", 1, 1001)]))
    import_history(rows, shop)
    got = check_profile(member_by_card("7770001"), NOW)
    assert (got["visits"], got["receipts"], got["items"], got["total"]) == (3, 4, 9, 69001)
    assert got["avg_check"] == 17250  # 69001 / 4 = 17250.25
    assert (got["first_visit"], got["last_visit"], got["days_since_last"]) == ("2026-11-02", "2026-11-12", 19)
    assert got["usual_interval_days"] == 5  # gaps 3 and 7
    assert got["visits_by_weekday"] == [1, 0, 0, 2, 0, 0, 0]  # Monday 2nd, Thursdays 5th and 12th
    assert got["receipts_by_hour"][9] == 2 and got["receipts_by_hour"][19] == 1 and got["receipts_by_hour"][18] == 1
    assert [e["name"] for e in got["top_products"]["by_value"]] == ["Vodka", "Milk", "Loose apples"]
    assert [e["name"] for e in got["top_products"]["by_count"]] == ["Bread", "Milk", "Vodka", "Loose apples"]
    assert [e["name"] for e in got["top_categories"]["by_value"]] == ["Excluded", "Food"]  # the apples: none


def test_returns_come_off_and_a_sale_returned_whole_is_no_visit(goods, shop):
    member, card = add_member("Olga", shop["cashier"])
    milk, bread, _ = goods
    day1, day2 = dt.datetime(2026, 11, 20, 8, 0), dt.datetime(2026, 11, 24, 8, 0)
    cart = Cart(member=member)
    cart.add_barcode(milk, 3)
    cart.add_barcode(bread, 1)
    kept = sell_by_card(cart, shop["cashier"])
    whole = Cart(member=member)
    whole.add_barcode(bread, 2)
    gone = sell_by_card(whole, shop["cashier"])
    with db.atomic():
        Sale.update(created_at=day1).where(Sale.receipt_no == kept.receipt_no).execute()
        Sale.update(created_at=day2).where(Sale.receipt_no == gone.receipt_no).execute()
    returns.return_items(kept.receipt_no, {milk: 1}, actor=shop["manager"])
    returns.return_items(gone.receipt_no, None, actor=shop["manager"])
    got = check_profile(member, NOW)
    assert (got["visits"], got["receipts"], got["items"]) == (1, 1, 3)  # 2 milk + 1 bread left
    assert got["last_visit"] == "2026-11-20"
    assert got["total"] == Sale.get(Sale.receipt_no == kept.receipt_no).total - sum(
        r.value for r in Sale.get(Sale.receipt_no == kept.receipt_no).returns)
    assert [e["items"] for e in got["top_products"]["by_count"]] == [2, 1]


def test_a_member_with_no_receipt_has_an_empty_profile(shop):
    member, _ = add_member("Nobody", shop["cashier"])
    got = customers.profile(member, now=NOW)
    assert (got["visits"], got["receipts"], got["total"], got["avg_check"], got["last_visit"]) == (0, 0, 0, None, None)
    assert got["top_products"] == {"by_value": [], "by_count": []}


def test_the_profile_reads_the_members_rows_by_index(shop):
    """Read when the window opens a member: no scan of all sales."""
    for sql in (_RECEIPTS, _LINES):
        plan = " ".join(row[3] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, [b"x"] * sql.count("?")))
        assert "SCAN s " not in plan + " " and "SCAN s\n" not in plan, plan
        assert "USING INDEX sale_member_id_created_at" in plan or "USING COVERING INDEX sale_member_id_created_at" in plan, plan
