"""The owner's figures (services.insights.figures) against the plain computation
(tests/unit/insights/figurekit.py: rows read into Python, counted in loops)."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import db, write_transaction
from models.schema import Category, LedgerEntry, Member, Product, ReturnLine, Sale, SaleReturn, Store, Till, new_id
from services.core.errors import InputError, PermissionDenied
from services.insights import figures
from services.insights.basis import Period
from services.members import registry as members
from services.programme.rules import active_rules
from services.sale import checkout, returns
from services.sale.checkout import Cart, Tender
from services.shop.owner_settings import set_till_store
from services.shop.settings import set_setting
from tests.unit.imports.historykit import programme_since_2000, run as import_history
from tests.unit.insights.figurekit import History, check_all
from tests.unit.shopkit import add_products

CHISINAU = zoneinfo.ZoneInfo("Europe/Chisinau")  # summer time ends 25 October 2026, 04:00 local
PERIOD = Period(dt.date(2026, 10, 1), dt.date(2026, 11, 29))  # 60 days, by week; the one before: 2 Aug - 30 Sep
NOW = dt.datetime(2026, 12, 1, 12, 0)



@pytest.fixture(autouse=True)
def _programme_since_2000(shop):
    """The programme in force from long before any date here (history imports need it)."""
    programme_since_2000()


def utc(y: int, mo: int, d: int, h: int = 12, mi: int = 0) -> dt.datetime:
    """A time on the shop's clock (Chisinau), as stored (naive UTC)."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=CHISINAU).astimezone(dt.timezone.utc).replace(tzinfo=None)


def sell(barcodes: list[str], cashier, when: dt.datetime, member=None, redeem: int = 0) -> Sale:
    cart = Cart()
    for code in barcodes:
        cart.add(Product.get(Product.barcode == code))
    cart.member = Member.get_by_id(member.id) if member is not None else None
    cart.redeem = redeem
    rules = active_rules(when)
    result = checkout.complete_sale(cart, [Tender("card", cart.price(rules, when).to_pay)], cashier=cashier,
                                    now=when)
    return Sale.get_by_id(result.sale_id)


