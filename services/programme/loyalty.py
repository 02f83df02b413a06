"""The programme's records around a sale: who the member is to the rules
(birthday, first purchase, referral), coupons, event bonuses, pending points,
expiry and the tier review at the end of a period.

Everything here runs inside the caller's transaction and writes through
services.ledger (so the cached balance stays the ledger's sum) and the outbox,
payloads keyed by column names like every other outbox row.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Callable, Iterator

from models import db
from models.db import insert_rows
from models.schema import (
    CouponRedemption, EventBonus, IssuedCoupon, LedgerEntry, Member, PendingPoints, Referral, Sale,
    SaleLine, SaleLoyalty, Staff, Till,
)
from services.programme import ledger
from services.journal import outbox
from services.core.error_texts import N_
from services.core.errors import InputError
from services.core.messages import words
from services.programme.pricing import Customer, PricedCart
from services.programme.rules import Rules
from services.core.serialize import as_columns, row_dict
from services.programme.rules import by_version
from services.shop.settings import get_setting, local_till
from services.programme.tiers import SPEND_SQL, settle_tier, window_start
from services.core.storage import Pace

COUPON_ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B to misread


# --- who the member is to the rules ----------------------------------------------------------


def birthday_key(birthday: dt.date | None, day: dt.date, window: int) -> str | None:
    """The year of the birthday `day` falls within `window` days of, or None.
    A birthday bonus is given once per such year."""
    if birthday is None:
        return None
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            this = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            this = dt.date(year, 3, 1)
        if abs((this - day).days) <= window:
            return str(year)
    return None


# Bought before, here or (as far as this till has pulled) anywhere in the chain.
FIRST_PURCHASE_SQL = (
    'SELECT 1 FROM "sale" WHERE member_id = ? '
    "UNION ALL SELECT 1 FROM \"ledger_entry\" WHERE member_id = ? AND kind IN ('earn', 'redeem', 'release') "
    'UNION ALL SELECT 1 FROM "coupon_redemption" WHERE member_id = ? '
)
# With a welcome bonus on the first purchase, that bonus given anywhere means "bought before".
WELCOME_GIVEN_SQL = "UNION ALL SELECT 1 FROM \"event_bonus\" WHERE member_id = ? AND kind = 'welcome' "


def customer_for(member: Member | None, rules: Rules, now: dt.datetime) -> Customer | None:
    """The member as pricing sees them at `now` (a few indexed lookups, only
    for the mechanics the rules switch on)."""
    if member is None:
        return None
    birthday_due = False
    if rules.birthday_points or rules.birthday_discount_bp:
        key = birthday_key(member.birthday, now.date(), rules.birthday_days)
        birthday_due = key is not None and not EventBonus.select().where(
            (EventBonus.member == member.id) & (EventBonus.kind == "birthday") & (EventBonus.key == key)
        ).exists()
    first = referred = False
    if rules.welcome_on == "first_purchase" and rules.welcome_points or rules.referral_points or rules.referral_new_points:
        # A first purchase here may not be the first in the chain: a sale on another
        # till shows in the pulled ledger or the pulled welcome bonus.
        on_purchase = rules.welcome_on == "first_purchase"
        sql = FIRST_PURCHASE_SQL + (WELCOME_GIVEN_SQL if on_purchase else "") + "LIMIT 1"
        first = db.obj.execute_sql(sql, (member.id.bytes,) * (4 if on_purchase else 3)).fetchone() is None
        referred = first and Referral.select().where(
            (Referral.member == member.id) & Referral.rewarded_sale.is_null()
        ).exists() and not EventBonus.select().where(  # rewarded at another till (pulled)
            (EventBonus.kind == "referral") & (EventBonus.key == str(member.id))
        ).exists()
    return Customer(
        tier=member.tier, balance=member.balance, redeem_blocked=member.balance < 0,
        birthday_due=birthday_due, first_purchase=first, referred=referred,
    )


# --- coupons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouponUse:
    code: str  # normalised (upper case)
    promotion: str
    issued: bool  # a next-visit coupon (single use) rather than one of the programme's codes


# Receipt lines for bonus points, worded in the shop's language (services.core.messages).
POINT_SOURCE_TEXT = {
    "birthday": N_("Birthday points"), "welcome": N_("Welcome points"), "referral": N_("Referral points"),
}


def next_visit_coupon(sale_id: object) -> str | None:
    """The coupon a sale printed for the member's next visit (the receipt shows it)."""
    row = SaleLoyalty.select(SaleLoyalty.next_coupon).where(SaleLoyalty.sale == sale_id).first()
    return row.next_coupon if row else None


