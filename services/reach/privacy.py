"""A member's personal data: everything held about them (export), and its erasure.

Export gathers the member's row, cards, sales (lines, payments), returns,
ledger and balance, pending points, coupons, bonuses, referrals, the audit
entries about them, and what each module of HOLDERS keeps (occasions,
contacts, feedback, consent, messages...): one JSON-able dict, written as a
.json file and a readable PDF (services/reach/privacy_pdf.py).

Erase anonymises the person and keeps the books: the name becomes "Erased
member" (in the shop's language); phone, e-mail, birthday, note, the old system's id and the consent
are cleared; each HOLDER anonymises its own records.  Sales, lines, payments,
returns and ledger entries are not touched (the sales keep their card number:
a number alone names nobody).  The customer gives up the account, so its
cards are blocked, its pending points are released and its balance is brought
to zero by one ledger "adjust" entry: the history stays, the balance is
honest.  Copies of the old values the till keeps for sync (the outbox's past
member operations, the last synced document) and the audit entries that named the member are rewritten
too, so no copy of the person survives in the file.  The erasure travels as
an ordinary member edit (its fields stamped by services.journal.fieldclock),
so the hub and every other till take it; `erased_at` marks the member so no
till fills the record in again.  Both actions are audited without personal
data: the card number and the member's id.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from types import ModuleType
from typing import Any, Protocol

import peewee

from models.schema import (
    AuditEntry, Card, Contact, CouponRedemption, EventBonus, Feedback, FeedbackNote, IssuedCoupon, LedgerEntry, Member,
    Occasion, Outbox, Payment, PendingPoints, Referral, ReturnLine, Sale, SaleLine, SaleLoyalty, SaleReturn, Staff,
    utcnow,
)
from services.core.error_texts import N_
from services.core.errors import InputError, NotFound
from services.core.messages import _
from services.core.serialize import dumps, plain, row_dict
from services.core.storage import write_transaction
from services.journal import audit, outbox
from services.programme import ledger, loyalty, rewards
from services.shop import staff as auth
from services.shop.settings import local_till, shop_info
from services.reach import campaigns, consent, contacts, feedback, occasions

ERASED_NAME = N_("Erased member")  # stored in the shop's language (erased_name), as a name typed there would be


FORMAT = "loyaltill-personal-data/1"


def erased_name() -> str:
    return _(ERASED_NAME)


class Holder(Protocol):
    """A module that stores something about a member (shared rules of issue 14)."""

    def personal_data(self, member_id: uuid.UUID) -> dict[str, Any]: ...

    def erase_personal(self, member_id: uuid.UUID, *, now: dt.datetime) -> None: ...


# The modules holding personal data beside the member's own tables; each is added
# here when it is written (occasions, contacts, feedback, consent, messages...).
HOLDERS: list[ModuleType | Holder] = [occasions, contacts, consent, campaigns, feedback, rewards]


def holder_name(holder: ModuleType | Holder) -> str:
    name = getattr(holder, "__name__", None) or type(holder).__name__
    return name.rsplit(".", 1)[-1]


def member_by_card(number: str) -> Member:
    """The member a card was given to, whatever the card's state: an erased member's
    cards are blocked, and a lost one still names whose data is asked for."""
    number = number.strip()
    card = Card.get_or_none(Card.number == number)
    if card is None:
        raise NotFound("card_unknown", card=number)
    if card.member_id is None:
        raise NotFound("card_unassigned", card=number)
    return Member.get_by_id(card.member_id)


# --- export ------------------------------------------------------------------------------


def export(member: Member, *, actor: Staff | None, now: dt.datetime | None = None,
           holders: list[ModuleType | Holder] | None = None) -> dict[str, Any]:
    """Everything held about the member, JSON-able (ids as text, times ISO); audited."""
    who = auth.require(actor, "privacy")
    now = now or utcnow()
    member = Member.get_by_id(member.id)
    mid = member.id
    sales = list(Sale.select().where(Sale.member == mid).order_by(Sale.created_at))
    sale_ids = [s.id for s in sales]
    cards = list(Card.select().where(Card.member == mid).order_by(Card.created_at))
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": plain(now),
        "shop": shop_info().name,
        "member": row_dict(member),
        "balance": {"points": member.balance, "ledger_sum": ledger.ledger_balance(mid)},
        "cards": [row_dict(c) for c in cards],
        "sales": _sales(sales, sale_ids),
        "returns": _returns(sale_ids),
        "ledger": _rows(LedgerEntry.select().where(LedgerEntry.member == mid).order_by(LedgerEntry.created_at)),
        "pending_points": _rows(PendingPoints.select().where(PendingPoints.member == mid)
                                .order_by(PendingPoints.created_at)),
        "coupons_issued": _rows(IssuedCoupon.select().where(IssuedCoupon.member == mid)
                                .order_by(IssuedCoupon.created_at)),
        "coupons_redeemed": _rows(CouponRedemption.select().where(CouponRedemption.member == mid)
                                  .order_by(CouponRedemption.created_at)),
        "bonuses": _rows(EventBonus.select().where(EventBonus.member == mid).order_by(EventBonus.created_at)),
        # Whom they brought is named by id only: the other member's data is theirs.
        "referrals": {
            "referred_by": [plain(r.referrer_id) for r in Referral.select().where(Referral.member == mid)],
            "brought": [plain(r.member_id) for r in Referral.select().where(Referral.referrer == mid)],
        },
        "audit": [_audit_dict(e) for e in _audit_about(member, cards, sales)],
        "held_elsewhere": {holder_name(h): h.personal_data(mid) for h in (HOLDERS if holders is None else holders)},
    }
    card = _card_label(cards)
    audit.record("personal_data_exported", who, target=card, now=now, member_id=str(mid))
    return json.loads(dumps(data))  # plain all the way down, as the file will hold it


def _rows(query: peewee.Query) -> list[dict[str, Any]]:
    return [row_dict(row) for row in query]


def _chunks(ids: list[Any], size: int = 500) -> list[list[Any]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _sales(sales: list[Sale], sale_ids: list[Any]) -> list[dict[str, Any]]:
    lines: dict[Any, list[dict[str, Any]]] = {}
    payments: dict[Any, list[dict[str, Any]]] = {}
    priced: dict[Any, dict[str, Any]] = {}
    for chunk in _chunks(sale_ids):
        for line in SaleLine.select().where(SaleLine.sale.in_(chunk)).order_by(SaleLine.position):
            lines.setdefault(line.sale_id, []).append(row_dict(line))
        for pay in Payment.select().where(Payment.sale.in_(chunk)):
            payments.setdefault(pay.sale_id, []).append(row_dict(pay))
        for row in SaleLoyalty.select().where(SaleLoyalty.sale.in_(chunk)):
            priced[row.sale_id] = row_dict(row)
    return [{**row_dict(s), "lines": lines.get(s.id, []), "payments": payments.get(s.id, []),
             "loyalty": priced.get(s.id)} for s in sales]


def _returns(sale_ids: list[Any]) -> list[dict[str, Any]]:
    out = []
    for chunk in _chunks(sale_ids):
        for ret in SaleReturn.select().where(SaleReturn.sale.in_(chunk)).order_by(SaleReturn.created_at):
            out.append({**row_dict(ret), "lines": _rows(ReturnLine.select().where(ReturnLine.ret == ret.id))})
    return out


def _card_label(cards: list[Card]) -> str:
    """What the audit names the member by: a card number (no name, no phone)."""
    active = [c for c in cards if c.status == "active"]
    chosen = (active or cards)[-1:] if cards else []
    return chosen[0].number if chosen else ""


def _audit_about(member: Member, cards: list[Card], sales: list[Sale]) -> list[AuditEntry]:
    """The entries about the member: their cards (blocked, a balance adjusted), their
    receipts (a return, a manual discount), their id (an export or erasure), and an
    adjustment made while they had no card (named by their name then)."""
    numbers = [c.number for c in cards]
    targets = numbers + [s.receipt_no for s in sales] + [str(member.id)]
    found: dict[Any, AuditEntry] = {}
    for chunk in _chunks(targets):
        for entry in AuditEntry.select().where(AuditEntry.target.in_(chunk)):
            found[entry.id] = entry
    marks = [f'"card": "{n}"' for n in numbers] + [f'"member_id": "{member.id}"']
    for mark in marks:
        for entry in AuditEntry.select().where(AuditEntry.details.contains(mark)):
            found[entry.id] = entry
    if member.name and member.erased_at is None:
        for entry in AuditEntry.select().where((AuditEntry.action == "adjust_balance")
                                               & (AuditEntry.target == member.name)
                                               & (AuditEntry.details.contains('"card": ""'))):
            found[entry.id] = entry
    return sorted(found.values(), key=lambda e: (e.created_at, str(e.id)))


def _audit_dict(entry: AuditEntry) -> dict[str, Any]:
    return {"created_at": plain(entry.created_at), "action": entry.action, "staff_name": entry.staff_name,
            "target": entry.target, "details": json.loads(entry.details or "{}")}


# --- erase -------------------------------------------------------------------------------


PERSONAL_FIELDS = ("name", "name_key", "phone", "email", "birthday", "note", "external_ref", "marketing_consent")


def erased_values() -> dict[str, Any]:
    """What an erased member's personal fields hold (column -> value), as the outbox writes them."""
    name = erased_name()
    return {"name": name, "name_key": name.casefold(), "phone": None, "email": None,
            "birthday": None, "note": "", "external_ref": None, "marketing_consent": False}


