"""Returns: money back, earned points taken back, spent points given back.

Every share is computed cumulatively (what the returned-so-far quantity is
owed, minus what earlier returns already gave), so a sale returned in any
number of pieces gives back exactly what it took, to the kopeck and point.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import peewee

from services.core.storage import write_transaction
from models.schema import LedgerEntry, Member, Payment, ReturnLine, Sale, SaleLine, SaleReturn, Staff, Till, utcnow
from services.shop import staff as auth
from services.shop import training
from services.programme import ledger
from services.programme import loyalty
from services.journal import audit, outbox
from services.members.cards import parse_receipt_code
from services.core.errors import InputError, NotFound
from services.programme.tiers import settle_tier, spend_in_window
from services.core.money import round_div
from services.programme.rules import active_rules
from services.core.serialize import row_dict
from services.shop.settings import local_till


def _method(card: int, cash: int) -> str:
    return "mixed" if card and cash else "card" if card else "cash"


@dataclass(frozen=True)
class ReturnResult:
    return_id: str
    sale_id: str
    refund: int
    refund_card: int  # back to the card it was paid with
    refund_cash: int
    points_reversed: int
    points_restored: int
    card: str | None
    balance: int | None
    points_unrewarded: int = 0  # the points of the gifts brought back (services.programme.rewards)

    @property
    def refund_method(self) -> str:
        return _method(self.refund_card, self.refund_cash)


def find_sale(ref: str) -> Sale:
    """A sale by its UUID or its receipt number (as printed or scanned)."""
    ref = ref.strip()
    scanned = parse_receipt_code(ref)
    if scanned is not None:  # the barcode printed on the receipt
        till = Till.get_or_none(Till.number == scanned[0])
        if till is not None:
            ref = f"{till.code}-{scanned[1]:06d}"
    sale = Sale.get_or_none(Sale.receipt_no == ref)
    if sale is None:
        try:
            sale = Sale.get_or_none(Sale.id == uuid.UUID(ref))
        except ValueError:
            sale = None
    if sale is None:
        if training.is_training_number(ref):  # a practice receipt brought to a real till
            raise NotFound("sale_training", ref=ref)
        raise NotFound("sale_unknown", ref=ref)
    return sale


def _share(whole: int, part: int, of: int) -> int:
    return round_div(whole * part, of)


def _floor_share(whole: int, part: int, of: int) -> int:
    """Never more than the proportion: what a partial return gives back in points."""
    return whole * part // of


@dataclass(frozen=True)
class ReturnPlan:
    """What a return would give back, before anyone confirms it."""

    sale: Sale
    rows: list[tuple[SaleLine, int, int, int]]  # line, qty, refund, points taken back
    refund: int
    refund_card: int
    refund_cash: int
    value: int  # the goods' worth after discounts
    points_reversed: int
    points_restored: int
    points_unrewarded: int = 0  # a gift brought back: its points go back to the member

    @property
    def refund_method(self) -> str:
        return _method(self.refund_card, self.refund_cash)


def sale_lines(sale: Sale) -> list[tuple[SaleLine, int]]:
    """The lines of a sale with how many of each were already returned."""
    lines = list(SaleLine.select().where(SaleLine.sale == sale).order_by(SaleLine.position))
    returned = dict(
        ReturnLine.select(ReturnLine.sale_line, peewee.fn.SUM(ReturnLine.qty))
        .join(SaleLine)
        .where(SaleLine.sale == sale)
        .group_by(ReturnLine.sale_line)
        .tuples()
    )
    return [(line, int(returned.get(line.id, 0))) for line in lines]


def returnable_sale(ref: str) -> Sale:
    """A sale this till can take goods back on: found, and not an old system's receipt."""
    sale = find_sale(ref)
    if sale.imported:  # the old system took the money; nothing here knows how it was paid
        raise InputError("return_imported", receipt=sale.receipt_no)
    return sale


