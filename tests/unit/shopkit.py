"""Small builders for tests that need a few products and members."""
from __future__ import annotations

from models import write_transaction
from models.schema import Category, Product
from services.sale import checkout
from services.members import registry as members
from services.sale.checkout import Cart, SaleResult, Tender
from services.programme.rules import active_rules
from services.members.cards import ean13_check_digit


def add_products(specs: list[tuple[str, int, bool]]) -> list[str]:
    """(name, price, excluded) -> barcodes."""
    barcodes = []
    with write_transaction():
        for i, (name, price, excluded) in enumerate(specs):
            category, _ = Category.get_or_create(
                name="Excluded" if excluded else "Food", defaults={"loyalty_excluded": excluded}
            )
            body = f"4600000{i:05d}"
            barcode = body + str(ean13_check_digit(body))
            Product.create(barcode=barcode, sku=f"S{i}", name=name, name_key=name.casefold(), category=category, price=price)
            barcodes.append(barcode)
    return barcodes


def add_member(name: str, staff, phone: str | None = None, points: int = 0, manager=None):
    member, card = members.register(name, phone, actor=staff)
    if points:
        members.adjust_balance(member, points, "opening balance", actor=manager or staff)
    return member, card


def sell_by_card(cart: Cart, cashier) -> SaleResult:
    """Complete the sale, the exact amount paid by card."""
    return checkout.complete_sale(cart, [Tender("card", cart.price(active_rules()).to_pay)], cashier=cashier)
