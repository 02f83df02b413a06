"""A sale from first scan to completed receipt.

The cart lives in memory while the customer is at the till; completing it is
one IMMEDIATE transaction that writes the sale, its lines and payments, the
ledger entries and the outbox, or nothing at all.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import uuid_utils.compat

from models import write_transaction
from models.schema import Member, ParkedSale, Payment, Product, Sale, SaleLine, Staff, Till, utcnow
from services import auth, catalogue, ledger, outbox
from services.errors import InputError
from services.members import spend_in_window
from services.pricing import CartLine, Customer, PricedCart, price_cart
from services.rules import Rules, active_rules, rules_version
from services.serialize import row_dict
from services.shop import local_till

MAX_QTY = 9999


def new_line_key() -> str:
    return str(uuid_utils.compat.uuid7())


def line_for(product: Product, qty: int = 1) -> CartLine:
    return CartLine(
        key=new_line_key(),
        barcode=product.barcode,
        name=product.name,
        category=product.category.name,
        unit_price=product.price,
        qty=qty,
        excluded=product.category.loyalty_excluded,
    )


def customer_of(member: Member | None) -> Customer | None:
    if member is None:
        return None
    return Customer(tier=member.tier, balance=member.balance, redeem_blocked=member.balance < 0)


@dataclass
class Cart:
    """What is on the counter: lines, the member, points to spend, a manual discount."""

    lines: list[CartLine] = field(default_factory=list)
    member: Member | None = None
    redeem: int = 0
    manual_discount_bp: int = 0
    manual_authoriser: Staff | None = None

    def add(self, product: Product, qty: int = 1) -> CartLine:
        """Scanning the same product again adds to its line."""
        _check_qty(qty)
        for index, line in enumerate(self.lines):
            if line.barcode == product.barcode:
                _check_qty(line.qty + qty)
                self.lines[index] = _with_qty(line, line.qty + qty)
                return self.lines[index]
        line = line_for(product, qty)
        self.lines.append(line)
        return line

    def add_barcode(self, barcode: str, qty: int = 1) -> CartLine:
        return self.add(catalogue.by_barcode(barcode), qty)

    def set_qty(self, key: str, qty: int) -> None:
        _check_qty(qty)
        self.lines = [_with_qty(l, qty) if l.key == key else l for l in self.lines]

    def remove(self, key: str) -> None:
        self.lines = [l for l in self.lines if l.key != key]

    def set_manual_discount(self, bp: int, actor: Staff | None, authoriser: Staff | None = None) -> None:
        if not 0 <= bp <= 10_000:
            raise InputError("A discount is between 0 and 100 %.", "discount_range")
        who = auth.require(actor, "manual_discount", authoriser) if bp else None
        self.manual_discount_bp, self.manual_authoriser = bp, who

    def price(self, rules: Rules) -> PricedCart:
        return price_cart(self.lines, customer_of(self.member), rules, self.redeem, self.manual_discount_bp)

    def is_empty(self) -> bool:
        return not self.lines


def _check_qty(qty: int) -> None:
    if not 1 <= qty <= MAX_QTY:
        raise InputError(f"Quantity must be 1 to {MAX_QTY}.", "qty_range", max=MAX_QTY)


def _with_qty(line: CartLine, qty: int) -> CartLine:
    return CartLine(line.key, line.barcode, line.name, line.category, line.unit_price, qty, line.excluded)


@dataclass(frozen=True)
class Tender:
    method: str  # cash / card
    amount: int  # handed over (cash) or charged (card)


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    receipt_no: str
    priced: PricedCart
    paid: int
    change: int
    card: str | None
    balance: int | None


def plan_payments(to_pay: int, tenders: list[Tender]) -> list[tuple[str, int, int, int]]:
    """(method, applied, tendered, change) rows; only cash gives change."""
    if any(t.method not in ("cash", "card") for t in tenders):
        raise InputError("Pay by cash or card.", "pay_method")
    if any(t.amount < 0 for t in tenders):
        raise InputError("A payment cannot be negative.", "pay_negative")
    card = sum(t.amount for t in tenders if t.method == "card")
    cash = sum(t.amount for t in tenders if t.method == "cash")
    if card > to_pay:
        raise InputError("The card payment is more than the bill.", "pay_card_over")
    if card + cash < to_pay:
        short = to_pay - card - cash
        raise InputError(f"{short} more is needed to pay the bill.", "pay_short", short=short)
    rows = []
    if card:
        rows.append(("card", card, card, 0))
    cash_due = to_pay - card
    if cash:
        rows.append(("cash", cash_due, cash, cash - cash_due))
    return rows


def complete_sale(
    cart: Cart,
    tenders: list[Tender],
    *,
    cashier: Staff | None,
    rules: Rules | None = None,
    now: dt.datetime | None = None,
    till: Till | None = None,
) -> SaleResult:
    """Write the sale for good.  Works with no network: the outbox carries it later."""
    auth.require(cashier, "sell")
    if cart.is_empty():
        raise InputError("The sale has no items.", "sale_empty")
    now = now or utcnow()
    with write_transaction():
        rules = rules or active_rules(now)
        member = Member.get_by_id(cart.member.id) if cart.member is not None else None
        cart.member = member  # the balance as it is now, not when the card was scanned
        priced = cart.price(rules)
        payments = plan_payments(priced.to_pay, tenders)
        till = till or local_till()
        till = Till.get_by_id(till.id)
        till.receipt_seq += 1
        till.save(only=[Till.receipt_seq])
        card_number = _card_of(member)
        sale = Sale.create(
            till=till, receipt_no=f"{till.code}-{till.receipt_seq:06d}", cashier=cashier,
            member=member, card_number=card_number, rule_version=priced.rule_version,
            created_at=now, subtotal=priced.subtotal, discount=priced.discount, total=priced.total,
            points_redeemed=priced.points_redeemed, points_value=priced.points_value,
            paid_money=priced.to_pay, points_earned=priced.points_earned,
        )
        line_rows = [
            dict(
                id=uuid_utils.compat.uuid7(), sale=sale.id, position=i, product=_product_id(pl.line.barcode),
                barcode=pl.line.barcode, name=pl.line.name, qty=pl.line.qty, unit_price=pl.line.unit_price,
                gross=pl.gross, discount=pl.discount, points_value=pl.points_value,
                points_earned=pl.points_earned, reasons=json.dumps(pl.reasons, ensure_ascii=False),
            )
            for i, pl in enumerate(priced.lines)
        ]
        SaleLine.insert_many(line_rows).execute()
        pay_rows = [
            dict(id=uuid_utils.compat.uuid7(), sale=sale.id, method=m, amount=a, tendered=t, change=c)
            for m, a, t, c in payments
        ]
        if pay_rows:
            Payment.insert_many(pay_rows).execute()
        outbox.record("sale", {
            "sale": row_dict(sale),
            "lines": [{**r, "id": str(r["id"]), "sale": str(sale.id), "product": _s(r["product"])} for r in line_rows],
            "payments": [{**r, "id": str(r["id"]), "sale": str(sale.id)} for r in pay_rows],
        })
        if member is not None:
            if priced.points_redeemed:
                ledger.post(member, "redeem", -priced.points_redeemed, sale=sale, till=till, staff=cashier, now=now)
            if priced.points_earned:
                ledger.post(member, "earn", priced.points_earned, sale=sale, till=till, staff=cashier, now=now)
            _raise_tier(member, rules, now)
            sale.balance_after = member.balance
            sale.save(only=[Sale.balance_after])
    change = sum(c for _, _, _, c in payments)
    cart_done = SaleResult(
        sale_id=str(sale.id), receipt_no=sale.receipt_no, priced=priced, paid=priced.to_pay,
        change=change, card=card_number, balance=member.balance if member else None,
    )
    return cart_done


def _s(value: object) -> str | None:
    return None if value is None else str(value)


def _product_id(barcode: str) -> object:
    row = Product.select(Product.id).where(Product.barcode == barcode).first()
    return row.id if row else None


def _card_of(member: Member | None) -> str | None:
    if member is None:
        return None
    from services.members import active_card

    card = active_card(member)
    return card.number if card else None


def _raise_tier(member: Member, rules: Rules, now: dt.datetime) -> None:
    """Members move up at once; moving down happens at the end of a period."""
    if not rules.tiers:
        return
    spend = spend_in_window(member.id, rules.tier_window_days, now)
    earned = rules.tier_for_spend(spend)
    current = rules.tier(member.tier)
    if earned is not None and (current is None or earned.min_spend > current.min_spend):
        member.tier = earned.code
        Member.update(tier=earned.code).where(Member.id == member.id).execute()
        outbox.record("member_tier", {"member": str(member.id), "tier": earned.code})


# --- parking -----------------------------------------------------------------

def park(cart: Cart, staff: Staff | None, label: str = "") -> ParkedSale:
    if cart.is_empty():
        raise InputError("There is nothing to park.", "park_empty")
    body = {
        "lines": [l.__dict__ for l in cart.lines],
        "member": str(cart.member.id) if cart.member else None,
        "redeem": cart.redeem,
    }
    with write_transaction():
        return ParkedSale.create(staff=staff, label=label, cart=json.dumps(body, ensure_ascii=False))


def parked() -> list[ParkedSale]:
    return list(ParkedSale.select().order_by(ParkedSale.created_at))


def recall(parked_id: object) -> Cart:
    """Take a parked cart back (prices as they are now); the parked copy goes."""
    with write_transaction():
        row = ParkedSale.get_or_none(ParkedSale.id == parked_id)
        if row is None:
            raise InputError("That parked sale was already recalled.", "park_gone")
        body = json.loads(row.cart)
        row.delete_instance()
    cart = Cart(lines=[CartLine(**l) for l in body["lines"]])
    if body["member"]:
        cart.member = Member.get_or_none(Member.id == body["member"])
    cart.redeem = 0  # the balance may have moved; the cashier asks again
    return cart


def rules_for_sale(sale: Sale) -> Rules:
    return rules_version(sale.rule_version)