def plan_return(ref: str, items: dict[str, int] | None = None) -> ReturnPlan:
    """Work out a return of `items` (barcode -> qty; None: all that is left)."""
    sale = returnable_sale(ref)
    pairs = sale_lines(sale)
    lines = [line for line, _ in pairs]
    already = {line.id: done for line, done in pairs}
    wanted = _wanted(lines, already, items)
    if not wanted:
        raise InputError("return_nothing")
    refund = reversed_pts = value = unrewarded = 0
    paid_by_points_before = paid_by_points_after = 0
    rows = []
    for line in lines:
        before = already[line.id]
        after = before + wanted.get(line.id, 0)
        paid_by_points_before += _share(line.points_value, before, line.qty)
        paid_by_points_after += _share(line.points_value, after, line.qty)
        if after == before:
            continue
        net = line.gross - line.discount
        money = net - line.points_value
        line_refund = _share(money, after, line.qty) - _share(money, before, line.qty)
        line_points = _share(line.points_earned, after, line.qty) - _share(line.points_earned, before, line.qty)
        refund += line_refund
        reversed_pts += line_points
        value += _share(net, after, line.qty) - _share(net, before, line.qty)
        unrewarded += _floor_share(line.reward_points, after, line.qty) - _floor_share(line.reward_points, before, line.qty)
        rows.append((line, after - before, line_refund, line_points))
    restored = 0
    if sale.points_value:
        # Rounded down, so money and points back never exceed what the goods
        # cost; the last return of the sale settles the remainder exactly.
        restored = _floor_share(sale.points_redeemed, paid_by_points_after, sale.points_value) - _floor_share(
            sale.points_redeemed, paid_by_points_before, sale.points_value
        )
    card_paid = sum(p.amount for p in Payment.select(Payment.amount).where((Payment.sale == sale) & (Payment.method == "card")))
    refunded_before = sum(r.refund for r in SaleReturn.select(SaleReturn.refund).where(SaleReturn.sale == sale))
    to_card = 0
    if sale.paid_money:
        # Back to the card in the share it paid, cumulatively exact over returns.
        to_card = _floor_share(card_paid, refunded_before + refund, sale.paid_money) - _floor_share(
            card_paid, refunded_before, sale.paid_money
        )
    return ReturnPlan(
        sale=sale, rows=rows, refund=refund, refund_card=to_card, refund_cash=refund - to_card, value=value,
        points_reversed=reversed_pts, points_restored=restored, points_unrewarded=unrewarded,
    )