def is_coupon_code(text: str, rules: Rules) -> bool:
    """Whether typed text is a coupon (the programme's or a printed one)."""
    code = normalise_code(text)
    if not code or rules.coupon(code) is not None:
        return bool(code)
    return IssuedCoupon.select().where(IssuedCoupon.code == code).exists()


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def check_coupon(code: str, member: Member | None, rules: Rules, now: dt.datetime) -> CouponUse:
    """A coupon the cashier entered, with every limit checked, or InputError saying which."""
    code = normalise_code(code)
    if not code:
        raise InputError("coupon_empty")
    day = now.date()
    coupon = rules.coupon(code)
    if coupon is not None:
        if coupon.starts and day < dt.date.fromisoformat(coupon.starts) or coupon.ends and day > dt.date.fromisoformat(coupon.ends):
            raise InputError("coupon_expired", coupon=code)
        used = CouponRedemption.select().where(CouponRedemption.code == code)
        if coupon.max_uses and used.count() >= coupon.max_uses:
            raise InputError("coupon_used_up", coupon=code)
        if coupon.per_member:
            if member is None:
                raise InputError("coupon_needs_member", coupon=code)
            if used.where(CouponRedemption.member == member.id).count() >= coupon.per_member:
                raise InputError("coupon_member_limit", coupon=code)
        return CouponUse(code, coupon.promotion, False)
    issued = IssuedCoupon.get_or_none(IssuedCoupon.code == code)
    if issued is None:
        raise InputError("coupon_unknown", coupon=code)
    if issued.used_sale_id is not None or CouponRedemption.select().where(CouponRedemption.code == code).exists():
        raise InputError("coupon_used_up", coupon=code)
    if issued.expires_at < now:
        raise InputError("coupon_expired", coupon=code)
    if member is None or issued.member_id != member.id:
        raise InputError("coupon_other_member", coupon=code)
    if rules.promotion(issued.promotion) is None:
        raise InputError("coupon_expired", coupon=code)
    return CouponUse(code, issued.promotion, True)


# --- after the sale is written ---------------------------------------------------------------------


def record_sale(
    member: Member | None, sale_id: object, priced: PricedCart, customer: Customer | None, coupons: list[CouponUse],
    rules: Rules, now: dt.datetime, till: Till, staff: Staff,
) -> tuple[str | None, int]:
    """Bonuses, points (pending or at once), coupons and the sale's loyalty row.

    Returns the next-visit coupon code (or None) and the points put on the
    balance now (the pending ones are not)."""
    sale = Sale(id=sale_id)
    credited = 0
    for use in coupons:
        if use.promotion not in priced.promotions:
            continue  # its promotion gave nothing on this bill (a minimum not reached): the customer keeps it
        row = dict(id=_new_id(), code=use.code, promotion=use.promotion, member=member.id if member else None,
                   sale=sale_id, created_at=now)
        insert_rows(CouponRedemption, [row])
        outbox.record("coupon_redemption", as_columns(CouponRedemption, row))
        if use.issued:
            IssuedCoupon.update(used_sale=sale_id).where(IssuedCoupon.code == use.code).execute()
            outbox.record("issued_coupon", row_dict(IssuedCoupon.get(IssuedCoupon.code == use.code)))
    if member is None:
        return None, 0
    if priced.points_earned:
        if rules.pending_days:
            row = dict(id=_new_id(), member=member.id, sale=sale_id, points=priced.points_earned, reversed=0,
                       available_at=now + dt.timedelta(days=rules.pending_days), released_at=None, created_at=now)
            insert_rows(PendingPoints, [row])
            outbox.record("pending_points", as_columns(PendingPoints, row))
        else:
            ledger.post(member, "earn", priced.points_earned, sale=sale, till=till, staff=staff, now=now)
            credited += priced.points_earned
    bonus = 0
    for reason in priced.bonuses:
        key = ""  # welcome and referral: once ever
        if reason["code"] == "birthday":  # once per birthday year
            key = birthday_key(member.birthday, now.date(), rules.birthday_days) or str(now.year)
        if not _event(member, reason["code"], key, sale_id, reason["points"], now) or not reason["points"]:
            continue
        ledger.post(member, reason["code"], reason["points"], sale=sale, till=till, staff=staff, now=now)
        credited += reason["points"]
        bonus += reason["points"]
    if customer is not None and customer.first_purchase and customer.referred:
        bonus += _reward_referrer(member, sale, rules, now, till, staff)
    next_code = _issue_next_visit(member, sale_id, priced, rules, now)
    row = dict(sale=sale_id, tier=customer.tier if customer else member.tier, bonus_points=bonus,
               coupons=json.dumps([c.code for c in coupons]), next_coupon=next_code)
    insert_rows(SaleLoyalty, [row])
    outbox.record("sale_loyalty", as_columns(SaleLoyalty, row))
    return next_code, credited


