"""RFM segments and the 20/80 curve against plain Python over the raw rows."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import db
from models.schema import Member, Sale
from services.insights import segments
from services.insights.basis import Period
from services.sale import returns
from services.sale.checkout import Cart
from tests.unit.insights.insightkit import (
    half_up, import_history, member_by_card, programme_since_2000, quintile, raw_receipts, recency_quintile, raw_rfm, receipt_rows,
)
from tests.unit.shopkit import add_member, add_products, sell_by_card

AT = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 12, 1, 12, 0)


@pytest.fixture
def history_shop(shop):
    programme_since_2000()
    return shop


def visit_rows(card: str, days_back: list[int], amount: int = 10000) -> list[dict]:
    rows = []
    for back in days_back:
        rows += receipt_rows(card, dt.datetime.combine(AT, dt.time(12)) - dt.timedelta(days=back),
                             [(None, "Goods", 1, amount)])
    return rows


def expected_segments(at: dt.date) -> dict:
    raw = raw_rfm(at)
    buying = [row for row in raw.values() if row.visits]
    recencies = [-(at - row.last_day).days for row in buying]  # higher is better
    freqs = [row.visits for row in buying]
    revenues = [row.revenue for row in buying]
    out = {}
    for row in raw.values():
        if not row.visits:
            out[row.member_id] = ("lost", None, None, None, row)
            continue
        r = recency_quintile(recencies, -(at - row.last_day).days)
        f = quintile(freqs, row.visits)
        m = quintile(revenues, row.revenue)
        out[row.member_id] = (segments.segment_of(r, f), r, f, m, row)
    return out


def check_segments(at: dt.date) -> dict:
    want = expected_segments(at)
    got = segments.segments(at)
    ends = dt.datetime.combine(at + dt.timedelta(days=1), dt.time()) - dt.timedelta(hours=3)  # Moscow
    never = [m for m in Member.select() if m.id not in want and m.created_at < ends]
    total = sum(w[4].revenue for w in want.values())
    assert got["revenue"] == total and got["buying"] == sum(1 for w in want.values() if w[4].visits)
    for seg in got["segments"]:
        mine = [w for w in want.values() if w[0] == seg["name"]]
        count = len(never) if seg["name"] == "no_purchases" else len(mine)
        revenue = sum(w[4].revenue for w in mine) if seg["name"] != "no_purchases" else 0
        receipts = sum(w[4].receipts for w in mine) if seg["name"] != "no_purchases" else 0
        assert (seg["members"], seg["revenue"], seg["receipts"]) == (count, revenue, receipts), seg["name"]
        assert seg["revenue_share"] == (revenue / total if total else None)
        assert seg["avg_check"] == (half_up(revenue, receipts) if receipts else None)
        listed = segments.segment_members(seg["name"], at)
        assert len(listed) == count
        for row in listed:
            if seg["name"] == "no_purchases":
                continue
            name, r, f, m, raw = next(w for k, w in want.items() if str(k) == row["id"])
            assert (row["r"], row["f"], row["m"]) == (r, f, m)
            assert (row["recency"], row["frequency"], row["monetary"], row["receipts"], row["last_visit"]) == (
                (at - raw.last_day).days, raw.visits, raw.revenue, raw.receipts, raw.last_day.isoformat())
        assert [row["monetary"] for row in listed] == sorted((row["monetary"] for row in listed), reverse=True)
    return got


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 900), st.integers(0, 50000)), min_size=1,
                       max_size=30),
       at_back=st.integers(0, 400))
def test_segments_are_the_plain_computation_over_the_raw_rows(history_shop, visits, at_back):
    rows = []
    for who, back, amount in visits:
        rows += visit_rows(f"88800{who:02d}", [back], amount)
    import_history(rows, history_shop)
    check_segments(AT - dt.timedelta(days=at_back))


# (R, F) wanted for five members A-E: each measure a permutation of 1-5, so each score is its rank.
GRIDS = [
    ({"A": (5, 4), "B": (4, 1), "C": (3, 3), "D": (2, 5), "E": (1, 2)},
     {"A": "champions", "B": "promising", "C": "need_attention", "D": "cant_lose", "E": "hibernating"}),
    ({"A": (5, 1), "B": (4, 4), "C": (3, 2), "D": (2, 3), "E": (1, 5)},
     {"A": "new", "B": "loyal", "C": "about_to_sleep", "D": "at_risk", "E": "cant_lose"}),
    ({"A": (5, 5), "B": (4, 3), "C": (3, 4), "D": (2, 2), "E": (1, 1)},
     {"A": "champions", "B": "potential_loyalists", "C": "loyal", "D": "hibernating", "E": "lost"}),
]


@pytest.mark.parametrize("scores,names", GRIDS)
def test_named_segments_of_constructed_members(history_shop, scores, names):
    rows = []
    cards = {}
    for i, (who, (r, f)) in enumerate(sorted(scores.items())):
        cards[who] = f"99900{i}"
        last = 10 * (5 - r)  # R 5: 0 days ago ... R 1: 40 days ago
        rows += visit_rows(cards[who], [last + 50 * k for k in range(f)], amount=1000 * (i + 1))
    rows += visit_rows("9990098", [400])  # bought only before the window: lost
    import_history(rows, history_shop)
    add_member("Never bought", history_shop["cashier"])  # registered today: after AT
    got = check_segments(AT)
    for who, name in names.items():
        listed = segments.segment_members(name, AT)
        mine = next(row for row in listed if row["card"] == cards[who])
        assert (mine["r"], mine["f"]) == scores[who]
    lost = segments.segment_members("lost", AT)
    gone = next(row for row in lost if row["card"] == "9990098")
    assert (gone["recency"], gone["frequency"], gone["monetary"], gone["r"]) == (400, 0, 0, None)
    counts = {s["name"]: s["members"] for s in got["segments"]}
    assert counts["no_purchases"] == 0  # registered after AT
    assert {s["name"]: s["members"] for s in segments.segments(now=NOW + dt.timedelta(days=30))["segments"]}[
        "no_purchases"] == 1


def test_ties_share_a_score(history_shop):
    # Six members with one visit and one with two: the six share the score of the first of them.
    rows = []
    for i in range(6):
        rows += visit_rows(f"55500{i}", [i])
    rows += visit_rows("5550099", [3, 30])
    import_history(rows, history_shop)
    listed = {row["card"]: row for name in segments.SEGMENTS for row in segments.segment_members(name, AT)}
    assert {listed[f"55500{i}"]["f"] for i in range(6)} == {1}
    assert listed["5550099"]["f"] == 1 + 5 * 6 // 7 == 5


def test_zero_receipts_are_visits_and_returns_come_off(history_shop):
    shop = history_shop
    rows = visit_rows("4440001", [5, 6], amount=0)  # imported receipts of 0.00: two visits, no revenue
    import_history(rows, shop)
    member, _ = add_member("Olga", shop["cashier"])
    goods = add_products([("Milk", 9000, False)])
    cart = Cart(member=member)
    cart.add_barcode(goods[0], 2)
    kept = sell_by_card(cart, shop["cashier"])
    gone = sell_by_card(_cart(member, goods[0]), shop["cashier"])
    with db.atomic():
        Sale.update(created_at=dt.datetime(2026, 11, 20, 9)).where(Sale.receipt_no == kept.receipt_no).execute()
        Sale.update(created_at=dt.datetime(2026, 11, 25, 9)).where(Sale.receipt_no == gone.receipt_no).execute()
    returns.return_items(kept.receipt_no, {goods[0]: 1}, actor=shop["manager"])
    returns.return_items(gone.receipt_no, None, actor=shop["manager"])
    check_segments(AT)
    rows = {row["card"]: row for name in segments.SEGMENTS for row in segments.segment_members(name, AT)}
    zero = rows["4440001"]
    assert (zero["frequency"], zero["monetary"], zero["receipts"]) == (2, 0, 2)
    olga = next(row for row in rows.values() if row["id"] == str(member.id))
    assert (olga["frequency"], olga["last_visit"]) == (1, "2026-11-20")  # the sale returned whole is no visit
    assert olga["monetary"] == next(r.value for r in raw_receipts() if r.member_id == member.id)


def test_a_sale_before_the_window_returned_whole_is_no_purchase(history_shop):
    shop = history_shop
    goods = add_products([("Milk", 9000, False)])
    kept_member, _ = add_member("Kept", shop["cashier"])
    gone_member, _ = add_member("Gone", shop["cashier"])
    kept = sell_by_card(_cart(kept_member, goods[0]), shop["cashier"])
    gone = sell_by_card(_cart(gone_member, goods[0]), shop["cashier"])
    with db.atomic():
        Sale.update(created_at=dt.datetime(2024, 6, 1, 9)).where(Sale.receipt_no.in_(
            [kept.receipt_no, gone.receipt_no])).execute()
    returns.return_items(gone.receipt_no, None, actor=shop["manager"])
    at = dt.date.today() + dt.timedelta(days=1)  # both registered by then
    got = check_segments(at)
    lost = {row["id"]: row for row in segments.segment_members("lost", at)}
    assert lost[str(kept_member.id)]["last_visit"] == "2024-06-01" and str(gone_member.id) not in lost
    assert str(gone_member.id) in {row["id"] for row in segments.segment_members("no_purchases", at)}
    assert {s["name"]: s["members"] for s in got["segments"]}["no_purchases"] == 1


def test_the_scores_are_kept_until_something_is_written(history_shop):
    import_history(visit_rows("1110001", [1, 2]), history_shop)
    first = segments.segments(AT)
    assert segments.segments(AT) == first
    import_history(visit_rows("1110002", [3]), history_shop)  # a write: scored again
    assert segments.segments(AT)["buying"] == first["buying"] + 1


def _cart(member, barcode):
    cart = Cart(member=member)
    cart.add_barcode(barcode, 1)
    return cart


def test_the_20_80_share_of_a_constructed_history(history_shop):
    rows = []
    for i in range(1, 11):  # ten members bringing 100 ... 1,000
        rows += visit_rows(f"66600{i:02d}", [1], amount=100 * i)
    rows += receipt_rows(None, dt.datetime(2026, 11, 29, 12), [(None, "Goods", 1, 99999)])  # not a member
    import_history(rows, history_shop)
    curve = segments.pareto_curve(Period.ending(AT, 30))
    assert (curve["members"], curve["revenue"], curve["top20_members"]) == (10, 5500, 2)
    assert curve["top20_share"] == (1000 + 900) / 5500
    points = {p["members_share"]: p["revenue_share"] for p in curve["points"]}
    assert points[0.0] == 0 and points[1.0] == 1.0 and points[0.2] == curve["top20_share"]
    assert points[0.5] == (1000 + 900 + 800 + 700 + 600) / 5500
    assert [p["revenue_share"] for p in curve["points"]] == sorted(p["revenue_share"] for p in curve["points"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(visits=st.lists(st.tuples(st.integers(0, 15), st.integers(0, 60), st.integers(0, 20000)), min_size=1,
                       max_size=25),
       points=st.sampled_from([5, 10, 100]))
def test_the_curve_is_the_plain_computation(history_shop, visits, points):
    rows = []
    for who, back, amount in visits:
        rows += visit_rows(f"77700{who:02d}", [back], amount)
    import_history(rows, history_shop)
    period = Period.ending(AT, 30)
    per_member: dict = {}
    for rec in raw_receipts():
        if rec.member_id is not None and period.start <= rec.local.date() <= period.end:
            per_member[rec.member_id] = per_member.get(rec.member_id, 0) + rec.value
    ranked = sorted(per_member.values(), reverse=True)
    n, total = len(ranked), sum(ranked)
    curve = segments.pareto_curve(period, points=points)
    assert (curve["members"], curve["revenue"]) == (n, total)
    assert curve["top20_share"] == (sum(ranked[:n // 5]) / total if total and n >= 5 else None)
    for k, point in enumerate(curve["points"]):
        assert point["revenue_share"] == (sum(ranked[:k * n // points]) / total if total else None)


def test_a_member_found_by_card_is_in_one_segment_only(history_shop):
    import_history(visit_rows("3330001", [1, 2, 3]), history_shop)
    member = member_by_card("3330001")
    found = [name for name in segments.SEGMENTS
             if any(row["id"] == str(member.id) for row in segments.segment_members(name, AT))]
    assert found == ["new"]  # the only buyer: R ⌈5·1/1⌉ = 5 (the latest day's), F 1 + 5·0 // 1 = 1


def test_rfm_says_its_window_and_where_each_score_starts(history_shop):
    rows = []
    for i in range(10):  # member i: i + 1 visits, the last i days before AT, 1,000·(i + 1) each
        rows += visit_rows(f"22200{i}", [i + 7 * k for k in range(i + 1)], amount=1000 * (i + 1))
    import_history(rows, history_shop)
    got = segments.rfm(AT)
    assert (got["at"], got["window"], got["window_days"], got["buying"]) == (
        "2026-11-30", {"from": "2025-12-01", "to": "2026-11-30"}, 365, 10)
    listed = [row for name in segments.SEGMENTS for row in segments.segment_members(name, AT)]
    for key, column, edge in (("r", "recency", max), ("f", "frequency", min), ("m", "monetary", min)):
        want = {}
        for row in listed:
            want[str(row[key])] = edge(want.get(str(row[key]), row[column]), row[column])
        assert got["edges"][key] == want
    assert got["edges"]["f"] == {"1": 1, "2": 3, "3": 5, "4": 7, "5": 9}
