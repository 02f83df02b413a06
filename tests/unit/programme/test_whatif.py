"""What-if replays real history through the till's own pricing function."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.programme import rules as rules_service
from services.programme import whatif
from services.demo.builder import build_demo, demo_rules
from services.programme.rules import Promotion, Tier

KEYS = ("sales", "revenue", "discount", "points_issued", "points_redeemed", "liability", "cost_bp", "tiers")


@pytest.fixture
def history(empty_db, resources):
    """The demo shop with its own programme (timed promotions, 3 for 2, a birthday bonus)."""
    build_demo(resources, members=120, products=80, sales=1500, seed=5)
    return empty_db


def test_replaying_the_programme_in_force_reproduces_history_exactly(history):
    result = whatif.simulate(rules_service.active_rules())
    sim, act = result.simulated.as_json(), result.actual.as_json()
    assert act["sales"] == 1500
    assert act["discount"] > 0 and act["points_issued"] > 0 and act["points_redeemed"] > 0
    assert {k: sim[k] for k in KEYS} == {k: act[k] for k in KEYS}
    assert result.tier_changes == 0


def test_the_demo_history_used_the_programmes_mechanics(history):
    from models.schema import EventBonus, SaleLine

    reasons = " ".join(l.reasons for l in SaleLine.select(SaleLine.reasons))
    for code in ("promo_discount", "promo_free", "promo_points", "promo_multiplier", "earn"):
        assert code in reasons
    assert EventBonus.select().where(EventBonus.kind == "birthday").count() > 0


def test_a_draft_with_more_generous_rules_costs_more(history):
    current = rules_service.active_rules()
    generous = dataclasses.replace(current, earn_bp=1000, tiers=(
        Tier("base", "Base", 0), Tier("silver", "Silver", 300_000, earn_bp=1400),
        Tier("gold", "Gold", 1_000_000, earn_bp=2000, discount_bp=500),
    ))
    result = whatif.simulate(generous)
    assert result.simulated.points_issued > result.actual.points_issued * 3 // 2
    assert result.simulated.cost_bp > result.actual.cost_bp
    assert result.simulated.liability > result.actual.liability
    assert result.tier_changes > 0  # lower thresholds lift members
    assert result.simulated.revenue <= result.actual.revenue  # gold now gets 5 % off


def test_a_period_and_the_csv(history):
    first, last = whatif.period_bounds()
    middle = first + (last - first) / 2
    result = whatif.simulate(rules_service.active_rules(), first, middle)
    everything = whatif.simulate(rules_service.active_rules())
    assert 0 < result.actual.sales < everything.actual.sales
    assert result.as_json()["period"] == {"from": first.isoformat(), "to": middle.isoformat()}
    csv = whatif.to_csv(result).splitlines()
    assert csv[0] == "measure,simulated,actual,difference"
    assert f"sales,{result.actual.sales},{result.actual.sales},0" in csv


def test_removing_a_promotion_shows_its_cost(history):
    current = rules_service.active_rules()
    without = dataclasses.replace(current, promotions=tuple(p for p in current.promotions if p.code != "veg_3for2"))
    result = whatif.simulate(without)
    assert result.simulated.discount < result.actual.discount
    assert result.simulated.revenue > result.actual.revenue


def test_progress_is_reported(history):
    seen = []
    whatif.simulate(rules_service.active_rules(), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (1500, 1500)


def test_nothing_to_replay(shop):
    from services.core.errors import InputError

    with pytest.raises(InputError) as caught:
        whatif.simulate(rules_service.active_rules())
    assert caught.value.code == "whatif_no_sales"


def test_happy_hours_run_on_the_shops_clock():
    from services.programme.pricing import CartLine, Customer, price_cart

    rules = dataclasses.replace(demo_rules(), version=1, timezone="Europe/Moscow")
    milk = [CartLine("a", "1", "Milk", "Молочные продукты", 10000, 1)]
    monday_0630_utc = dt.datetime(2026, 11, 23, 6, 30)  # 09:30 in Moscow: happy hour
    monday_0830_utc = dt.datetime(2026, 11, 23, 8, 30)  # 11:30 in Moscow: over
    assert price_cart(milk, Customer(tier="base"), rules, now=monday_0630_utc).discount == 1000
    assert price_cart(milk, Customer(tier="base"), rules, now=monday_0830_utc).discount == 0
    assert isinstance(rules.promotions[0], Promotion)


def test_recomputed_tiers_count_the_spend_before_the_period(history):
    current = rules_service.active_rules()
    first, last = whatif.period_bounds()
    start = last - dt.timedelta(days=10)
    cheap_silver = dataclasses.replace(current, tiers=(
        Tier("base", "Base", 0), Tier("silver", "Silver", 200_000, earn_bp=700),
    ))
    late = whatif.simulate(cheap_silver, start, last)
    # Members who reached 2 000 before the last ten days start those days as silver.
    assert late.simulated.tiers.get("silver", 0) > late.simulated.tiers.get("base", 0) // 2
    assert late.tier_changes == late.simulated.tiers.get("silver", 0) - late.actual.tiers.get("silver", 0)


def test_replay_reproduces_sales_rung_up_at_the_till(shop):
    """History made by the till itself (checkout), with what the demo never does: a manager's
    discount, a coupon, a birthday discount, points paid; replaying the rules in force gives it back."""
    from models.schema import Member
    from services.sale import checkout
    from services.sale.checkout import Cart, Tender
    from services.programme.rules import Coupon
    from tests.unit.shopkit import add_member, add_products

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rules_service.publish(dataclasses.replace(
        rules_service.default_rules(), birthday_discount_bp=500, birthday_days=3, timezone="Europe/Moscow",
        promotions=(Promotion("c15", "Coupon −15 %", "discount", bp=1500, coupon=True, members_only=False),),
        coupons=(Coupon("SPRING", "c15", max_uses=0, per_member=0),),
    ))
    goods = add_products([("Milk", 10000, False), ("Bread", 5000, False), ("Cigarettes", 20000, True)])
    member, _ = add_member("Ion", shop["cashier"], points=400, manager=shop["manager"])
    Member.update(birthday=now.date().replace(year=1990)).where(Member.id == member.id).execute()
    rules = rules_service.active_rules()
    for step in range(6):
        cart = Cart()
        if step % 2 == 0:
            cart.member = Member.get_by_id(member.id)
        for i, code in enumerate(goods):
            cart.add_barcode(code, 1 + (step + i) % 3)
        if step in (1, 4):
            cart.add_coupon("SPRING", rules)
        if step == 2:
            cart.set_manual_discount(700, shop["manager"])
        if step == 0:
            cart.redeem = 50
        to_pay = cart.price(rules).to_pay
        checkout.complete_sale(cart, [Tender("card", to_pay)], cashier=shop["cashier"], rules=rules)
    result = whatif.simulate(rules_service.active_rules())
    sim, act = result.simulated.as_json(), result.actual.as_json()
    assert act["sales"] == 6 and act["discount"] > 0 and act["points_redeemed"] == 50
    assert {k: sim[k] for k in KEYS} == {k: act[k] for k in KEYS}
