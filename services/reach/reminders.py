"""Reminders: whom to contact in the next N days, and with what (issue 14, item 1).

Four sources, each read in one SQL pass (no Python loop over the members, no query per member):

- "occasion": members' occasions (services.reach.occasions) whose next date is within the
  days [today, today + N]; with what was bought for it last time;
- "birthday": members' own birthdays in those days (29 February on 28 February in a common
  year, as occasions do);
- "overdue": members whose usual interval between visits (the median of the gaps between
  their visit days, as services.insights.customers says it, here over the `visit` summary)
  has passed by at least the larger of OVERDUE_MIN_DAYS and half the interval, and by at
  most the larger of OVERDUE_WINDOW_DAYS and twice the interval, never more than
  OVERDUE_MAX_DAYS (further on they are lost more than late: the next source's); only
  members with at least MIN_GAPS gaps, so the interval means something; the least overdue
  first (the likeliest to come back when asked); the medians for all members at once in
  numpy over the visits read in key order (a median per group is a sort away from SQL's
  window functions, which cost 5x as much here);
- "lapsing": members who came back at least once and were last seen within LAPSING_DAYS,
  whose P(alive) today by the KEPT lifetime fit's parameters (services.insights.lifetime;
  never fitted here) fell below P_ALIVE_LOW, computed for all of them at once from the same
  read of the visits; with no fit kept the source is skipped and a note says so; a member
  listed as overdue is not listed again here.

A member whose personal data was erased (services.reach.privacy) is in no source.

Each reminder has a suggested offer (a sentence: what was bought for the occasion last
time, else the goods the member buys most) and the member's last contact.  A reminder
for which a contact was logged (services.reach.contacts: its source, id and date) leaves
the list for that date — that occasion year, that birthday, that expected visit — unless
`contacted=True` asks for those too.
"""
from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import uuid
from typing import Any, Iterable

import numpy as np

from models import db
from models.schema import Occasion, utcnow
from services.core.error_texts import N_
from services.core.errors import InputError
from services.core.messages import _
from services.insights import basis, summary
from services.reach import contacts, occasions

SOURCES = ("occasion", "birthday", "overdue", "lapsing")
DEFAULT_DAYS = 14
MAX_DAYS = 366
MIN_GAPS = 2  # three visits at least before a usual interval is trusted
OVERDUE_MIN_DAYS = 3
OVERDUE_WINDOW_DAYS = 28
OVERDUE_MAX_DAYS = 90
P_ALIVE_LOW = 0.5
LAPSING_DAYS = 365  # last seen within a year: still someone to win back
LAPSING_MOST = 1_000
TOP_GOODS = 2  # goods named in an offer

NOTES = {  # why a source is left out: a code in the JSON, worded when shown
    "no_fit": N_("No lifetime fit is kept yet, so members whose P(alive) fell are not listed: "
                "count it under Reports → Who is slipping away (or `main.py churn`)."),
    "fit_empty": N_("The kept lifetime fit has no model (too little history), so members whose P(alive) "
                   "fell are not listed."),
}


@dataclasses.dataclass(frozen=True)
class Reminder:
    kind: str  # one of SOURCES
    member_id: str
    name: str
    card: str | None
    phone: str | None
    day: dt.date  # the occasion's or birthday's date; the expected visit; the last visit (lapsing)
    source_id: str  # the occasion's id, else the member's: with `day`, what a contact answers
    for_whom: str = ""
    occasion_kind: str = ""
    overdue_days: int | None = None
    usual_interval_days: float | None = None
    p_alive: float | None = None
    last_bought: occasions.Bought | None = None
    top_goods: tuple[str, ...] = ()
    last_contact: contacts.LastContact | None = None
    contacted: bool = False  # a contact was logged for this very reminder

    @property
    def suggested_offer(self) -> str:
        return suggest(self)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "member_id": self.member_id, "name": self.name, "card": self.card,
            "phone": self.phone, "date": self.day.isoformat(), "source_id": self.source_id,
            "for_whom": self.for_whom, "occasion_kind": self.occasion_kind or None,
            "overdue_days": self.overdue_days, "usual_interval_days": self.usual_interval_days,
            "p_alive": self.p_alive,
            "last_bought": self.last_bought.as_json() if self.last_bought else None,
            "suggested_offer": self.suggested_offer,
            "last_contact": self.last_contact.as_json() if self.last_contact else None,
            "contacted": self.contacted,
        }


