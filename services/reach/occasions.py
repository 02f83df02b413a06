"""Occasions: dates that matter to a member besides their own birthday (issue 14, item 1).

A friend's or a relative's birthday, an anniversary, a name day: for whom, the day and
month (the year when known), the sale it was bought for and a note.  The flower shop's
story: the bouquet bought for a friend's birthday is remembered, and the shop calls two
weeks before the next one.

- A date is a day and a month; 29 February is kept as it is and falls on 28 February in a
  year without one (LEAP_DAY_FALLS_ON), so a reminder never skips three years.
- `next_date` is the occasion's next day on or after `today` (the shop's date).
- `what_was_bought` is the linked sale's goods, or else the member's last sale in the
  LOOKBACK_DAYS up to the occasion's day a year before its next one.
- A removed occasion keeps its row (`removed_at`), so the removal syncs like any change
  (outbox kind "occasion", kept by the hub's generic entity handler).
"""
from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from models import db
from models.schema import Member, Occasion, Staff, utcnow
from services.core.errors import InputError
from services.core.serialize import row_dict
from services.core.storage import write_transaction
from services.insights import basis
from services.journal import outbox

KINDS = ("friend_birthday", "relative_birthday", "anniversary", "name_day", "other")
FOR_WHOM_MAX = 80
NOTE_MAX = 400
LOOKBACK_DAYS = 30  # a present is bought in the month before the day, not a year before
LEAP_DAY_FALLS_ON = (2, 28)  # 29 February in a common year


@dataclass(frozen=True)
class Bought:
    """What was bought for an occasion: from the linked sale ("linked") or the member's last
    sale before the day a year ago ("last_year")."""

    sale_id: str
    receipt_no: str
    day: dt.date  # the sale's date on the shop's clock
    names: tuple[str, ...]  # the goods, in receipt order, each once
    total: int  # the sale's total, minor units
    source: str  # "linked" | "last_year"

    def as_json(self) -> dict[str, Any]:
        return {"sale_id": self.sale_id, "receipt_no": self.receipt_no, "date": self.day.isoformat(),
                "names": list(self.names), "total": self.total, "source": self.source}


def date_in(year: int, month: int, day: int) -> dt.date:
    """The occasion's day in `year` (29 February on LEAP_DAY_FALLS_ON in a common year)."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        month, day = LEAP_DAY_FALLS_ON
    return dt.date(year, month, day)


def next_date(occasion: Occasion, today: dt.date) -> dt.date:
    """The occasion's next day on or after `today`."""
    this_year = date_in(today.year, occasion.month, occasion.day)
    return this_year if this_year >= today else date_in(today.year + 1, occasion.month, occasion.day)


def check_date(month: int, day: int, year: int | None) -> None:
    """InputError "occasion_date" unless the day exists (in `year` when known; any year otherwise,
    so 29 February is taken without one)."""
    try:
        dt.date(year if year is not None else 2000, month, day)
    except (ValueError, TypeError, OverflowError):
        raise InputError("occasion_date") from None
    if year is not None and not 1900 <= year <= 2200:
        raise InputError("occasion_date")