def _new_id():
    from models.schema import new_id

    return new_id()


def _event(member: Member, kind: str, key: str, sale_id: object, points: int, now: dt.datetime) -> bool:
    """Record a once-only bonus; False if it was already given (here, or at another till of
    the chain and pulled since the sale was priced): then nothing is credited twice."""
    row = dict(id=_new_id(), member=member.id, kind=kind, key=key, sale=sale_id, points=points, created_at=now)
    EventBonus.insert(row).on_conflict_ignore().execute()  # the unique index keeps the first
    if not db.obj.execute_sql("SELECT changes()").fetchone()[0]:
        return False
    outbox.record("event_bonus", as_columns(EventBonus, row))
    return True


def _reward_referrer(member: Member, sale: Sale, rules: Rules, now: dt.datetime, till: Till, staff: Staff) -> int:
    ref = Referral.get_or_none((Referral.member == member.id) & Referral.rewarded_sale.is_null())
    if ref is None:
        return 0
    ref.rewarded_sale = sale.id
    ref.save()
    outbox.record("referral", row_dict(ref))
    if not rules.referral_points:
        return 0
    referrer = Member.get_by_id(ref.referrer_id)
    if not _event(referrer, "referral", str(member.id), sale.id, rules.referral_points, now):
        return 0  # rewarded already, at another till
    ledger.post(referrer, "referral", rules.referral_points, sale=sale, till=till, staff=staff, now=now,
                note=f"referred {member.id}")
    return rules.referral_points


def _issue_next_visit(member: Member, sale_id: object, priced: PricedCart, rules: Rules, now: dt.datetime) -> str | None:
    if not rules.next_visit_promotion or priced.total < max(rules.next_visit_min_bill, 1):
        return None
    code = "".join(secrets.choice(COUPON_ALPHABET) for _ in range(8))
    row = dict(id=_new_id(), code=code, promotion=rules.next_visit_promotion, member=member.id, sale=sale_id,
               created_at=now, expires_at=now + dt.timedelta(days=rules.next_visit_days), used_sale=None)
    insert_rows(IssuedCoupon, [row])
    outbox.record("issued_coupon", as_columns(IssuedCoupon, row))
    return code


def welcome_on_registration(member: Member, rules: Rules, now: dt.datetime, staff: Staff | None) -> None:
    if rules.welcome_on != "registration" or not rules.welcome_points:
        return
    if _event(member, "welcome", "", None, rules.welcome_points, now):
        ledger.post(member, "welcome", rules.welcome_points, staff=staff, now=now)


def add_referral(member: Member, referrer: Member, now: dt.datetime) -> None:
    if referrer.id == member.id:
        raise InputError("referral_self")
    ref = Referral.create(member=member, referrer=referrer, created_at=now)
    outbox.record("referral", row_dict(ref))


# --- points life ------------------------------------------------------------------------------------------


def take_back_pending(sale_id: object, points: int) -> int:
    """A return of a sale whose points are still pending takes them from there;
    what is left to take back (already released) comes from the balance."""
    row = PendingPoints.get_or_none((PendingPoints.sale == sale_id) & PendingPoints.released_at.is_null())
    if row is None or points <= 0:
        return points
    take = min(points, row.points - row.reversed)
    row.reversed += take
    row.save()
    outbox.record("pending_points", row_dict(row))
    return points - take


def release_pending(member: Member, now: dt.datetime, *, due_by: dt.datetime | None = None) -> int:
    """Pending points that are due (by `due_by`, default now) become spendable; returns how many.
    (A member who gives up the account has all of them released, then zeroed: services.reach.privacy.)"""
    released = 0
    # On every member's sale: one indexed statement, rows built only when some are due.
    ids = [r[0] for r in db.obj.execute_sql(_DUE_SQL, (member.id.bytes, PendingPoints.available_at.db_value(due_by or now)))]
    if not ids:
        return 0
    for row in PendingPoints.select().where(PendingPoints.id.in_(ids)).order_by(PendingPoints.available_at):
        points = row.points - row.reversed
        row.released_at = now
        row.save()
        outbox.record("pending_points", row_dict(row))
        if points > 0:
            ledger.post(member, "release", points, sale=Sale(id=row.sale_id), now=now)
            released += points
    return released


