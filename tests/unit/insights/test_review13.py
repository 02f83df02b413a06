"""Review of issue 13 (services/insights): each test asserts what the issue asks and fails
on main as merged (af86b41).  See the review report for where each defect lives."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from models.schema import Category
from services.core.money import round_div
from services.insights import figures, lifetime
from services.insights.basis import Period
from services.members import registry as members
from services.sale import returns
from tests.unit.insights.test_figures import CHISINAU, sell, utc  # noqa: F401
from tests.unit.imports.historykit import programme_since_2000
from tests.unit.shopkit import add_products
from services.shop.settings import set_setting

PERIOD = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))  # the one before: 31 Aug - 30 Sep


@pytest.fixture
def food_shop(shop):
    programme_since_2000()
    set_setting("time_zone", "Europe/Chisinau")
    food = add_products([("Bread", 5_000, False), ("Milk", 12_345, False)])
    member, _card = members.register("Member", "+37369000001", actor=shop["cashier"], now=utc(2026, 8, 1))
    return {"shop": shop, "food": food, "member": member}


# --- 1. the margin the owner sets is not the one the CLV reads ---------------------------------------


def test_review_clv_uses_the_margin_the_owner_set_for_the_figures(shop):
    """figures.set_margins stores {"overall_bp": 2500}; lifetime.margin() reads {"overall": percent}
    under the same key, so the CLV stays at 100 % "default" whatever the owner set."""
    figures.set_margins(shop["owner"], {"overall_bp": 2_500})
    assert lifetime.margin() == (25.0, "setting")


def test_review_setting_the_clvs_margin_does_not_wipe_the_figures_margin(shop):
    """The other way round: the shape lifetime reads ({"overall": 25}) leaves the figures with no margin."""
    set_setting("margins", {"overall": 25})
    assert figures.margins()["overall_bp"] == 2_500


# --- 2. category margins: previous period and returns -------------------------------------------------


def test_review_previous_period_roi_counts_the_category_margins(food_shop):
    """Same receipts in both periods, a margin set for the category only: the period before
    gets profit 0 (category_extra None is passed for it), so its ROI is -1."""
    owner, cashier, food, member = food_shop["shop"]["owner"], food_shop["shop"]["cashier"], food_shop["food"], food_shop["member"]
    sell([food[0]], cashier, utc(2026, 9, 10), member)
    sell([food[0]], cashier, utc(2026, 10, 10), member)
    food_category = Category.get(Category.name == "Food")
    figures.set_costs(owner, {"cards": 1_000})
    figures.set_margins(owner, {"categories_bp": {str(food_category.id): 5_000}})
    got = figures.compute(PERIOD)
    assert got["member_revenue"] == got["previous"]["member_revenue"] > 0
    assert got["roi"] is not None and got["roi"] > -1
    assert got["previous"]["roi"] == pytest.approx(got["roi"])


def test_review_category_margin_profit_is_net_of_returns(food_shop):
    """Two loaves, one returned: members' revenue is one loaf, but the category margin's
    lines are read as sold (gross - discount), so gross profit counts the returned loaf too."""
    owner, cashier, food, member = food_shop["shop"]["owner"], food_shop["shop"]["cashier"], food_shop["food"], food_shop["member"]
    manager = food_shop["shop"]["manager"]
    sale = sell([food[0], food[0]], cashier, utc(2026, 10, 10), member)
    returns.return_items(sale.receipt_no, {food[0]: 1}, actor=manager, now=utc(2026, 10, 11))
    food_category = Category.get(Category.name == "Food")
    figures.set_margins(owner, {"categories_bp": {str(food_category.id): 5_000}})
    got = figures.compute(PERIOD)
    assert 0 < got["member_revenue"] < sale.total
    assert got["programme"]["gross_profit"] == round_div(got["member_revenue"] * 5_000, 10_000)


# --- 3. a member lookup (cashier, till) waits for a whole refit --------------------------------------


def _history(shop, members_count: int = 30) -> None:
    from tests.unit.insights.test_lifetime import history_rows, import_history

    import_history(shop, history_rows(members_count))


@pytest.mark.parametrize("kept_days_ago", [None, 8])
def test_review_member_lookup_never_fits_the_model_on_the_callers_thread(shop, monkeypatch, kept_days_ago):
    """lifetime.outlook (member --json, the member's page) calls current_fit, which refits the
    whole shop synchronously when no fit is kept or the kept one is over a week old (README:
    58 s wall at 1,000,000 members).  The lookup must answer from what is kept (or nothing)
    and leave the refit to the background / the owner's `churn`."""
    from models.schema import Card
    from tests.unit.insights.test_lifetime import NOW

    _history(shop)
    if kept_days_ago is not None:
        lifetime.fit_and_store(now=NOW - dt.timedelta(days=kept_days_ago))
    fitted_on: list[int] = []
    real_fit = lifetime.fit

    def watched_fit(*args, **kwargs):
        fitted_on.append(threading.get_ident())
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(lifetime, "fit", watched_fit)
    lifetime.outlook(Card.get().member, now=NOW)
    assert threading.get_ident() not in fitted_on


# --- 4. huge visit values break the first visit's value (the << 40 packing) ------------------------


def test_review_first_visit_value_survives_a_visit_over_2_to_the_40(shop):
    """read_history packs (day << 40) + value and takes MIN: a first visit worth more than
    2**40 minor units (two imported receipts of 6e11, each under the import's 10**12 cap)
    followed by a visit of 0 makes the second visit look like the first."""
    from tests.unit.imports.historykit import run

    programme_since_2000()
    rows = [{"date": "01.06.2026", "time": "10:00", "amount": "6000000000,00", "card": "9900000000011"},
            {"date": "01.06.2026", "time": "11:00", "amount": "6000000000,00", "card": "9900000000011"},
            {"date": "02.06.2026", "time": "10:00", "amount": "0,00", "card": "9900000000011"}]
    out = run(rows, shop)
    assert not out.errors, out.as_json()
    from services.insights.basis import shop_zone

    at = dt.date(2026, 6, 30)
    h = lifetime.read_history(at, at, shop_zone())
    assert list(h.visits) == [2]
    assert list(h.repeat_value) == [0]  # the one repeat visit was worth nothing


# --- 5. RFM: a measure with no spread scores everyone 1 ------------------------------------------------


def test_review_members_who_bought_today_are_not_lost(shop):
    """Ties take the lowest score of their run, so when every buyer's last visit is the same
    day (the programme's first day, a history imported up to one day) R is 1 for all of them
    and, with one visit each, all are "lost" on the day they bought."""
    from services.insights import segments
    from tests.unit.imports.historykit import run

    programme_since_2000()
    rows = [{"date": "01.11.2026", "time": f"1{n}:00", "amount": "100,00", "card": f"99000000000{n}"}
            for n in range(5)]
    assert not run(rows, shop).errors
    got = {s["name"]: s["members"] for s in segments.segments(dt.date(2026, 11, 1))["segments"]}
    assert got["lost"] == 0 and got["new"] == 5, got


# --- 6. a member's profile after a history import of receipt totals -----------------------------------


def test_review_a_receipt_without_items_is_no_product_in_the_profile(shop):
    """An old system's receipt of its total alone (the usual history file) becomes one line with
    no product and no name: the profile then ranks a nameless product ("name:") and a nameless
    category first, and counts the unknown goods as one item."""
    from services.insights import customers
    from tests.unit.imports.historykit import run
    from tests.unit.insights.insightkit import member_by_card

    programme_since_2000()
    rows = [{"date": "01.11.2026", "time": "10:00", "amount": "100,00", "card": "9900000000011"},
            {"date": "02.11.2026", "time": "12:00", "amount": "50,00", "card": "9900000000011", "item": "Хлеб", "qty": "2"}]
    assert not run(rows, shop).errors
    got = customers.profile(member_by_card("9900000000011"), now=dt.datetime(2026, 12, 1))
    named = [e["name"] for top in (got["top_products"], got["top_categories"]) for e in top["by_value"] + top["by_count"]]
    assert "" not in named, got["top_products"]
    assert got["items"] == 2  # the loaves; the first receipt's goods are unknown


# --- 7. text shown to the owner that is not in the catalogue -----------------------------------------


def test_review_the_ties_rule_and_the_clv_basis_are_in_the_shops_language(shop):
    """segments' "ties" (TIES, a plain str) and the fit's "clv_basis" (an f-string) stay English
    in a Russian shop, beside labels and definitions that are translated."""
    from services.core import messages
    from services.insights import segments

    english = (segments.segments(dt.date(2026, 11, 1))["ties"],
               lifetime.fit(dt.date(2026, 11, 1), now=dt.datetime(2026, 11, 1, 12)).as_json()["clv_basis"])
    messages.set_language("ru")
    try:
        russian = (segments.segments(dt.date(2026, 11, 1))["ties"],
                   lifetime.fit(dt.date(2026, 11, 1), now=dt.datetime(2026, 11, 1, 12)).as_json()["clv_basis"])
        assert segments.label("lost") != "Lost"  # the catalogue is loaded
    finally:
        messages.set_language("en")
    assert russian[0] != english[0] and russian[1] != english[1]
