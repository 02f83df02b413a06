"""Paying with points on a till in a chain, against a hub in memory: a hold at the
hub before the sale, confirmed or released after; a hub that refuses; a hub
too slow or down, where the offline caps apply; a till alone, with no caps."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.schema import Member, Outbox, Sale, utcnow
from services.core.errors import InputError, RedeemRefused
from services.programme.rules import active_rules
from services.sale import permits
from services.sale.chain import HOLD_TIMEOUT_S, complete_sale_in_chain
from services.sale.checkout import Cart, Tender
from services.shop.settings import set_setting
from services.sync import client as sync
from tests.unit.shopkit import add_member, add_products
from tests.unit.sync.fakehub import URL, FakeHold, FakeHub

PRICE = 1_000_000  # 10,000.00: 30 % of it is 3,000 points, more than any cap here


@pytest.fixture
def goods(shop):
    return add_products([("Television", PRICE, False)])


@pytest.fixture
def hub(shop):
    hub = FakeHub()
    sync.configure(URL, hub.token)  # this till belongs to a chain
    return hub


class Connections:
    """The hub_client factory complete_sale_in_chain calls: remembers the timeouts asked for."""

    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub
        self.timeouts: list[float] = []

    def __call__(self, timeout: float) -> sync.HubClient:
        self.timeouts.append(timeout)
        return sync.client_from_settings(http=self.hub.http(timeout))


def synced() -> None:
    """Everything this till wrote has reached the hub: what it knows is 'last known'."""
    Outbox.update(sent_at=utcnow()).where(Outbox.sent_at.is_null()).execute()


def member_with(shop, points: int) -> Member:
    member, _ = add_member("Ivan", shop["cashier"], points=points, manager=shop["manager"])
    return Member.get_by_id(member.id)


def cart_for(member: Member, barcode: str, redeem: int) -> Cart:
    cart = Cart(member=member)
    cart.add_barcode(barcode)
    cart.redeem = redeem
    return cart


def paid_in_full(cart: Cart, now: dt.datetime | None = None) -> list[Tender]:
    return [Tender("card", cart.price(active_rules(now), now).to_pay)]


def sell(shop, cart: Cart, connect, **kwargs):
    return complete_sale_in_chain(cart, paid_in_full(cart), hub_client=connect, cashier=shop["cashier"], **kwargs)


# --- online --------------------------------------------------------------------------

def test_a_hold_is_asked_before_the_sale_and_confirmed_with_it(shop, goods, hub):
    member = member_with(shop, 2000)
    hub.balances[str(member.id)] = 2000
    sales_seen: list[tuple[str, int]] = []
    hub.on_request = lambda r: sales_seen.append((r.route, Sale.select().count()))
    before = Sale.select().count()
    connect = Connections(hub)

    result = sell(shop, cart_for(member, goods[0], 700), connect)

    assert sales_seen == [("hold", before), ("confirm", before + 1)]  # held first, confirmed after the write
    hold_call, confirm_call = hub.calls()
    assert hold_call.body["member_id"] == str(member.id) and hold_call.body["points"] == 700
    assert confirm_call.path == f"/v1/holds/{hold_call.body['hold_id']}/confirm"
    assert confirm_call.body == {"sale_id": result.sale_id}
    assert hub.holds[hold_call.body["hold_id"]].state == "confirmed"
    assert connect.timeouts == [HOLD_TIMEOUT_S] and hold_call.timeout["read"] == HOLD_TIMEOUT_S
    sale = Sale.get(Sale.receipt_no == result.receipt_no)
    assert sale.points_redeemed == 700 and not sale.offline  # an online sale: the caps did not apply


def test_a_failed_sale_releases_its_hold(shop, goods, hub):
    member = member_with(shop, 2000)
    hub.balances[str(member.id)] = 2000
    before = Sale.select().count()
    cart = cart_for(member, goods[0], 700)
    with pytest.raises(InputError) as short:
        complete_sale_in_chain(cart, [Tender("cash", 100)], hub_client=Connections(hub), cashier=shop["cashier"])
    assert short.value.code == "pay_short"
    assert hub.routes() == ["hold", "release"]
    hold_id = hub.calls("hold")[0].body["hold_id"]
    assert hub.calls("release")[0].path == f"/v1/holds/{hold_id}/release"
    assert hub.holds[hold_id].state == "released"
    assert Sale.select().count() == before


def test_a_hub_that_refuses_says_how_many_points_there_are(shop, goods, hub):
    member = member_with(shop, 2000)
    hub.balances[str(member.id)] = 900  # another till spent some; this one has not heard yet
    hub.holds["elsewhere"] = FakeHold(str(member.id), 300)
    before = Sale.select().count()
    with pytest.raises(RedeemRefused) as refused:
        sell(shop, cart_for(member, goods[0], 700), Connections(hub))
    assert refused.value.code == "redeem_hub_refused"
    assert refused.value.params["points"] == 600  # 900 less the 300 held for another sale
    assert hub.routes() == ["hold"]  # nothing to confirm or release: no hold was made
    assert Sale.select().count() == before


# --- offline --------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["slow", "down", "timeout"])
def test_a_hub_too_slow_or_down_means_the_offline_caps(shop, goods, hub, how):
    member = member_with(shop, 2000)
    synced()
    hub.balances[str(member.id)] = 2000
    set_setting(permits.CAP_SALE, 400)
    if how == "slow":
        hub.latency_s = HOLD_TIMEOUT_S + 1  # answers, but after the till has given up
    elif how == "down":
        hub.down = True
    else:
        hub.fail("hold", "timeout", times=2)
    with pytest.raises(RedeemRefused) as capped:
        sell(shop, cart_for(member, goods[0], 401), Connections(hub))
    assert capped.value.code == "redeem_offline_cap" and capped.value.params["points"] == 400

    result = sell(shop, cart_for(member, goods[0], 400), Connections(hub))
    sale = Sale.get(Sale.receipt_no == result.receipt_no)
    assert sale.offline and sale.points_redeemed == 400
    assert set(hub.routes()) == {"hold"}  # no confirm or release for a hold that was never made
    assert all(h.state != "active" for h in hub.holds.values())


def test_a_hub_slower_than_usual_but_within_the_hold_timeout_is_online(shop, goods, hub):
    member = member_with(shop, 2000)
    hub.balances[str(member.id)] = 2000
    hub.latency_s = HOLD_TIMEOUT_S / 2
    result = sell(shop, cart_for(member, goods[0], 1500), Connections(hub))  # over every offline cap
    assert not Sale.get(Sale.receipt_no == result.receipt_no).offline
    assert hub.routes() == ["hold", "confirm"]


def test_a_till_not_in_a_chain_has_no_caps(shop, goods):
    member = member_with(shop, 3000)
    hub = FakeHub()
    connect = Connections(hub)
    set_setting(permits.CAP_SALE, 10)
    set_setting(permits.CAP_DAILY, 10)
    result = sell(shop, cart_for(member, goods[0], 2500), connect)
    assert Sale.get(Sale.receipt_no == result.receipt_no).points_redeemed == 2500
    assert connect.timeouts == [] and hub.received == []  # no hub was asked


# --- the offline room -----------------------------------------------------------------

earlier = st.lists(
    st.tuples(st.integers(1, 800), st.booleans()),  # points redeemed offline today; synced afterwards?
    max_size=4,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(balance=st.integers(0, 3000), cap_sale=st.integers(0, 1500), cap_daily=st.integers(0, 2000),
       yesterday=st.integers(0, 800), today=earlier)
def test_the_offline_room_is_the_least_of_balance_sale_cap_and_daily_cap(
    shop, goods, hub, balance, cap_sale, cap_daily, yesterday, today,
):
    """room = min(last known balance - unsynced redemptions, per-sale cap, daily cap - offline today),
    whatever was redeemed offline before: yesterday's offline redemptions do not count against today."""
    now = utcnow()
    set_setting(permits.CAP_SALE, cap_sale)
    set_setting(permits.CAP_DAILY, cap_daily)
    member = member_with(shop, balance)
    synced()
    last_known, unsynced, offline_today = balance, 0, 0

    def model() -> int:
        return max(min(last_known - unsynced, cap_sale, max(cap_daily - offline_today, 0)), 0)

    # Today's programme for yesterday's sale too (it was published today), without its own
    # minimum balance for redeeming: only the offline caps are under test here.
    rules = dataclasses.replace(active_rules(now), redeem_min_balance=0, redeem_step=1)

    def redeem_offline(points: int, when: dt.datetime) -> None:
        cart = cart_for(Member.get_by_id(member.id), goods[0], points)
        tenders = [Tender("card", cart.price(rules, when).to_pay)]
        complete_sale_in_chain(cart, tenders, hub_client=FakeHub(down=True).client,
                               cashier=shop["cashier"], rules=rules, now=when)

    if yesterday:
        points = min(yesterday, max(min(last_known, cap_sale, cap_daily), 0))
        if points:
            redeem_offline(points, now - dt.timedelta(days=1))
            unsynced += points
    for points, sync_after in today:
        points = min(points, model())
        if points:
            redeem_offline(points, now)
            unsynced += points
            offline_today += points
        if sync_after:
            synced()
            last_known, unsynced = Member.get_by_id(member.id).balance, 0

    room = permits.offline_room(Member.get_by_id(member.id), now)
    assert (room.last_known, room.unsynced_redeemed) == (last_known, unsynced)
    assert room.cap_sale == cap_sale and room.cap_daily_left == max(cap_daily - offline_today, 0)
    assert room.points == model()
    fresh = Member.get_by_id(member.id)
    with pytest.raises(RedeemRefused) as over:
        permits.OFFLINE.check(fresh, room.points + 1, now)
    assert over.value.code == "redeem_offline_cap" and over.value.params["points"] == room.points
    permits.OFFLINE.check(fresh, room.points, now)  # exactly the room is allowed