_DUE_SQL = (
    'SELECT id FROM "pending_points" '
    'WHERE member_id = ? AND released_at IS NULL AND available_at <= ?'
)


def pending_total(member_id: object) -> int:
    value = db.obj.execute_sql(
        'SELECT COALESCE(SUM(points - reversed), 0) FROM "pending_points" WHERE member_id = ? AND released_at IS NULL',
        (Member.id.db_value(member_id),),
    ).fetchone()[0]
    return int(value)


def _lots(entries: list[tuple[dt.datetime, int]]) -> list[list]:
    """What is left of each positive entry once the negative ones used the
    oldest first: [[when, points left], ...], oldest first."""
    lots: list[list] = []
    owed = 0  # spent before anything was there to spend (a negative balance)
    for when, delta in sorted(entries, key=lambda e: e[0]):
        if delta > 0:
            take = min(owed, delta)
            owed -= take
            if delta - take:
                lots.append([when, delta - take])
        else:
            need = -delta
            while need and lots:
                use = min(need, lots[0][1])
                lots[0][1] -= use
                need -= use
                if not lots[0][1]:
                    lots.pop(0)
            owed += need
    return lots


def expiring(entries: list[tuple[dt.datetime, int]], now: dt.datetime, days: int) -> int:
    """Points to expire at `now`: positive entries are lots, negative ones use
    the oldest lots first; what is left of lots older than `days` expires."""
    limit = now - dt.timedelta(days=days)
    return sum(left for when, left in _lots(entries) if when <= limit)


def soonest_expiry(member_id: object, days: int, at: dt.datetime) -> tuple[int, dt.date] | None:
    """The points that expire next after `at`, and the day they go (for the receipt)."""
    if not days or member_id is None:
        return None
    entries = list(LedgerEntry.select(LedgerEntry.created_at, LedgerEntry.delta)
                   .where((LedgerEntry.member == member_id) & (LedgerEntry.created_at <= at)).tuples())
    limit = at - dt.timedelta(days=days)
    for when, left in _lots(entries):
        if when > limit:
            return left, (when + dt.timedelta(days=days)).date()
    return None


def receipt_notes(sale: Sale, language: str) -> tuple[tuple[str, ...], tuple[int, dt.date] | None]:
    """What the programme adds to a sale's receipt: the next-visit coupon, and
    the member's soonest expiring points (as of the sale, so a reprint agrees)."""
    printed = words(language)
    label = lambda kind: printed._(POINT_SOURCE_TEXT[kind]) if kind in POINT_SOURCE_TEXT else kind  # noqa: E731
    extra: tuple[str, ...] = tuple(
        f"{label(kind)}: +{points}" for kind, points in EventBonus.select(EventBonus.kind, EventBonus.points)
        .where((EventBonus.sale == sale.id) & (EventBonus.member == sale.member_id) & (EventBonus.points > 0)).tuples()
    )
    fixed: dict[str, int] = {}
    for (reasons,) in SaleLine.select(SaleLine.reasons).where(SaleLine.sale == sale.id).tuples():
        for reason in json.loads(reasons):
            if reason.get("code") == "promo_points":
                fixed[reason["name"]] = fixed.get(reason["name"], 0) + reason["points"]
    extra += tuple(f"{name}: +{points}" for name, points in fixed.items())
    code = next_visit_coupon(sale.id)
    if code:
        coupon = printed._("Coupon for your next visit")
        extra += (f"{coupon}: {code}",)
    try:
        days = by_version(sale.rule_version).expiry_days
    except InputError:
        days = 0
    return extra, soonest_expiry(sale.member_id, days, sale.created_at)


def expires_here() -> bool:
    """Whether this till writes expiry. In a chain only one does (the shop setting
    `expiry_till`, set by the till that brought the shop to the hub): two tills
    expiring the same old points would take them twice. Alone, a till always does."""
    code = get_setting("expiry_till")
    return not code or code == local_till().code


def expire_points(member: Member, rules: Rules, now: dt.datetime) -> int:
    if not rules.expiry_days or not expires_here():
        return 0
    entries = [
        (when, delta) for when, delta in LedgerEntry.select(LedgerEntry.created_at, LedgerEntry.delta)
        .where((LedgerEntry.member == member.id) & (LedgerEntry.created_at <= now)).tuples()
    ]
    points = expiring(entries, now, rules.expiry_days)
    if points > 0:
        ledger.post(member, "expire", -points, now=now, note=f"older than {rules.expiry_days} days")
    return points


