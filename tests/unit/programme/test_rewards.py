"""Rewards for points: gifts priced in points, taken at the till for the scanned member,
spent in the sale's transaction as a "reward" ledger entry, printed on the receipt,
given back by a return, refused (with nothing written) when the points or the limits
do not allow, and within the offline caps of a till in a chain."""
from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.schema import LedgerEntry, Member, Outbox, Sale, SaleLine, SaleReturn, utcnow
from services.core.errors import InputError, PermissionDenied, RedeemRefused
from services.core.periods import Period
from services.insights import figures
from services.insights.basis import today
from services.printing.receipts import load_receipt, receipt_rows, render_receipt_pdf
from services.programme import rewards
from services.programme.ledger import ledger_balance, mismatched_balances
from services.sale import permits, returns
from services.sale.checkout import Tender
from services.sale.session import SaleSession, complete
from services.shop.settings import set_setting, shop_info
from services.sale.chain import complete_sale_in_chain
from services.sync import client as sync
from tests.unit.shopkit import add_member, add_products
from tests.unit.sync.fakehub import URL, FakeHub


class FakeClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def goods(shop):
    # Milk and bread are sold; the mug and the towel are gifts (and still sold too).
    return add_products([("Milk", 8990, False), ("Bread", 4590, False), ("Mug", 35000, False), ("Towel", 60000, False),
                         ("Cigarettes", 20000, True)])


@pytest.fixture
def mug(shop, goods):
    return rewards.add(goods[2], 500, actor=shop["owner"])


def member_with(shop, points: int, name: str = "Anna") -> tuple[Member, str]:
    member, card = add_member(name, shop["cashier"], points=points, manager=shop["manager"])
    return Member.get_by_id(member.id), card.number


def session_for(shop, card: str | None = None) -> SaleSession:
    session = SaleSession(shop["cashier"], shop_info().card_prefix, clock=FakeClock(utcnow() + dt.timedelta(seconds=1)))
    if card:
        session.scan(card)
    return session


def pay(session: SaleSession):
    session.price_for_payment()
    result = complete(session.order([Tender("card", session.to_pay)]))
    session.finished(result)
    return result


def written() -> tuple[int, int, int]:
    return Sale.select().count(), LedgerEntry.select().count(), Outbox.select().count()


# --- the owner's list ---------------------------------------------------------------------


def test_the_owner_adds_edits_and_retires_a_reward_and_a_cashier_cannot(shop, goods):
    with pytest.raises(PermissionDenied):
        rewards.add(goods[2], 500, actor=shop["cashier"])
    reward = rewards.add(goods[2], 500, actor=shop["owner"], stock=3, per_member=1)
    with pytest.raises(InputError) as twice:
        rewards.add(goods[2], 700, actor=shop["owner"])
    assert twice.value.code == "reward_twice"
    with pytest.raises(InputError) as bad:
        rewards.add(goods[3], 0, actor=shop["owner"])
    assert bad.value.code == "reward_points"
    with pytest.raises(InputError) as dates:
        rewards.add(goods[3], 10, actor=shop["owner"], valid_from=dt.date(2026, 5, 2), valid_to=dt.date(2026, 5, 1))
    assert dates.value.code == "reward_dates"
    with pytest.raises(InputError) as excluded:  # tobacco, alcohol, gift cards: never a gift either
        rewards.add(goods[4], 10, actor=shop["owner"])
    assert excluded.value.code == "reward_excluded"
    rewards.edit(str(reward.id), actor=shop["owner"], points=450, stock=None)
    [view] = rewards.listing()
    assert (view.name, view.points, view.stock, view.per_member, view.left, view.given) == ("Mug", 450, None, 1, None, 0)
    assert rewards.get(goods[2]).id == reward.id  # found by the product's barcode too
    rewards.retire(str(reward.id), actor=shop["owner"])
    assert rewards.listing() == [] and [v.active for v in rewards.listing(include_retired=True)] == [False]
    with pytest.raises(InputError) as gone:
        rewards.get(goods[2])
    assert gone.value.code == "reward_unknown"


# --- at the till ------------------------------------------------------------------------------


