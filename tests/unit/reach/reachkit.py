"""What the reach tests share: goods, members and sales at a given moment."""
from __future__ import annotations

import datetime as dt

from services.members import registry as members
from services.programme.rules import active_rules
from services.sale import checkout
from services.sale.checkout import Cart, SaleResult, Tender
from tests.unit.imports.historykit import programme_since_2000
from tests.unit.shopkit import add_products


def goods() -> dict[str, str]:
    """name -> barcode, the programme in force since 2000 (sales may be dated back)."""
    programme_since_2000()
    names = ["Bouquet of roses", "Tulips", "Card", "Milk"]
    return dict(zip(names, add_products([(name, price, False) for name, price in
                                         zip(names, (125000, 60000, 15000, 9000))])))


def sell(member, barcodes: list[str], cashier, when: dt.datetime) -> SaleResult:
    """A sale to `member` at `when` (naive UTC), paid by card."""
    cart = Cart(member=member)
    for barcode in barcodes:
        cart.add_barcode(barcode)
    rules = active_rules(when)
    return checkout.complete_sale(cart, [Tender("card", cart.price(rules, when).to_pay)], cashier=cashier,
                                  rules=rules, now=when)


def member(name: str, staff, phone: str | None = None, birthday: dt.date | None = None):
    found, _card = members.register(name, phone, birthday=birthday, actor=staff)
    return found
