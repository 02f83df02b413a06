"""Reminders: an occasion recorded at a sale comes up 14 days before its next date (not 15), with
what was bought; birthdays (29 February too); the usual interval overdue from a constructed
history; P(alive) only from a kept fit; the contact log takes a reminder off for that year."""
from __future__ import annotations

import datetime as dt

import pytest

from services.core.errors import InputError
from services.reach import contacts, occasions, reminders
from services.sale.checkout import Tender
from services.sale.session import SaleSession, complete
from services.shop.settings import shop_info
from tests.unit.reach.reachkit import goods, member, sell

NOON = dt.time(12, 0)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def flowers(shop):
    return goods()


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOON)


def _kinds(found) -> list[tuple[str, str, str]]:
    return [(r.kind, r.name, r.day.isoformat()) for r in found]


def test_an_occasion_recorded_at_a_sale_is_due_14_days_before_its_next_date_not_15(shop, flowers):
    olga = member("Olga Ivanova", shop["cashier"], phone="+79990000011")
    session = SaleSession(shop["cashier"], shop_info().card_prefix, clock=Clock(at(dt.date(2025, 12, 10))))
    session.attach_member(olga)
    session.add_product(flowers["Bouquet of roses"])
    session.record_occasion("friend_birthday", 12, 12, for_whom="Marina")
    session.price_for_payment()
    session.finished(complete(session.order([Tender("card", session.to_pay)], at=session.clock())))

    due = reminders.due(14, now=at(dt.date(2026, 11, 28)), sources=["occasion"])
    assert _kinds(due) == [("occasion", "Olga Ivanova", "2026-12-12")]
    r = due[0]
    assert r.for_whom == "Marina" and r.occasion_kind == "friend_birthday" and r.phone == "+79990000011"
    assert r.last_bought.names == ("Bouquet of roses",) and r.last_bought.total == 125000
    assert "Bouquet of roses" in r.suggested_offer
    assert reminders.due(14, now=at(dt.date(2026, 11, 27)), sources=["occasion"]) == []  # 15 days before
    assert len(reminders.due(14, now=at(dt.date(2026, 12, 12)), sources=["occasion"])) == 1  # the day itself
    assert reminders.due(14, now=at(dt.date(2026, 12, 13)), sources=["occasion"]) == []
    assert len(reminders.due(15, now=at(dt.date(2026, 11, 27)), sources=["occasion"])) == 1


def test_a_29_february_occasion_and_birthday_in_common_and_leap_years(shop):
    leap = member("Leap Person", shop["cashier"], birthday=dt.date(1992, 2, 29))
    occasions.add(leap, "anniversary", 2, 29)
    both = ["occasion", "birthday"]
    # 2027 has no 29 February: both fall on the 28th, and are due from the 14th.
    assert _kinds(reminders.due(14, now=at(dt.date(2027, 2, 14)), sources=both)) == [
        ("occasion", "Leap Person", "2027-02-28"), ("birthday", "Leap Person", "2027-02-28")]
    assert reminders.due(14, now=at(dt.date(2027, 2, 13)), sources=both) == []
    # 2028 has one: due from the 15th, on the 29th.
    assert {r.day for r in reminders.due(14, now=at(dt.date(2028, 2, 15)), sources=both)} == {dt.date(2028, 2, 29)}
    assert reminders.due(14, now=at(dt.date(2028, 2, 14)), sources=both) == []
    assert reminders.due(14, now=at(dt.date(2028, 3, 1)), sources=both) == []


def test_a_birthday_window_across_the_new_year(shop):
    member("Januarius", shop["cashier"], birthday=dt.date(1980, 1, 5))
    member("Decembrina", shop["cashier"], birthday=dt.date(1980, 12, 31))
    member("Junius", shop["cashier"], birthday=dt.date(1980, 6, 5))
    due = reminders.due(14, now=at(dt.date(2026, 12, 25)), sources=["birthday"])
    assert _kinds(due) == [("birthday", "Decembrina", "2026-12-31"), ("birthday", "Januarius", "2027-01-05")]


