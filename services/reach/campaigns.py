"""Campaigns: a greeting or an offer to a list of members, exported for sending, and what it brought.

A campaign is a kind (a birthday, a holiday: New Year, 8 March, Mărțișor on 1 March, Orthodox
Easter; a win-back; a segment offer), a list (services.reach.segment_export.LISTS), a channel,
a message template ({name}, {first_name}, {points}, {coupon}; any other placeholder is refused
when the campaign is made, not when it is sent) and, optionally, a personal coupon per member:
an IssuedCoupon for one of the programme's promotions with its own expiry, which every till
of the chain accepts like a next-visit coupon (services.programme.loyalty.check_coupon; the
outbox carries it to the others).

Export sends it through the segment export (consent, address, frequency, the message log);
a member is sent a campaign once (a second export reaches only members not sent it yet).

The report: sent (messages logged), coupons redeemed (used at any till), the redeemers'
revenue in the campaign's window (from the campaign to its coupons' expiry, or 30 days;
sales as sold, returns not taken off), and the cost: the message cost per channel (a shop
setting, minor units) × sent + the discounts the campaign's coupons gave.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
import string
import uuid
from pathlib import Path
from typing import Any

from models import db
from models.db import insert_rows
from models.schema import (
    CHANNELS, Campaign, CampaignMember, CouponRedemption, IssuedCoupon, MessageLog, Sale, SaleLine, Staff, new_id, utcnow,
)
from services.core.errors import InputError, NotFound
from services.core.messages import _
from services.core.serialize import as_columns
from services.core.storage import write_transaction
from services.journal import outbox
from services.programme.loyalty import COUPON_ALPHABET
from services.programme.rules import active_rules
from services.reach import consent, segment_export
from services.reach.segment_export import Recipient
from services.shop import staff as auth
from services.shop.settings import get_setting, set_setting

KINDS = ("birthday", "new_year", "march_8", "martisor", "easter", "win_back", "segment")
HOLIDAYS = ("new_year", "march_8", "martisor", "easter")
DEFAULT_LIST = {"birthday": "birthdays_this_month", "new_year": "all", "march_8": "all", "martisor": "all",
                "easter": "all", "win_back": "at_risk", "segment": "champions"}
PLACEHOLDERS = ("name", "first_name", "points", "coupon")
TEMPLATE_MAX = 1000
NAME_MAX = 120
COUPON_DAYS_MAX = 366
REPORT_DAYS = 30  # the window of a campaign without coupons
COST_KEY = "reach_message_cost"  # {channel: minor units per message}
COST_MAX = 100_000_00


# --- holidays -------------------------------------------------------------------------------


def orthodox_easter(year: int) -> dt.date:
    """Orthodox Easter (Meeus' Julian algorithm, moved to the Gregorian calendar): what
    dateutil.easter's EASTER_ORTHODOX gives, without the dependency."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    julian = dt.date(year, month, day + 1)
    return julian + dt.timedelta(days=year // 100 - year // 400 - 2)


def holiday_date(kind: str, year: int) -> dt.date | None:
    """The day a holiday campaign greets for; None for the other kinds."""
    fixed = {"new_year": (1, 1), "march_8": (3, 8), "martisor": (3, 1)}
    if kind in fixed:
        return dt.date(year, *fixed[kind])
    if kind == "easter":
        return orthodox_easter(year)
    return None


def next_holiday(kind: str, today: dt.date) -> dt.date | None:
    """The holiday's next date on or after today."""
    this_year = holiday_date(kind, today.year)
    if this_year is None:
        return None
    return this_year if this_year >= today else holiday_date(kind, today.year + 1)


# --- the template ---------------------------------------------------------------------------


def check_template(template: str, *, with_coupon: bool) -> str:
    """The template as it will be used, or InputError: empty, a brace left open, a placeholder
    not one of {name} {first_name} {points} {coupon}, {coupon} without a coupon."""
    template = template.strip()
    if not template:
        raise InputError("reach_template_empty")
    if len(template) > TEMPLATE_MAX:
        raise InputError("reach_template_long", most=TEMPLATE_MAX)
    try:
        fields = [(name, spec, conv) for _text, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError:
        raise InputError("reach_template_braces") from None
    allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    for name, spec, conv in fields:
        if name not in PLACEHOLDERS or spec or conv:
            shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            raise InputError("reach_template_placeholder", placeholder=shown, allowed=allowed)
        if name == "coupon" and not with_coupon:
            raise InputError("reach_template_coupon")
    return template


def render(template: str, recipient: Recipient, coupon: str = "") -> str:
    """The message for one member (the template checked first)."""
    return template.format(name=recipient.name, first_name=recipient.first_name, points=recipient.points,
                           coupon=coupon)


def preview(template: str, *, with_coupon: bool, name: str = "Анна Петрова", points: int = 120) -> str:
    """The message as a member would read it (a made-up member and coupon when none is given)."""
    checked = check_template(template, with_coupon=with_coupon)
    sample = Recipient(uuid.UUID(int=0), name, segment_export.first_name(name), "", "", points, {})
    return render(checked, sample, "K7MX3PRA" if with_coupon else "")


# --- making and sending -----------------------------------------------------------------------


def create(name: str, kind: str, segment: str, channel: str, template: str, *, promotion: str | None = None,
           coupon_days: int | None = None, actor: Staff | None, now: dt.datetime | None = None) -> Campaign:
    auth.require(actor, "run_campaigns")
    now = now or utcnow()
    name = " ".join(name.split())
    if not name:
        raise InputError("reach_campaign_name")
    if len(name) > NAME_MAX:
        raise InputError("reach_campaign_name_long", most=NAME_MAX)
    if kind not in KINDS:
        raise InputError("reach_campaign_kind", kind=kind, kinds=", ".join(KINDS))
    segment_export.check_list(segment)
    consent.check_channel(channel)
    promotion = (promotion or "").strip() or None
    if promotion is not None:
        if active_rules(now).promotion(promotion) is None:
            raise InputError("reach_campaign_promotion", promotion=promotion)
        if not (isinstance(coupon_days, int) and 1 <= coupon_days <= COUPON_DAYS_MAX):
            raise InputError("reach_coupon_days", most=COUPON_DAYS_MAX)
    else:
        coupon_days = None
    template = check_template(template, with_coupon=promotion is not None)
    row = dict(id=new_id(), name=name, kind=kind, segment=segment, channel=channel, template=template,
               promotion=promotion, coupon_days=coupon_days, created_at=now,
               staff=actor.id if actor else None, staff_name=actor.name if actor else "")
    with write_transaction():
        insert_rows(Campaign, [row])
    return Campaign.get_by_id(row["id"])


def find(campaign_id: uuid.UUID | str) -> Campaign:
    found = Campaign.get_or_none(Campaign.id == uuid.UUID(str(campaign_id)))
    if found is None:
        raise NotFound("reach_campaign_unknown", campaign=str(campaign_id))
    return found


def listing() -> list[Campaign]:
    return list(Campaign.select().order_by(Campaign.created_at.desc()))


def _coupon_code(taken: set[str]) -> str:
    """A new code (8 of 23 letters and digits: 7.8·10^10), not used before nor in this batch."""
    while True:
        code = "".join(secrets.choice(COUPON_ALPHABET) for _n in range(8))
        if code not in taken and not IssuedCoupon.select().where(IssuedCoupon.code == code).exists():
            taken.add(code)
            return code


def _sent_to(campaign: Campaign) -> set[bytes]:
    return {bytes(r[0]) for r in db.execute_sql(
        'SELECT member_id FROM "campaign_member" WHERE campaign_id = ?', [campaign.id.bytes])}


def export(campaign: Campaign, out: Path | str, *, actor: Staff | None, now: dt.datetime | None = None,
           at: dt.date | None = None) -> dict[str, Any]:
    """The campaign's messages, one per member who may be written to and was not sent it yet:
    {"exported", "skipped_no_consent", "skipped_no_address", "skipped_frequency",
    "skipped_already_sent", "coupons", "file"}."""
    auth.require(actor, "run_campaigns")
    now = now or utcnow()
    listed = segment_export.list_members(campaign.segment, now=now, at=at)
    done = _sent_to(campaign)
    fresh = [m for m in listed if m.bytes not in done]
    chosen, counts = segment_export.choose(fresh, campaign.channel, now=now)
    expires = now + dt.timedelta(days=campaign.coupon_days) if campaign.promotion and campaign.coupon_days else None
    members, coupons, taken = [], [], set()
    for r in chosen:  # the codes and messages first: the file is written before anything is stored
        code, coupon_id = "", None
        if expires is not None:
            code, coupon_id = _coupon_code(taken), new_id()
            coupons.append(dict(id=coupon_id, code=code, promotion=campaign.promotion, member=r.id, sale=None,
                                created_at=now, expires_at=expires, used_sale=None))
        members.append(dict(id=new_id(), campaign=campaign.id, member=r.id, coupon=coupon_id, created_at=now))
        r.extra = {"message": render(campaign.template, r, code), "coupon": code}

    def store() -> None:
        """Inside the log's transaction (a code taken meanwhile, or the member sent it by another
        export meanwhile, fails on the unique index and nothing is kept)."""
        if coupons:
            insert_rows(IssuedCoupon, coupons)
            outbox.record_many("issued_coupon", [as_columns(IssuedCoupon, c) for c in coupons])
        if members:
            insert_rows(CampaignMember, members)

    extra = [("message", _("Message"), "text")] + ([("coupon", _("Coupon"), "text")] if expires else [])
    path = segment_export.send(chosen, campaign.channel, out, actor=actor, now=now, label=campaign.name,
                               campaign_id=campaign.id, extra=extra, records=store)
    issued = len(coupons)
    return {"exported": len(chosen), **counts, "skipped_already_sent": len(listed) - len(fresh),
            "listed": len(listed), "coupons": issued, "file": str(path)}


# --- what it brought ---------------------------------------------------------------------------


def message_costs() -> dict[str, int]:
    stored = get_setting(COST_KEY) or {}
    return {c: int(stored.get(c, 0)) for c in CHANNELS}


def set_message_cost(actor: Staff | None, channel: str, amount: int) -> dict[str, int]:
    """What one message on a channel costs the shop (minor units); the owner sets it."""
    auth.require(actor, "shop_settings")
    consent.check_channel(channel)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= COST_MAX:
        raise InputError("reach_message_cost", value=amount, most=COST_MAX)
    costs = {**message_costs(), channel: amount}
    with write_transaction():
        set_setting(COST_KEY, costs)
    return costs


def window(campaign: Campaign, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From the campaign's making to its coupons' last expiry (or REPORT_DAYS), and not past now."""
    last = (IssuedCoupon.select(IssuedCoupon.expires_at).join(CampaignMember, on=(CampaignMember.coupon == IssuedCoupon.id))
            .where(CampaignMember.campaign == campaign.id).order_by(IssuedCoupon.expires_at.desc()).first())
    end = last.expires_at if last is not None else campaign.created_at + dt.timedelta(days=REPORT_DAYS)
    return campaign.created_at, min(end, max(now, campaign.created_at))


def _coupon_discount(sale_ids: set[bytes], promotion: str) -> int:
    """The discount the promotion gave on those sales' lines (each line's reasons name it)."""
    total = 0
    if not sale_ids:
        return 0
    for line in SaleLine.select(SaleLine.reasons).where(SaleLine.sale.in_([uuid.UUID(bytes=s) for s in sale_ids])):
        for reason in json.loads(line.reasons or "[]"):
            if isinstance(reason, dict) and reason.get("promo") == promotion and reason.get("code") != "promo_points":
                total += int(reason.get("amount") or 0)
    return total


def report(campaign: Campaign, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """{"sent", "coupons", "redeemed", "redeemers", "revenue", "message_cost", "coupon_discount",
    "cost", "window"} (money in minor units)."""
    now = now or utcnow()
    sent = MessageLog.select().where(MessageLog.campaign == campaign.id).count()
    rows = list(IssuedCoupon.select(IssuedCoupon.code, IssuedCoupon.member, IssuedCoupon.used_sale)
                .join(CampaignMember, on=(CampaignMember.coupon == IssuedCoupon.id))
                .where(CampaignMember.campaign == campaign.id))
    codes = {c.code: c for c in rows}
    used_sales: set[bytes] = set()
    redeemers: set[bytes] = set()
    redeemed = 0
    by_code: dict[str, list[CouponRedemption]] = {}
    if codes:
        for red in CouponRedemption.select().where(CouponRedemption.code.in_(list(codes))):
            by_code.setdefault(red.code, []).append(red)
    for code, coupon in codes.items():
        uses = by_code.get(code, [])
        if coupon.used_sale_id is None and not uses:
            continue
        redeemed += 1
        redeemers.add(coupon.member_id.bytes)
        if coupon.used_sale_id is not None:
            used_sales.add(coupon.used_sale_id.bytes)
        used_sales |= {u.sale_id.bytes for u in uses if u.sale_id is not None}
    start, end = window(campaign, now)
    revenue = 0
    if redeemers:
        revenue = sum(s.total for s in Sale.select(Sale.total).where(
            Sale.member.in_([uuid.UUID(bytes=m) for m in redeemers]) & (Sale.created_at >= start)
            & (Sale.created_at <= end)))
    discount = _coupon_discount(used_sales, campaign.promotion) if campaign.promotion else 0
    per_message = message_costs()[campaign.channel] if campaign.channel in CHANNELS else 0
    return {"campaign": str(campaign.id), "name": campaign.name, "kind": campaign.kind, "segment": campaign.segment,
            "channel": campaign.channel, "sent": sent, "coupons": len(codes), "redeemed": redeemed,
            "redeemers": len(redeemers), "revenue": revenue, "message_cost": per_message * sent,
            "coupon_discount": discount, "cost": per_message * sent + discount,
            "window": {"from": start.isoformat(), "to": end.isoformat()}}


def personal_data(member_id: uuid.UUID) -> dict[str, Any]:
    """The campaigns a member was sent, with their coupon (the messages: services.reach.consent)."""
    member_id = uuid.UUID(str(member_id))
    out = []
    for cm in CampaignMember.select().where(CampaignMember.member == member_id).order_by(CampaignMember.created_at):
        campaign = Campaign.get_by_id(cm.campaign_id)
        coupon = IssuedCoupon.get_or_none(IssuedCoupon.id == cm.coupon_id) if cm.coupon_id else None
        out.append({"campaign": campaign.name, "kind": campaign.kind, "at": cm.created_at.isoformat(),
                    "coupon": coupon.code if coupon else None,
                    "coupon_expires": coupon.expires_at.isoformat() if coupon else None})
    return {"campaigns": out}


def erase_personal(member_id: uuid.UUID, *, now: dt.datetime) -> None:
    """Nothing personal here: who was sent a campaign stays (its counts and coupons are the books')."""
    return None
