"""The members' visits packed as columns (services.insights.visitpack): the figures read
from a pack of any age, with the members changed since marked and read from `visit`, are
the plain computation's; a pack read while the summary was rebuilt never goes live."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import db
from models.schema import Member, Sale, SaleReturn, Till, VisitPack
from services.insights import figures, summary, visitpack
from services.insights.basis import Period
from services.sale import returns
from services.shop.settings import set_setting
from tests.unit.insights.figurekit import History, check_all
from tests.unit.insights.test_figures import (  # noqa: F401  (fixtures)
    CHISINAU, NOW, PERIOD, _programme_since_2000, history, sell, utc,
)


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(visitpack, "PART_MEMBERS", 3)  # several parts over a few members
    monkeypatch.setattr(visitpack, "STALE_SHARE", 10**6)  # never packed again on its own


def _visits_table() -> list[tuple]:
    return db.obj.execute_sql('SELECT member_id, day, value FROM "visit" ORDER BY 1, 2').fetchall()


def test_a_pack_holds_the_visits_and_the_figures_from_it_are_the_plain_ones(history, small_parts):  # noqa: F811
    summary.refresh()
    assert visitpack.refresh(force=True)
    parts = VisitPack.select().where(VisitPack.live == 1).count()
    assert parts >= 3
    assert visitpack.state()["packed"] == len({r[0] for r in _visits_table()})
    assert visitpack.state()["marked"] == 0
    # the pack's arrays are the visit table's rows
    got = visitpack.visits(db.obj.execute_sql, dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    assert got.members == visitpack.state()["packed"] and got.day.size == len(_visits_table())
    assert int(got.value.sum()) == sum(r[2] for r in _visits_table())
    check_all(figures.compute(PERIOD, now=NOW), History(CHISINAU), PERIOD)


def test_what_changed_after_the_pack_is_read_from_the_visits(history, small_parts):  # noqa: F811
    summary.refresh()
    visitpack.refresh(force=True)
    people, food, shop = history["people"], history["food"], history["shop"]
    sell([food[2]], shop["cashier"], utc(2026, 11, 20), people[0])  # a member packed, a new day
    sell([food[1]], shop["cashier"], utc(2026, 10, 5, 20), people[0])  # ... and a day they had
    sell([food[0]], shop["cashier"], utc(2026, 11, 21), people[7])  # a member with a new visit
    first = Sale.select().where(Sale.member == people[1].id).order_by(Sale.created_at).first()
    returns.return_items(first.receipt_no, None, actor=shop["manager"], now=utc(2026, 11, 22))  # a visit gone
    got = figures.compute(PERIOD, now=NOW)
    assert visitpack.state()["marked"] >= 3  # read from visit, not packed again
    check_all(got, History(CHISINAU), PERIOD)
    check_all(figures.compute(PERIOD.previous(), now=NOW), History(CHISINAU), PERIOD.previous())


def test_packed_again_when_stale_and_the_marks_it_read_forgotten(history, monkeypatch):  # noqa: F811
    monkeypatch.setattr(visitpack, "LEAST_TO_PACK", 1)
    figures.compute(PERIOD, now=NOW)  # no pack yet, visits present: packs
    assert visitpack.state()["packed"] > 0 and visitpack.state()["marked"] == 0
    people, food, shop = history["people"], history["food"], history["shop"]
    sell([food[2]], shop["cashier"], utc(2026, 11, 20), people[0])
    got = figures.compute(PERIOD, now=NOW)  # one marked of a few members: over a twentieth, packed again
    assert visitpack.state()["marked"] == 0
    assert VisitPack.select().where(VisitPack.live == 0).count() == 0  # the old generation is gone
    check_all(got, History(CHISINAU), PERIOD)


def test_a_pack_read_while_the_summary_was_rebuilt_never_goes_live(history, monkeypatch):  # noqa: F811
    summary.refresh()
    builds = iter(["before", "after"])
    monkeypatch.setattr(summary, "build_name", lambda execute=None: next(builds, "after"))
    assert not visitpack.refresh(force=True)
    assert VisitPack.select().count() == 0
    monkeypatch.undo()
    check_all(figures.compute(PERIOD, now=NOW), History(CHISINAU), PERIOD)


def test_a_rebuild_of_the_summary_drops_the_pack_and_its_marks(history, small_parts):  # noqa: F811
    summary.refresh()
    visitpack.refresh(force=True)
    sell([history["food"][0]], history["shop"]["cashier"], utc(2026, 11, 20), history["people"][0])
    summary.refresh()
    assert visitpack.state()["marked"] == 1
    summary.rebuild()
    assert visitpack.state() == {"packed": 0, "marked": 0}
    check_all(figures.compute(PERIOD, now=NOW), History(CHISINAU), PERIOD)


DAY0 = dt.date(2026, 9, 1)
sale_st = st.tuples(
    st.integers(0, 120),  # day from DAY0
    st.integers(0, 23),  # hour on the shop's clock
    st.one_of(st.none(), st.integers(0, 7)),  # member (None: nobody's)
    st.sampled_from([0, 1, 100, 5_000, 123_456]),  # total
    st.sampled_from([None, None, None, "part", "whole"]),  # return, made later
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sales=st.lists(sale_st, max_size=40), cut=st.integers(0, 40), part=st.integers(1, 4),
       start=st.integers(0, 100), days=st.integers(1, 120))
def test_random_histories_packed_at_any_moment(shop, sales, cut, part, start, days):
    """Sales before the cut are packed; the rest, and the returns of any, come after it."""
    set_setting("time_zone", "Europe/Chisinau")
    with db.obj.atomic() as tx:
        old = visitpack.PART_MEMBERS, visitpack.STALE_SHARE
        visitpack.PART_MEMBERS, visitpack.STALE_SHARE = part, 10**6  # the marks read, never packed again
        try:
            till = Till.get(Till.is_local == True)  # noqa: E712
            people = [Member.create(name=f"M{i}", name_key=f"m{i}", created_at=utc(2026, 8, 1)) for i in range(8)]
            made = []
            for n, (d, hour, who, total, _ret) in enumerate(sales):
                if n == cut:
                    summary.refresh()
                    visitpack.refresh(force=True)
                day = DAY0 + dt.timedelta(days=d)
                made.append(Sale.create(till=till, receipt_no=f"R{n}", cashier=shop["cashier"],
                                        member=people[who].id if who is not None else None, rule_version=1,
                                        created_at=utc(day.year, day.month, day.day, hour), subtotal=total,
                                        discount=0, total=total, paid_money=total))
            if cut >= len(sales):
                summary.refresh()
                visitpack.refresh(force=True)
            for sale, (d, hour, _who, total, ret) in zip(made, sales):
                if ret:
                    value = {"part": total // 2, "whole": total}[ret]
                    SaleReturn.create(sale=sale, till=till, created_at=sale.created_at, refund=value, value=value)
            period = Period.ending(DAY0 + dt.timedelta(days=start + days - 1), days)
            check_all(figures.compute(period), History(CHISINAU), period)
        finally:
            visitpack.PART_MEMBERS, visitpack.STALE_SHARE = old
            tx.rollback()


def test_a_pack_is_not_used_when_another_went_live_meanwhile(history, small_parts, monkeypatch):  # noqa: F811
    """Another process packed and forgot the marks up to its own snapshot: a pack read before
    that would miss what those marks said."""
    summary.refresh()
    seen = iter([None])  # the snapshot sees no pack live, the swap another process's
    monkeypatch.setattr(visitpack, "_live_gen", lambda: next(seen, 4242))
    assert not visitpack.refresh(force=True)
    assert VisitPack.select().count() == 0
    monkeypatch.undo()
    check_all(figures.compute(PERIOD, now=NOW), History(CHISINAU), PERIOD)