def return_items(
    ref: str,
    items: dict[str, int] | None = None,
    *,
    actor: Staff | None,
    authoriser: Staff | None = None,
    now: dt.datetime | None = None,
) -> ReturnResult:
    """Return `items` (barcode -> qty) of a sale, or everything still unreturned."""
    who = auth.require(actor, "return", authoriser)
    now = now or utcnow()
    with write_transaction():
        plan = plan_return(ref, items)  # inside the lock: no two returns of the same item
        sale = plan.sale
        ret = SaleReturn.create(
            sale=sale, till=local_till(), staff=actor, authorised_by=who, created_at=now,
            refund=plan.refund, refund_card=plan.refund_card, refund_cash=plan.refund_cash, value=plan.value,
            points_reversed=plan.points_reversed, points_restored=plan.points_restored,
            points_unrewarded=plan.points_unrewarded,
        )
        line_rows = []
        for line, qty, line_refund, line_points in plan.rows:
            rl = ReturnLine.create(ret=ret, sale_line=line, qty=qty, refund=line_refund, points_reversed=line_points)
            line_rows.append(row_dict(rl))
        outbox.record("return", {"return": row_dict(ret), "lines": line_rows})
        audit.record("return", who, target=sale.receipt_no, now=now, refund=plan.refund,
                     points_reversed=plan.points_reversed, points_restored=plan.points_restored,
                     cashier=actor.name if actor is not None and actor.id != who.id else "")
        member = Member.get_by_id(sale.member_id) if sale.member_id else None
        if member is not None:
            # A member who already spent the points goes negative; the return still happens.
            # Points still pending come back from there; released ones from the balance.
            from_balance = loyalty.take_back_pending(sale.id, plan.points_reversed)
            if from_balance:
                ledger.post(member, "reverse", -from_balance, sale=sale, ret=ret, till=ret.till, staff=who, now=now)
            if plan.points_restored:
                ledger.post(member, "restore", plan.points_restored, sale=sale, ret=ret, till=ret.till, staff=who, now=now)
            if plan.points_unrewarded:
                ledger.post(member, "reward", plan.points_unrewarded, sale=sale, ret=ret, till=ret.till, staff=who,
                            now=now, note="gift brought back")
            rules = active_rules(now)
            spend = spend_in_window(member.id, rules, now)
            # Down at once only if this return undid what kept the member in their tier;
            # spend that merely aged out of the window waits for the period's end.
            current = rules.tier(member.tier)
            undone = current is not None and spend + plan.value >= current.min_spend > spend
            settle_tier(member, rules, spend, may_fall=undone)
        if _all_returned(sale):
            _undo_bonuses(sale, ret, who, now)
            if member is not None:
                member = Member.get_by_id(member.id)  # its balance after the bonuses went back
    return ReturnResult(
        return_id=str(ret.id), sale_id=str(sale.id), refund=plan.refund,
        refund_card=plan.refund_card, refund_cash=plan.refund_cash,
        points_reversed=plan.points_reversed, points_restored=plan.points_restored, card=sale.card_number,
        balance=member.balance if member else None, points_unrewarded=plan.points_unrewarded,
    )


BONUS_KINDS = ("birthday", "welcome", "referral")


def _all_returned(sale: Sale) -> bool:
    sold = SaleLine.select(peewee.fn.SUM(SaleLine.qty)).where(SaleLine.sale == sale).scalar() or 0
    back = (ReturnLine.select(peewee.fn.SUM(ReturnLine.qty)).join(SaleLine)
            .where(SaleLine.sale == sale).scalar() or 0)
    return back >= sold


def _undo_bonuses(sale: Sale, ret: SaleReturn, who: Staff, now: dt.datetime) -> None:
    """The whole sale came back: the bonuses it triggered (the member's birthday or welcome
    points, the referrer's and the new member's referral points) go back too, and the
    next-visit coupon it printed can no longer be used. The once-only marks stay: a
    bonus once given is not given again on the next purchase."""
    from models.schema import IssuedCoupon

    for entry in LedgerEntry.select().where((LedgerEntry.sale == sale) & LedgerEntry.kind.in_(BONUS_KINDS)):
        ledger.post(Member.get_by_id(entry.member_id), "reverse", -entry.delta, sale=sale, ret=ret, till=ret.till,
                    staff=who, now=now, note=f"{entry.kind} bonus of a returned sale")
    for coupon in IssuedCoupon.select().where((IssuedCoupon.sale == sale) & IssuedCoupon.used_sale.is_null()):
        coupon.used_sale = sale.id  # spent by the sale that printed it, which came back
        coupon.save()
        outbox.record("issued_coupon", row_dict(coupon))


def _wanted(lines: list[SaleLine], already: dict, items: dict[str, int] | None) -> dict:
    if items is None:
        return {l.id: l.qty - already[l.id] for l in lines if l.qty > already[l.id]}
    wanted: dict = {}
    for barcode, qty in items.items():
        if qty <= 0:
            raise InputError("return_qty")
        matching = [l for l in lines if l.barcode == barcode]
        if not matching:
            raise InputError("return_not_on_receipt", barcode=barcode)
        for line in matching:
            free = line.qty - already[line.id] - wanted.get(line.id, 0)
            take = min(free, qty)
            if take > 0:
                wanted[line.id] = wanted.get(line.id, 0) + take
                qty -= take
        if qty > 0:
            raise InputError("return_too_many", barcode=barcode)
    return wanted
