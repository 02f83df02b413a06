"""A member's consent per channel, their preferred channel and how often they may be written to.

Each grant or withdrawal is a row of its own (models.schema.Consent), never edited: the
latest row of a member and channel is their consent, and the rows are its history (when,
where it was said, who recorded it).  The preferred channel and the most messages in 30
days are kept the same way (ReachPreference).  Both go through the outbox and the hub
shares them with every till (services.hub.apply), so a withdrawal made in one shop holds in
every shop: pulled rows are added to the history, and the latest row still decides.

The old flag `Member.marketing_consent` ("agrees to receive offers") means consent on SMS
and e-mail: step 16 turned every set flag into those two rows, and a member with no row at
all (registered or imported with the flag alone) has the flag's answer on SMS and e-mail.  The
first channel recorded for such a member first writes the flag's grants down (source "flag"),
so from then on the rows alone decide; rows made up from the flag are dated at registration
with a zero-time id, so any real row, wherever it was made, outranks them; and whenever a
channel is recorded the flag is set again to "SMS or e-mail granted", so the two never
disagree.  Calls and messengers need a row of their own.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

import uuid_utils

from models import db
from models.db import insert_rows
from models.schema import CHANNELS, Consent, Member, MessageLog, ReachPreference, Staff, new_id, utcnow
from services.core.errors import InputError, NotFound
from services.core.serialize import as_columns, row_dict
from services.core.storage import write_transaction
from services.journal import outbox
from services.shop import staff as auth

SOURCES = ("till", "form", "import", "cli", "web", "erase")
FLAG_CHANNELS = ("sms", "email")  # what Member.marketing_consent stands for
MAX_PER_30D = 1000  # a bound for the typed limit


@dataclass(frozen=True)
class ChannelConsent:
    channel: str
    granted: bool
    at: dt.datetime | None  # None: never asked, nothing recorded
    source: str  # as recorded; "flag" when it is the member's old consent flag
    staff_name: str = ""


@dataclass(frozen=True)
class Reach:
    """What may be sent to a member, and how often."""

    member_id: uuid.UUID
    channels: dict[str, ChannelConsent] = field(default_factory=dict)
    preferred: str | None = None
    max_per_30d: int | None = None  # None: no limit

    def allows(self, channel: str) -> bool:
        return self.channels[channel].granted

    def as_json(self) -> dict[str, Any]:
        return {"channels": {c: {"granted": s.granted, "at": s.at.isoformat() if s.at else None,
                                 "source": s.source, "staff": s.staff_name} for c, s in self.channels.items()},
                "preferred": self.preferred, "max_per_30d": self.max_per_30d}


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InputError("reach_channel", channel=channel, channels=", ".join(CHANNELS))
    return channel


def _check_source(source: str) -> str:
    if source not in SOURCES:
        raise InputError("reach_source", source=source, sources=", ".join(SOURCES))
    return source


def _chunks(ids: list[bytes], size: int = 500) -> Iterable[list[bytes]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def states(member_ids: Iterable[uuid.UUID | bytes]) -> dict[bytes, Reach]:
    """Every member's reach at once (an export reads thousands): the latest row per channel
    and the latest preference, a few indexed queries per 500 members."""
    ids = [m.bytes if isinstance(m, uuid.UUID) else bytes(m) for m in member_ids]
    flags: dict[bytes, tuple[bool, str | None]] = {}
    latest: dict[tuple[bytes, str], ChannelConsent] = {}
    prefs: dict[bytes, tuple[str | None, int | None]] = {}
    for part in _chunks(ids):
        marks = ", ".join("?" * len(part))
        for mid, flag, created in db.execute_sql(
                f'SELECT id, marketing_consent, created_at FROM "member" WHERE id IN ({marks})', part):
            flags[bytes(mid)] = (bool(flag), created)
        for mid, channel, granted, source, staff_name, created in db.execute_sql(
                "SELECT member_id, channel, granted, source, staff_name, created_at FROM ("
                " SELECT *, ROW_NUMBER() OVER (PARTITION BY member_id, channel ORDER BY created_at DESC, id DESC) AS k"
                f' FROM "consent" WHERE member_id IN ({marks})) WHERE k = 1', part):
            latest[(bytes(mid), channel)] = ChannelConsent(channel, bool(granted), dt.datetime.fromisoformat(created),
                                                            source, staff_name)
        for mid, preferred, most in db.execute_sql(
                "SELECT member_id, preferred_channel, max_per_30d FROM ("
                " SELECT *, ROW_NUMBER() OVER (PARTITION BY member_id ORDER BY created_at DESC, id DESC) AS k"
                f' FROM "reach_preference" WHERE member_id IN ({marks})) WHERE k = 1', part):
            prefs[bytes(mid)] = (preferred, most)
    out: dict[bytes, Reach] = {}
    for mid in ids:
        if mid not in flags:
            continue
        flag, _created = flags[mid]
        recorded = any((mid, channel) in latest for channel in CHANNELS)
        channels = {}
        for channel in CHANNELS:
            found = latest.get((mid, channel))
            if found is None:  # nothing recorded at all: the old flag speaks for SMS and e-mail
                flag = flag and not recorded
                found = ChannelConsent(channel, flag and channel in FLAG_CHANNELS, None, "flag" if flag else "")
            channels[channel] = found
        preferred, most = prefs.get(mid, (None, None))
        out[mid] = Reach(uuid.UUID(bytes=mid), channels, preferred, most)
    return out


def state(member: Member | uuid.UUID) -> Reach:
    member_id = member.id if isinstance(member, Member) else member
    found = states([member_id]).get(member_id.bytes)
    if found is None:
        raise NotFound("member_gone")
    return found


def _who(actor: Staff | None) -> dict[str, Any]:
    return {"staff": actor.id if actor else None, "staff_name": actor.name if actor else ""}


def _write_consent(member_id: uuid.UUID, channel: str, granted: bool, source: str, actor: Staff | None,
                   now: dt.datetime) -> None:
    row = dict(id=new_id(), member=member_id, channel=channel, granted=granted, source=source,
               created_at=now, **_who(actor))
    insert_rows(Consent, [row])
    outbox.record("consent", as_columns(Consent, row))


def _keep_flag(member_id: uuid.UUID, now: dt.datetime) -> None:
    """The old flag follows the channels it stands for (inside the write's transaction)."""
    reach = state(member_id)
    flag = any(reach.allows(c) for c in FLAG_CHANNELS)
    member = Member.get_by_id(member_id)
    if member.marketing_consent != flag:
        Member.update(marketing_consent=flag, updated_at=now).where(Member.id == member_id).execute()
        outbox.record("member", row_dict(Member.get_by_id(member_id)))


def _settle_flag(member_id: uuid.UUID, reach: Reach) -> None:
    """Before a member's first recorded channel, what the old flag granted is written down (source
    "flag"): from then on the rows alone decide.  Like step 16's rows, they are dated when the member
    was registered, with an id whose time part is zero, so they lose to every real decision - also
    to one made at another till before this one pulled it (a later sale moves `updated_at`)."""
    for channel in FLAG_CHANNELS:
        held = reach.channels[channel]
        if held.granted and held.at is None:
            registered = Member.get_by_id(member_id).created_at
            row = dict(id=uuid.UUID(bytes=uuid_utils.uuid7(nanoseconds=0).bytes), member=member_id, channel=channel,
                       granted=True, source="flag", created_at=registered, staff=None, staff_name="")
            insert_rows(Consent, [row])
            outbox.record("consent", as_columns(Consent, row))


def record(member: Member | uuid.UUID, changes: dict[str, bool], *, source: str, actor: Staff | None,
           now: dt.datetime | None = None) -> int:
    """Grant or withdraw channels: a row for each channel whose consent changes (none for one
    already so).  Returns how many rows were written."""
    auth.require(actor, "register_member")
    for channel in changes:
        check_channel(channel)
    _check_source(source)
    now = now or utcnow()
    member_id = member.id if isinstance(member, Member) else member
    written = 0
    with write_transaction():
        before = state(member_id)
        changed = [(c, bool(g)) for c, g in changes.items() if before.channels[c].granted != bool(g)]
        if changed:
            _settle_flag(member_id, before)  # what the flag granted, written down before the first change
        for channel, granted in changed:
            _write_consent(member_id, channel, granted, source, actor, now)
            written += 1
        if written:
            _keep_flag(member_id, now)
    return written


def withdraw_all(member: Member | uuid.UUID, *, source: str, actor: Staff | None,
                 now: dt.datetime | None = None) -> int:
    """"Do not write to me any more": every channel withdrawn, in one action."""
    return record(member, {channel: False for channel in CHANNELS}, source=source, actor=actor, now=now)


def set_preference(member: Member | uuid.UUID, *, preferred: str | None, max_per_30d: int | None, source: str,
                   actor: Staff | None, now: dt.datetime | None = None) -> bool:
    """The preferred channel (None: none) and the most messages in 30 days (None: no limit);
    a row only when either changes.  True when one was written."""
    auth.require(actor, "register_member")
    if preferred is not None:
        check_channel(preferred)
    if max_per_30d is not None and not (isinstance(max_per_30d, int) and 0 <= max_per_30d <= MAX_PER_30D):
        raise InputError("reach_frequency_bad", value=max_per_30d, most=MAX_PER_30D)
    _check_source(source)
    now = now or utcnow()
    member_id = member.id if isinstance(member, Member) else member
    with write_transaction():
        before = state(member_id)
        if (before.preferred, before.max_per_30d) == (preferred, max_per_30d):
            return False
        row = dict(id=new_id(), member=member_id, preferred_channel=preferred, max_per_30d=max_per_30d,
                   source=source, created_at=now, **_who(actor))
        insert_rows(ReachPreference, [row])
        outbox.record("reach_preference", as_columns(ReachPreference, row))
    return True


def history(member: Member | uuid.UUID) -> list[dict[str, Any]]:
    """Every consent and preference row of a member, newest first."""
    member_id = member.id if isinstance(member, Member) else member
    rows: list[dict[str, Any]] = [
        {"kind": "consent", "channel": c.channel, "granted": c.granted, "source": c.source,
         "staff": c.staff_name, "at": c.created_at.isoformat()}
        for c in Consent.select().where(Consent.member == member_id)]
    rows += [{"kind": "preference", "preferred": p.preferred_channel, "max_per_30d": p.max_per_30d,
              "source": p.source, "staff": p.staff_name, "at": p.created_at.isoformat()}
             for p in ReachPreference.select().where(ReachPreference.member == member_id)]
    return sorted(rows, key=lambda r: r["at"], reverse=True)


# --- personal data (services/reach/privacy.py collects these) -------------------------------


def personal_data(member_id: uuid.UUID) -> dict[str, Any]:
    """What this module holds about a member: their consent now, its history, the messages sent."""
    member_id = uuid.UUID(str(member_id))
    messages = [{"at": m.created_at.isoformat(), "channel": m.channel, "label": m.label, "address": m.address,
                 "message": m.message, "campaign": str(m.campaign_id) if m.campaign_id else None}
                for m in MessageLog.select().where(MessageLog.member == member_id).order_by(MessageLog.created_at)]
    try:
        now = state(member_id).as_json()
    except NotFound:
        now = None
    return {"consent": now, "consent_history": history(member_id), "messages": messages}


def erase_personal(member_id: uuid.UUID, *, now: dt.datetime) -> None:
    """Nothing more is sent to them (every channel withdrawn, source "erase"), and the messages
    sent keep their date, channel and campaign (the campaign's counts) but not the address or text."""
    member_id = uuid.UUID(str(member_id))
    with write_transaction():
        reach = state(member_id)
        _settle_flag(member_id, reach)
        for channel, held in reach.channels.items():
            if held.granted:
                _write_consent(member_id, channel, False, "erase", None, now)
        MessageLog.update(address="", message="").where(MessageLog.member == member_id).execute()
        _keep_flag(member_id, now)