def test_the_usual_interval_overdue_from_a_constructed_history(shop, flowers):
    weekly = member("Weekly", shop["cashier"])
    twice = member("Twice", shop["cashier"])
    start = dt.date(2026, 10, 1)
    for week in range(5):  # every 7 days: gaps 7, 7, 7, 7; the last visit on 29 October
        sell(weekly, [flowers["Milk"]] if week % 2 else [flowers["Milk"], flowers["Card"]], shop["cashier"],
             at(start + dt.timedelta(days=7 * week)))
    for day in (start, start + dt.timedelta(days=3)):  # one gap: too few to say what is usual
        sell(twice, [flowers["Milk"]], shop["cashier"], at(day))
    last = dt.date(2026, 10, 29)

    def overdue(today: dt.date):
        return reminders.due(14, now=at(today), sources=["overdue"])

    assert overdue(last + dt.timedelta(days=10)) == []  # 3 days late: less than half the interval
    found = overdue(last + dt.timedelta(days=11))  # 4 days late
    assert _kinds(found) == [("overdue", "Weekly", "2026-11-05")]
    assert found[0].overdue_days == 4 and found[0].usual_interval_days == 7
    assert "Milk" in found[0].suggested_offer  # the goods bought on the most receipts
    # Listed while it is at most 28 days late (twice a weekly interval is less), then lost more than late.
    assert overdue(last + dt.timedelta(days=7 + reminders.OVERDUE_WINDOW_DAYS))[0].overdue_days == 28
    assert overdue(last + dt.timedelta(days=8 + reminders.OVERDUE_WINDOW_DAYS)) == []


def test_a_long_interval_is_overdue_longer_but_never_past_the_bound(shop, flowers):
    monthly = member("Monthly", shop["cashier"])
    start = dt.date(2026, 1, 5)
    for n in range(4):  # every 40 days: the last visit on 4 May
        sell(monthly, [flowers["Tulips"]], shop["cashier"], at(start + dt.timedelta(days=40 * n)))
    last = start + dt.timedelta(days=120)

    def late(days: int) -> list[int | None]:
        return [r.overdue_days for r in reminders.due(14, now=at(last + dt.timedelta(days=40 + days)),
                                                      sources=["overdue"])]

    assert late(19) == [] and late(20) == [20]  # half the interval late
    assert late(80) == [80] and late(81) == []  # twice the interval late, within OVERDUE_MAX_DAYS


def test_lapsing_needs_a_kept_fit_and_says_so(shop):
    due = reminders.due(14, now=at(dt.date(2026, 12, 1)), sources=["lapsing"])
    assert list(due) == [] and due.notes == ["no_fit"]
    assert "No lifetime fit" in due.as_json()["notes"][0]["text"]
    assert reminders.due(14, now=at(dt.date(2026, 12, 1)), sources=["birthday"]).notes == []


def test_a_contacted_reminder_leaves_the_list_for_that_year_and_shows_as_last_contact(shop, flowers):
    olga = member("Olga", shop["cashier"], birthday=dt.date(1985, 12, 14))
    friend = occasions.add(olga, "friend_birthday", 12, 12, for_whom="Marina")
    now = at(dt.date(2026, 12, 1))
    due = reminders.due(14, now=now)
    assert [r.kind for r in due] == ["occasion", "birthday"] and due[0].last_contact is None
    contacts.log(olga, channel="call", outcome="reached", note="will come on the 10th", staff=shop["manager"],
                 source="occasion", source_id=due[0].source_id, source_date=due[0].day, now=now)
    due = reminders.due(14, now=now + dt.timedelta(hours=1))
    assert [r.kind for r in due] == ["birthday"]  # the occasion is off the list for this year
    last = due[0].last_contact  # the member's last contact shows on their other reminder
    assert (last.staff_name, last.channel, last.outcome, last.note) == ("Manager", "call", "reached",
                                                                        "will come on the 10th")
    everything = reminders.due(14, now=now, contacted=True)
    assert [(r.kind, r.contacted) for r in everything] == [("occasion", True), ("birthday", False)]
    next_year = reminders.due(14, now=at(dt.date(2027, 12, 1)), sources=["occasion"])
    assert [r.source_id for r in next_year] == [str(friend.id)] and not next_year[0].contacted


def test_bad_arguments(shop):
    with pytest.raises(InputError):
        reminders.due(-1)
    with pytest.raises(InputError):
        reminders.due(14, sources=["gossip"])
    olga = member("Olga", shop["cashier"])
    with pytest.raises(InputError):
        contacts.log(olga, channel="pigeon", outcome="reached")
    with pytest.raises(InputError):
        contacts.log(olga, channel="call", outcome="ecstatic")


def test_the_contact_log_and_personal_data(shop):
    olga = member("Olga", shop["cashier"])
    first = dt.datetime(2026, 11, 1, 10)
    contacts.log(olga, channel="sms", outcome="no_answer", staff=shop["owner"], now=first)
    contacts.log(olga, channel="call", outcome="bought", note="bought lilies", staff=shop["manager"],
                 now=first + dt.timedelta(days=1))
    assert [c.outcome for c in contacts.of_member(olga.id)] == ["bought", "no_answer"]
    held = contacts.personal_data(olga.id)["contacts"]
    assert [c["outcome"] for c in held] == ["no_answer", "bought"] and held[1]["note"] == "bought lilies"
    contacts.erase_personal(olga.id, now=first + dt.timedelta(days=2))
    assert [c["note"] for c in contacts.personal_data(olga.id)["contacts"]] == ["", ""]
    assert [c["outcome"] for c in contacts.personal_data(olga.id)["contacts"]] == ["no_answer", "bought"]


