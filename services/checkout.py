"""A sale from first scan to completed receipt.

The cart lives in memory while the customer is at the till; completing it is
one IMMEDIATE transaction that writes the sale, its lines and payments, the
ledger entries and the outbox, or nothing at all.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

import uuid_utils.compat

from models import db
from services.serialize import as_columns
from services.storage import write_transaction
from models.db import fetch_model, insert_rows
from models.schema import Member, ParkedSale, Payment, Product, Sale, SaleLine, Staff, Till, new_id, utcnow
from services import auth, catalogue, ledger, outbox, redeem
from services.errors import InputError
from services.members import SPEND_SQL, settle_tier, window_start
from services.pricing import CartLine, Customer, PricedCart, price_cart
from services.rules import Rules, active_rules

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
    permit: redeem.Permit | None = None,
) -> SaleResult:
    """Write the sale for good.  Works with no network: the outbox carries it later.

    `permit` covers a redemption: a hold at the hub, or (the default) the
    offline caps of a till in a chain (services.redeem)."""
    auth.require(cashier, "sell")
    if cart.is_empty():
        raise InputError("The sale has no items.", "sale_empty")
    now = now or utcnow()
    with write_transaction():
        rules = rules or active_rules(now)
        # The balance as it is now, not as it was when the card was scanned.
        member, card_number, spend = _fresh_member(cart.member.id, rules, now) if cart.member else (None, None, 0)
        cart.member = member
        priced = cart.price(rules)
        if member is not None and priced.points_redeemed:
            (permit or redeem.OFFLINE).check(member, priced.points_redeemed, now)
        payments = plan_payments(priced.to_pay, tenders)
        till_id, till_code, seq = _next_receipt(till)
        sale = dict(
            id=new_id(), till=till_id, receipt_no=f"{till_code}-{seq:06d}", cashier=cashier.id,
            member=member.id if member else None, card_number=card_number, rule_version=priced.rule_version,
            created_at=now, subtotal=priced.subtotal, discount=priced.discount, total=priced.total,
            points_redeemed=priced.points_redeemed, points_value=priced.points_value,
            paid_money=priced.to_pay, points_earned=priced.points_earned, balance_after=None,
            offline=not (permit is not None and permit.online),
            discount_authorised_by=cart.manual_authoriser.id if cart.manual_discount_bp and cart.manual_authoriser else None,
        )
        if member is not None:
            sale["balance_after"] = member.balance + priced.points_earned - priced.points_redeemed
        products = _product_ids([pl.line.barcode for pl in priced.lines])
        line_rows = [
            dict(
                id=new_id(), sale=sale["id"], position=i, product=products.get(pl.line.barcode),
                barcode=pl.line.barcode, name=pl.line.name, qty=pl.line.qty, unit_price=pl.line.unit_price,
                gross=pl.gross, discount=pl.discount, points_value=pl.points_value,
                points_earned=pl.points_earned, reasons=json.dumps(pl.reasons, ensure_ascii=False),
            )
            for i, pl in enumerate(priced.lines)
        ]
        pay_rows = [
            dict(id=new_id(), sale=sale["id"], method=m, amount=a, tendered=t, change=c)
            for m, a, t, c in payments
        ]
        insert_rows(Sale, [sale])
        insert_rows(SaleLine, line_rows)
        insert_rows(Payment, pay_rows)
        outbox.record("sale", {
            "sale": as_columns(Sale, sale),
            "lines": [as_columns(SaleLine, row) for row in line_rows],
            "payments": [as_columns(Payment, row) for row in pay_rows],
        })
        if member is not None:
            ref = Sale(id=sale["id"])
            who = Staff(id=cashier.id)
            here = Till(id=till_id)
            if priced.points_redeemed:
                ledger.post(member, "redeem", -priced.points_redeemed, sale=ref, till=here, staff=who, now=now)
            if priced.points_earned:
                ledger.post(member, "earn", priced.points_earned, sale=ref, till=here, staff=who, now=now)
            settle_tier(member, rules, spend + priced.total, may_fall=False)
    return SaleResult(
        sale_id=str(sale["id"]), receipt_no=sale["receipt_no"], priced=priced, paid=priced.to_pay,
        change=sum(c for _, _, _, c in payments), card=card_number,
        balance=member.balance if member else None,
    )


# The hot path of every sale, as statements written once (see models.db.fetch_model).
_NEXT_RECEIPT = (
    'UPDATE "till" SET receipt_seq = receipt_seq + 1 WHERE {where} RETURNING id, code, receipt_seq'
)
# The member as they are now, their active card, and what they spent over
# the tier window before this sale: one statement.
_MEMBER_NOW = (
    'SELECT m.*, '
    '(SELECT number FROM "card" c WHERE c.member_id = m.id AND c.status = \'active\' '
    ' ORDER BY c.created_at DESC LIMIT 1) AS active_card, '
    + SPEND_SQL.format(member="m.id") + ' AS spend '
    'FROM "member" m WHERE m.id = ?'
)


def _next_receipt(till: Till | None) -> tuple[uuid.UUID, str, int]:
    if till is None:
        row = db.obj.execute_sql(_NEXT_RECEIPT.format(where="is_local = 1")).fetchone()
    else:
        row = db.obj.execute_sql(_NEXT_RECEIPT.format(where="id = ?"), (till.id.bytes,)).fetchone()
    if row is None:
        raise InputError("This till is not set up yet.", "no_till")
    return Till.id.python_value(row[0]), row[1], row[2]


def _fresh_member(member_id: object, rules: Rules, now: dt.datetime) -> tuple[Member, str | None, int]:
    since = window_start(rules, now)
    params = (since, since, Member.id.db_value(member_id))
    found = fetch_model(Member, _MEMBER_NOW, params, extra=("active_card", "spend"))
    if found is None:
        raise InputError("This member is no longer on this till.", "member_gone")
    member, more = found
    return member, more["active_card"], int(more["spend"])  # type: ignore[return-value]


def _product_ids(barcodes: list[str]) -> dict[str, object]:
    if not barcodes:
        return {}
    marks = ", ".join("?" * len(barcodes))
    rows = db.obj.execute_sql(f'SELECT barcode, id FROM "product" WHERE barcode IN ({marks})', barcodes)
    return {barcode: Product.id.python_value(pid) for barcode, pid in rows}


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


@dataclass(frozen=True)
class ParkedCart:
    """A parked sale as the list of parked sales shows it."""

    id: uuid.UUID
    label: str
    created_at: dt.datetime
    items: int
    amount: int  # at the prices when it was parked


def parked() -> list[ParkedCart]:
    out = []
    for row in ParkedSale.select().order_by(ParkedSale.created_at):
        lines = json.loads(row.cart)["lines"]
        out.append(ParkedCart(
            id=row.id, label=row.label, created_at=row.created_at,
            items=sum(l["qty"] for l in lines), amount=sum(l["qty"] * l["unit_price"] for l in lines),
        ))
    return out


def recall(parked_id: object) -> Cart:
    """Take a parked cart back (prices as they are now); the parked copy goes."""
    with write_transaction():
        row = ParkedSale.get_or_none(ParkedSale.id == parked_id)
        if row is None:
            raise InputError("That parked sale was already recalled.", "park_gone")
        body = json.loads(row.cart)
        row.delete_instance()
    cart = Cart(lines=[_as_now(CartLine(**l)) for l in body["lines"]])
    if body["member"]:
        cart.member = Member.get_or_none(Member.id == uuid.UUID(body["member"]))
    cart.redeem = 0  # the balance may have moved; the cashier asks again
    return cart


def _as_now(line: CartLine) -> CartLine:
    """A parked line at today's price and category (kept as parked if the
    product has gone from the catalogue meanwhile)."""
    try:
        product = catalogue.by_barcode(line.barcode)
    except InputError:
        return line
    fresh = line_for(product, line.qty)
    return CartLine(line.key, fresh.barcode, fresh.name, fresh.category, fresh.unit_price, fresh.qty, fresh.excluded)
