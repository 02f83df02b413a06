"""Acting on the till that is open (tests.hub.conftest.on_till)."""
from __future__ import annotations

import peewee

from models.schema import Card, Category, LedgerEntry, Member, Product, Staff
from services.sale import checkout
from services.members import registry as members
from services.sale import permits as redeem
from services.sale.checkout import Cart, Tender
from services.programme.rules import active_rules


def owner() -> Staff:
    return Staff.select().where(Staff.role == "owner").first()


def some_barcodes(n: int = 3) -> list[str]:
    return [p.barcode for p in Product.select().join(Category).where(
        (Category.loyalty_excluded == False) & (Product.weighed == False)  # noqa: E712  (weighed goods need a scale's label)
    ).order_by(Product.barcode).limit(n)]


def sell(card: str | None, items: list[tuple[str, int]], redeem_points: int = 0, permit: redeem.Permit | None = None):
    cart = Cart()
    if card:
        cart.member = members.find_by_card(card)
    for barcode, qty in items:
        cart.add_barcode(barcode, qty)
    cart.redeem = redeem_points
    to_pay = cart.price(active_rules()).to_pay
    return checkout.complete_sale(cart, [Tender("card", to_pay)], cashier=owner(), permit=permit)


def balances() -> dict[str, int]:
    return {str(m.id): m.balance for m in Member.select(Member.id, Member.balance)}


def ledger_sums() -> dict[str, int]:
    sums = {str(m.id): 0 for m in Member.select(Member.id)}
    for member_id, total in LedgerEntry.select(LedgerEntry.member, peewee.fn.SUM(LedgerEntry.delta)).group_by(LedgerEntry.member).tuples():
        sums[str(member_id)] = int(total)
    return sums


def active_cards(n: int) -> list[str]:
    # The members with the most points first: the demo's prices decide who has how many.
    return [c.number for c in Card.select().join(Member).where((Card.status == "active") & Card.member.is_null(False))
            .order_by(Member.balance.desc(), Card.number).limit(n)]
