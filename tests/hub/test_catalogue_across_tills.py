"""The catalogue in a chain: a product added at one till, with its other
barcodes and its price history, is sold at the other after a sync."""
from __future__ import annotations

from services.sync import client as sync
from tests.hub.conftest import client, on_till


def test_a_product_with_two_barcodes_and_a_new_price_reaches_the_other_till(joined, hub_http):
    from models.schema import Staff
    from services.sale.checkout import Cart
    from services.shop import catalogue
    from services.shop.catalogue import ProductForm

    first, second, a_token, b_token = joined
    with on_till(first):
        manager = Staff.get(Staff.role == "manager")
        item = catalogue.add_product(manager, ProductForm(
            name="Кефир 1 %", price=7990, category="Молочные продукты", barcodes=("4601234567893", "96385074")))
        catalogue.update_product(manager, item.id, ProductForm(
            name="Кефир 1 %", price=8490, category="Молочные продукты", barcodes=("4601234567893", "96385074")))
        assert {c.kind for c in sync.changed_master_data()} >= {"product", "product_code", "price_change"}
        sync.sync_once(client(hub_http, a_token))
        assert sync.changed_master_data() == []
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        cart = Cart()
        cart.add_barcode("96385074")
        assert (cart.lines[0].name, cart.lines[0].unit_price) == ("Кефир 1 %", 8490)
        there = catalogue.by_barcode("4601234567893")
        assert [(h.previous, h.price) for h in catalogue.price_history(there)] == [(7990, 8490), (7990, 7990)]
        assert sync.changed_master_data() == []  # what it pulled is not sent back
