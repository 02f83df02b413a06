"""The summary of the sales (services.insights.summary): after any sequence of writes — a
sale, a partial return, a whole return, an imported history, a corrected imported receipt,
a change of the shop's zone — a refresh leaves the tables as a rebuild from scratch makes
them, and both as the plain computation over the raw rows says."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from peewee import SQL

from models import db
from models.schema import LedgerEntry, Member, Product, Sale, SaleReturn
from services.insights import summary
from services.members import registry as members
from services.programme.rules import active_rules
from services.sale import checkout, returns
from services.sale.checkout import Cart, Tender
from services.shop.settings import set_setting, shop_info
from tests.unit.imports.historykit import programme_since_2000, run as import_history
from tests.unit.shopkit import add_products

START = dt.datetime(2026, 3, 20, 0, 0)  # UTC; the sales fall over the spring change of clocks
ZONES = ("Europe/Chisinau", "UTC", "America/New_York", "Asia/Kolkata")


@pytest.fixture(autouse=True)
def _programme_since_2000(shop):
    programme_since_2000()


def tables() -> tuple[list[tuple], ...]:
    return (db.obj.execute_sql('SELECT * FROM "visit" ORDER BY 1, 2').fetchall(),
            db.obj.execute_sql('SELECT * FROM "sale_day" ORDER BY 1, 2, 3, 4').fetchall(),
            db.obj.execute_sql('SELECT * FROM "ledger_day" ORDER BY 1, 2, 3').fetchall(),
            db.obj.execute_sql('SELECT * FROM "first_sale" ORDER BY 1').fetchall())


def plain() -> tuple[list[tuple], ...]:
    """The four tables worked out in Python from the sales, returns and ledger, row by row."""
    zone = shop_info().zone
    back: dict = defaultdict(int)
    returned = set()
    for ret in SaleReturn.select():
        back[ret.sale_id] += ret.value
        returned.add(ret.sale_id)
    visits: dict = defaultdict(lambda: [0, 0])
    days: dict = defaultdict(lambda: [0, 0, 0, 0])
    for sale in Sale.select():
        value = sale.total - back[sale.id]
        if sale.id in returned and value <= 0:
            continue  # returned in full: no receipt
        day = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date().isoformat()
        if sale.member_id is not None:
            visit = visits[(sale.member_id.bytes, day)]
            visit[0] += 1
            visit[1] += value
        row = days[(day, sale.till_id.bytes, sale.cashier_id.bytes if sale.cashier_id else b"",
                    int(sale.member_id is not None))]
        for i, amount in enumerate((1, value, sale.discount, sale.points_value)):
            row[i] += amount
    points: dict = defaultdict(lambda: [0, 0])
    for entry in LedgerEntry.select():
        day = entry.created_at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date().isoformat()
        row = points[(day, entry.till_id.bytes if entry.till_id else b"", entry.kind)]
        row[0 if entry.delta > 0 else 1] += entry.delta
    firsts: dict = {}
    for sale in Sale.select().where(Sale.imported == 0, Sale.member.is_null(False)).order_by(Sale.created_at,
                                                                                           SQL("rowid")):
        firsts.setdefault(sale.member_id.bytes, (sale.member_id.bytes, str(sale.created_at),
                                                 sale.cashier_id.bytes if sale.cashier_id else None,
                                                 sale.till_id.bytes))
    return (sorted((*key, *v) for key, v in visits.items()), sorted((*key, *v) for key, v in days.items()),
            sorted((*key, *v) for key, v in points.items()), sorted(firsts.values()))


class Shop:
    """Writes of every kind the till makes, each at a chosen time."""

    def __init__(self, shop: dict) -> None:
        self.shop = shop
        if Product.select().exists():  # hypothesis's next example, on the same file: goes on from there
            self.food = [p.barcode for p in Product.select().order_by(Product.price)]
            self.people = list(Member.select().where(Member.name.startswith("Member ")).order_by(Member.name))
            self.imported = Sale.select().where(Sale.imported == 1).count()
            return
        self.food = add_products([("Bread", 5_000, False), ("Milk", 12_345, False), ("Cheese", 80_000, False)])
        self.people = [members.register(f"Member {i}", f"+37368{i:06d}", actor=shop["cashier"], now=START)[0]
                       for i in range(3)]
        self.imported = 0

    def sell(self, hours: int, who: int | None, goods: list[int], cashier: str = "cashier") -> None:
        when = START + dt.timedelta(hours=hours)
        cart = Cart()
        for g in goods:
            cart.add(Product.get(Product.barcode == self.food[g]))
        cart.member = Member.get_by_id(self.people[who].id) if who is not None else None
        price = cart.price(active_rules(when), when)
        checkout.complete_sale(cart, [Tender("card", price.to_pay)], cashier=self.shop[cashier], now=when)

    def give_back(self, nth: int, whole: bool) -> None:
        sales = [s for s in Sale.select().where(Sale.imported == 0).order_by(Sale.created_at)
                 if not s.returns.count()]
        if not sales:
            return
        sale = sales[nth % len(sales)]
        items = None if whole else {sale.lines[0].barcode: 1}
        returns.return_items(sale.receipt_no, items, actor=self.shop["manager"],
                             now=sale.created_at + dt.timedelta(hours=1))

    def bring_history(self, hours: int, amount: int, card: bool) -> None:
        when = START + dt.timedelta(hours=hours)
        self.imported += 1
        row = {"receipt": f"H{self.imported}", "date": when.strftime("%d.%m.%Y"), "time": when.strftime("%H:%M"),
               "amount": f"{amount // 100},{amount % 100:02d}"}
        if card:
            row["card"] = "7700000000011"
        out = import_history([row], self.shop, now=START + dt.timedelta(days=30))
        assert not out.errors, out.as_json()

    def correct_history(self, nth: int, amount: int) -> None:
        if not self.imported:
            return
        number = nth % self.imported + 1
        sale = Sale.select().where(Sale.imported == 1).order_by(SQL("rowid"))[number - 1]
        when = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(shop_info().zone)
        row = {"receipt": f"H{number}", "date": when.strftime("%d.%m.%Y"), "time": when.strftime("%H:%M"),
               "amount": f"{amount // 100},{amount % 100:02d}"}
        out = import_history([row], self.shop, now=START + dt.timedelta(days=30))
        assert not out.errors, out.as_json()

    def move(self, zone: str) -> None:
        set_setting("time_zone", zone)


steps = st.one_of(
    st.tuples(st.just("sell"), st.integers(0, 24 * 20), st.one_of(st.none(), st.integers(0, 2)),
              st.lists(st.integers(0, 2), min_size=1, max_size=3), st.sampled_from(["cashier", "manager"])),
    st.tuples(st.just("give_back"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("bring_history"), st.integers(0, 24 * 20), st.integers(0, 50_000), st.booleans()),
    st.tuples(st.just("correct_history"), st.integers(0, 50), st.integers(0, 50_000)),
    st.tuples(st.just("move"), st.sampled_from(ZONES)),
    st.tuples(st.just("refresh")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=12))
def test_refresh_after_any_writes_equals_a_rebuild_and_the_plain_sums(shop, plan):
    till = Shop(shop)
    for step in plan:
        if step[0] == "refresh":
            summary.refresh()
        else:
            getattr(till, step[0])(*step[1:])
    summary.refresh()
    refreshed = tables()
    assert refreshed == plain()
    summary.rebuild()
    assert tables() == refreshed
    assert summary.is_current()


@pytest.fixture
def till(shop):
    return Shop(shop)


def test_each_kind_of_write_is_seen_by_the_next_refresh(till):
    """One of each, with the counts that show the test has teeth."""
    till.move("Europe/Chisinau")
    till.sell(5, 0, [0, 1])
    till.sell(6, 0, [2])  # the same day: one visit of two receipts
    till.sell(30, None, [1])
    first = summary.refresh()
    assert first["rebuilt"] == 1
    visits, days, _points, _firsts = tables()
    assert [(v[2], v[3]) for v in visits] == [(2, 5_000 + 12_345 + 80_000)] and sum(d[4] for d in days) == 3
    assert summary.refresh() == {"sales": 0, "returns": 0, "changed": 0, "ledger": 0, "rebuilt": 0}  # nothing new
    assert tables()[2] and sum(row[3] for row in tables()[2]) > 0  # the points the sales earned

    till.give_back(0, whole=False)  # the bread and milk sale loses a loaf
    assert summary.refresh()["returns"] == 1
    assert tables() == plain() and tables()[0][0][3] == 12_345 + 80_000
    till.give_back(0, whole=True)  # the cheese sale, returned in full: no receipt any more
    summary.refresh()
    assert tables() == plain() and tables()[0][0][2] == 1

    till.bring_history(24 * 3, 15_000, card=True)
    till.bring_history(24 * 3 + 2, 0, card=False)  # a receipt of 0.00 is a receipt
    assert summary.refresh()["sales"] == 2
    assert tables() == plain()
    till.correct_history(0, 9_900)  # the old system corrected it: updated in place
    assert Sale.get(Sale.imported == 1, Sale.total == 9_900)
    assert summary.refresh()["changed"] == 1
    assert tables() == plain() and any(v[3] == 9_900 for v in tables()[0])

    before = tables()
    till.move("Asia/Kolkata")  # 05:00 UTC the 20th of March is the same day; 30 h is the 21st at 11:30 ...
    assert summary.refresh()["rebuilt"] == 1
    assert tables() == plain()
    till.move("America/New_York")  # ... and 01:00 UTC the 21st is the 20th there
    summary.refresh()
    assert tables() == plain() and tables() != before
    assert zoneinfo.ZoneInfo("America/New_York") == shop_info().zone


def test_a_refresh_can_stop_between_chunks_and_go_on(till):
    from services.core.storage import Pace

    for hours in range(6):
        till.sell(hours * 7, hours % 3, [hours % 3])
    summary.refresh()
    for hours in range(6, 12):
        till.sell(hours * 7, None if hours % 2 else 1, [1])
    calls = []
    pace = Pace(2, clock=lambda: 0.0, sleep=lambda s: None, rest_first=True)
    done = summary.refresh(progress=calls.append, should_stop=lambda: len(calls) >= 1, pace=pace)
    assert done["sales"] == 2 and not summary.is_current()
    summary.refresh()
    assert summary.is_current() and tables() == plain()
