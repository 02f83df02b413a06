"""A list of members written out for an SMS or e-mail service, with their consent honoured.

Only members who consent on the channel and have its address (a phone for sms, call and
messenger; an e-mail for email) are written, and not those already written to as often as
they allow in the last 30 days (services.reach.consent's max_per_30d, counted in the message
log over every channel).  Each member written is logged (models.schema.MessageLog: the
campaign or "export", the channel, when, who), in the same transaction as the file is
written: a file that cannot be written logs nothing.  The file is CSV or XLSX by its name,
formula-safe (services.insights.export.write_table: safe_cell, string cells).

The lists: the RFM segments (services.insights.segments), "all" members, "birthdays_this_month"
(on the shop's clock) and "slipping" (the lifetime model's, when it has been fitted).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from models import db
from models.db import insert_rows
from models.schema import MessageLog, Staff, new_id, utcnow
from services.core.errors import InputError
from services.core.messages import _
from services.core.storage import write_transaction
from services.insights import basis, segments
from services.imports.files import xlsx_text
from services.insights.export import Column, write_table
from services.journal import audit
from services.reach import consent
from services.shop import staff as auth
from services.shop.settings import shop_info

EXTRA_LISTS = ("all", "birthdays_this_month", "slipping")
LISTS = (*segments.SEGMENTS, *EXTRA_LISTS)
PHONE_CHANNELS = ("sms", "call", "messenger")
FREQUENCY_DAYS = 30
PATRONYMIC_ENDINGS = ("вич", "вна", "ична", "ович", "евич", "ovich", "ovna", "evich", "evna")


@dataclass
class Recipient:
    """A member who may be written to on the channel, with what a message may say of them."""

    id: uuid.UUID
    name: str
    first_name: str
    address: str
    card: str
    points: int
    extra: dict[str, Any]


def first_name(name: str) -> str:
    """The name people are greeted by: the first word ("Анна Петрова"), or the second of
    three when the last is a patronymic ("Петрова Анна Сергеевна", as imports write it)."""
    words = name.split()
    if len(words) >= 3 and words[-1].casefold().endswith(PATRONYMIC_ENDINGS):
        return words[1]
    return words[0] if words else ""


def check_list(name: str) -> str:
    if name not in LISTS:
        raise InputError("reach_list_unknown", name=name, lists=", ".join(LISTS))
    return name


def list_members(name: str, *, now: dt.datetime, at: dt.date | None = None) -> list[uuid.UUID]:
    """The members of a list, in its own order (a segment: most revenue first)."""
    check_list(name)
    if name == "all":
        return [uuid.UUID(bytes=bytes(r[0])) for r in db.execute_sql(
            "SELECT id FROM \"member\" WHERE name <> '' AND erased_at IS NULL ORDER BY created_at, id")]
    if name == "birthdays_this_month":
        month = f"{(at or basis.today(now)).month:02d}"
        return [uuid.UUID(bytes=bytes(r[0])) for r in db.execute_sql(
            "SELECT id FROM \"member\" WHERE birthday IS NOT NULL AND erased_at IS NULL AND substr(birthday, 6, 2) = ?"
            " ORDER BY substr(birthday, 9, 2), name_key, id", [month])]
    if name == "slipping":
        from services.insights import lifetime
        from services.insights.slipping import slipping

        fit = lifetime.cached() or lifetime.refresh_if_cheap(now=now)
        if fit is None:
            raise InputError("reach_slipping_not_fitted")
        return [uuid.UUID(row["id"]) for row in slipping(fit)]
    return [uuid.UUID(row["id"]) for row in segments.segment_members(name, at, now=now)]


def _messaged(ids: list[bytes], since: dt.datetime) -> dict[bytes, int]:
    counts: dict[bytes, int] = {}
    stamp = MessageLog.created_at.db_value(since)
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ", ".join("?" * len(part))
        for mid, count in db.execute_sql(
                f'SELECT member_id, COUNT(*) FROM "message_log" WHERE member_id IN ({marks}) AND created_at > ?'
                " GROUP BY member_id", [*part, stamp]):
            counts[bytes(mid)] = count
    return counts


def _details(ids: list[bytes]) -> dict[bytes, tuple[str, str | None, str | None, int, str | None]]:
    out = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ", ".join("?" * len(part))
        for mid, name, phone, email, balance, card in db.execute_sql(
                'SELECT mb.id, mb.name, mb.phone, mb.email, mb.balance, (SELECT number FROM "card" c'
                " WHERE c.member_id = mb.id AND c.status = 'active' ORDER BY c.created_at DESC LIMIT 1)"
                f' FROM "member" mb WHERE mb.id IN ({marks}) AND mb.erased_at IS NULL', part):  # erased: never
            out[bytes(mid)] = (name, phone, email, balance, card)
    return out


def address_of(channel: str, phone: str | None, email: str | None) -> str:
    if channel in PHONE_CHANNELS:
        return (phone or "").strip()
    value = (email or "").strip()
    return value if "@" in value else ""


def choose(member_ids: Sequence[uuid.UUID], channel: str, *, now: dt.datetime) -> tuple[list[Recipient], dict[str, int]]:
    """Who on the list may be written to on the channel now, and how many were left out and why
    (first reason that applies: no consent, no address, the frequency reached).  A member whose
    personal data was erased is never chosen, whatever their consent rows say (a withdrawal of
    the erasure may not have been pulled yet)."""
    consent.check_channel(channel)
    ids = list(dict.fromkeys(m.bytes for m in member_ids))
    reach = consent.states(ids)
    details = _details(ids)
    sent = _messaged(ids, now - dt.timedelta(days=FREQUENCY_DAYS))
    counts = {"skipped_no_consent": 0, "skipped_no_address": 0, "skipped_frequency": 0}
    chosen: list[Recipient] = []
    for mid in ids:
        if mid not in reach or mid not in details:
            continue
        held = reach[mid]
        name, phone, email, balance, card = details[mid]
        if not held.allows(channel):
            counts["skipped_no_consent"] += 1
            continue
        address = address_of(channel, phone, email)
        if not address:
            counts["skipped_no_address"] += 1
            continue
        if held.max_per_30d is not None and sent.get(mid, 0) >= held.max_per_30d:
            counts["skipped_frequency"] += 1
            continue
        chosen.append(Recipient(uuid.UUID(bytes=mid), name, first_name(name), address, card or "", balance, {}))
    return chosen, counts


def sheet_title(label: str) -> str:
    """A campaign's name as a workbook's sheet title: without the characters a sheet's name may not
    hold ([ ] : * ? / \\), which would stop the file being written."""
    text = "".join(" " if ch in "[]:*?/\\" else ch for ch in xlsx_text(label))
    return " ".join(text.split())[:31].strip() or "List"


def columns(channel: str, extra: Sequence[Column] = ()) -> list[Column]:
    address = ("address", _("E-mail") if channel == "email" else _("Phone"), "text")
    return [("name", _("Name"), "text"), ("first_name", _("First name"), "text"), address,
            ("card", _("Card"), "text"), ("points", _("Points"), "points"), *extra]


def send(recipients: list[Recipient], channel: str, out: Path | str, *, actor: Staff | None, now: dt.datetime,
         label: str = "export", campaign_id: uuid.UUID | None = None, extra: Sequence[Column] = (),
         records: Callable[[], None] | None = None, message_key: str = "message") -> Path:
    """Write the file, then log each recipient (and `records`: a campaign's coupons) and put the file
    in place, in one transaction: a file that cannot be written logs nothing, and a log that cannot
    be written leaves no file.  The file is written first, beside the target, with no lock held:
    20,000 members take ~17 s as XLSX (openpyxl), ~2 s as CSV, and sales must go on meanwhile."""
    info = shop_info()
    out = Path(out)
    table = [{"name": r.name, "first_name": r.first_name, "address": r.address, "card": r.card,
              "points": r.points, **r.extra} for r in recipients]
    beside = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.sending{out.suffix}")
    write_table(table, columns(channel, extra), beside, currency=info.currency, locale=info.locale,
                title=sheet_title(label))
    try:
        with write_transaction():
            if records is not None:
                records()
            rows = [dict(id=new_id(), member=r.id, campaign=campaign_id, label=label, channel=channel,
                         address=r.address, message=str(r.extra.get(message_key, "")), created_at=now,
                         staff=actor.id if actor else None, staff_name=actor.name if actor else "")
                    for r in recipients]
            if rows:
                insert_rows(MessageLog, rows)
            audit.record("messages_exported", actor, target=label, now=now, channel=channel, members=len(rows),
                         file=out.name)
            try:
                beside.replace(out)
            except OSError as exc:
                raise InputError("report_write", path=str(out), reason=exc.strerror or str(exc)) from None
    finally:
        beside.unlink(missing_ok=True)
    return out


def export(list_name: str, channel: str, out: Path | str, *, actor: Staff | None, now: dt.datetime | None = None,
           at: dt.date | None = None) -> dict[str, Any]:
    """A list's members for a channel, to a file: {"exported", "skipped_no_consent",
    "skipped_frequency", "skipped_no_address", "listed", "file"}."""
    auth.require(actor, "run_campaigns")
    now = now or utcnow()
    consent.check_channel(channel)
    ids = list_members(list_name, now=now, at=at)
    chosen, counts = choose(ids, channel, now=now)
    path = send(chosen, channel, out, actor=actor, now=now)
    return {"exported": len(chosen), **counts, "listed": len(ids), "list": list_name, "channel": channel,
            "file": str(path)}
