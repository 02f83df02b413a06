"""The sale session both faces drive: scans and typing in, outcomes out, a frozen order to write."""
from __future__ import annotations

import datetime as dt

import pytest

from models.schema import Sale, utcnow
from services.core.errors import InputError, NotFound, RedeemRefused
from services.members.cards import receipt_code
from services.sale.checkout import Tender
from services.sale.session import SaleSession, complete
from services.shop.settings import shop_info

from tests.unit.shopkit import add_member, add_products


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def goods(shop):
    return add_products([("Milk", 8990, False), ("Bread", 4590, False), ("Milk chocolate", 12000, False)])


@pytest.fixture
def session(shop):
    return SaleSession(shop["cashier"], shop_info().card_prefix, clock=FakeClock(utcnow() + dt.timedelta(seconds=1)))


def test_a_scanned_card_attaches_the_member_and_a_second_card_asks_first(shop, goods, session):
    anna, anna_card = add_member("Anna", shop["cashier"], "+79990000001")
    boris, boris_card = add_member("Boris", shop["cashier"], "+79990000002")
    session.add_product(goods[0])
    first = session.scan(anna_card.number)
    assert session.member.id == anna.id and first.member and first.notice.code == "member"
    asked = session.scan(boris_card.number)
    assert asked.replace_member is not None and asked.replace_member.id == boris.id
    assert session.member.id == anna.id  # nothing replaced until the cashier says so
    again = session.scan(anna_card.number)  # the same card again: read afresh, as before
    assert again.replace_member is None and again.notice.code == "member" and session.member.id == anna.id
    replaced = session.attach_member(asked.replace_member, replace=True)
    assert session.member.id == boris.id and replaced.notice.code == "member"
    assert session.member_summary().name == "Boris"


def test_typed_text_finds_quantities_products_receipts_and_nothing(shop, goods, session):
    three = session.enter(f"3*{goods[1]}")
    assert [(l.barcode, l.qty) for l in session.cart.lines] == [(goods[1], 3)] and three.cart
    assert three.notice.code == "added" and three.notice.params["qty"] == 3
    several = session.enter("milk")
    assert {p.barcode for p in several.choose_product} == {goods[0], goods[2]} and len(session.cart.lines) == 1
    assert session.enter("T01-000123").open_return == "T01-000123"
    assert session.scan(receipt_code(1, 123)).open_return == receipt_code(1, 123)
    nothing = session.enter("caviar")
    assert nothing.notice.code == "nothing_found" and nothing.notice.params == {"text": "caviar"}
    with pytest.raises(NotFound):
        session.enter("4600000099999")
    assert session.enter("   ") == session.enter("")


def test_the_order_is_a_frozen_copy_and_the_session_starts_afresh_after_it(shop, goods, session):
    member, card = add_member("Ivan", shop["cashier"], "+79990000003", points=500, manager=shop["manager"])
    session.scan(card.number)
    session.add_product(goods[0], 2)
    session.set_redeem(50)
    session.price_for_payment()
    to_pay = session.to_pay
    order = session.order([Tender("card", to_pay)])
    session.add_product(goods[1])  # scanned while the sale is being written
    assert [l.barcode for l in order.cart.lines] == [goods[0]]
    result = complete(order)
    sale = Sale.get_by_id(result.sale_id)
    assert sale.total == 2 * 8990 and sale.points_redeemed == 50 and sale.paid_money == to_pay
    outcome = session.finished(result)
    assert session.last_sale is result and session.cart.is_empty() and session.member is None
    assert outcome.cart and outcome.member


def test_points_that_no_longer_fit_are_reset_with_a_notice(shop, goods, session):
    member, card = add_member("Olga", shop["cashier"], "+79990000004", points=5000, manager=shop["manager"])
    session.scan(card.number)
    session.add_product(goods[0])
    session.add_product(goods[2])
    session.set_redeem(session.max_redeem)
    before = session.cart.redeem
    assert before > 0
    outcome = session.remove_line(session.cart.lines[1].key)
    assert session.cart.redeem == 0 and outcome.notice.code == "points_reset"
    assert isinstance(outcome.notice.params["error"], RedeemRefused)


def test_redeeming_more_than_allowed_is_refused_and_changes_nothing(shop, goods, session):
    member, card = add_member("Pavel", shop["cashier"], "+79990000005", points=5000, manager=shop["manager"])
    session.scan(card.number)
    session.add_product(goods[0])
    session.set_redeem(10)
    with pytest.raises(RedeemRefused):
        session.set_redeem(session.max_redeem + 1)
    assert session.cart.redeem == 10 and session.priced.points_redeemed == 10
    session.drop_member()
    with pytest.raises(InputError) as no_member:
        session.set_redeem(10)
    assert no_member.value.code == "redeem_no_member"


