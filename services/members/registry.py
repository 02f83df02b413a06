"""Members and their cards: find, register, edit, block and replace."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import peewee

from services.core.storage import write_transaction
from models import db
from models.db import fetch_model
from models.schema import Card, Member, Staff, utcnow
from services.shop import staff as auth
from services.programme import ledger
from services.programme import loyalty
from services.journal import audit, continuity, outbox
from services.members.cards import CARD_DIGITS, ScanKind, classify_scan, is_valid_ean13, make_card_number
from services.core.errors import InputError, NotFound
from services.members.phones import looks_like_phone, normalize_phone
from services.programme.pricing import Customer
from services.programme.rules import Rules, active_rules
from services.core.serialize import row_dict
from services.shop.settings import local_till, shop_info
from services.programme.tiers import spend_in_window


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class MemberSummary:
    """What the cashier sees when a member is found."""

    id: str
    name: str
    phone: str
    card: str
    tier_code: str
    tier_name: str
    balance: int
    spend: int  # over the tier window
    next_tier_name: str
    to_next_tier: int
    birthday: dt.date | None
    birthday_soon: bool  # within the coming or past three days
    redeem_blocked: bool
    privileges: tuple[str, ...] = ()  # the tier's: early access, free service, a gift
    pending: int = 0  # points earned but not spendable yet
    birthday_bonus: bool = False  # a birthday bonus is due on this purchase


def reload(member: Member) -> Member:
    """The member as the database has them now (balance, tier)."""
    return _fresh(member.id)


def _fresh(member_id: object) -> Member:
    found = Member.get_or_none(Member.id == member_id)
    if found is None:
        raise NotFound("member_gone")
    return found


# On every scan (the member panel): written once as SQL, see models.db.fetch_model.
_ACTIVE_CARD_SQL = (
    'SELECT * FROM "card" WHERE member_id = ? AND status = \'active\' ORDER BY created_at DESC LIMIT 1'
)


def active_card(member: Member) -> Card | None:
    found = fetch_model(Card, _ACTIVE_CARD_SQL, (member.id.bytes,))
    return found[0] if found else None


def find_by_card(number: str) -> Member:
    """The member of a card: one of this shop's EAN-13s, or any number the card
    table knows (an old system's card brought by an import: EAN-8, an EAN-13
    with another prefix, Code 128 digits), as it is."""
    number = number.strip()
    found = fetch_model(Member, _CARD_SQL, (number,), extra=("card_status",)) if _may_be_card(number) else None
    if found is None:
        if not (len(number) == 13 and number.isdecimal()):
            raise InputError("card_shape", card=number)
        if not is_valid_ean13(number):
            raise InputError("card_check_digit", card=number)
        raise NotFound("card_unknown", card=number)
    member, card = found
    if card["card_status"] == "blocked":
        if member.erased_at is not None:  # blocked by the erasure, not reported lost
            raise InputError("card_of_erased", card=number)
        raise InputError("card_blocked", card=number)
    if member.id is None:
        raise NotFound("card_unassigned", card=number)
    return member


def _may_be_card(code: str) -> bool:
    return code.isdecimal() and code.isascii() and CARD_DIGITS[0] <= len(code) <= CARD_DIGITS[1]


_KNOWN_CARD_SQL = 'SELECT 1 FROM "card" WHERE number = ?'


def is_known_card(code: str) -> bool:
    """A number the card table knows (one indexed lookup): a card, whatever its shape."""
    code = code.strip()
    if not _may_be_card(code):
        return False
    with peewee.__exception_wrapper__:
        return db.obj.connection().execute(_KNOWN_CARD_SQL, (code,)).fetchone() is not None


def scan_kind(code: str, card_prefix: str) -> ScanKind:
    """classify_scan, and a code the card table knows is a card whatever its
    shape: an imported card must not be taken for a product or a receipt."""
    found = classify_scan(code, card_prefix)
    if found.kind != "card" and is_known_card(found.code):
        return ScanKind("card", found.code)
    return found


def find_member_ref(ref: str) -> Member:
    """A member by id (UUID) or by one of their cards: what a list typed by the owner holds."""
    ref = ref.strip()
    if (len(ref) == 13 and ref.isdecimal()) or is_known_card(ref):
        return find_by_card(ref)  # says so if the card is blocked, unknown or not given out
    else:
        try:
            member = Member.get_or_none(Member.id == uuid.UUID(ref))
        except ValueError:
            member = None
        if member is not None:
            return member
    raise NotFound("member_unknown", ref=ref)


# The hot path of every scan: one indexed lookup, written once.
_CARD_SQL = (
    'SELECT m.*, c.status AS card_status FROM "card" c '
    'LEFT JOIN "member" m ON m.id = c.member_id WHERE c.number = ?'
)


def find_by_phone(text: str) -> list[Member]:
    phone = normalize_phone(text, shop_info().region)
    return list(Member.select().where(Member.phone == phone).limit(20))


def find_by_phone_ending(digits: str, limit: int = 20) -> list[Member]:
    """Members whose phone ends with these digits: what a customer says at the till
    ("the last four are 4567").  A scan of the phone column, for the find dialog only."""
    return list(Member.select().where(Member.phone.endswith(digits)).order_by(Member.name_key).limit(limit))


def search(text: str, limit: int = 20) -> list[Member]:
    """Members by card, by phone (any common way of writing it, or its last 4 to 6 digits) or by part
    of the name; a card of 4 to 6 digits finds its member first, then the phones ending so."""
    text = text.strip()
    if not text:
        return []
    carded: list[Member] = []
    if is_known_card(text):  # a card typed or scanned into the find box, an old one too
        try:
            carded = [find_by_card(text)]
        except InputError:
            pass  # blocked or not given out: search the digits as typed
    if text.isdigit() and 4 <= len(text) <= 6:
        # An old card of 4 to 6 digits is also what a customer says of their phone: both are found.
        ending = [m for m in find_by_phone_ending(text, limit) if not carded or m.id != carded[0].id]
        return (carded + ending)[:limit]
    if carded:
        return carded
    if looks_like_phone(text):
        try:
            return find_by_phone(text)
        except InputError:
            pass
    key = name_key(text)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    prefix = list(
        Member.select().where(Member.name_key.startswith(key)).order_by(Member.name_key).limit(limit)
    )
    if len(prefix) >= limit:
        return prefix
    seen = {m.id for m in prefix}
    inner = Member.select().where(
        peewee.SQL("name_key LIKE ? ESCAPE '\\'", [f"%{escaped}%"])
    ).limit(limit)
    return prefix + [m for m in inner if m.id not in seen][: limit - len(prefix)]


def free_numbers(count: int) -> tuple[list[str], int]:
    """The next `count` card numbers this till can issue, skipping any already known
    (imported, or reserved for printing), and the last serial used; nothing is saved.
    Refused after a restore that could not read the file it replaced, until the
    first sync has settled the card counter (services.journal.continuity)."""
    continuity.require_card_numbers_settled()
    till = local_till()
    prefix = shop_info().card_prefix
    numbers: list[str] = []
    serial = till.card_seq
    while len(numbers) < count:
        batch = []
        for _ in range(count - len(numbers)):
            serial += 1
            batch.append(make_card_number(prefix, till.number, serial))  # cards_exhausted past 9,999,999
        taken: set[str] = set()
        for start in range(0, len(batch), 500):
            taken |= {row.number for row in Card.select(Card.number).where(Card.number.in_(batch[start:start + 500]))}
        numbers += [number for number in batch if number not in taken]
    return numbers, serial


def issue_number() -> str:
    """One new card number, the till's serial moved past it; inside a transaction."""
    (number,), last = free_numbers(1)
    till = local_till()
    till.card_seq = last
    till.save(only=[type(till).card_seq])
    return number