@pytest.fixture
def history(shop):
    """Members and not, here and imported, two cashiers, two stores, returns, summer time."""
    set_setting("time_zone", "Europe/Chisinau")
    set_till_store(shop["owner"], "Centre", "")
    with write_transaction():
        north = Store.create(name="North")
        other_till = Till.create(code="T02", name="T02", number=2, store=north)
    food = add_products([("Bread", 5_000, False), ("Milk", 12_345, False), ("Cheese", 80_000, False),
                         ("Cigarettes", 20_000, True)])
    cashier, manager = shop["cashier"], shop["manager"]
    people = {}
    for i, (when, who) in enumerate([(utc(2026, 7, 20), cashier), (utc(2026, 8, 10), manager),
                                     (utc(2026, 10, 3, 9), cashier), (utc(2026, 10, 25, 2, 30), manager),
                                     (utc(2026, 11, 2), cashier), (utc(2026, 11, 29, 23, 30), cashier),
                                     (utc(2026, 6, 1), cashier), (utc(2026, 6, 2), cashier)]):
        people[i], _card = members.register(f"Member {i}", f"+37369{i:06d}", actor=who, now=when)
    # The period before: members 0 and 1 buy, a customer without a card too.
    sell([food[0], food[1]], cashier, utc(2026, 8, 12), people[0])
    sell([food[2]], manager, utc(2026, 9, 1), people[1])
    sell([food[0]], cashier, utc(2026, 9, 30, 23, 50))  # the last minutes of the period before
    sell([food[1]], cashier, utc(2026, 8, 2, 0, 5), people[6])  # the first minutes of the period before
    sell([food[1]], cashier, utc(2026, 8, 31, 23, 55), people[6])  # 90 days before the period's end: not active
    sell([food[1]], cashier, utc(2026, 9, 1, 0, 5), people[7])  # 89 days before: active
    # This period: two receipts of member 0 on one day; member 2 around the change of clocks.
    sell([food[0]], cashier, utc(2026, 10, 5, 9), people[0])
    sell([food[1], food[3]], manager, utc(2026, 10, 5, 18), people[0])
    sell([food[2]], manager, utc(2026, 10, 25, 0, 30), people[2])  # 24 Oct 21:30 UTC: the 25th here
    sell([food[1]], cashier, utc(2026, 10, 25, 23, 30), people[3])  # after the change: still the 25th
    big = sell([food[2], food[2], food[1]], cashier, utc(2026, 11, 3), people[4])
    members.adjust_balance(people[4], 1_000, "goodwill", actor=manager)  # stamped today: after the period
    sell([food[0], food[1]], cashier, utc(2026, 11, 10), people[4], redeem=50)
    whole = sell([food[1]], manager, utc(2026, 11, 11))
    sell([food[0]], cashier, utc(2026, 11, 29, 23, 59), people[5])
    sell([food[0]], cashier, utc(2026, 11, 30, 0, 1), people[5])  # the day after the period
    returns.return_items(big.receipt_no, {food[2]: 1}, actor=manager, now=utc(2026, 11, 4))  # partial
    returns.return_items(whole.receipt_no, None, actor=manager, now=utc(2026, 11, 12))  # whole
    members.adjust_balance(people[1], 500, "goodwill", actor=manager)
    # The other store's till: its sales pulled from the hub, as they were made there.
    with write_transaction():
        for n, (when, member, total) in enumerate([(utc(2026, 10, 7), people[1].id, 30_000),
                                                  (utc(2026, 10, 8), None, 7_000),
                                                  (utc(2026, 9, 15), people[2].id, 9_000)]):
            sale = Sale.create(till=other_till, receipt_no=f"T02-{n:06d}", cashier=manager, member=member,
                               rule_version=1, created_at=when, subtotal=total, discount=0, total=total,
                               paid_money=total, offline=False)
            if member:
                LedgerEntry.create(member=member, kind="earn", delta=total // 100, sale=sale, till=other_till,
                                   created_at=when)
    with write_transaction():  # what else moves points, within the period
        for kind, delta in (("adjust", 300), ("release", 40), ("expire", -10), ("transfer", 25), ("import", 70),
                            ("welcome", 15), ("redeem", -5), ("reverse", -3)):
            LedgerEntry.create(member=people[3].id, kind=kind, delta=delta, created_at=utc(2026, 11, 20))
    # An old system's receipts: one of zero, a new customer, a known member's, one of nobody.
    out = import_history([
        {"date": "06.10.2026", "time": "10:00", "amount": "0", "card": "7700000000011", "customer_name": "Old One"},
        {"date": "20.10.2026", "time": "11:00", "amount": "150,00", "card": "7700000000011"},
        {"date": "21.10.2026", "time": "12:00", "amount": "99,00", "phone": "+37369000003"},
        {"date": "22.10.2026", "time": "13:00", "amount": "0,00"},
        {"date": "05.09.2026", "time": "09:00", "amount": "40,00", "card": "7700000000028"},
    ], shop, now=NOW)
    assert not out.errors, out.errors
    return {"shop": shop, "north": north, "people": people, "food": food}


def test_every_figure_equals_the_plain_computation(history):
    got = figures.compute(PERIOD, now=NOW)
    check_all(got, History(CHISINAU), PERIOD)
    # The history really has what the test claims (else the comparison proves little).
    assert got["receipts"] > 10 and got["previous"]["receipts"] >= 4
    assert 0 < got["member_receipts"] < got["receipts"]
    assert got["points_issued"] > 0 and got["points_redeemed"] == 55
    assert len([r for r in got["by_cashier"] if r["cashier_id"]]) == 2
    assert Sale.select().where(Sale.imported & (Sale.total == 0)).count() == 2
    assert got["retention_rate"] is not None and got["repeat_rate"] is not None
    assert set(figures.FIGURES) <= set(got) and set(figures.FIGURES) <= set(got["previous"])
    assert set(figures.FIGURES) <= set(got["definitions"])