def test_an_empty_sale_cannot_be_paid_or_ordered(shop, session):
    with pytest.raises(InputError) as due:
        session.price_for_payment()
    with pytest.raises(InputError) as order:
        session.order([Tender("cash", 0)])
    assert due.value.code == order.value.code == "sale_empty"


def test_parking_and_recalling_go_through_the_session(shop, goods, session):
    session.add_product(goods[0], 2)
    parked = session.park()
    assert parked.notice.code == "parked" and session.cart.is_empty()
    waiting = session.parked()
    assert len(waiting) == 1 and waiting[0].items == 2
    session.add_product(goods[1])
    with pytest.raises(InputError) as busy:
        session.recall(waiting[0].id)
    assert busy.value.code == "park_busy"
    session.cancel()
    recalled = session.recall(waiting[0].id)
    assert recalled.notice.code == "recalled" and [(l.barcode, l.qty) for l in session.cart.lines] == [(goods[0], 2)]


def test_paying_under_a_new_programme_says_when_the_points_no_longer_fit(shop, goods, session):
    import dataclasses

    from services.programme import rules as rules_service

    member, card = add_member("Vera", shop["cashier"], "+79990000006", points=5000, manager=shop["manager"])
    session.scan(card.number)
    session.add_product(goods[2])
    session.set_redeem(session.max_redeem)
    assert session.cart.redeem > 0
    stricter = dataclasses.replace(session.rules, redeem_cap_bp=0)  # the owner switched paying with points off
    rules_service.publish(stricter, session.clock() - dt.timedelta(seconds=1))
    outcome = session.price_for_payment()
    assert session.rules.version != 1 and session.cart.redeem == 0
    assert outcome.notice is not None and outcome.notice.code == "points_reset"
    assert session.to_pay == session.priced.total


def test_no_points_asked_for_without_a_member_is_not_an_error(shop, goods, session):
    session.add_product(goods[0])
    assert session.set_redeem(0).notice is None and session.cart.redeem == 0


def test_a_card_scanned_before_a_recall_stays_on_the_recalled_sale(shop, goods, session):
    member, card = add_member("Gleb", shop["cashier"], "+79990000007")
    session.add_product(goods[0])
    session.park()
    session.scan(card.number)
    session.recall(session.parked()[0].id)
    assert session.member is not None and session.member.id == member.id
    assert [l.barcode for l in session.cart.lines] == [goods[0]]


def test_a_member_erased_during_the_sale_leaves_it_and_the_sale_is_never_lost(shop, goods, session):
    """The owner erases the customer on the counter: paying with their points is refused with a
    sentence, the sale stays without them; paid again, it is written without them."""
    from models.schema import Member
    from services.reach import privacy

    member, card = add_member("Erika", shop["cashier"], "+79990000011", points=5000, manager=shop["manager"])
    session.scan(card.number)
    session.add_product(goods[0])
    session.set_redeem(10)
    session.price_for_payment()
    order = session.order([Tender("card", session.to_pay)])
    privacy.erase(member, actor=shop["owner"], now=session.clock())
    with pytest.raises(InputError) as refused:
        complete(order)
    assert refused.value.code == "member_left_sale"
    back = session.failed()
    assert session.member is None and session.cart.redeem == 0 and back.notice.code == "member_left_sale"
    assert len(session.cart.lines) == 1  # the goods are still on the counter
    result = complete(session.order([Tender("card", session.to_pay)]))
    assert result.balance is None and not result.member_left
    assert Sale.get_by_id(result.sale_id).member_id is None
    assert Member.get_by_id(member.id).balance == 0


def test_a_sale_whose_member_was_erased_completes_without_them_when_the_total_holds(shop, goods, session):
    from models.schema import Member
    from services.reach import privacy

    member, card = add_member("Emil", shop["cashier"], "+79990000012")
    session.scan(card.number)
    session.add_product(goods[1])
    session.price_for_payment()
    order = session.order([Tender("cash", session.to_pay)])
    privacy.erase(member, actor=shop["owner"], now=session.clock())
    result = complete(order)
    assert result.member_left and result.balance is None and result.card is None
    assert result.priced.points_earned == 0
    assert Sale.get_by_id(result.sale_id).member_id is None
    done = session.finished(result)
    assert done.notice.code == "member_left_sale" and session.last_member is None
    assert Member.get_by_id(member.id).balance == 0
    with pytest.raises(InputError) as scanned:  # their card, scanned again, says why it is refused
        session.scan(card.number)
    assert scanned.value.code == "card_of_erased"
