"""Each sensitive action writes its audit entry, in its own transaction."""
from __future__ import annotations

import pytest

from models.schema import AuditEntry
from services.core.errors import InputError
from services.journal import audit
from services.members import registry as members
from services.programme import rules as rules_service
from services.sale import checkout
from services.sale.checkout import Cart, Tender
from services.sale.returns import return_items
from tests.unit.shopkit import add_member, add_products


@pytest.fixture
def goods(shop):
    return add_products([("Milk", 8990, False), ("Bread", 4590, False)])


def only(action: str) -> audit.Entry:
    (entry,) = audit.entries(action=action)
    return entry


def test_a_return_is_logged_with_who_authorised_it(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0])
    sold = checkout.complete_sale(cart, [Tender("card", 8990)], cashier=shop["cashier"])
    return_items(sold.receipt_no, actor=shop["cashier"], authoriser=shop["manager"])
    entry = only("return")
    assert (entry.staff_name, entry.target) == (shop["manager"].name, sold.receipt_no)
    assert entry.details["refund"] == 8990 and entry.details["cashier"] == shop["cashier"].name
    assert entry.till_name  # the till it happened on: its name, or its code when it has none


def test_a_refused_return_logs_nothing(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0])
    sold = checkout.complete_sale(cart, [Tender("card", 8990)], cashier=shop["cashier"])
    with pytest.raises(InputError):
        return_items(sold.receipt_no, {"4600000999999": 1}, actor=shop["manager"])
    assert AuditEntry.select().count() == 0


def test_a_manual_discount_is_logged_with_the_sale(shop, goods):
    cart = Cart()
    cart.add_barcode(goods[0])
    cart.set_manual_discount(1000, shop["cashier"], authoriser=shop["manager"])
    sold = checkout.complete_sale(cart, [Tender("card", 8990 - 899)], cashier=shop["cashier"])
    entry = only("manual_discount")
    assert (entry.staff_name, entry.target) == (shop["manager"].name, sold.receipt_no)
    assert entry.details == {"percent_bp": 1000, "discount": 899, "cashier": shop["cashier"].name}
    plain = Cart()
    plain.add_barcode(goods[1])
    checkout.complete_sale(plain, [Tender("card", 4590)], cashier=shop["cashier"])
    assert len(audit.entries(action="manual_discount")) == 1  # a sale without one logs nothing


def test_a_balance_adjustment_and_a_card_block_are_logged(shop):
    member, card = add_member("Ivan", shop["cashier"], points=250, manager=shop["manager"])
    entry = only("adjust_balance")
    assert (entry.staff_name, entry.target, entry.details["delta"], entry.details["note"]) == (
        shop["manager"].name, "Ivan", 250, "opening balance")
    members.replace_card(member, actor=shop["cashier"], authoriser=shop["manager"])
    blocked = only("card_blocked")
    assert (blocked.staff_name, blocked.target) == (shop["manager"].name, card.number)


def test_publishing_rules_is_logged_but_a_draft_is_not(shop):
    rules_service.publish(rules_service.default_rules(), status="draft", actor=shop["owner"])
    assert audit.entries(action="rules_published") == []
    stored = rules_service.publish(rules_service.default_rules(), actor=shop["owner"])
    entry = only("rules_published")
    assert (entry.staff_name, entry.target) == (shop["owner"].name, f"v{stored.version}")
