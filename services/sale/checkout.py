"""A sale from first scan to completed receipt.

The cart lives in memory while the customer is at the till; completing it is
one IMMEDIATE transaction that writes the sale, its lines and payments, the
ledger entries and the outbox, or nothing at all.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

import uuid_utils.compat

from models import db
from services.core.serialize import as_columns
from services.core.storage import write_transaction
from models.db import fetch_model, insert_rows
from models.schema import Member, ParkedSale, Payment, Product, Sale, SaleLine, Staff, Till, new_id, utcnow
from services.shop import staff as auth
from services.shop import catalogue, scales
from services.programme import ledger
from services.programme import loyalty
from services.programme import rewards
from services.journal import audit, outbox
from services.sale import permits as redeem
from services.core.errors import InputError, NotFound
from services.programme.loyalty import CouponUse
from services.programme.tiers import SPEND_SQL, settle_tier, window_start
from services.programme.pricing import CartLine, Customer, PricedCart, price_cart
from services.programme.rules import Rules, active_rules

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


def weighed_line(product: Product, label: scales.ScaleLabel) -> CartLine:
    """A line from a scale's label: its amount by the one rule of services.shop.scales."""
    if label.grams is not None:
        grams, amount = label.grams, scales.weighed_amount(product.price, label.grams)
    else:
        amount = label.amount or 0
        grams = scales.grams_for(amount, product.price)
    return CartLine(
        key=new_line_key(), barcode=product.barcode, name=product.name, category=product.category.name,
        unit_price=amount, qty=1, excluded=product.category.loyalty_excluded, grams=grams, per_kg=product.price,
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
    context: Customer | None = None  # the member as the rules see them (loyalty.customer_for)
    coupons: list[CouponUse] = field(default_factory=list)
    dropped_coupons: list[str] = field(default_factory=list)  # parked with, no longer valid at recall
    _context_of: object = None

    def add(self, product: Product, qty: int = 1) -> CartLine:
        """Scanning the same product again adds to its line."""
        _check_qty(qty)
        if product.weighed:
            raise InputError("weighed_needs_scale", name=product.name)
        for index, line in enumerate(self.lines):
            if line.barcode == product.barcode and not line.reward_id:  # a gift of it stays a line of its own
                _check_qty(line.qty + qty)
                self.lines[index] = _with_qty(line, line.qty + qty)
                return self.lines[index]
        line = line_for(product, qty)
        self.lines.append(line)
        return line

    def add_barcode(self, barcode: str, qty: int = 1) -> CartLine:
        """A product's own code, or a scale's label for a weighed one (each
        label its own line: two bags of apples are two weights)."""
        try:
            product = catalogue.by_barcode(barcode)
        except NotFound:
            label = scales.read_label(barcode, catalogue.scale_layout())
            if label is None:
                raise
            if qty != 1:
                raise InputError("weighed_qty") from None
            line = weighed_line(catalogue.by_plu(label.plu), label)
            self.lines.append(line)
            return line
        return self.add(product, qty)

    def set_qty(self, key: str, qty: int) -> None:
        _check_qty(qty)
        if any(l.key == key and l.grams for l in self.lines):
            raise InputError("weighed_qty")
        if any(l.key == key and l.reward_id for l in self.lines):
            raise InputError("reward_qty")
        self.lines = [_with_qty(l, qty) if l.key == key else l for l in self.lines]

    def remove(self, key: str) -> None:
        self.lines = [l for l in self.lines if l.key != key]

    # --- gifts for points (services.programme.rewards) ---

    def reward_points(self) -> int:
        """Points the gifts on the sale cost: the member's balance less these is what pays the bill."""
        return sum(l.reward_points for l in self.lines)

    def add_reward(self, reward_id: str, rules: Rules, now: dt.datetime | None = None) -> CartLine:
        """One more of a gift for the member on the sale, if their points and its limits allow."""
        view = rewards.view_of(reward_id)
        index = next((i for i, l in enumerate(self.lines) if l.reward_id == view.id), None)
        qty = 1 if index is None else self.lines[index].qty + 1
        _check_qty(qty)
        others = sum(l.reward_points for l in self.lines if l.reward_id != view.id)
        rewards.check_take(self.member, view.id, qty=qty, other_points=others, rules=rules, now=now)
        if index is None:
            self.lines.append(rewards.gift_line(view, new_line_key(), qty))
            return self.lines[-1]
        self.lines[index] = rewards.gift_line(view, self.lines[index].key, qty)
        return self.lines[index]

    def drop_gifts(self) -> list[str]:
        """The member leaves the sale: their gifts go (another member's points do not pay them)."""
        names = [l.name for l in self.lines if l.reward_id]
        self.lines = [l for l in self.lines if not l.reward_id]
        return names

    def set_manual_discount(self, bp: int, actor: Staff | None, authoriser: Staff | None = None) -> None:
        if not 0 <= bp <= 10_000:
            raise InputError("discount_range")
        who = auth.require(actor, "manual_discount", authoriser) if bp else None
        self.manual_discount_bp, self.manual_authoriser = bp, who

    def customer(self) -> Customer | None:
        if self.member is None:
            return None
        gifts = self.reward_points()  # the gifts take their points first; the rest may pay the bill
        if self.context is None:
            customer = customer_of(self.member)
            return loyalty.with_balance(customer, self.member.balance - gifts) if gifts else customer
        return loyalty.with_balance(self.context, self.member.balance - gifts)

    def know_member(self, rules: Rules, now: dt.datetime | None = None) -> None:
        """Work out what the rules see in the member (birthday, first purchase)
        once, when they are put on the sale; pricing then stays in memory."""
        if self.member is not None and self._context_of != self.member.id:
            self.context = loyalty.customer_for(self.member, rules, now or utcnow())
            self._context_of = self.member.id
        elif self.member is None:
            self.context, self._context_of = None, None

    def forget_member_context(self) -> None:
        """The rules changed: work out the member's context again at the next price."""
        self.context, self._context_of = None, None

    def price(self, rules: Rules, now: dt.datetime | None = None) -> PricedCart:
        self.know_member(rules, now)
        return price_cart(
            self.lines, self.customer(), rules, self.redeem, self.manual_discount_bp,
            now=now, coupons=frozenset(c.promotion for c in self.coupons),
        )

    def add_coupon(self, code: str, rules: Rules, now: dt.datetime | None = None) -> CouponUse:
        """Check a coupon now (its limits, its member) and keep it for the sale."""
        use = loyalty.check_coupon(code, self.member, rules, now or utcnow())
        if any(c.code == use.code for c in self.coupons):
            raise InputError("coupon_twice", coupon=use.code)
        self.coupons.append(use)
        return use

    def is_empty(self) -> bool:
        return not self.lines

    def snapshot(self) -> "Cart":
        """A copy for the worker that writes the sale: completing it replaces
        the copy's member, context and coupons, never this cart's."""
        return dataclasses.replace(self, lines=list(self.lines), coupons=list(self.coupons),
                                   dropped_coupons=list(self.dropped_coupons))


def _check_qty(qty: int) -> None:
    if not 1 <= qty <= MAX_QTY:
        raise InputError("qty_range", max=MAX_QTY)


def _with_qty(line: CartLine, qty: int) -> CartLine:
    return dataclasses.replace(line, qty=qty)


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
    next_coupon: str | None = None  # printed on the receipt for the member's next visit
    member_left: bool = False  # the member on the sale was erased (or is gone) meanwhile: made without them


def plan_payments(to_pay: int, tenders: list[Tender]) -> list[tuple[str, int, int, int]]:
    """(method, applied, tendered, change) rows; only cash gives change."""
    if any(t.method not in ("cash", "card") for t in tenders):
        raise InputError("pay_method")
    if any(t.amount < 0 for t in tenders):
        raise InputError("pay_negative")
    card = sum(t.amount for t in tenders if t.method == "card")
    cash = sum(t.amount for t in tenders if t.method == "cash")
    if card > to_pay:
        raise InputError("pay_card_over")
    if card + cash < to_pay:
        short = to_pay - card - cash
        raise InputError("pay_short", short=short)
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
        raise InputError("sale_empty")
    now = now or utcnow()
    with write_transaction():
        rules = rules or active_rules(now)
        # The balance as it is now, not as it was when the card was scanned.
        member, card_number, spend = _fresh_member(cart.member.id, rules, now) if cart.member else (None, None, 0)
        member_left = cart.member is not None and member is None
        if member_left:
            _without_member(cart, rules, now)
        if member is not None:
            loyalty.settle_points(member, rules, now)  # pending points due, expired ones gone
        cart.member = member
        cart.context, cart._context_of = loyalty.customer_for(member, rules, now), member.id if member else None
        # Coupons are checked again inside the lock: two tills, one last use.
        cart.coupons = [loyalty.check_coupon(c.code, member, rules, now) for c in cart.coupons]
        customer = cart.customer()
        priced = cart.price(rules, now)
        # Gifts are checked again inside the lock: the points as they are now, the limits, one last gift.
        rewarded = rewards.check_gifts(member, cart.lines, rules, now)
        if member is not None and (priced.points_redeemed or rewarded):
            (permit or redeem.OFFLINE).check(member, priced.points_redeemed + rewarded, now)
        payments = plan_payments(priced.to_pay, tenders)
        till_id, till_code, seq = _next_receipt(till)
        sale = dict(
            id=new_id(), till=till_id, receipt_no=f"{till_code}-{seq:06d}", cashier=cashier.id,
            member=member.id if member else None, card_number=card_number, rule_version=priced.rule_version,
            created_at=now, subtotal=priced.subtotal, discount=priced.discount, total=priced.total,
            points_redeemed=priced.points_redeemed, points_value=priced.points_value, points_rewarded=rewarded,
            paid_money=priced.to_pay, points_earned=priced.points_earned, balance_after=None,
            offline=not (permit is not None and permit.online),
            discount_authorised_by=cart.manual_authoriser.id if cart.manual_discount_bp and cart.manual_authoriser else None,
        )
        products = _product_ids([pl.line.barcode for pl in priced.lines])
        line_rows = [
            dict(
                id=new_id(), sale=sale["id"], position=i, product=products.get(pl.line.barcode),
                barcode=pl.line.barcode, name=pl.line.name, qty=pl.line.qty, unit_price=pl.line.unit_price,
                gross=pl.gross, discount=pl.discount, points_value=pl.points_value,
                points_earned=pl.points_earned, reasons=json.dumps(pl.reasons, ensure_ascii=False),
                grams=pl.line.grams or None, price_per_kg=pl.line.per_kg or None,
                reward=uuid.UUID(pl.line.reward_id) if pl.line.reward_id else None, reward_points=pl.line.reward_points,
            )
            for i, pl in enumerate(priced.lines)
        ]
        pay_rows = [
            dict(id=new_id(), sale=sale["id"], method=m, amount=a, tendered=t, change=c)
            for m, a, t, c in payments
        ]
        if member is not None:
            credited_now = priced.bonus_points + (0 if rules.pending_days else priced.points_earned)
            sale["balance_after"] = member.balance + credited_now - priced.points_redeemed - rewarded
        insert_rows(Sale, [sale])
        if cart.manual_discount_bp:
            audit.record("manual_discount", cart.manual_authoriser, target=sale["receipt_no"], now=now,
                         percent_bp=cart.manual_discount_bp, discount=priced.discount, cashier=cashier.name)
        insert_rows(SaleLine, line_rows)
        insert_rows(Payment, pay_rows)
        outbox.record("sale", {
            "sale": as_columns(Sale, sale),
            "lines": [as_columns(SaleLine, row) for row in line_rows],
            "payments": [as_columns(Payment, row) for row in pay_rows],
        })
        ref = Sale(id=sale["id"])
        who = Staff(id=cashier.id)
        here = Till(id=till_id)
        if member is not None and priced.points_redeemed:
            ledger.post(member, "redeem", -priced.points_redeemed, sale=ref, till=here, staff=who, now=now)
        if member is not None and rewarded:
            ledger.post(member, "reward", -rewarded, sale=ref, till=here, staff=who, now=now,
                        note=", ".join(f"{l.name} ×{l.qty}" for l in cart.lines if l.reward_id)[:200])
        next_coupon, _ = loyalty.record_sale(member, sale["id"], priced, customer, cart.coupons, rules, now, here, who)
        if member is not None:
            settle_tier(member, rules, spend + priced.total, may_fall=False)
    return SaleResult(
        sale_id=str(sale["id"]), receipt_no=sale["receipt_no"], priced=priced, paid=priced.to_pay,
        change=sum(c for _, _, _, c in payments), card=card_number,
        balance=member.balance if member else None, next_coupon=next_coupon, member_left=member_left,
    )


def _without_member(cart: Cart, rules: Rules, now: dt.datetime) -> None:
    """The member on the sale was erased (privacy) or is no longer on this till since the card was
    scanned: the sale goes on without them - no points earned or used, no gift.  When that leaves
    what the customer pays as it was, the sale is written; otherwise it is refused with a sentence
    (the payment taken no longer fits), and the session puts the sale back on the counter without them."""
    try:
        before = cart.price(rules, now).to_pay  # as the cashier took it, with the member scanned then
    except InputError:
        before = None
    cart.member, cart.redeem = None, 0
    gifts = cart.drop_gifts()
    cart.know_member(rules, now)
    if gifts or before != cart.price(rules, now).to_pay:
        raise InputError("member_left_sale")


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
        raise InputError("no_till")
    return Till.id.python_value(row[0]), row[1], row[2]


def _fresh_member(member_id: object, rules: Rules, now: dt.datetime) -> tuple[Member | None, str | None, int]:
    since = window_start(rules, now)
    params = (since, since, Member.id.db_value(member_id))
    found = fetch_model(Member, _MEMBER_NOW, params, extra=("active_card", "spend"))
    if found is None or found[0].erased_at is not None:  # gone, or erased: the sale is made without them
        return None, None, 0
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
        raise InputError("park_empty")
    body = {
        "lines": [l.__dict__ for l in cart.lines],
        "member": str(cart.member.id) if cart.member else None,
        "redeem": cart.redeem,
        "coupons": [c.code for c in cart.coupons],
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


def recall(parked_id: object, now: dt.datetime | None = None) -> Cart:
    """Take a parked cart back (prices as they are now); the parked copy goes."""
    with write_transaction():
        row = ParkedSale.get_or_none(ParkedSale.id == parked_id)
        if row is None:
            raise InputError("park_gone")
        body = json.loads(row.cart)
        row.delete_instance()
    cart = Cart(lines=[_as_now(CartLine(**l)) for l in body["lines"]])
    if body["member"]:
        cart.member = Member.get_or_none(Member.id == uuid.UUID(body["member"]))
    cart.redeem = 0  # the balance may have moved; the cashier asks again
    now = now or utcnow()
    rules = active_rules(now) if body.get("coupons") else None
    for code in body.get("coupons", []):
        try:
            cart.add_coupon(code, rules, now)  # type: ignore[arg-type]  # checked again: it may have expired or been used meanwhile
        except InputError:
            cart.dropped_coupons.append(code)  # the recalled cart still comes back; the screen says which
    return cart


def _as_now(line: CartLine) -> CartLine:
    """A parked line at today's price and category (kept as parked if the
    product has gone from the catalogue meanwhile)."""
    if line.reward_id:
        return line  # a gift: checked again (points, limits) when the sale is written
    try:
        product = catalogue.by_barcode(line.barcode)
    except InputError:
        return line
    if line.grams:  # a weighed line: the same weight at today's price per kg
        fresh = weighed_line(product, scales.ScaleLabel(product.plu or 0, line.grams, None))
    elif product.weighed:
        return line
    else:
        fresh = line_for(product, line.qty)
    return dataclasses.replace(fresh, key=line.key)


def example_cart(per_category: int = 1, qty: int = 3) -> list[CartLine]:
    """A cart to preview a programme on: the first product of each category
    (excluded ones too), `qty` of each, so per-category rules and "buy X get
    Y" show."""
    from models.schema import Category

    lines = []
    for category in Category.select().order_by(Category.name):
        products = (Product.select(Product, Category).join(Category)
                    .where((Product.category == category) & (Product.active == True))  # noqa: E712
                    .order_by(Product.sku).limit(per_category))
        lines += [weighed_line(p, scales.ScaleLabel(p.plu or 0, 1000, None)) if p.weighed else line_for(p, qty)
                  for p in products]
    return lines
