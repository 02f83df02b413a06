"""The contact log: who in the shop reached (or tried to reach) a member, when, how and with
what outcome (issue 14, item 1).

A contact names the reminder it answered — its source ("occasion", "birthday", "overdue",
"lapsing"), the source's id (the occasion's, else the member's) and the date the reminder
was for — so a reminder that was acted on leaves the Reminders list for that date (that
occasion year, that birthday, that expected visit) while the member's last contact shows on
every other.  Synced through the outbox (kind "contact", the hub's generic entity handler).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from models import db
from models.schema import Contact, Member, Staff, utcnow
from services.core.errors import InputError
from services.core.serialize import row_dict
from services.core.storage import write_transaction
from services.journal import outbox

CHANNELS = ("call", "sms", "email", "messenger", "in_person", "other")
OUTCOMES = ("reached", "no_answer", "declined", "bought", "other")
SOURCES = ("occasion", "birthday", "overdue", "lapsing", "")  # "": not for a reminder
NOTE_MAX = 400


@dataclass(frozen=True)
class LastContact:
    at: dt.datetime
    staff_name: str
    channel: str
    outcome: str
    note: str
    source: str

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "staff": self.staff_name, "channel": self.channel,
                "outcome": self.outcome, "note": self.note, "source": self.source}


def log(member: Member | object, *, channel: str, outcome: str, note: str = "", staff: Staff | None = None,
        source: str = "", source_id: str = "", source_date: dt.date | str | None = None,
        at: dt.datetime | None = None, now: dt.datetime | None = None) -> Contact:
    """Write down one contact (at: when it happened, default now)."""
    if channel not in CHANNELS:
        raise InputError("contact_channel", channel=channel)
    if outcome not in OUTCOMES:
        raise InputError("contact_outcome", outcome=outcome)
    if source not in SOURCES:
        raise InputError("contact_source", source=source)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InputError("occasion_text_long", most=NOTE_MAX)
    now = now or utcnow()
    member_id = member.id if isinstance(member, Member) else member
    day = source_date.isoformat() if isinstance(source_date, dt.date) else (source_date or "")
    with write_transaction():
        row = Contact.create(member=member_id, staff=staff.id if staff else None,
                             staff_name=staff.name if staff else "", at=at or now, channel=channel,
                             outcome=outcome, note=note, source=source, source_id=str(source_id or ""),
                             source_date=day)
        outbox.record("contact", row_dict(row))
    return row


def of_member(member_id: object, limit: int | None = None) -> list[Contact]:
    """The member's contacts, newest first."""
    query = Contact.select().where(Contact.member == member_id).order_by(Contact.at.desc())
    return list(query.limit(limit) if limit else query)


def _last(row: Contact) -> LastContact:
    return LastContact(row.at, row.staff_name, row.channel, row.outcome, row.note, row.source)


def last_contacts(member_keys: Iterable[bytes]) -> dict[bytes, LastContact]:
    """Each member's latest contact, for a list of members (their ids as 16 bytes), in one
    query per 500 through the (member, at) index."""
    keys = list(dict.fromkeys(member_keys))
    found: dict[bytes, LastContact] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute_sql(
            'SELECT c.member_id, c.at, c.staff_name, c.channel, c.outcome, c.note, c.source FROM "contact" c'
            f" WHERE c.member_id IN ({marks}) AND c.at = (SELECT MAX(x.at) FROM \"contact\" x"
            " WHERE x.member_id = c.member_id)", chunk).fetchall()
        for member_key, at, staff_name, channel, outcome, note, source in rows:
            found[bytes(member_key)] = LastContact(dt.datetime.fromisoformat(str(at)), staff_name, channel,
                                                   outcome, note, source)
    return found


def answered(source: str, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (source id, date) reminders of this source have a contact logged for them."""
    wanted = list(dict.fromkeys(pairs))
    done: set[tuple[str, str]] = set()
    for start in range(0, len(wanted), 400):
        chunk = wanted[start:start + 400]
        ids = list(dict.fromkeys(i for i, _ in chunk))
        marks = ",".join("?" * len(ids))
        rows = db.execute_sql(
            f'SELECT source_id, source_date FROM "contact" WHERE source = ? AND source_id IN ({marks})',
            [source, *ids]).fetchall()
        done |= {(i, d) for i, d in rows} & set(chunk)
    return done


# --- personal data (services/reach/privacy.py collects these) ----------------------------------

def personal_data(member_id: object) -> dict[str, Any]:
    return {"contacts": [{
        "id": str(c.id), "at": c.at.isoformat(), "staff": c.staff_name, "channel": c.channel,
        "outcome": c.outcome, "note": c.note, "source": c.source, "source_id": c.source_id,
        "source_date": c.source_date,
    } for c in reversed(of_member(member_id))]}


def erase_personal(member_id: object, *, now: dt.datetime) -> None:
    """The notes go (free text about the member); when, how and the outcome stay (counts)."""
    with write_transaction():
        for c in Contact.select().where((Contact.member == member_id) & (Contact.note != "")):
            Contact.update(note="").where(Contact.id == c.id).execute()
            outbox.record("contact", row_dict(Contact.get_by_id(c.id)))


def key_of(member_id: object) -> bytes:
    return member_id.bytes if isinstance(member_id, uuid.UUID) else uuid.UUID(str(member_id)).bytes