def test_each_store_alone_equals_the_plain_computation(history):
    centre = Store.get(Store.name == "Centre")
    for store in (centre, history["north"]):
        got = figures.compute(PERIOD, store=store, now=NOW)
        check_all(got, History(CHISINAU), PERIOD, store=store.id)
        assert got["store"] == str(store.id)
    assert figures.compute(PERIOD, store=history["north"])["receipts"] == 2
    assert figures.find_store("North").id == history["north"].id
    with pytest.raises(InputError):
        figures.find_store("Nowhere")


@pytest.mark.parametrize("period", [Period(dt.date(2026, 10, 25), dt.date(2026, 10, 25)),
                                    Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                                    Period(dt.date(2026, 11, 3), dt.date(2026, 11, 12))])
def test_other_periods(history, period):
    check_all(figures.compute(period), History(CHISINAU), period)


def test_members_receipts_through_the_member_index_are_the_members_receipts(history):
    from services.insights import basis

    def rows(**kw):
        sql, params = basis.receipts_sql(PERIOD.previous(), CHISINAU, **kw)
        return sorted(tuple(r) for r in db.obj.execute_sql(f"SELECT * FROM ({sql})", params).fetchall())

    members_only = rows(members_only=True)
    assert members_only == [r for r in rows() if r[1] is not None] and len(members_only) >= 4


def test_the_change_of_clocks_puts_receipts_on_the_shops_day(history):
    day = Period(dt.date(2026, 10, 25), dt.date(2026, 10, 25))
    got = figures.compute(day)
    assert got["member_receipts"] == 2 and got["receipts"] == 2


def test_programme_cost_and_roi_from_the_owners_costs_and_margin(history):
    owner = history["shop"]["owner"]
    figures.set_costs(owner, {"cards": 30_000, "messages": 6_500})
    figures.set_margins(owner, {"overall_bp": 2_500})
    got = figures.compute(PERIOD)
    check_all(got, History(CHISINAU), PERIOD, costs=36_500, margin_bp=2_500)
    programme = got["programme"]
    assert programme["owner_costs"] == (36_500 * 60 * 12 * 2 + 365) // (2 * 365)
    assert programme["cost"] == programme["discounts"] + programme["points_redeemed_value"] + programme["owner_costs"]
    assert programme["points_redeemed_value"] > 0 and programme["roi"] == got["roi"]
    assert "ROI" in programme["formula"]


