"""Review of issue 14: defects at the seams between occasions/reminders, offers, feedback,
consent/campaigns, rewards and privacy (each test fails on main as merged)."""
from __future__ import annotations

import datetime as dt

import pytest

from services.reach import privacy, reminders
from tests.unit.reach.reachkit import goods, member, sell

NOON = dt.time(12, 0)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOON)


@pytest.fixture
def flowers(shop):
    return goods()


def test_an_erased_member_is_not_in_the_reminders_as_overdue(shop, flowers):
    """A regular asks to be forgotten; the owner erases them.  The user sees next week: the
    manager's Reminders list says "Erased member — overdue 4 days, usual every 7 days, offer:
    Milk" and asks them to call a person the shop promised to forget (privacy erases
    occasions from the reminders, but the overdue and lapsing sources read every member)."""
    weekly = member("Weekly Regular", shop["cashier"], phone="+37360000001")
    start = dt.date(2026, 10, 1)
    for week in range(5):
        sell(weekly, [flowers["Milk"]], shop["cashier"], at(start + dt.timedelta(days=7 * week)))
    last = dt.date(2026, 10, 29)
    today = last + dt.timedelta(days=11)
    before = reminders.due(14, now=at(today), sources=["overdue"])
    assert [r.member_id for r in before] == [str(weekly.id)]  # the setting works: they are overdue
    privacy.erase(weekly, actor=shop["owner"], now=at(last + dt.timedelta(days=1)))
    after = reminders.due(14, now=at(today), sources=["overdue"])
    assert [r.name for r in after] == [], "an erased member is still listed to be called"
