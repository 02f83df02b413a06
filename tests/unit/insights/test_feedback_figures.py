"""NPS and CSAT in the owner's figures (services.insights.figures), from constructed answers:
exact values, the period's edges on the shop's clock, by cashier, and the plain computation."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from models.schema import Product, Sale
from services.insights import figures, wording
from services.insights.basis import Period
from services.programme.rules import active_rules
from services.reach import feedback
from services.sale import checkout
from services.sale.checkout import Cart, Tender
from services.shop.settings import set_setting
from tests.unit.imports.historykit import programme_since_2000
from tests.unit.insights.figurekit import History, check_all
from tests.unit.shopkit import add_member, add_products

CHISINAU = zoneinfo.ZoneInfo("Europe/Chisinau")
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))  # the one before: 2-31 October


def at(y: int, mo: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    """A time on the shop's clock, as stored (naive UTC)."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=CHISINAU).astimezone(dt.timezone.utc).replace(tzinfo=None)


@pytest.fixture
def answered(shop):
    set_setting("time_zone", "Europe/Chisinau")
    programme_since_2000()  # the programme in force on every date here
    code = add_products([("Tea", 3000, False)])[0]
    member, _card = add_member("Ion Rusu", shop["cashier"], phone="+37369000002")

    def sell(cashier, when, with_member=False) -> Sale:
        cart = Cart()
        cart.add(Product.get(Product.barcode == code))
        cart.member = member if with_member else None
        result = checkout.complete_sale(cart, [Tender("cash", cart.price(active_rules(when), when).to_pay)],
                                        cashier=cashier, now=when)
        return Sale.get_by_id(result.sale_id)

    anna, boris = shop["cashier"], shop["manager"]
    # Anna's sales in November: NPS 10, 9, 7, 3 (2 promoters, 1 detractor of 4: +25); CSAT 5, 4, 2 (2 of 3)
    for day, nps, csat in ((3, 10, 5), (9, 9, None), (15, 7, 4), (30, 3, 2)):
        when = at(2026, 11, day, 23, 30 if day == 30 else 0)  # the last one at 23:30 on the last day: in
        feedback.record(source="display", nps=nps, csat=csat, sale=sell(anna, when, with_member=day == 9),
                        text="Slow" if csat == 2 else "", now=when + dt.timedelta(minutes=1 if day != 30 else 20))
    # Boris: NPS 0, CSAT 1
    when = at(2026, 11, 12)
    feedback.record(source="till", nps=0, csat=1, sale=sell(boris, when), now=when)
    # With no sale (typed at the command line): the shop's, nobody's by cashier
    feedback.record(source="cli", nps=10, now=at(2026, 11, 20))
    # Outside: the day after (00:10 on 1 December), and October (the period before: one passive, no CSAT)
    late = at(2026, 12, 1, 0, 10)
    feedback.record(source="display", nps=0, csat=1, sale=sell(anna, late), now=late)
    october = at(2026, 10, 20)
    feedback.record(source="display", nps=8, sale=sell(boris, october), now=october)
    return {"anna": anna, "boris": boris, **shop}


def test_nps_and_csat_are_exact_with_their_counts(answered):
    got = figures.compute(PERIOD)
    # NPS answers 10, 9, 7, 3, 0, 10: promoters 3, detractors 2 of 6
    assert got["nps_answers"] == 6 and got["nps"] == pytest.approx(100 * (3 - 2) / 6)
    # CSAT answers 5, 4, 2, 1: 4 and 5 are 2 of 4
    assert got["csat_answers"] == 4 and got["csat"] == 0.5
    before = got["previous"]
    assert (before["nps"], before["nps_answers"], before["csat"], before["csat_answers"]) == (0.0, 1, None, 0)


def test_nps_and_csat_by_cashier(answered):
    rows = {r["name"]: r for r in figures.compute(PERIOD)["by_cashier"]}
    anna, boris = rows[answered["anna"].name], rows[answered["boris"].name]
    assert (anna["nps"], anna["nps_answers"], anna["csat_answers"]) == (25.0, 4, 3)
    assert anna["csat"] == pytest.approx(2 / 3)
    assert (boris["nps"], boris["nps_answers"], boris["csat"], boris["csat_answers"]) == (-100.0, 1, 0.0, 1)
    assert anna["receipts"] == 4 and boris["receipts"] == 1  # the receipts' own figures are untouched


def test_no_answers_is_none_not_zero(shop):
    got = figures.compute(PERIOD)
    assert (got["nps"], got["nps_answers"], got["csat"], got["csat_answers"]) == (None, 0, None, 0)
    assert "not collected" not in got["definitions"]["nps"]


def test_the_figures_equal_the_plain_computation(answered):
    check_all(figures.compute(PERIOD), History(CHISINAU), PERIOD)


def test_the_queries_read_the_indexes_alone_and_sort_nothing(answered, monkeypatch):
    from models import db

    plans: list[str] = []
    real = db.obj.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        if '"feedback" ' in sql and not sql.startswith("EXPLAIN"):
            plans.append(" | ".join(str(r[-1]) for r in real("EXPLAIN QUERY PLAN " + sql, params).fetchall()))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", explained)
    figures.compute(PERIOD)
    assert len(plans) == 2, plans  # one statement for the totals, one for the cashiers
    assert plans[0].count("COVERING INDEX feedback_created_at") == 2, plans[0]  # each period a range of it
    assert "COVERING INDEX feedback_cashier_id_created_at (cashier_id=? AND created_at>? AND created_at<?)" in plans[1]
    assert "TEMP B-TREE" not in " ".join(plans), plans


def test_the_cards_name_nps_and_csat_and_write_them_as_the_shop_does():
    assert wording.shown("nps", 16.666, "MDL", "ro") == "16,7"
    assert wording.shown("nps", -100.0, "MDL", "en") == "-100.0"
    assert wording.shown("csat", 0.5, "MDL", "en") == "50.0 %"
    assert wording.change("nps", 20.0, -5.0, "en") == ("+25.0", 1)  # points of NPS, not a percentage of it
    assert wording.change("csat", 0.5, 0.75, "en")[1] == -1
