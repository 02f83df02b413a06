"""Points across tills: online holds, offline caps, and the overdraft two offline tills can cause."""
from __future__ import annotations

from argparse import Namespace

import pytest

from models.hub import hub_db
from services.members import registry as members
from services.sale import permits as redeem
from services.sync import client as sync
from services.core.errors import RedeemRefused
from services.hub import admin, holds
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub

CAP_SALE, CAP_DAILY = 300, 400


def _member_with(points: int) -> tuple[str, str]:
    card = tillkit.active_cards(3)[2]
    member = members.find_by_card(card)
    members.adjust_balance(member, points - member.balance, "test opening", actor=tillkit.owner())
    return card, str(member.id)


def _big_cart(card: str, points: int = CAP_SALE) -> list[tuple[str, int]]:
    """Just enough goods for CAP_SALE points under the 30 % cap (few points earned back)."""
    from models.schema import Product

    barcode = tillkit.some_barcodes(1)[0]
    price = Product.get(Product.barcode == barcode).price
    return [(barcode, -(-points * 100 * 10_000 // (3000 * price)) + 1)]


def test_two_offline_tills_overspend_within_the_caps_and_the_member_is_flagged(joined, hub_http, pg_dsn):
    first, second, a_token, b_token = joined
    admin.run(Namespace(dsn=pg_dsn, hub_command="set-caps", per_sale=CAP_SALE, daily=CAP_DAILY))
    with on_till(first):
        card, member_id = _member_with(500)
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert tillkit.balances()[member_id] == 500
    # The network goes: each till sells on what it last knew.
    spent = {}
    for path in (first, second):
        with on_till(path):
            with pytest.raises(RedeemRefused) as over:
                tillkit.sell(card, _big_cart(card), redeem_points=CAP_SALE + 1)
            assert over.value.code == "redeem_offline_cap" and over.value.params["points"] == CAP_SALE
            tillkit.sell(card, _big_cart(card), redeem_points=CAP_SALE)
            room = redeem.offline_room(members.find_by_card(card), redeem.dt.datetime.now())
            assert room.points == min(500 - CAP_SALE, CAP_DAILY - CAP_SALE)
            tillkit.sell(card, _big_cart(card), redeem_points=room.points)
            with pytest.raises(RedeemRefused):  # the day's offline cap is used up here
                tillkit.sell(card, _big_cart(card), redeem_points=1)
            spent[path] = CAP_SALE + room.points
    # Back online: the hub applies both tills' sales, whatever the balance.
    for path, token in ((first, a_token), (second, b_token), (first, a_token)):
        with on_till(path):
            sync.sync_once(client(hub_http, token))
    with hub_db.connection_context():
        import uuid
        hub_balance = holds.balance(uuid.UUID(member_id))
        listed = holds.overdrafts()
    earned = None
    with on_till(first):
        balances = tillkit.balances()
        assert balances == tillkit.ledger_sums()
        earned = balances[member_id] - (500 - sum(spent.values()))
        assert earned >= 0
    with on_till(second):
        assert tillkit.balances()[member_id] == balances[member_id] == hub_balance
    assert hub_balance < 0, "two offline tills spent more than the member had"
    # Redeemed beyond what the member had is bounded by the second till's daily offline cap.
    assert 0 < sum(spent.values()) - 500 <= CAP_DAILY
    assert [m["member_id"] for m in listed] == [member_id] and listed[0]["balance"] == hub_balance
    listed_cli = admin.run(Namespace(dsn=pg_dsn, hub_command="overdrafts"))["members"]
    assert [m["member_id"] for m in listed_cli] == [member_id]
    with on_till(first):  # redemption is blocked until earnings cover the hole
        with pytest.raises(RedeemRefused) as blocked:
            tillkit.sell(card, _big_cart(card), redeem_points=1)
        assert blocked.value.code == "redeem_owes"
        members.adjust_balance(members.find_by_card(card), -hub_balance + 10, "goodwill", actor=tillkit.owner())
        sync.sync_once(client(hub_http, a_token))
    assert admin.run(Namespace(dsn=pg_dsn, hub_command="overdrafts"))["members"] == []


def test_an_online_hold_stops_a_second_till_spending_the_same_points(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        card, member_id = _member_with(500)
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
    with on_till(first):
        hub_a = client(hub_http, a_token)
        member = members.find_by_card(card)
        permit = redeem.reserve(hub_a, member, 300)
        assert permit.online
    with on_till(second):
        with pytest.raises(RedeemRefused) as refused:
            redeem.reserve(client(hub_http, b_token), members.find_by_card(card), 300)
        assert refused.value.params["points"] == 200
    with on_till(first):
        result = tillkit.sell(card, _big_cart(card), redeem_points=300, permit=permit)
        redeem.finish(hub_a, permit, result.sale_id)
        sync.sync_once(hub_a)
    with hub_db.connection_context():
        import uuid
        state = holds.available(uuid.UUID(member_id))
    assert state["held"] == 0 and state["available"] == state["balance"]  # settled by the sale's redeem entry
    with on_till(second):
        released = redeem.reserve(client(hub_http, b_token), members.find_by_card(card), 100)
        redeem.finish(client(hub_http, b_token), released, None)  # the customer changed their mind
    with hub_db.connection_context():
        assert holds.held(uuid.UUID(member_id)) == 0


def test_offline_without_a_hub_has_no_caps(demo_db):
    card = tillkit.active_cards(3)[2]
    member = members.find_by_card(card)
    members.adjust_balance(member, 2000 - member.balance, "test", actor=tillkit.owner())
    assert redeem.DEFAULT_CAP_SALE < 1500
    result = tillkit.sell(card, _big_cart(card, 1500), redeem_points=1500)
    assert result.priced.points_redeemed == 1500
