"""Gifts for points at the hub: a till's gift sale and its return reach the hub, which
accepts the "reward" entries their own sale and return support and no others; the
chain's balance, the holds and the figures count them."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from models.hub import HubLedger, hub_db
from models.schema import Member
from services.core.periods import Period
from services.hub import figures as hub_figures, holds
from services.members import registry as members
from services.programme import rewards
from services.programme.rules import active_rules
from services.sale import checkout, permits, returns
from services.sale.checkout import Cart, Tender
from services.sync import client as sync
from test_attacks import NOW, a_programme, entry_op, op, push, reasons, sale_op, statuses  # noqa: F401
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub

M1 = str(uuid.UUID(int=101))


def gift_sale(seq, rewarded, member=M1, redeemed=0):
    sale = sale_op(seq, member=member, redeemed=redeemed)
    sale["payload"]["sale"]["points_rewarded"] = rewarded
    return sale, sale["payload"]["sale"]["id"]


def gift_return(seq, sale_id, back):
    ret_id = str(uuid.uuid4())
    return ret_id, op(seq, "return", {"return": {
        "id": ret_id, "sale_id": sale_id, "till_id": None, "created_at": NOW, "refund": 0, "value": 0,
        "points_reversed": 0, "points_restored": 0, "points_unrewarded": back}, "lines": []})


def hub_ledger():
    with hub_db.connection_context():
        return sorted((e.kind, e.delta) for e in HubLedger.select().where(HubLedger.kind == "reward"))


def test_the_hub_takes_a_gift_exactly_once_and_gives_back_only_what_the_return_says(hub_http, enrol):
    _, a = enrol("A")
    sale, sale_id = gift_sale(1, 500)
    assert statuses(push(hub_http, a, [
        sale,
        entry_op(2, "reward", -400, sale_id=sale_id),  # not what the sale's gifts cost
        entry_op(3, "reward", 500, sale_id=sale_id),  # a gift does not give points
        entry_op(4, "reward", -500, sale_id=sale_id),
        entry_op(5, "reward", -500, sale_id=sale_id),  # the same gift twice
        entry_op(6, "reward", -500, sale_id=str(uuid.uuid4())),  # no such sale
    ])) == ["applied", "quarantined", "quarantined", "applied", "quarantined", "quarantined"]
    assert "the sale's gifts cost 500" in reasons()[0]
    assert "already taken" in reasons()[2]
    plain, plain_id = gift_sale(7, 0)
    assert statuses(push(hub_http, a, [plain, entry_op(8, "reward", -100, sale_id=plain_id)])) == [
        "applied", "quarantined"]  # a sale with no gifts takes no gift points

    ret_id, ret = gift_return(9, sale_id, 300)
    greedy_id, greedy = gift_return(10, sale_id, 300)  # with the first: 600 of the 500 the gifts cost
    assert statuses(push(hub_http, a, [
        ret, greedy,
        entry_op(11, "reward", 400, sale_id=sale_id, return_id=ret_id),  # more than the return gives back
        entry_op(12, "reward", -300, sale_id=sale_id, return_id=ret_id),  # a return takes no gift points
        entry_op(13, "reward", 300, sale_id=sale_id, return_id=ret_id),
        entry_op(14, "reward", 1, sale_id=sale_id, return_id=ret_id),  # once given back, no more
    ])) == ["applied", "quarantined", "quarantined", "quarantined", "applied", "quarantined"]
    assert hub_ledger() == [("reward", -500), ("reward", 300)]


def test_a_sale_whose_gift_points_are_not_a_bounded_number_is_refused(hub_http, enrol):
    _, a = enrol("A")
    words, _ = gift_sale(1, "500; DROP TABLE hub_sale")
    huge, _ = gift_sale(2, 10**15)
    nobody, _ = gift_sale(3, 500, member=None)
    assert statuses(push(hub_http, a, [words, huge, nobody])) == ["quarantined"] * 3
    assert "gift points" in reasons()[0] and "without a member" in reasons()[2]


def test_the_hub_knows_the_reward_kind():
    from models.schema import LedgerEntry
    from services.hub import checks

    assert "reward" in checks.LEDGER_KINDS and checks.LEDGER_KINDS == LedgerEntry.KINDS


def _gift_sale_on_till(card: str, reward_id: str, redeem: int = 0, permit=None):
    cart = Cart(member=members.find_by_card(card))
    cart.add_barcode(tillkit.some_barcodes(1)[0])
    cart.add_reward(reward_id, active_rules())
    cart.redeem = redeem
    to_pay = cart.price(active_rules()).to_pay
    return checkout.complete_sale(cart, [Tender("card", to_pay)], cashier=tillkit.owner(), permit=permit)


def test_a_tills_gift_and_its_return_reach_the_hub_and_every_balance_agrees(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        card = tillkit.active_cards(1)[0]
        member = members.find_by_card(card)
        members.adjust_balance(member, 800 - member.balance, "test opening", actor=tillkit.owner())
        member_id = str(member.id)
        gift = rewards.add(tillkit.some_barcodes(2)[1], 300, actor=tillkit.owner())
        hub_a = client(hub_http, a_token)
        sync.sync_once(hub_a)
        # Online: the hub holds the gift's points with the bill's, and the gift entry settles the hold.
        permit = permits.reserve(hub_a, member, 300 + 40)
        sold = _gift_sale_on_till(card, str(gift.id), redeem=40, permit=permit)
        permits.finish(hub_a, permit, sold.sale_id)
        sync.sync_once(hub_a)
        back = returns.return_items(sold.receipt_no, {tillkit.some_barcodes(2)[1]: 1}, actor=tillkit.owner())
        assert back.points_unrewarded == 300
        sync.sync_once(hub_a)
        till_balance = Member.get_by_id(member.id).balance
        assert tillkit.balances() == tillkit.ledger_sums()
    with hub_db.connection_context():
        state = holds.available(uuid.UUID(member_id))
        kinds = sorted((e.kind, e.delta) for e in HubLedger.select().where(
            (HubLedger.member_id == member_id) & HubLedger.kind.in_(("reward", "redeem"))))
        day = dt.date.fromisoformat(str(HubLedger.select().where(HubLedger.kind == "reward").first().created_at)[:10])
        period = Period(day - dt.timedelta(days=1), day + dt.timedelta(days=1))
        chain = hub_figures.chain_figures(period, "UTC")
        kinds_before, hub_figures.REDEEMED_KINDS = hub_figures.REDEEMED_KINDS, ("redeem",)
        try:
            bills_only = hub_figures.chain_figures(period, "UTC")
        finally:
            hub_figures.REDEEMED_KINDS = kinds_before
    assert state["held"] == 0 and state["balance"] == till_balance
    assert kinds == [("redeem", -40), ("reward", -300), ("reward", 300)]
    assert reasons() == []
    assert chain["points_redeemed"] - bills_only["points_redeemed"] == 300  # the gift counts as redeemed
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert tillkit.balances()[member_id] == till_balance