def test_the_usual_interval_of_every_member_is_the_profiles(shop, flowers):
    """The medians worked out for all members at once are what services.insights.customers gives
    each member alone (odd and even numbers of gaps, several visits a day, one or two visits)."""
    import random

    from services.insights import customers

    rng = random.Random(11)
    people = [member(f"Member {n}", shop["cashier"]) for n in range(9)]
    for n, someone in enumerate(people):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(20))
        for _ in range(n):  # 0 to 8 visits, now and then two on a day
            sell(someone, [flowers["Milk"]], shop["cashier"], at(day))
            if rng.random() < 0.3:
                sell(someone, [flowers["Card"]], shop["cashier"], at(day) + dt.timedelta(hours=2))
            day += dt.timedelta(days=rng.choice([1, 2, 3, 7, 10, 30]))
    today = dt.date(2026, 12, 1)
    keys, usual, last = reminders.usual_intervals(today)
    got = {bytes(k): (None if u != u else u) for k, u in zip(keys, usual)}
    for someone in people:
        want = customers.profile(someone, now=at(today))
        if want["visits"] == 0:
            assert someone.id.bytes not in got
            continue
        expected = want["usual_interval_days"] if want["visits"] - 1 >= reminders.MIN_GAPS else None
        assert got[someone.id.bytes] == expected, someone.name
    assert sum(v is not None for v in got.values()) >= 5  # most had enough visits to have an interval


def test_lapsing_is_p_alive_by_the_kept_fit_as_the_members_page_has_it(shop, flowers):
    from services.insights import btyd, lifetime

    today = dt.date(2026, 12, 1)
    steady, gone, once, long_gone = (member(name, shop["cashier"]) for name in ("Steady", "Gone", "Once", "Long gone"))
    for week in range(10):
        sell(steady, [flowers["Milk"]], shop["cashier"], at(today - dt.timedelta(days=70 - 7 * week)))
        sell(gone, [flowers["Tulips"]], shop["cashier"], at(today - dt.timedelta(days=300 - 7 * week)))
        sell(long_gone, [flowers["Milk"]], shop["cashier"], at(today - dt.timedelta(days=700 - 7 * week)))
    sell(once, [flowers["Card"]], shop["cashier"], at(today - dt.timedelta(days=200)))
    lifetime.store(lifetime.Fit(at=today, members=4, repeat_members=3, model=btyd.BgNbd(0.8, 12.0, 0.6, 3.0),
                                spend=None, margin_percent=100.0, margin_source="default", summary=None,
                                holdout=None))
    found = reminders.due(14, now=at(today), sources=["lapsing"])
    assert found.notes == []
    assert [(r.name, r.day) for r in found] == [("Gone", today - dt.timedelta(days=237))]  # its last visit
    assert found[0].p_alive == lifetime.outlook(gone, now=at(today))["p_alive"] < reminders.P_ALIVE_LOW
    assert lifetime.outlook(steady, now=at(today))["p_alive"] > reminders.P_ALIVE_LOW  # still coming
    assert lifetime.outlook(long_gone, now=at(today))["p_alive"] < reminders.P_ALIVE_LOW  # but over a year ago
    assert "welcome-back" in found[0].suggested_offer and "Tulips" in found[0].suggested_offer
    from models.schema import Member  # erased (pulled from another till, say): gone from the lapsing too

    Member.update(erased_at=at(today)).where(Member.id == gone.id).execute()
    assert reminders.due(14, now=at(today), sources=["lapsing"]) == []


def test_an_erased_members_occasion_and_birthday_are_not_due(shop):
    """The erasure pulled from another till before its occasions' erasure: already never listed."""
    from models.schema import Member

    kept = member("Kept", shop["cashier"], birthday=dt.date(1980, 12, 20))
    erased = member("Erased", shop["cashier"], birthday=dt.date(1980, 12, 21))
    for who in (kept, erased):
        occasions.add(who, "anniversary", 12, 22)
    Member.update(erased_at=at(dt.date(2026, 12, 1))).where(Member.id == erased.id).execute()
    due = reminders.due(14, now=at(dt.date(2026, 12, 15)), sources=["occasion", "birthday"])
    assert _kinds(due) == [("birthday", "Kept", "2026-12-20"), ("occasion", "Kept", "2026-12-22")]
