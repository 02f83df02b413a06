"""One customer at the till, from the first scan to the completed sale.

The cashier's window and `main.py sell` drive this same session: it owns the
cart, the member, the programme version, coupons, points to redeem and a
manager's discount; it takes scans and typed text and answers each with an
`Outcome` saying what changed, so the window only redraws the panels named
and words the notice.  Completing the sale is split in two so the disk and
the network stay off the screen's thread: `order()` takes a frozen copy of
the sale (the worker never touches the session), `complete()` writes it on
any thread, and `finished()` / `failed()` bring the session up to date.

No Qt here: every dependency (the clock, the staff member, the shop's card
prefix) is passed in.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from models.schema import Member, Occasion, Product, Staff, utcnow
from services.core.errors import InputError, NotFound, RedeemRefused
from services.members import registry as members
from services.members.registry import MemberSummary
from services.programme import loyalty
from services.programme import rewards
from services.programme.pricing import CartLine, PricedCart
from services.programme.rules import Rules, active_rules
from services.reach import occasions
from services.sale import chain, checkout
from services.sale.checkout import Cart, ParkedCart, SaleResult, Tender
from services.shop import catalogue

RECEIPT_NO = re.compile(r"[A-Za-z]\w*-\d{4,}")  # typed receipt numbers: T01-000123
QTY_TIMES = re.compile(r"(\d{1,4})\s*[*xх×]\s*(\S.*)")  # "3*milk", "3 x 4601234567890"


@dataclass(frozen=True)
class Notice:
    """Something to tell the cashier: a code the window words, with its values."""

    code: str
    kind: str = "info"  # ok / info / warn / error
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What an action changed.  `cart` and `member` name the panels to redraw;
    the rest are questions the window must put to the cashier."""

    cart: bool = False
    member: bool = False
    notice: Notice | None = None
    open_return: str | None = None  # a receipt was scanned or typed: start a return of it
    choose_product: tuple[Product, ...] = ()  # several products match the text: pick one
    qty: int = 1  # ... of this quantity
    replace_member: Member | None = None  # another member's card: ask before replacing


NOTHING = Outcome()


@dataclass(frozen=True)
class SaleOrder:
    """A frozen copy of the sale for the worker that writes it."""

    cart: Cart
    tenders: tuple[Tender, ...]
    cashier: Staff
    rules: Rules
    now: dt.datetime | None  # None: the moment it is written


def complete(order: SaleOrder) -> SaleResult:
    """Write the sale for good (any thread): the chain's hold or the offline
    caps first when points pay part of it (services.sale.chain)."""
    return chain.complete_sale_in_chain(
        order.cart, list(order.tenders), cashier=order.cashier, rules=order.rules, now=order.now,
    )