def test_a_category_margin_counts_its_lines(history):
    owner = history["shop"]["owner"]
    food = Category.get(Category.name == "Food")
    figures.set_margins(owner, {"overall_bp": 2_001, "categories_bp": {str(food.id): 3_003}})
    got = figures.compute(PERIOD)
    lines_value = 0
    for sale in Sale.select().where(Sale.member.is_null(False)):
        day = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(CHISINAU).date()
        if PERIOD.start <= day <= PERIOD.end:
            returned = sum(r.value for r in SaleReturn.select().where(SaleReturn.sale == sale.id))
            if returned and sale.total - returned <= 0:
                continue
            for line in sale.lines:
                if line.product_id and Product.get_by_id(line.product_id).category_id == food.id:
                    net = line.gross - line.discount  # less the returned quantity's share, half up
                    back = sum(r.qty for r in ReturnLine.select().where(ReturnLine.sale_line == line.id))
                    lines_value += net - (2 * net * back + line.qty) // (2 * line.qty)
    assert got["programme"]["gross_profit"] == (
        (got["member_revenue"] * 2_001 * 2 + 10_000) // 20_000 + (lines_value * 1_002 * 2 + 10_000) // 20_000)
    # Both products round up (half-up, not down): the history is such that rounding shows.
    assert (got["member_revenue"] * 2_001) % 10_000 >= 5_000 and (lines_value * 1_002) % 10_000 >= 5_000
    assert got["programme"]["categories_bp"] == {str(food.id): 3_003}


def test_costs_and_margins_are_the_owners_and_checked(history):
    shop = history["shop"]
    assert figures.costs() == {"cards": 0, "messages": 0, "staff_bonuses": 0}
    assert figures.margins() == {"overall_bp": None, "categories_bp": {}}
    with pytest.raises(PermissionDenied):
        figures.set_costs(shop["manager"], {"cards": 1})
    with pytest.raises(PermissionDenied):
        figures.set_margins(shop["manager"], {"overall_bp": 1})
    for bad in ({"cards": -1}, {"cards": 1.5}, {"cards": "100"}, {"rent": 5}, {"cards": True}):
        with pytest.raises(InputError) as err:
            figures.set_costs(shop["owner"], bad)
        assert err.value.code in ("figures_cost_bad", "figures_cost_unknown")
    for bad in ({"overall_bp": 10_001}, {"overall_bp": -1}, {"categories_bp": {str(new_id()): 5}},
                {"categories_bp": {"bread": 5}}, {"margin": 5}):
        with pytest.raises(InputError) as err:
            figures.set_margins(shop["owner"], bad)
        assert err.value.code.startswith("figures_")
    assert figures.set_costs(shop["owner"], {"staff_bonuses": 10_000})["staff_bonuses"] == 10_000
    assert figures.costs() == {"cards": 0, "messages": 0, "staff_bonuses": 10_000}
    assert figures.set_margins(shop["owner"], {"overall_bp": 10_000})["overall_bp"] == 10_000


def test_the_staff_permission():
    from services.shop.staff import ACTIONS

    assert ACTIONS["view_figures"] == "manager"


# --- random histories -------------------------------------------------------------------------


DAY0 = dt.date(2026, 9, 1)

sale_st = st.tuples(
    st.integers(0, 120),  # day from DAY0
    st.integers(0, 24 * 60 - 1),  # minute on the shop's clock
    st.one_of(st.none(), st.integers(0, 5)),  # member (None: nobody's)
    st.integers(0, 1),  # which till (store)
    st.integers(0, 1),  # which cashier
    st.sampled_from([0, 0, 1, 100, 5_000, 123_456]),  # total
    st.sampled_from([None, None, None, "part", "whole", "more"]),  # return
)
entry_st = st.tuples(st.integers(0, 120), st.integers(0, 5), st.sampled_from(LedgerEntry.KINDS),
                     st.integers(-500, 500), st.integers(0, 1))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sales=st.lists(sale_st, max_size=40), entries=st.lists(entry_st, max_size=15),
       joined=st.lists(st.integers(0, 120), min_size=6, max_size=6),
       start=st.integers(0, 100), days=st.integers(1, 120), by_store=st.booleans())
def test_random_histories(shop, sales, entries, joined, start, days, by_store):
    set_setting("time_zone", "Europe/Chisinau")
    with db.obj.atomic() as tx:
        north = Store.create(name="North")
        tills = [Till.get(Till.is_local == True), Till.create(code="T09", name="T09", number=9, store=north)]  # noqa: E712
        cashiers = [shop["cashier"], shop["manager"]]
        people = [Member.create(name=f"M{i}", name_key=f"m{i}", created_at=utc(*_ymd(DAY0 + dt.timedelta(days=d))),
                                origin="import" if i == 5 else "") for i, d in enumerate(joined)]
        for n, (d, minute, who, till, cashier, total, ret) in enumerate(sales):
            day = DAY0 + dt.timedelta(days=d)
            when = utc(day.year, day.month, day.day, minute // 60, minute % 60)
            sale = Sale.create(till=tills[till], receipt_no=f"R{n}", cashier=cashiers[cashier],
                               member=people[who].id if who is not None else None, rule_version=1, created_at=when,
                               subtotal=total + 7, discount=7, total=total, paid_money=total, points_value=total // 10,
                               imported=total == 0)
            if ret:
                value = {"part": total // 2, "whole": total, "more": total + 1}[ret]
                SaleReturn.create(sale=sale, till=tills[0], created_at=when, refund=value, value=value)
        for d, who, kind, delta, till in entries:
            day = DAY0 + dt.timedelta(days=d)
            LedgerEntry.create(member=people[who].id, kind=kind, delta=delta, till=tills[till],
                               created_at=utc(day.year, day.month, day.day, 10))
        period = Period.ending(DAY0 + dt.timedelta(days=start + days - 1), days)
        store = north if by_store else None
        check_all(figures.compute(period, store=store), History(CHISINAU), period,
                  store=store.id if store else None)
        tx.rollback()


def _ymd(day: dt.date) -> tuple[int, int, int]:
    return day.year, day.month, day.day
