"""Occasions: recorded at the till during a sale (linked to it once written) or after it, their
next date (29 February included), what was bought for them, the member's personal data."""
from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from models.schema import Occasion, Outbox
from services.core.errors import InputError
from services.reach import occasions
from services.sale.checkout import Tender
from services.sale.session import SaleSession, complete
from services.shop.settings import shop_info
from tests.unit.reach.reachkit import goods, member, sell

WHEN = dt.datetime(2025, 12, 10, 12, 0)  # naive UTC


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def flowers(shop):
    return goods()


def _sell_in_session(session: SaleSession, barcodes: list[str]) -> object:
    for barcode in barcodes:
        session.add_product(barcode)
    session.price_for_payment()
    result = complete(session.order([Tender("card", session.to_pay)], at=session.clock()))
    session.finished(result)
    return result


def test_an_occasion_recorded_during_a_sale_is_linked_to_it_when_written(shop, flowers):
    olga = member("Olga", shop["cashier"])
    session = SaleSession(shop["cashier"], shop_info().card_prefix, clock=Clock(WHEN))
    session.attach_member(olga)
    recorded = session.record_occasion("friend_birthday", 12, 24, for_whom="Marina")
    assert Occasion.get_by_id(recorded.id).sale_id is None  # the sale is not written yet
    result = _sell_in_session(session, [flowers["Bouquet of roses"]])
    row = Occasion.get_by_id(recorded.id)
    assert str(row.sale_id) == result.sale_id and row.member_id == olga.id and row.staff_id == shop["cashier"].id
    bought = occasions.what_was_bought(row)
    assert bought is not None and bought.names == ("Bouquet of roses",) and bought.total == 125000
    assert bought.source == "linked"
    kinds = [o.kind for o in Outbox.select().order_by(Outbox.seq)]
    assert kinds.count("occasion") == 2  # added, then linked: both go to the hub


def test_on_an_empty_counter_the_occasion_goes_to_the_sale_just_completed(shop, flowers):
    olga = member("Olga", shop["cashier"])
    session = SaleSession(shop["cashier"], shop_info().card_prefix, clock=Clock(WHEN))
    with pytest.raises(InputError) as caught:
        session.record_occasion("anniversary", 5, 1)
    assert caught.value.code == "occasion_no_member"
    session.attach_member(olga)
    result = _sell_in_session(session, [flowers["Tulips"]])
    assert session.occasion_member().id == olga.id
    row = session.record_occasion("anniversary", 5, 1, for_whom="parents")
    assert str(row.sale_id) == result.sale_id and row.member_id == olga.id
    session.add_product(flowers["Milk"])  # the next customer's sale, no member: nobody to record for
    assert session.occasion_member() is None
    with pytest.raises(InputError):
        session.record_occasion("anniversary", 5, 1)


@pytest.mark.parametrize("today, expected", [
    (dt.date(2027, 2, 1), dt.date(2027, 2, 28)),  # a common year: on 28 February
    (dt.date(2027, 2, 28), dt.date(2027, 2, 28)),  # the day itself counts
    (dt.date(2027, 3, 1), dt.date(2028, 2, 29)),  # next year is a leap year
    (dt.date(2028, 2, 29), dt.date(2028, 2, 29)),
    (dt.date(2028, 3, 1), dt.date(2029, 2, 28)),
])
def test_29_february_falls_on_28_february_in_a_common_year(today, expected):
    leap = Occasion(month=2, day=29)
    assert occasions.next_date(leap, today) == expected