class Due(list):  # list[Reminder], with what the list could not include
    def __init__(self, items: Iterable[Reminder], start: dt.date, end: dt.date, notes: list[str]) -> None:
        """`notes`: codes of NOTES."""
        super().__init__(items)
        self.start, self.end, self.notes = start, end, notes

    def as_json(self) -> dict[str, Any]:
        return {"days": (self.end - self.start).days, "from": self.start.isoformat(), "to": self.end.isoformat(),
                "reminders": [r.as_json() for r in self],
                "notes": [{"code": code, "text": note_text(code)} for code in self.notes]}


def note_text(code: str) -> str:
    return _(NOTES[code])


def _goods(names: Iterable[str]) -> str:
    return ", ".join(list(names)[:TOP_GOODS])


def suggest(r: Reminder) -> str:
    """The offer to make, in a sentence."""
    if r.last_bought and r.last_bought.names:
        return _("{goods}, like last year's").format(goods=_goods(r.last_bought.names)) if \
            r.last_bought.source == "last_year" else _("{goods}, like last time").format(goods=_goods(r.last_bought.names))
    goods = _goods(r.top_goods)
    if r.kind == "birthday":
        return _("Birthday greetings and {goods}").format(goods=goods) if goods else _("Birthday greetings")
    if r.kind == "occasion":
        return _("Something for the occasion: {goods}").format(goods=goods) if goods else _("Something for the occasion")
    if r.kind == "overdue":
        return _("Their usual: {goods}").format(goods=goods) if goods else _("Invite them back")
    return _("A welcome-back offer on {goods}").format(goods=goods) if goods else _("A welcome-back offer")


# --- the sources ------------------------------------------------------------------------------

def _card(member: str) -> str:
    return (f"(SELECT number FROM \"card\" c WHERE c.member_id = {member} AND c.status = 'active'"
            " ORDER BY c.created_at DESC LIMIT 1)")


def _days(start: dt.date, end: dt.date) -> dict[tuple[int, int], dt.date]:
    """(month, day) -> its date in [start, end]; 29 February is looked for on the day it
    falls on in a common year."""
    found: dict[tuple[int, int], dt.date] = {}
    day = start
    while day <= end:
        found[(day.month, day.day)] = day
        if (day.month, day.day) == occasions.LEAP_DAY_FALLS_ON and not calendar.isleap(day.year):
            found[(2, 29)] = day
        day += dt.timedelta(days=1)
    return found


def _occasions(start: dt.date, end: dt.date) -> list[Reminder]:
    days = _days(start, end)
    values = ",".join(f"({m},{d})" for m, d in days)
    rows = db.execute_sql(
        f'SELECT o.id, o.member_id, m.name, {_card("o.member_id")}, m.phone, o.month, o.day, o.for_whom, o.kind'
        ' FROM "occasion" o JOIN "member" m ON m.id = o.member_id'
        f" WHERE o.removed_at IS NULL AND m.erased_at IS NULL AND (o.month, o.day) IN (VALUES {values})").fetchall()
    out = []
    for oid, mid, name, card, phone, month, day, for_whom, kind in rows:
        out.append(Reminder("occasion", str(uuid.UUID(bytes=bytes(mid))), name, card, phone, days[(month, day)],
                            str(uuid.UUID(bytes=bytes(oid))), for_whom=for_whom, occasion_kind=kind))
    return out