def _take_card(number: str | None, member: Member, now: dt.datetime) -> Card:
    """Attach a pre-printed card, or issue a new number; inside a transaction."""
    if number is None:
        card = Card.create(number=issue_number(), member=member, status="active", created_at=now)
    else:
        number = number.strip()
        prefix = shop_info().card_prefix
        if not is_valid_ean13(number) or not number.startswith(prefix):
            raise InputError("card_not_ours", card=number)
        card = Card.get_or_none(Card.number == number)
        if card is None:
            card = Card.create(number=number, member=member, status="active", created_at=now)
        elif card.status == "reserved" and card.member_id is None:
            card.member = member
            card.status = "active"
            card.save()
        else:
            raise InputError("card_taken", card=number)
    outbox.record("card", row_dict(card))
    return card


def register(
    name: str,
    phone: str | None = None,
    birthday: dt.date | None = None,
    marketing_consent: bool = False,
    card_number: str | None = None,
    *,
    actor: Staff | None = None,
    now: dt.datetime | None = None,
    referrer: str | None = None,
) -> tuple[Member, Card]:
    """A new member at the till; a pre-printed card is attached, else one issued.
    `referrer` is the card number or phone of the member who brought them."""
    auth.require(actor, "register_member")
    now = now or utcnow()
    name = " ".join(name.split())
    if not name:
        raise InputError("name_empty")
    normal = normalize_phone(phone, shop_info().region) if phone and phone.strip() else None
    if birthday is not None and not (dt.date(1900, 1, 1) <= birthday <= now.date()):
        raise InputError("birthday_bad")
    with write_transaction():
        if normal and Member.select().where(Member.phone == normal).exists():
            raise InputError("phone_taken", phone=normal)
        brought_by = find_referrer(referrer) if referrer and referrer.strip() else None
        rules = active_rules(now)
        entry = rules.tier_for_spend(0)
        member = Member.create(
            name=name, name_key=name_key(name), phone=normal, birthday=birthday,
            marketing_consent=marketing_consent, tier=entry.code if entry else "",
            created_at=now, updated_at=now,
        )
        outbox.record("member", row_dict(member))
        card = _take_card(card_number, member, now)
        if brought_by is not None:
            loyalty.add_referral(member, brought_by, now)
        loyalty.welcome_on_registration(member, rules, now, actor)
    return member, card