@settings(max_examples=200, deadline=None)
@given(today=st.dates(dt.date(1990, 1, 1), dt.date(2190, 12, 31)), month=st.integers(1, 12), day=st.integers(1, 31))
def test_the_next_date_is_the_first_matching_day_from_today(today, month, day):
    if day > (29 if month == 2 else calendar.monthrange(2001, month)[1]):
        return
    got = occasions.next_date(Occasion(month=month, day=day), today)
    assert today <= got < today + dt.timedelta(days=367)
    wanted = (month, day) if (month, day) != (2, 29) or calendar.isleap(got.year) else (2, 28)
    assert (got.month, got.day) == wanted
    probe = today  # no day between today and got is the occasion's
    while probe < got:
        assert occasions.next_date(Occasion(month=month, day=day), probe) == got
        probe += dt.timedelta(days=max(1, (got - probe).days // 3))


def test_dates_that_do_not_exist_are_refused(shop):
    olga = member("Olga", shop["cashier"])
    for month, day, year in ((4, 31, None), (2, 30, None), (2, 29, 2027), (13, 1, None), (0, 5, None)):
        with pytest.raises(InputError) as caught:
            occasions.add(olga, "other", month, day, year=year)
        assert caught.value.code == "occasion_date"
    assert occasions.add(olga, "other", 2, 29).day == 29  # without a year, 29 February is taken
    with pytest.raises(InputError):
        occasions.add(olga, "party", 1, 1)


def test_without_a_link_what_was_bought_is_the_last_sale_before_the_day_a_year_ago(shop, flowers):
    olga = member("Olga", shop["cashier"])
    sell(olga, [flowers["Milk"]], shop["cashier"], dt.datetime(2025, 10, 1, 9))  # over a month before: not it
    sell(olga, [flowers["Tulips"], flowers["Card"]], shop["cashier"], dt.datetime(2025, 12, 20, 9))
    sell(olga, [flowers["Milk"]], shop["cashier"], dt.datetime(2025, 12, 25, 9))  # after the day: not it
    row = occasions.add(olga, "relative_birthday", 12, 24, for_whom="mother")
    bought = occasions.what_was_bought(row, today=dt.date(2026, 12, 1))
    assert bought is not None and bought.source == "last_year"
    assert bought.names == ("Tulips", "Card") and bought.total == 75000 and bought.day == dt.date(2025, 12, 20)
    assert occasions.what_was_bought(row, today=dt.date(2027, 12, 1)) is None  # nothing in 2026


def test_edit_remove_and_the_nearest(shop):
    olga = member("Olga", shop["cashier"])
    a = occasions.add(olga, "name_day", 3, 10, for_whom="Ira")
    b = occasions.add(olga, "anniversary", 11, 2)
    assert occasions.nearest(olga, dt.date(2026, 4, 1))[0].id == b.id
    assert occasions.nearest(olga, dt.date(2026, 12, 1)) == (occasions.get(a.id), dt.date(2027, 3, 10))
    occasions.edit(a.id, day=12, note="white lilies")
    assert (occasions.get(a.id).day, occasions.get(a.id).note) == (12, "white lilies")
    occasions.remove(b.id)
    assert [o.id for o in occasions.of_member(olga)] == [a.id]
    with pytest.raises(InputError):
        occasions.edit(b.id, day=3)


def test_personal_data_and_its_erasure(shop, flowers):
    olga = member("Olga", shop["cashier"])
    sale = sell(olga, [flowers["Tulips"]], shop["cashier"], WHEN)
    occasions.add(olga, "friend_birthday", 12, 12, year=1990, for_whom="Marina Petrova", note="likes tulips",
                  sale_id=sale.sale_id)
    held = occasions.personal_data(olga.id)["occasions"]
    assert held[0]["for_whom"] == "Marina Petrova" and held[0]["year"] == 1990 and held[0]["sale_id"] == sale.sale_id
    occasions.erase_personal(olga.id, now=WHEN)
    erased = occasions.personal_data(olga.id)["occasions"][0]
    assert (erased["for_whom"], erased["note"], erased["year"]) == ("", "", None)
    assert erased["sale_id"] == sale.sale_id and erased["removed_at"] is not None  # the books' link stays
    assert occasions.of_member(olga) == []