def _birthdays(start: dt.date, end: dt.date) -> list[Reminder]:
    days = _days(start, end)
    marks = ",".join(f"'{m:02d}-{d:02d}'" for m, d in days)
    rows = db.execute_sql(
        f'SELECT m.id, m.name, {_card("m.id")}, m.phone, substr(m.birthday, 6, 5) FROM "member" m'
        f" WHERE m.birthday IS NOT NULL AND m.erased_at IS NULL AND substr(m.birthday, 6, 5) IN ({marks})").fetchall()
    out = []
    for mid, name, card, phone, md in rows:
        month, day = int(md[:2]), int(md[3:])
        member_id = str(uuid.UUID(bytes=bytes(mid)))
        out.append(Reminder("birthday", member_id, name, card, phone, days[(month, day)], member_id))
    return out


@dataclasses.dataclass(frozen=True)
class Visits:
    """Every member with a visit up to a day, as arrays in one order: their ids (16 bytes), first
    and last visit days (as _ordinal gives a day), visit days and usual interval (the median gap
    in days between visit days, as services.insights.customers says it; NaN below MIN_GAPS gaps)."""

    ids: np.ndarray
    first: np.ndarray
    last: np.ndarray
    visits: np.ndarray
    usual: np.ndarray


def usual_intervals(today: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, usual intervals, last visits) of every member with a visit up to `today` (see Visits)."""
    found = visits_up_to(today)
    return found.ids, found.usual, found.last


def visits_up_to(today: dt.date) -> Visits:
    """The members' visits up to `today`, read once for the overdue and the lapsing sources."""
    summary.refresh()  # the visits of what was sold since the summary last read the sales
    rows = db.execute_sql('SELECT member_id, CAST(julianday(day) AS INTEGER) FROM "visit" WHERE day <= ?'
                          " ORDER BY member_id, day", [today.isoformat()]).fetchall()  # the key's order: no sort
    if not rows:
        empty = np.zeros(0)
        return Visits(np.zeros(0, dtype=object), empty, empty, empty, empty)
    ids = np.empty(len(rows), dtype=object)
    ids[:] = [key for key, _ in rows]
    days = np.fromiter((day for _, day in rows), dtype=np.int64, count=len(rows))
    first = np.ones(len(rows), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    group = np.cumsum(first) - 1
    members = int(group[-1]) + 1
    repeat = ~first[1:]  # a gap is between two visits of one member
    gap_group, gaps = group[1:][repeat], np.diff(days)[repeat]
    order = np.lexsort((gaps, gap_group))
    gap_group, gaps = gap_group[order], gaps[order]
    counts = np.bincount(gap_group, minlength=members)
    starts = np.cumsum(counts) - counts
    enough = counts >= MIN_GAPS
    middle_lo = np.where(enough, starts + (counts - 1) // 2, 0)
    middle_hi = np.where(enough, starts + counts // 2, 0)
    usual = np.where(enough, (gaps[middle_lo] + gaps[middle_hi]) / 2.0, np.nan) if len(gaps) else \
        np.full(members, np.nan)
    first_row = np.nonzero(first)[0]
    last_row = np.append(first_row[1:] - 1, len(rows) - 1)
    return Visits(ids[last_row], days[first_row], days[last_row], last_row - first_row + 1, usual)


def without_erased(found: Visits) -> Visits:
    """The visits of members whose personal data was not erased (services.reach.privacy): the
    shop promised to forget them, so no source lists them."""
    erased = {bytes(mid) for (mid,) in db.execute_sql('SELECT id FROM "member" WHERE erased_at IS NOT NULL')}
    if not erased or not len(found.ids):
        return found
    keep = np.fromiter((bytes(key) not in erased for key in found.ids), dtype=bool, count=len(found.ids))
    return Visits(found.ids[keep], found.first[keep], found.last[keep], found.visits[keep], found.usual[keep])


def _overdue(today: dt.date, found: Visits) -> list[Reminder]:
    """From one ordered pass over the `visit` summary (its key is (member, day), so no sort), the
    medians worked out for all members at once (numpy: a sort by member and gap, the middle
    ones picked by index); then the few overdue members' names, phones and cards by id."""
    keys, usual, last = found.ids, found.usual, found.last
    late = _ordinal(today) - last - usual
    with np.errstate(invalid="ignore"):
        due = ~np.isnan(usual) & (late >= np.maximum(OVERDUE_MIN_DAYS, usual / 2.0)) & (
            late <= np.minimum(OVERDUE_MAX_DAYS, np.maximum(OVERDUE_WINDOW_DAYS, usual * 2.0)))
    chosen = np.nonzero(due)[0]
    people = _people([bytes(keys[g]) for g in chosen])
    out = []
    for g in chosen:
        key = bytes(keys[g])
        name, card, phone = people.get(key, ("", None, None))
        member_id = str(uuid.UUID(bytes=key))
        expected = dt.date.fromordinal(int(last[g]) - _JULIAN) + dt.timedelta(days=round(float(usual[g])))
        out.append(Reminder("overdue", member_id, name, card, phone, expected, member_id,
                            overdue_days=(today - expected).days, usual_interval_days=float(usual[g])))
    return out


_JULIAN = 1721424  # CAST(julianday(day) AS INTEGER) - day.toordinal()


def _ordinal(day: dt.date) -> int:
    """The day as SQLite's CAST(julianday(day) AS INTEGER) gives it."""
    return day.toordinal() + _JULIAN


def _people(keys: list[bytes]) -> dict[bytes, tuple[str, str | None, str | None]]:
    """(name, active card, phone) of the members with these ids, by id."""
    found: dict[bytes, tuple[str, str | None, str | None]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for mid, name, card, phone in db.execute_sql(
                f'SELECT m.id, m.name, {_card("m.id")}, m.phone FROM "member" m WHERE m.id IN ({marks})', chunk):
            found[bytes(mid)] = (name, card, phone)
    return found


def _lapsing(today: dt.date, found: Visits, notes: list[str]) -> list[Reminder]:
    """P(alive) today of every member who came back at least once, by the kept fit's parameters
    (all at once, numpy), below P_ALIVE_LOW, last seen within LAPSING_DAYS; the most recently
    fallen (highest P(alive)) first, at most LAPSING_MOST."""
    from services.insights import btyd, lifetime

    kept = lifetime.cached()
    if kept is None:
        notes.append("no_fit")
        return []
    if kept.model is None:
        notes.append("fit_empty")
        return []
    x = found.visits - 1
    alive = btyd.p_alive(kept.model, x, found.last - found.first, _ordinal(today) - found.first)
    recent = found.last >= _ordinal(today) - LAPSING_DAYS
    chosen = np.nonzero((x > 0) & recent & (alive < P_ALIVE_LOW))[0]
    chosen = chosen[np.argsort(-alive[chosen], kind="stable")][:LAPSING_MOST]
    people = _people([bytes(found.ids[g]) for g in chosen])
    out = []
    for g in chosen:
        key = bytes(found.ids[g])
        name, card, phone = people.get(key, ("", None, None))
        member_id = str(uuid.UUID(bytes=key))
        out.append(Reminder("lapsing", member_id, name, card, phone,
                            dt.date.fromordinal(int(found.last[g]) - _JULIAN), member_id,
                            p_alive=round(float(alive[g]), 4)))
    return out


# --- what to offer ---------------------------------------------------------------------------

def _top_goods(member_keys: list[bytes], since: str) -> dict[bytes, tuple[str, ...]]:
    """Each member's goods bought on the most receipts since `since` (TOP_GOODS of them)."""
    found: dict[bytes, list[str]] = {}
    for start in range(0, len(member_keys), 500):
        chunk = member_keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute_sql(
            "WITH b AS (SELECT s.member_id, l.name, COUNT(DISTINCT s.id) AS receipts, SUM(l.gross - l.discount) AS value"
            ' FROM "sale" s JOIN "sale_line" l ON l.sale_id = s.id'
            f" WHERE s.member_id IN ({marks}) AND s.created_at >= ? AND l.name != '' GROUP BY s.member_id, l.name),"
            " k AS (SELECT member_id, name, ROW_NUMBER() OVER (PARTITION BY member_id"
            " ORDER BY receipts DESC, value DESC, name) AS k FROM b)"
            f" SELECT member_id, name FROM k WHERE k <= {TOP_GOODS} ORDER BY member_id, k", [*chunk, since]).fetchall()
        for mid, name in rows:
            found.setdefault(bytes(mid), []).append(name)
    return {k: tuple(v) for k, v in found.items()}


def due(days: int = DEFAULT_DAYS, *, now: dt.datetime | None = None, sources: Iterable[str] | None = None,
        contacted: bool = False) -> Due:
    """The reminders for the shop's days today .. today + days (see the module's docstring),
    soonest first; `sources` a subset of SOURCES (default all)."""
    if not 0 <= days <= MAX_DAYS:
        raise InputError("reminder_days", most=MAX_DAYS)
    chosen = set(SOURCES if sources is None else sources)
    for source in chosen - set(SOURCES):
        raise InputError("contact_source", source=source)
    now = now or utcnow()
    zone = basis.shop_zone()
    start = basis.today(now, zone)
    end = start + dt.timedelta(days=days)
    notes: list[str] = []
    found: list[Reminder] = []
    if "occasion" in chosen:
        found += _occasions(start, end)
    if "birthday" in chosen:
        found += _birthdays(start, end)
    visits = without_erased(visits_up_to(start)) if chosen & {"overdue", "lapsing"} else None
    if "overdue" in chosen:
        found += _overdue(start, visits)
    if "lapsing" in chosen:
        overdue = {r.member_id for r in found if r.kind == "overdue"}  # one reason to call is enough
        found += [r for r in _lapsing(start, visits, notes) if r.member_id not in overdue]

    done: set[tuple[str, str, str]] = set()
    for source in chosen:
        pairs = [(r.source_id, r.day.isoformat()) for r in found if r.kind == source]
        done |= {(source, i, d) for i, d in contacts.answered(source, pairs)}
    found = [dataclasses.replace(r, contacted=True) if (r.kind, r.source_id, r.day.isoformat()) in done else r
             for r in found]
    if not contacted:
        found = [r for r in found if not r.contacted]

    keys = [uuid.UUID(r.member_id).bytes for r in found]
    last = contacts.last_contacts(keys)
    asked = [uuid.UUID(r.source_id) for r in found if r.kind == "occasion"]
    rows = {o.id: o for start_at in range(0, len(asked), 500)
            for o in Occasion.select().where(Occasion.id.in_(asked[start_at:start_at + 500]))}
    goods = _top_goods(list(dict.fromkeys(keys)), basis.stamp(basis.utc_start(start - dt.timedelta(days=365), zone)))
    finished = []
    for r in found:
        key = uuid.UUID(r.member_id).bytes
        bought = None
        if r.kind == "occasion":
            bought = occasions.what_was_bought(rows[uuid.UUID(r.source_id)], today=start, zone=zone)
        finished.append(dataclasses.replace(r, last_contact=last.get(key), top_goods=goods.get(key, ()),
                                            last_bought=bought))
    order = {s: i for i, s in enumerate(SOURCES)}
    # The dated ones by their day, then the overdue (least overdue first), then the lapsing (least alive first).
    finished.sort(key=lambda r: (order[r.kind] > 1, r.day if order[r.kind] <= 1 else start, order[r.kind],
                                 r.overdue_days or 0, r.p_alive or 0, r.name))
    return Due(finished, start, end, notes)