def _clean(kind: str, for_whom: str, note: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise InputError("occasion_kind", kind=kind)
    for_whom, note = (for_whom or "").strip(), (note or "").strip()
    if len(for_whom) > FOR_WHOM_MAX or len(note) > NOTE_MAX:
        raise InputError("occasion_text_long", most=max(FOR_WHOM_MAX, NOTE_MAX))
    return for_whom, note


def _sale_key(sale_id: object) -> uuid.UUID | None:
    if sale_id is None or sale_id == "":
        return None
    try:
        return sale_id if isinstance(sale_id, uuid.UUID) else uuid.UUID(str(sale_id))
    except ValueError:
        raise InputError("sale_unknown", ref=str(sale_id)) from None


def add(member: Member, kind: str, month: int, day: int, *, year: int | None = None, for_whom: str = "",
        sale_id: object = None, note: str = "", staff: Staff | None = None,
        now: dt.datetime | None = None) -> Occasion:
    """Record an occasion for the member (synced through the outbox)."""
    for_whom, note = _clean(kind, for_whom, note)
    check_date(month, day, year)
    now = now or utcnow()
    with write_transaction():
        row = Occasion.create(member=member.id, kind=kind, for_whom=for_whom, month=month, day=day, year=year,
                              sale_id=_sale_key(sale_id), note=note, staff=staff.id if staff else None,
                              created_at=now, updated_at=now)
        outbox.record("occasion", row_dict(row))
    return row


def get(occasion_id: object) -> Occasion:
    row = Occasion.get_or_none(Occasion.id == occasion_id)
    if row is None or row.removed_at is not None:
        raise InputError("occasion_unknown")
    return row


def edit(occasion_id: object, *, now: dt.datetime | None = None, **changes: Any) -> Occasion:
    """Change some of kind, for_whom, month, day, year, sale_id, note."""
    allowed = {"kind", "for_whom", "month", "day", "year", "sale_id", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    now = now or utcnow()
    with write_transaction():
        row = get(occasion_id)
        values = {name: changes.get(name, getattr(row, name)) for name in allowed}
        values["for_whom"], values["note"] = _clean(values["kind"], values["for_whom"], values["note"])
        check_date(values["month"], values["day"], values["year"])
        values["sale_id"] = _sale_key(values["sale_id"])
        Occasion.update(**values, updated_at=now).where(Occasion.id == row.id).execute()
        fresh = Occasion.get_by_id(row.id)
        outbox.record("occasion", row_dict(fresh))
    return fresh


def remove(occasion_id: object, *, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    with write_transaction():
        row = get(occasion_id)
        Occasion.update(removed_at=now, updated_at=now).where(Occasion.id == row.id).execute()
        outbox.record("occasion", row_dict(Occasion.get_by_id(row.id)))


def link_sale(occasion_ids: list[object], sale_id: object, *, now: dt.datetime | None = None) -> int:
    """Link occasions recorded during a sale to it once it is written; those linked already
    keep their sale.  Returns how many were linked."""
    key = _sale_key(sale_id)
    if not occasion_ids or key is None:
        return 0
    now = now or utcnow()
    linked = 0
    with write_transaction():
        for row in Occasion.select().where(Occasion.id.in_(list(occasion_ids)) & Occasion.sale_id.is_null()):
            Occasion.update(sale_id=key, updated_at=now).where(Occasion.id == row.id).execute()
            outbox.record("occasion", row_dict(Occasion.get_by_id(row.id)))
            linked += 1
    return linked


def of_member(member: Member) -> list[Occasion]:
    """The member's occasions (not removed), in calendar order."""
    return list(Occasion.select().where((Occasion.member == member.id) & Occasion.removed_at.is_null())
                .order_by(Occasion.month, Occasion.day, Occasion.created_at))


def nearest(member: Member, today: dt.date) -> tuple[Occasion, dt.date] | None:
    """The member's occasion whose next date comes first (today counts)."""
    found = [(next_date(o, today), o) for o in of_member(member)]
    if not found:
        return None
    day, occasion = min(found, key=lambda pair: (pair[0], pair[1].created_at))
    return occasion, day


# --- what was bought ----------------------------------------------------------------------

_SALE = 'SELECT s.id, s.receipt_no, s.created_at, s.total FROM "sale" s'
_LINES = 'SELECT name FROM "sale_line" WHERE sale_id = ? ORDER BY position'


def _bought(row: tuple[Any, ...], source: str, zone: Any) -> Bought:
    sale_key, receipt_no, created_at, total = row
    names: list[str] = []
    for (name,) in db.execute_sql(_LINES, (bytes(sale_key),)).fetchall():
        if name and name not in names:
            names.append(name)
    when = dt.datetime.fromisoformat(str(created_at))
    return Bought(str(uuid.UUID(bytes=bytes(sale_key))), receipt_no, basis.today(when, zone), tuple(names),
                  int(total), source)


def what_was_bought(occasion: Occasion, *, today: dt.date | None = None, zone: Any = None) -> Bought | None:
    """The linked sale's goods and total; without a link (or the sale not on this till), the
    member's last sale in the LOOKBACK_DAYS up to the occasion's day a year before its next
    one (its next one after `today`, default the shop's date now); None when there is neither.
    `zone`: the shop's, when the caller has it (a list of reminders asks for hundreds)."""
    zone = zone or basis.shop_zone()
    if occasion.sale_id is not None:
        row = db.execute_sql(_SALE + " WHERE s.id = ?", (occasion.sale_id.bytes,)).fetchone()
        if row is not None:
            return _bought(row, "linked", zone)
    today = today or basis.today(utcnow(), zone)
    upcoming = next_date(occasion, today)
    last_year = date_in(upcoming.year - 1, occasion.month, occasion.day)
    lo = basis.stamp(basis.utc_start(last_year - dt.timedelta(days=LOOKBACK_DAYS), zone))
    hi = basis.stamp(basis.utc_start(last_year + dt.timedelta(days=1), zone))
    row = db.execute_sql(
        _SALE + " WHERE s.member_id = ? AND s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at DESC LIMIT 1",
        (occasion.member_id.bytes, lo, hi)).fetchone()
    return _bought(row, "last_year", zone) if row is not None else None


# --- personal data (services/reach/privacy.py collects these) ----------------------------------

def personal_data(member_id: object) -> dict[str, Any]:
    """Every occasion held about the member, removed ones too."""
    rows = Occasion.select().where(Occasion.member == member_id).order_by(Occasion.created_at)
    return {"occasions": [{
        "id": str(o.id), "kind": o.kind, "for_whom": o.for_whom, "month": o.month, "day": o.day, "year": o.year,
        "sale_id": str(o.sale_id) if o.sale_id else None, "note": o.note,
        "created_at": o.created_at.isoformat(), "removed_at": o.removed_at.isoformat() if o.removed_at else None,
    } for o in rows]}


def erase_personal(member_id: object, *, now: dt.datetime) -> None:
    """Whom an occasion is for, its note and its year go (they are about another person);
    the kind and the linked sale stay, and the occasion is removed from the reminders."""
    with write_transaction():
        for o in Occasion.select().where(Occasion.member == member_id):
            Occasion.update(for_whom="", note="", year=None, updated_at=now,
                            removed_at=o.removed_at or now).where(Occasion.id == o.id).execute()
            outbox.record("occasion", row_dict(Occasion.get_by_id(o.id)))