def erase(member: Member, *, actor: Staff | None, now: dt.datetime | None = None,
          holders: list[ModuleType | Holder] | None = None) -> dict[str, Any]:
    """Anonymise the member for good (see the module's docstring); returns what was done."""
    who = auth.require(actor, "privacy")
    now = now or utcnow()
    with write_transaction():
        fresh = Member.get_by_id(member.id)
        if fresh.erased_at is not None:
            raise InputError("member_already_erased")
        mid = fresh.id
        cards = list(Card.select().where(Card.member == mid).order_by(Card.created_at))
        sales = list(Sale.select(Sale.id, Sale.receipt_no).where(Sale.member == mid))
        about = _audit_about(fresh, cards, sales)
        old = [fresh.name, fresh.phone, fresh.email, fresh.external_ref, fresh.note]
        # Points still pending become spendable now, so the one "adjust" below closes them too.
        loyalty.release_pending(fresh, now, due_by=dt.datetime.max)
        balance = fresh.balance
        if balance:
            ledger.post(fresh, "adjust", -balance, till=local_till(), staff=who, note="personal data erased", now=now)
        blocked = 0
        for card in cards:
            if card.status == "active":
                card.status, card.blocked_at = "blocked", now
                card.save()
                outbox.record("card", row_dict(card))
                blocked += 1
        Member.update({**{Member._meta.fields[k]: v for k, v in erased_values().items()},
                       Member.erased_at: now, Member.updated_at: now}).where(Member.id == mid).execute()
        for holder in HOLDERS if holders is None else holders:
            holder.erase_personal(mid, now=now)
        _scrub_audit(about, [text for text in old if text])
        _scrub_outbox(str(mid))
        _scrub_held_outbox(mid)
        outbox.record("member", row_dict(Member.get_by_id(mid)))
        audit.record("personal_data_erased", who, target=_card_label(cards), now=now, member_id=str(mid),
                     points_zeroed=balance, cards_blocked=blocked)
    return {"member_id": str(mid), "points_zeroed": balance, "cards_blocked": blocked,
            "holders": [holder_name(h) for h in (HOLDERS if holders is None else holders)]}