def test_a_gift_is_a_line_at_price_0_and_its_points_are_spent_with_the_sale(shop, goods, mug, resources):
    member, card = member_with(shop, 800)
    session = session_for(shop, card)
    session.add_product(goods[0])
    [offer] = session.reward_offers()
    assert offer.available and offer.reward.points == 500
    taken = session.take_reward(str(mug.id))
    assert taken.notice.code == "reward_taken" and taken.notice.params == {"name": "Mug", "points": 500}
    gift = [pl for pl in session.priced.lines if pl.line.reward_id][0]
    assert (gift.gross, gift.discount, gift.points_earned, gift.line.reward_points) == (0, 0, 0, 500)
    assert {"code": "reward", "points": 500} in gift.reasons
    assert session.priced.points_rewarded == 500
    assert session.max_redeem <= 300  # the gift's points are not there to pay the bill
    earned = session.priced.points_earned
    result = pay(session)

    sale = Sale.get_by_id(result.sale_id)
    assert sale.points_rewarded == 500 and sale.total == 8990 and sale.points_redeemed == 0
    [entry] = LedgerEntry.select().where((LedgerEntry.sale == sale.id) & (LedgerEntry.kind == "reward"))
    assert entry.delta == -500 and "Mug" in entry.note
    fresh = Member.get_by_id(member.id)
    assert fresh.balance == 800 - 500 + earned == ledger_balance(member.id) == sale.balance_after
    [line] = SaleLine.select().where(SaleLine.reward.is_null(False))
    assert (line.unit_price, line.gross, line.reward_points, str(line.reward_id)) == (0, 0, 500, str(mug.id))
    assert rewards.listing()[0].given == 1

    receipt = load_receipt(sale)
    rows = [(r.left, r.right) for r in receipt_rows(receipt)]
    gift = rows.index(("Mug", ""))
    assert "500" in rows[gift + 1][0] and rows[gift + 1][1].startswith("0,00")  # "1 × gift for 500 points  0,00 ₽"
    spent = [i for i, (_, right) in enumerate(rows) if right == "−500"]
    assert len(spent) == 2 and spent[1] == spent[0] + 1  # spent in all, then of them on gifts
    assert rows[spent[1] + 1][1] == str(fresh.balance)  # what is left
    with_pdf = " ".join(pdf_text(render_receipt_pdf(receipt, resources)).split())
    assert "Mug" in with_pdf and "−500" in with_pdf and str(fresh.balance) in with_pdf
    assert receipt.points_rewarded == 500


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return " ".join((page.extract_text() or "") for page in doc.pages)


def test_a_scanned_product_is_taken_as_a_gift_and_the_paid_line_keeps_the_rest(shop, goods, mug):
    member, card = member_with(shop, 600)
    session = session_for(shop, card)
    session.enter(f"2*{goods[2]}")
    session.take_current_as_reward()
    lines = sorted((l.qty, l.unit_price, l.reward_points) for l in session.cart.lines)
    assert lines == [(1, 0, 500), (1, 35000, 0)]
    with pytest.raises(InputError) as qty:
        session.set_qty(session.current_key, 2)
    assert qty.value.code == "reward_qty"


def test_the_return_of_a_gift_gives_its_points_back(shop, goods, mug):
    member, card = member_with(shop, 1000)
    session = session_for(shop, card)
    session.add_product(goods[1])
    session.take_reward(str(mug.id))
    result = pay(session)
    after_sale = Member.get_by_id(member.id).balance
    back = returns.return_items(result.receipt_no, {goods[2]: 1}, actor=shop["manager"])
    assert back.points_unrewarded == 500 and back.refund == 0
    assert back.balance == after_sale + 500 == ledger_balance(member.id)
    [entry] = LedgerEntry.select().where((LedgerEntry.ret == back.return_id) & (LedgerEntry.kind == "reward"))
    assert entry.delta == 500
    assert SaleReturn.get_by_id(back.return_id).points_unrewarded == 500
    assert rewards.listing()[0].given == 0  # the stock and the member's limit count it no more
    with pytest.raises(InputError):
        returns.return_items(result.receipt_no, {goods[2]: 1}, actor=shop["manager"])  # given back once


def test_not_enough_points_is_refused_with_a_sentence_and_nothing_written(shop, goods, mug):
    member, card = member_with(shop, 499)
    session = session_for(shop, card)
    session.add_product(goods[0])
    before = written()
    with pytest.raises(InputError) as short:
        session.take_reward(str(mug.id))
    assert short.value.code == "reward_short"
    assert str(short.value) == "“Mug” costs 500 points; the member has 499 left for it."
    assert [l.reward_id for l in session.cart.lines] == [""]
    assert not session.reward_offers()[0].available
    assert written() == before