def find_referrer(text: str) -> Member:
    """The member who brought a new one, by card number or phone."""
    text = text.strip()
    if (text.isdecimal() and len(text) == 13) or is_known_card(text):
        return find_by_card(text)
    found = find_by_phone(text)
    if not found:
        raise NotFound("referrer_unknown", ref=text)
    return found[0]


def update(
    member: Member,
    *,
    name: str | None = None,
    phone: str | None = None,
    birthday: dt.date | None = None,
    marketing_consent: bool | None = None,
    actor: Staff | None = None,
) -> Member:
    """Change a member's details; never their balance or tier, which only the
    ledger and sales move.  Everything is checked before anything changes."""
    auth.require(actor, "register_member")
    if _fresh(member.id).erased_at is not None:  # services.reach.privacy: never filled in again
        raise InputError("member_erased")
    changes: dict[peewee.Field, object] = {}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise InputError("name_empty")
        changes[Member.name], changes[Member.name_key] = name, name_key(name)
    if phone is not None:
        changes[Member.phone] = normalize_phone(phone, shop_info().region) if phone.strip() else None
    if birthday is not None:
        if not (dt.date(1900, 1, 1) <= birthday <= utcnow().date()):
            raise InputError("birthday_bad")
        changes[Member.birthday] = birthday
    if marketing_consent is not None:
        changes[Member.marketing_consent] = marketing_consent
    changes[Member.updated_at] = utcnow()
    with write_transaction():
        normal = changes.get(Member.phone)
        if normal and Member.select().where((Member.phone == normal) & (Member.id != member.id)).exists():
            raise InputError("phone_other_member", phone=normal)
        Member.update(changes).where(Member.id == member.id).execute()
        fresh = _fresh(member.id)
        outbox.record("member", row_dict(fresh))
    return fresh


def replace_card(
    member: Member, new_number: str | None = None, *, actor: Staff | None, authoriser: Staff | None = None
) -> Card:
    """Block the member's lost card(s) and attach a new one; the balance follows
    the member (it is their ledger), so nothing is lost with the old card."""
    who = auth.require(actor, "block_card", authoriser)
    if _fresh(member.id).erased_at is not None:
        raise InputError("member_erased")
    now = utcnow()
    with write_transaction():
        for card in Card.select().where((Card.member == member) & (Card.status == "active")):
            card.status, card.blocked_at = "blocked", now
            card.save()
            outbox.record("card", row_dict(card))
            audit.record("card_blocked", who, target=card.number, now=now, member=member.name)
        return _take_card(new_number, member, now)


def adjust_balance(
    member: Member, delta: int, note: str, *, actor: Staff | None, authoriser: Staff | None = None
) -> int:
    who = auth.require(actor, "adjust_balance", authoriser)
    if delta == 0:
        raise InputError("adjust_zero")
    if not note.strip():
        raise InputError("adjust_note")
    with write_transaction():
        fresh = Member.get_by_id(member.id)
        ledger.post(fresh, "adjust", delta, till=local_till(), staff=who, note=note.strip())
        card = active_card(fresh)
        audit.record("adjust_balance", who, target=fresh.name, delta=delta, note=note.strip(),
                     card=card.number if card else "")
    member.balance = fresh.balance
    return fresh.balance


def birthday_soon(birthday: dt.date | None, today: dt.date, days: int = 3) -> bool:
    return loyalty.birthday_key(birthday, today, days) is not None


def summary(member: Member, rules: Rules, now: dt.datetime | None = None,
            context: Customer | None = None) -> MemberSummary:
    """`context` is the member as the rules see them, when the caller has
    worked it out already (the sale session has, to price the cart)."""
    now = now or utcnow()
    spend = spend_in_window(member.id, rules, now)
    tier = rules.tier(member.tier) or rules.tier_for_spend(spend)
    # The next tier above both the member's tier and their spend (a member kept in a
    # tier whose spend has slipped is not told what is "left" to the tier they are in).
    floor = tier.min_spend if tier else -1
    following = next((t for t in sorted(rules.tiers, key=lambda t: t.min_spend)
                      if t.min_spend > floor and spend < t.min_spend), None)
    card = active_card(member)
    return MemberSummary(
        id=str(member.id),
        name=member.name,
        phone=member.phone or "",
        card=card.number if card else "",
        tier_code=tier.code if tier else "",
        tier_name=tier.name if tier else "",
        balance=member.balance,
        spend=spend,
        next_tier_name=following.name if following else "",
        to_next_tier=(following.min_spend - spend) if following else 0,
        birthday=member.birthday,
        birthday_soon=birthday_soon(member.birthday, now.date()),
        redeem_blocked=member.balance < 0,
        privileges=tier.privileges if tier else (),
        pending=loyalty.pending_total(member.id),
        birthday_bonus=(context or loyalty.customer_for(member, rules, now)).birthday_due,
    )