def erase_pulled(member_id: uuid.UUID, *, now: dt.datetime, holders: list[ModuleType | Holder] | None = None) -> None:
    """A member erased at another till, pulled here (services.sync.client, inside its
    transaction, before the erased row is written over this till's): what this till
    holds about them apart from the row goes too — each HOLDER's records, the audit
    entries and the past outbox operations that named them.  The ledger entry, the
    blocked cards and the audit entry of the erasure come from that till by sync."""
    member = Member.get_or_none(Member.id == member_id)
    if member is None or member.erased_at is not None:
        return
    cards = list(Card.select().where(Card.member == member.id))
    sales = list(Sale.select(Sale.id, Sale.receipt_no).where(Sale.member == member.id))
    about = _audit_about(member, cards, sales)
    for holder in HOLDERS if holders is None else holders:
        holder.erase_personal(member.id, now=now)
    _scrub_audit(about, [t for t in (member.name, member.phone, member.email, member.external_ref, member.note) if t])
    _scrub_outbox(str(member.id))
    _scrub_held_outbox(member.id)


def _scrub(text: str, old: list[str]) -> str:
    """A text without the old values: one that is the value becomes the erased name; one
    that holds it (a name in a sentence) has it replaced, for values of 4 characters or
    more (a one-letter note must not eat every "a")."""
    if text in old:
        return erased_name()
    for value in sorted((v for v in old if len(v) >= 4), key=len, reverse=True):
        text = text.replace(value, erased_name())
    return text