def test_points_spent_elsewhere_meanwhile_refuse_the_sale_and_nothing_is_written(shop, goods, mug):
    member, card = member_with(shop, 500)
    session = session_for(shop, card)
    session.add_product(goods[0])
    session.take_reward(str(mug.id))
    from services.members import registry as members

    members.adjust_balance(Member.get_by_id(member.id), -100, "spent at the counter", actor=shop["manager"])
    before = written()
    session.price_for_payment()
    with pytest.raises(InputError) as short:
        complete(session.order([Tender("card", session.to_pay)]))
    assert short.value.code == "reward_short"
    assert written() == before and Member.get_by_id(member.id).balance == 400 == ledger_balance(member.id)


def test_a_member_limit_and_the_stock_are_kept(shop, goods):
    towel = rewards.add(goods[3], 100, actor=shop["owner"], stock=2, per_member=1)
    anna, anna_card = member_with(shop, 1000, "Anna")
    session = session_for(shop, anna_card)
    session.take_reward(str(towel.id))
    with pytest.raises(InputError) as limit:
        session.take_reward(str(towel.id))  # a second on the same sale
    assert limit.value.code == "reward_member_limit"
    pay(session)
    again = session_for(shop, anna_card)
    with pytest.raises(InputError) as later:
        again.take_reward(str(towel.id))
    assert later.value.code == "reward_member_limit" and later.value.params["taken"] == 1
    boris, boris_card = member_with(shop, 1000, "Boris")
    pay_for = session_for(shop, boris_card)
    pay_for.take_reward(str(towel.id))
    pay(pay_for)
    _, vera_card = member_with(shop, 1000, "Vera")
    last = session_for(shop, vera_card)
    with pytest.raises(InputError) as out:
        last.take_reward(str(towel.id))
    assert out.value.code == "reward_out" and rewards.listing()[0].left == 0


def test_a_gift_needs_a_member_and_goes_when_the_member_does(shop, goods, mug):
    session = session_for(shop)
    with pytest.raises(InputError) as nobody:
        session.take_reward(str(mug.id))
    assert nobody.value.code == "reward_no_member"
    _, card = member_with(shop, 900)
    session.scan(card)
    session.take_reward(str(mug.id))
    session.drop_member()
    assert not any(l.reward_id for l in session.cart.lines)


def test_a_tier_and_the_days_limit_who_may_take_it(shop, goods):
    reward = rewards.add(goods[3], 100, actor=shop["owner"], tier="gold")
    _, card = member_with(shop, 900)
    session = session_for(shop, card)
    with pytest.raises(InputError) as tier:
        session.take_reward(str(reward.id))
    assert tier.value.code == "reward_tier" and tier.value.params["tier"] == "Gold"
    rewards.edit(str(reward.id), actor=shop["owner"], tier="", valid_from=today(utcnow()) + dt.timedelta(days=1))
    with pytest.raises(InputError) as early:
        session.take_reward(str(reward.id))
    assert early.value.code == "reward_not_yet"


def test_gifts_and_points_paying_the_bill_never_take_the_balance_below_zero(shop, goods, mug):
    member, card = member_with(shop, 600)
    session = session_for(shop, card)
    session.add_product(goods[2])  # 350.00: 30 % of it is 105 points
    session.take_reward(str(mug.id))
    assert session.max_redeem == 100  # 600 - 500 left for the bill
    with pytest.raises(RedeemRefused):
        session.set_redeem(105)
    session.set_redeem(100)
    pay(session)
    fresh = Member.get_by_id(member.id)
    assert fresh.balance >= 0 and fresh.balance == ledger_balance(member.id)


# --- a till in a chain, offline --------------------------------------------------------------


def pay_in_chain(shop, session, connect):
    session.price_for_payment()
    order = session.order([Tender("card", session.to_pay)])
    result = complete_sale_in_chain(order.cart, list(order.tenders), hub_client=connect, cashier=shop["cashier"],
                                    rules=order.rules)
    session.finished(result)
    return result