class SaleSession:
    """The sale on the counter.  Not thread-safe: one owner (the window's
    thread, or a script) calls it; workers get a `SaleOrder`."""

    def __init__(self, staff: Staff, card_prefix: str, clock: Callable[[], dt.datetime] = utcnow,
                 rules: Rules | None = None) -> None:
        self.staff = staff
        self.card_prefix = card_prefix
        self.clock = clock
        self.rules = rules or active_rules(clock())
        self.cart = Cart()
        self.priced: PricedCart | None = None
        self.summary: MemberSummary | None = None
        self.current_key: str | None = None
        self.last_sale: SaleResult | None = None
        self.last_member: Member | None = None  # the member of last_sale
        self.occasions_on_sale: list[object] = []  # recorded during the sale on the counter: linked once it is written

    # --- what is on the counter ------------------------------------------------

    @property
    def member(self) -> Member | None:
        return self.cart.member

    @property
    def max_redeem(self) -> int:
        return self.priced.max_redeem if self.priced else 0

    @property
    def to_pay(self) -> int:
        return self.priced.to_pay if self.priced else 0

    def is_empty(self) -> bool:
        return self.cart.is_empty() and self.cart.member is None

    def current_line(self) -> CartLine:
        for line in self.cart.lines:
            if line.key == self.current_key:
                return line
        raise InputError("no_line")

    # --- scans and typing ---------------------------------------------------------

    def scan(self, code: str, qty: int = 1) -> Outcome:
        """A code from the scanner (or typed digits): a card, a receipt, a product."""
        found = members.scan_kind(code, self.card_prefix)  # an imported card of any shape is a card
        if found.kind == "card":
            return self.attach_member(members.find_by_card(found.code))
        if found.kind == "receipt":  # the barcode on a receipt: the customer brings something back
            return Outcome(open_return=found.code)
        if found.kind == "bad_card":
            return Outcome(notice=Notice("card_misread", "error"))
        return self.add_product(found.code, qty)

    def enter(self, text: str) -> Outcome:
        """What the cashier typed and confirmed with Enter: a receipt number,
        `3*` and a barcode or name, a barcode, a name or SKU, or a coupon."""
        text = text.strip()
        if not text:
            return NOTHING
        if RECEIPT_NO.fullmatch(text):
            return Outcome(open_return=text)
        qty = 1
        times = QTY_TIMES.fullmatch(text)
        if times:
            qty, text = int(times.group(1)), times.group(2).strip()
        if text.isdecimal():
            try:
                return self.scan(text, qty)
            except NotFound:
                found = catalogue.search(text)
                if not found:
                    raise
        else:
            found = catalogue.search(text)
            if not found and not times and loyalty.is_coupon_code(text, self.rules):
                return self.add_coupon(text)
        if not found:
            return Outcome(notice=Notice("nothing_found", "warn", {"text": text}))
        if len(found) == 1:
            return self.add_product(found[0].barcode, qty)
        return Outcome(choose_product=tuple(found), qty=qty)

    # --- lines ----------------------------------------------------------------------

    def add_product(self, barcode: str, qty: int = 1) -> Outcome:
        line = self.cart.add_barcode(barcode, qty)
        self.current_key = line.key
        return self._repriced(Notice("added", "ok", {"name": line.name, "qty": line.qty}))

    def set_qty(self, key: str, qty: int) -> Outcome:
        self.cart.set_qty(key, qty)
        self.current_key = key
        return self._repriced()

    def remove_line(self, key: str | None = None) -> Outcome:
        if key is not None:
            self.current_key = key
        line = self.current_line()
        self.cart.remove(line.key)
        self.current_key = None
        return self._repriced(Notice("removed", "info", {"name": line.name}))

    def add_coupon(self, code: str) -> Outcome:
        use = self.cart.add_coupon(code, self.rules, self.clock())
        promo = self.rules.promotion(use.promotion)
        return self._repriced(Notice("coupon", "ok", {"code": use.code, "name": promo.name if promo else use.promotion}))

    # --- the member -------------------------------------------------------------------

    def attach_member(self, member: Member, replace: bool = False) -> Outcome:
        """Put the member on the sale.  Another member already on it is not
        replaced silently: the outcome asks first (call again with replace)."""
        current = self.cart.member
        if current is not None and current.id != member.id and not replace:
            return Outcome(replace_member=member)
        if current is None or current.id != member.id:
            self.cart.redeem = 0  # a new member: the points to use are asked again
            self.cart.drop_gifts()  # ... and the last one's gifts go with their points
        # The same card again keeps the points; the member is as the database has them
        # now, and if the points no longer fit, repricing resets them and says so.
        self.cart.member = member
        self.summary = None
        return self._repriced(Notice("member", "ok", {"name": member.name}), member=True)

    def drop_member(self) -> Outcome:
        if self.cart.member is None:
            return NOTHING
        self.cart.member = None
        self.cart.redeem = 0
        self.cart.drop_gifts()
        self.summary = None
        return self._repriced(Notice("member_removed"), member=True)

    def member_changed(self, member: Member | None = None) -> Outcome:
        """The member's details or balance changed elsewhere (an edit, an
        adjustment, a return, a sale that failed): read them again."""
        if self.cart.member is None:
            return NOTHING
        self.cart.member = member or members.reload(self.cart.member)
        self.summary = None
        return self._repriced(member=True)

    def member_summary(self) -> MemberSummary | None:
        """What the member panel shows, read once per member (and after changes)."""
        member = self.cart.member
        if member is None:
            self.summary = None
        elif self.summary is None or self.summary.id != str(member.id):
            self.cart.know_member(self.rules, self.clock())  # the rules' view of them, worked out once
            self.summary = members.summary(member, self.rules, self.clock(), context=self.cart.context)
        return self.summary

    # --- gifts for points ------------------------------------------------------------

    def reward_offers(self) -> list[rewards.Offer]:
        """The gifts the member on the sale may take now (those they may not, with why)."""
        if self.cart.member is None:
            raise InputError("reward_no_member")
        in_cart: dict[str, int] = {}
        for line in self.cart.lines:
            if line.reward_id:
                in_cart[line.reward_id] = in_cart.get(line.reward_id, 0) + line.qty
        return rewards.offers(self.cart.member, self.rules, self.clock(), in_cart, self.cart.reward_points())

    def take_reward(self, ref: str) -> Outcome:
        """A gift for the member's points: a reward's id, or the barcode of a product offered as one."""
        line = self.cart.add_reward(str(rewards.get(ref).id), self.rules, self.clock())
        self.current_key = line.key
        return self._repriced(Notice("reward_taken", "ok", {"name": line.name, "points": line.reward_points}),
                              member=True)

    def take_current_as_reward(self) -> Outcome:
        """The line just scanned becomes a gift: one of it leaves the paid line for a gift line."""
        line = self.current_line()
        if line.reward_id:
            return self.take_reward(line.reward_id)
        reward_id = str(rewards.get(line.barcode).id)
        gift = self.cart.add_reward(reward_id, self.rules, self.clock())  # refused: the paid line stays
        if line.qty > 1:
            self.cart.set_qty(line.key, line.qty - 1)
        else:
            self.cart.remove(line.key)
        self.current_key = gift.key
        return self._repriced(Notice("reward_taken", "ok", {"name": gift.name, "points": gift.reward_points}),
                              member=True)

    # --- discounts and points --------------------------------------------------------

    def set_redeem(self, points: int) -> Outcome:
        """Points to pay part of the bill; refused (and left as it was) when
        the programme does not allow that many."""
        if self.cart.member is None:
            if points == 0:
                return NOTHING  # no points asked for: nothing to refuse (main.py sell --redeem max, no card)
            raise InputError("redeem_no_member")
        before = self.cart.redeem
        self.cart.redeem = points
        try:
            self.priced = self.cart.price(self.rules, self.clock())
        except RedeemRefused:
            self.cart.redeem = before
            self._price()
            raise
        return Outcome(cart=True, member=True, notice=Notice("redeem_set", "ok", {"points": points}) if points else None)

    def set_manual_discount(self, bp: int, authoriser: Staff | None) -> Outcome:
        if self.cart.is_empty():
            raise InputError("sale_empty")
        self.cart.set_manual_discount(bp, self.staff, authoriser)
        return self._repriced(Notice("manual_discount", "ok", {"bp": bp}))

    # --- parking ------------------------------------------------------------------------

    def park(self) -> Outcome:
        label = self.cart.member.name if self.cart.member else ""
        checkout.park(self.cart, self.staff, label)
        self._new_cart()
        return self._repriced(Notice("parked", "ok"), member=True)

    def parked(self) -> list[ParkedCart]:
        if not self.cart.is_empty():
            raise InputError("park_busy")
        return checkout.parked()

    def recall(self, parked_id: object) -> Outcome:
        if not self.cart.is_empty():
            raise InputError("park_busy")
        counter = self.cart.member
        self.cart = checkout.recall(parked_id, self.clock())
        if self.cart.member is None and counter is not None:
            self.cart.member = counter  # a card scanned before the recall stays on the sale
        self.current_key, self.summary = None, None
        if self.cart.dropped_coupons:
            notice = Notice("recalled_coupon_dropped", "warn", {"coupons": ", ".join(self.cart.dropped_coupons)})
        else:
            notice = Notice("recalled", "ok")
        outcome = self._repriced(notice, member=True)
        if counter is not None and self.cart.member is not None and counter.id != self.cart.member.id:
            # The parked sale's member came back with it; the card scanned at the
            # counter is not dropped unasked.
            return dataclasses.replace(outcome, replace_member=counter)
        return outcome

    def cancel(self) -> Outcome:
        if self.is_empty():
            return NOTHING
        self._new_cart()
        return self._repriced(Notice("cancelled"), member=True)

    def hand_over(self, staff: Staff) -> Outcome:
        """Someone else takes the till (sign out, switch, a locked till opened by
        another PIN).  The same person finds their sale as they left it; anyone
        else gets an empty screen, the sale left behind parked (F7 brings it
        back) under its cashier's name, so nothing on the counter is lost and
        nobody sells on another's name."""
        if staff.id == self.staff.id:
            self.staff = staff  # the row as read now (a changed role counts)
            return NOTHING
        left = self.cart
        outcome = NOTHING
        if left.lines:
            label = " · ".join(part for part in (self.staff.name, left.member.name if left.member else "") if part)
            checkout.park(left, self.staff, label)
            outcome = Outcome(notice=Notice("handed_over_parked", "info", {"name": self.staff.name}))
        self.staff = staff
        self._new_cart()
        redrawn = self._repriced(member=True)
        return dataclasses.replace(redrawn, notice=outcome.notice)

    # --- the programme ------------------------------------------------------------------

    def programme_changed(self) -> Outcome:
        """The owner published a programme: price again under it."""
        self.rules = active_rules(self.clock())
        self.summary = None
        self.cart.forget_member_context()
        return self._repriced(member=True)

    def reprice(self) -> Outcome:
        return self._repriced(member=True)

    # --- paying -------------------------------------------------------------------------

    def price_for_payment(self) -> Outcome:
        """Price the sale under the programme in force now (a version the owner
        scheduled may have begun since the last scan); `to_pay` is then what the
        customer pays.  The outcome's notice says if the points no longer fit."""
        if self.cart.is_empty():
            raise InputError("sale_empty")
        fresh = active_rules(self.clock())
        if fresh.version != self.rules.version:
            self.rules = fresh
            self.summary = None
            self.cart.forget_member_context()
        return self._repriced(member=self.cart.member is not None)

    def order(self, tenders: list[Tender], at: dt.datetime | None = None) -> SaleOrder:
        """A frozen copy of the sale for the worker: nothing done to the session
        while it is written reaches the copy, and `finished()` then starts the
        next sale afresh (the window holds scans made meanwhile until then)."""
        if self.cart.is_empty():
            raise InputError("sale_empty")
        return SaleOrder(cart=self.cart.snapshot(), tenders=tuple(tenders), cashier=self.staff,
                         rules=self.rules, now=at)

    def finished(self, result: SaleResult) -> Outcome:
        """The sale is on disk: the next customer starts with an empty counter."""
        self.last_sale, self.last_member = result, None if result.member_left else self.cart.member
        occasions.link_sale(self.occasions_on_sale, result.sale_id, now=self.clock())
        self.rules = active_rules(self.clock())
        self._new_cart()
        return self._repriced(Notice("member_left_sale", "warn") if result.member_left else None, member=True)

    def failed(self) -> Outcome:
        """Nothing was written: the sale stays, with the member as the database has them now -
        or without them, if they were erased or are gone meanwhile (the sale is never lost)."""
        if self.cart.member is None:
            return self._repriced()
        fresh = Member.get_or_none(Member.id == self.cart.member.id)
        if fresh is None or fresh.erased_at is not None:
            self.drop_member()
            return self._repriced(Notice("member_left_sale", "warn"), member=True)
        return self.member_changed(fresh)

    def record_occasion(self, kind: str, month: int, day: int, *, year: int | None = None,
                        for_whom: str = "", note: str = "") -> Occasion:
        """An occasion (services.reach.occasions) for the member on the counter, linked to this
        sale once it is written; on an empty counter, for the member of the sale just completed,
        linked to that sale."""
        values = dict(year=year, for_whom=for_whom, note=note, staff=self.staff, now=self.clock())
        if self.cart.member is not None:
            row = occasions.add(self.cart.member, kind, month, day, **values)
            self.occasions_on_sale.append(row.id)
            return row
        if self.is_empty() and self.last_sale is not None and self.last_member is not None:
            return occasions.add(self.last_member, kind, month, day, sale_id=self.last_sale.sale_id, **values)
        raise InputError("occasion_no_member")

    def occasion_member(self) -> Member | None:
        """Whom record_occasion would record for (None: nobody)."""
        if self.cart.member is not None:
            return self.cart.member
        return self.last_member if self.is_empty() and self.last_sale is not None else None

    # --- inside --------------------------------------------------------------------------

    def _new_cart(self) -> None:
        self.cart = Cart()
        self.occasions_on_sale = []
        self.current_key, self.summary = None, None

    def _price(self) -> Notice | None:
        now = self.clock()
        if not self.cart.lines and self.cart.member is None:
            self.priced = None
            return None
        try:
            self.priced = self.cart.price(self.rules, now)
        except RedeemRefused as exc:  # a line went, and the points no longer fit the bill
            self.cart.redeem = 0
            self.priced = self.cart.price(self.rules, now)
            return Notice("points_reset", "warn", {"error": exc})
        return None

    def _repriced(self, notice: Notice | None = None, member: bool = False) -> Outcome:
        reset = self._price()
        return Outcome(cart=True, member=member or self.cart.member is not None, notice=reset or notice)