def settle_points(member: Member, rules: Rules, now: dt.datetime) -> None:
    """Before a member's sale: pending points due are released, old ones expire."""
    release_pending(member, now)
    expire_points(member, rules, now)


# The end-of-period job runs over every member (a million in a big chain) while the till
# sells: it commits a chunk of members at a time and rests between chunks (storage.Pace),
# so a sale waits for one chunk's work at most, never for the whole job.  Every step is
# idempotent (a released row is marked, an expiry is worked out from the ledger, a tier
# from the spend), so a job killed between or inside chunks is simply run again: nothing
# is released or expired twice.
PERIOD_CHUNK = 200  # members per first transaction for release and expiry (each reads the member's ledger)
TIER_CHUNK = 2000  # members per first transaction for the tier review (one indexed sum each)

Progress = Callable[[str, int], None]  # (stage, members done so far), after each committed chunk


def _chunks(sql: str, params: tuple, pace: Pace) -> Iterator[list[bytes]]:
    """Member ids in id order, a chunk of the pace's size at a time (keyset: each chunk
    starts after the last id, so a chunk's commit never shifts what the next one reads)."""
    last = b""
    while True:
        ids = [row[0] for row in db.obj.execute_sql(sql, (*params, last, pace.size))]
        if not ids:
            return
        yield ids
        last = ids[-1]


_DUE_MEMBERS_SQL = (
    'SELECT DISTINCT member_id FROM "pending_points" WHERE released_at IS NULL AND available_at <= ? '
    "AND member_id > ? ORDER BY member_id LIMIT ?"
)
_HOLDERS_SQL = 'SELECT id FROM "member" WHERE balance > 0 AND id > ? ORDER BY id LIMIT ?'
_TIER_SQL = (
    'SELECT m.id, m.tier, ' + SPEND_SQL.format(member="m.id")
    + ' FROM "member" m WHERE m.id > ? ORDER BY m.id LIMIT ?'
)


def review_tiers(rules: Rules, now: dt.datetime, *, pace: Pace | None = None, progress: Progress | None = None) -> int:
    """The end of a period: every member's tier follows their spend over the
    window, down as well as up.  Returns how many members moved."""
    pace = pace or Pace(TIER_CHUNK)
    moved = done = 0
    since = window_start(rules, now)
    last = b""
    while True:
        with pace.chunk():  # spends read and tiers moved in one chunk's transaction
            rows = db.obj.execute_sql(_TIER_SQL, (since, since, last, pace.size)).fetchall()
            for member_id, tier, spend in rows:
                earned = rules.tier_for_spend(int(spend))
                if earned is None or earned.code == tier:
                    continue
                member = Member(id=Member.id.python_value(member_id), tier=tier)
                settle_tier(member, rules, int(spend), may_fall=True)
                moved += member.tier != tier
        if not rows:
            return moved
        last = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress("tiers", done)


@dataclass(frozen=True)
class PeriodEnd:
    released: int  # points that became spendable
    expired: int  # points that expired
    tier_changes: int


def close_period(
    rules: Rules, now: dt.datetime, *, pace: Pace | None = None, tier_pace: Pace | None = None,
    progress: Progress | None = None,
) -> PeriodEnd:
    """The end-of-period job (a till's night run or the owner's command):
    pending points due are released and old points expire for every member,
    not only those who come back, then tiers are reviewed.  A chunk of members
    per transaction, with rests between (see storage.Pace)."""
    pace = pace or Pace(PERIOD_CHUNK)
    released = expired = done = 0
    due_at = PendingPoints.available_at.db_value(now)
    for ids in _chunks(_DUE_MEMBERS_SQL, (due_at,), pace):
        with pace.chunk():
            for member in Member.select().where(Member.id.in_([Member.id.python_value(i) for i in ids])):
                released += release_pending(member, now)
        done += len(ids)
        if progress is not None:
            progress("release", done)
    if rules.expiry_days and expires_here():
        done = 0
        for ids in _chunks(_HOLDERS_SQL, (), pace):
            with pace.chunk():
                for member in Member.select().where(Member.id.in_([Member.id.python_value(i) for i in ids])):
                    expired += expire_points(member, rules, now)
            done += len(ids)
            if progress is not None:
                progress("expire", done)
    return PeriodEnd(released, expired, review_tiers(rules, now, pace=tier_pace, progress=progress))


def with_balance(customer: Customer | None, balance: int) -> Customer | None:
    if customer is None:
        return None
    return dataclasses.replace(customer, balance=balance, redeem_blocked=balance < 0)