def test_offline_a_gift_counts_against_the_permit_with_the_points_that_pay(shop, goods):
    hub = FakeHub()
    sync.configure(URL, hub.token)  # this till belongs to a chain
    hub.down = True
    set_setting(permits.CAP_SALE, 400)
    towel = rewards.add(goods[3], 300, actor=shop["owner"])
    mug = rewards.add(goods[2], 200, actor=shop["owner"])
    member, card = member_with(shop, 2000)
    Outbox.update(sent_at=utcnow()).where(Outbox.sent_at.is_null()).execute()  # the hub knew the 2000
    session = session_for(shop, card)
    session.take_reward(str(towel.id))
    session.take_reward(str(mug.id))  # 500 points of gifts: over the per-sale cap of 400
    before = written()
    with pytest.raises(RedeemRefused) as capped:
        pay_in_chain(shop, session, lambda timeout: sync.client_from_settings(http=hub.http(timeout)))
    assert capped.value.code == "redeem_offline_cap" and capped.value.params["points"] == 400
    assert written() == before
    session.remove_line(session.current_key)  # the mug goes: 300 fit
    result = pay_in_chain(shop, session, lambda timeout: sync.client_from_settings(http=hub.http(timeout)))
    sale = Sale.get_by_id(result.sale_id)
    assert sale.offline and sale.points_rewarded == 300
    room = permits.offline_room(Member.get_by_id(member.id), utcnow())
    assert room.unsynced_redeemed == 300 and room.cap_daily_left == permits.DEFAULT_CAP_DAILY - 300


def test_online_the_hub_holds_the_gifts_points_with_the_bills(shop, goods, mug):
    hub = FakeHub()
    sync.configure(URL, hub.token)
    member, card = member_with(shop, 2000)
    hub.balances[str(member.id)] = 2000
    session = session_for(shop, card)
    session.add_product(goods[3])  # 600.00: 30 % is 180 points
    session.take_reward(str(mug.id))
    session.set_redeem(100)
    pay_in_chain(shop, session, lambda timeout: sync.client_from_settings(http=hub.http(timeout)))
    [hold] = hub.calls("hold")
    assert hold.body["points"] == 600  # 500 for the gift, 100 for the bill


# --- the figures ------------------------------------------------------------------------------


def test_points_spent_on_gifts_count_as_redeemed(shop, goods, mug):
    _, card = member_with(shop, 900)
    session = session_for(shop, card)
    session.add_product(goods[0])
    session.take_reward(str(mug.id))
    pay(session)
    day = today(utcnow())
    got = figures.compute(Period(day - dt.timedelta(days=1), day + dt.timedelta(days=1)))
    assert got["points_redeemed"] == 500


# --- balances ---------------------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["mug", "towel", "milk", "pay", "return", "spend"]),
                          st.integers(1, 400)), min_size=1, max_size=12))
def test_whatever_is_taken_sold_and_returned_the_balance_is_the_ledger_and_never_negative(shop, goods, steps):
    prices = {"mug": goods[2], "towel": goods[3]}
    ids = {}
    for name, barcode in prices.items():
        try:
            ids[name] = str(rewards.get(barcode).id)
        except InputError:
            ids[name] = str(rewards.add(barcode, 150 if name == "mug" else 320, actor=shop["owner"]).id)
    member, card = member_with(shop, 700, f"Member {Member.select().count()}")
    session = session_for(shop, card)
    sold: list[str] = []
    for action, amount in steps:
        try:
            if action in ids:
                session.take_reward(ids[action])
            elif action == "milk":
                session.add_product(goods[0])
            elif action == "pay" and session.cart.lines:
                sold.append(pay(session).receipt_no)
                session.scan(card)
            elif action == "return" and sold:
                returns.return_items(sold.pop(0), None, actor=shop["manager"])
                session.member_changed()
            elif action == "spend":
                from services.members import registry as members

                fresh = Member.get_by_id(member.id)
                if min(amount, fresh.balance) > 0:  # points spent elsewhere, never more than there are
                    members.adjust_balance(fresh, -min(amount, fresh.balance), "test", actor=shop["manager"])
                session.member_changed()
        except InputError:
            pass
        fresh = Member.get_by_id(member.id)
        assert fresh.balance == ledger_balance(member.id)
        assert fresh.balance >= 0
    assert mismatched_balances() == []


def test_a_members_gifts_are_in_their_personal_data_and_erasing_keeps_the_books(shop, goods, mug):
    member, card = member_with(shop, 900)
    session = session_for(shop, card)
    session.take_reward(str(mug.id))
    sold = pay(session)
    held = rewards.personal_data(member.id)
    assert [(g["receipt"], g["name"], g["qty"], g["points"]) for g in held["gifts"]] == [(sold.receipt_no, "Mug", 1, 500)]
    import json

    json.dumps(held)  # JSON-able, as services/reach/privacy.py collects it
    rewards.erase_personal(member.id, now=utcnow())
    assert Sale.get_by_id(sold.sale_id).points_rewarded == 500 and ledger_balance(member.id) == 400