def _scrub_json(text: str, old: list[str]) -> str:
    """The audit entry's details (JSON) with their texts scrubbed, numbers and keys as they were."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return _scrub(value, old)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    try:
        parsed = json.loads(text or "{}")
    except ValueError:
        return _scrub(text, old)
    cleaned = walk(parsed)
    return text if cleaned == parsed else json.dumps(cleaned, ensure_ascii=False, sort_keys=True)


def _scrub_audit(entries: list[AuditEntry], old: list[str]) -> None:
    """The entries about the member keep what happened, not who it was (a card blocked
    "for Anna Petrova" reads "for Erased member"), here and in their outbox operations."""
    for entry in entries:
        target, details = _scrub(entry.target, old), _scrub_json(entry.details, old)
        if (target, details) == (entry.target, entry.details):
            continue
        AuditEntry.update(target=target, details=details).where(AuditEntry.id == entry.id).execute()
        for op in Outbox.select().where((Outbox.kind == "audit") & Outbox.payload.contains(str(entry.id))):
            payload = json.loads(op.payload)
            if payload.get("id") == str(entry.id):
                payload["target"], payload["details"] = target, details
                Outbox.update(payload=dumps(payload)).where(Outbox.seq == op.seq).execute()


def _scrub_outbox(member_id: str) -> None:
    """The member's past operations, sent or not, hold the old values: they read as
    erased now (an unsent one reaches the hub erased; the erasing edit follows it)."""
    values = erased_values()
    for op in Outbox.select().where((Outbox.kind == "member") & Outbox.payload.contains(member_id)):
        payload = json.loads(op.payload)
        if payload.get("id") != member_id:
            continue
        payload.update({k: v for k, v in values.items() if k in payload})
        Outbox.update(payload=dumps(payload)).where(Outbox.seq == op.seq).execute()


# The holders' synced records whose words an erasure takes out (the others hold none): their
# past operations, sent or not, are rewritten as the holders left the records.
HELD_OUTBOX: dict[str, type[peewee.Model]] = {
    "occasion": Occasion, "contact": Contact, "feedback": Feedback, "feedback_note": FeedbackNote,
}


def _scrub_held_outbox(member_id: uuid.UUID) -> None:
    owners = {str(member_id)} | {str(f.id) for f in Feedback.select(Feedback.id).where(Feedback.member == member_id)}
    for owner in owners:
        for op in Outbox.select().where(Outbox.kind.in_(list(HELD_OUTBOX)) & Outbox.payload.contains(owner)):
            payload = json.loads(op.payload)
            if owner not in (payload.get("member_id"), payload.get("feedback_id")):
                continue
            model = HELD_OUTBOX[op.kind]
            row = model.get_or_none(model.id == uuid.UUID(str(payload.get("id"))))
            if row is None:
                continue
            now_held = json.loads(dumps(row_dict(row)))
            payload.update({k: v for k, v in now_held.items() if k in payload})
            Outbox.update(payload=dumps(payload)).where(Outbox.seq == op.seq).execute()


def is_erased(member: Member) -> bool:
    return getattr(member, "erased_at", None) is not None
