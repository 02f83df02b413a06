"""The programme's records across a chain: a next-visit coupon printed at one till
is good once at another, and a welcome bonus is given once in the chain."""
from __future__ import annotations

import dataclasses

import pytest

from models.hub import Entity, Quarantine, hub_db
from models.schema import EventBonus, IssuedCoupon, LedgerEntry
from services.members import registry as members
from services.programme import rules as rules_service
from services.sync import client as sync
from services.sale.checkout import Cart, Tender
from services.core.errors import InputError
from services.programme.rules import Promotion
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub


def _programme() -> None:
    """At the first till: 10 % off with a next-visit coupon, welcome points on the first purchase."""
    from services.shop import staff as auth

    auth.login("1111")  # the owner publishes it: signed with the owner's key, so the hub takes it
    current = rules_service.active_rules()
    promo = Promotion("back10", "Next visit −10 %", "discount", bp=1000, coupon=True, members_only=True)
    rules_service.publish(dataclasses.replace(
        current, promotions=current.promotions + (promo,), next_visit_promotion="back10",
        welcome_on="first_purchase", welcome_points=50,
    ))


def _sell(card: str, coupon: str | None = None):
    from services.sale import checkout
    from services.programme.rules import active_rules

    cart = Cart()
    cart.member = members.find_by_card(card)
    cart.add_barcode(tillkit.some_barcodes(1)[0], 2)
    rules = active_rules()
    if coupon:
        cart.add_coupon(coupon, rules)
    return checkout.complete_sale(cart, [Tender("card", cart.price(rules).to_pay)], cashier=tillkit.owner(), rules=rules)


def test_a_coupon_printed_at_one_till_is_good_once_at_another(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        _programme()
        member, card = members.register("Новый Покупатель", actor=tillkit.owner())
        sold = _sell(card.number)  # the first purchase: welcome points and a coupon for next time
        coupon = IssuedCoupon.get(IssuedCoupon.sale == sold.sale_id).code
        welcome = EventBonus.get((EventBonus.member == member.id) & (EventBonus.kind == "welcome"))
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert IssuedCoupon.get(IssuedCoupon.code == coupon).sale_id is None  # printed elsewhere
        assert EventBonus.get_by_id(welcome.id).kind == "welcome"
        used = _sell(card.number, coupon)  # the coupon works here, and this is not a first purchase
        assert used.priced.discount > 0
        welcomes = LedgerEntry.select().where((LedgerEntry.member == member.id) & (LedgerEntry.kind == "welcome"))
        assert welcomes.count() == 1  # the one pulled from the first till, not a second
        sync.sync_once(client(hub_http, b_token))
    with on_till(first):
        sync.sync_once(client(hub_http, a_token))
        with pytest.raises(InputError) as again:
            _sell(card.number, coupon)
        assert again.value.code == "coupon_used_up"  # used at the other till: not twice
        assert tillkit.balances() == tillkit.ledger_sums()
    with hub_db.connection_context():
        assert Quarantine.select().count() == 0
        kinds = {kind for (kind,) in Entity.select(Entity.kind).distinct().tuples()}
    assert {"issued_coupon", "coupon_redemption", "event_bonus", "sale_loyalty"} <= kinds


def test_points_expire_once_in_a_chain(joined, hub_http):
    """Both tills run the period's end: only the till that brought the shop expires points,
    so old points go once, and every till and the hub agree."""
    import datetime as dt

    from models.hub import HubLedger
    from services.programme import loyalty

    first, second, a_token, b_token = joined
    later = dt.datetime.now() + dt.timedelta(days=400)
    with on_till(first):
        rules_service.publish(dataclasses.replace(rules_service.active_rules(), expiry_days=365))
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert not loyalty.expires_here()
        assert loyalty.close_period(rules_service.active_rules(), later).expired == 0
        sync.sync_once(client(hub_http, b_token))
    with on_till(first):
        assert loyalty.expires_here()
        expired = loyalty.close_period(rules_service.active_rules(), later).expired
        assert expired > 0
        sync.sync_once(client(hub_http, a_token))
        balances = tillkit.balances()
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert tillkit.balances() == balances
    with hub_db.connection_context():
        taken = -sum(e.delta for e in HubLedger.select().where(HubLedger.kind == "expire"))
    assert taken == expired and all(points >= 0 for points in balances.values())
