"""What customers say: NPS ("would you recommend us to a friend?", 0-10), CSAT ("how was
your visit today?", 1-5), free text, and complaints the owner follows up.

An answer is asked after payment (ui/customer_display.py: on the customer's own screen
when there is one, else a strip on the cashier's), or typed by the command line.  It
belongs to the sale it follows (one answer per sale: the file's unique index says so),
to that sale's member and cashier, so the owner's figures count NPS and CSAT by cashier
(services/insights/figures.py).  A **complaint** is an answer with text the person
flagged as one, or any answer with text and a CSAT of 1 or 2; it is "open" until the
owner or a manager moves it on ("in_progress", "resolved"), each step a follow-up note
(who, when, what).

Everything syncs through the outbox ("feedback", stamped field by field like a member, so
a status changed on two tills and an erased text merge by time; "feedback_note") and the
hub keeps it as entities: the chain's NPS can be counted there later.

Personal data: the text (the customer's words, and the follow-ups written about them) is
the member's; `erase_personal` empties it and keeps the scores, dates and the sale.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

import peewee

from models import db
from models.schema import Feedback, FeedbackNote, Member, Sale, Staff, utcnow
from services.core.errors import InputError, NotFound
from services.core.serialize import plain, row_dict
from services.core.storage import write_transaction
from services.journal import outbox
from services.shop import staff as auth
from services.shop.settings import get_setting, local_till, set_setting

SOURCES = ("till", "display", "cli")
STATUSES = ("open", "in_progress", "resolved")
TEXT_MAX = 500  # the hub takes no longer text in a flat document (services.hub.checks.MAX_TEXT)
NPS_RANGE, CSAT_RANGE = (0, 10), (1, 5)
COMPLAINT_CSAT = 2  # a CSAT this low with text is a complaint, flagged or not
ASKING_KEY = "feedback_asking"
EVERY_MAX = 1000


# --- asking: on or off, and every Nth sale ------------------------------------------------


@dataclass(frozen=True)
class Asking:
    enabled: bool = True
    every: int = 1  # ask after every Nth sale (1: each one)

    def as_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "every": self.every}


def asking() -> Asking:
    stored = get_setting(ASKING_KEY) or {}
    every = stored.get("every", 1)
    every = every if isinstance(every, int) and not isinstance(every, bool) and 1 <= every <= EVERY_MAX else 1
    return Asking(enabled=bool(stored.get("enabled", True)), every=every)


def set_asking(actor: Staff | None, *, enabled: bool, every: int) -> Asking:
    """Whether customers are asked after payment, and after every how many sales (the owner's)."""
    auth.require(actor, "shop_settings")
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= EVERY_MAX:
        raise InputError("feedback_every_bad", value=str(every)[:20], most=EVERY_MAX)
    chosen = Asking(enabled=bool(enabled), every=every)
    with write_transaction():
        set_setting(ASKING_KEY, chosen.as_json())
    return chosen


_SEQUENCE = re.compile(r"(\d+)$")


def should_ask(receipt_no: str, settings: Asking | None = None) -> bool:
    """Ask after this sale?  Every Nth by the receipt's own number (T01-000042 is the 42nd
    of its till), so a restart does not start the count again."""
    settings = settings or asking()
    if not settings.enabled:
        return False
    if settings.every <= 1:
        return True
    found = _SEQUENCE.search(receipt_no or "")
    return found is None or int(found.group(1)) % settings.every == 0


# --- recording an answer ------------------------------------------------------------------


def _score(value: Any, bounds: tuple[int, int], code: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not bounds[0] <= value <= bounds[1]:
        raise InputError(code, value=str(value)[:20], least=bounds[0], most=bounds[1])
    return value


def _text(value: Any) -> str:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"feedback text must be text, not {type(value).__name__}")  # a caller's bug
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise InputError("feedback_text_long", most=TEXT_MAX)
    return text


def is_complaint(csat: int | None, text: str, flagged: bool) -> bool:
    """A complaint: text flagged as one, or text with a CSAT of 1 or 2."""
    return bool(text) and (flagged or (csat is not None and csat <= COMPLAINT_CSAT))


@contextlib.contextmanager
def _writing() -> Iterator[None]:
    """The caller's transaction (a privacy erase running every holder in one), or our own."""
    if db.obj.in_transaction():
        yield
    else:
        with write_transaction():
            yield


def _sale(ref: Any) -> Sale:
    if isinstance(ref, Sale):
        return ref
    from services.sale.returns import find_sale

    return find_sale(str(ref))


def record(*, source: str, nps: int | None = None, csat: int | None = None, text: str | None = "",
           complaint: bool = False, sale: Any = None, member: Member | None = None,
           actor: Staff | None = None, now: dt.datetime | None = None) -> Feedback:
    """Keep one answer.  `sale` (a Sale, its id or receipt number) gives the member and the
    cashier; without it, `member` (or nobody) and no cashier.  `actor`, when given, must be
    one who may sell (the command line's PIN; the window's signed-in person)."""
    if actor is not None:
        auth.require(actor, "sell")
    if source not in SOURCES:
        raise ValueError(f"unknown feedback source {source!r}")
    nps = _score(nps, NPS_RANGE, "feedback_nps_range")
    csat = _score(csat, CSAT_RANGE, "feedback_csat_range")
    words = _text(text)
    if nps is None and csat is None and not words:
        raise InputError("feedback_empty")
    if complaint and not words:
        raise InputError("feedback_complaint_text")
    found = _sale(sale) if sale is not None else None
    if found is not None and member is not None and found.member_id is not None and found.member_id != member.id:
        raise InputError("feedback_member_not_sale", receipt=found.receipt_no)
    flagged = is_complaint(csat, words, complaint)
    at = now or utcnow()
    row = Feedback(
        created_at=at, updated_at=at, till=local_till().id, sale=found.id if found else None,
        member=(found.member_id if found and found.member_id else (member.id if member else None)),
        cashier=found.cashier_id if found else None, nps=nps, csat=csat, text=words, source=source,
        complaint=flagged, status="open" if flagged else "",
    )
    try:
        with _writing():
            row.save(force_insert=True)
            outbox.record("feedback", row_dict(row))
    except peewee.IntegrityError:
        if found is not None and Feedback.get_or_none(Feedback.sale == found.id) is not None:
            raise InputError("feedback_sale_answered", receipt=found.receipt_no) from None
        raise
    return row


def answered(sale_id: Any) -> bool:
    return Feedback.get_or_none(Feedback.sale == _uuid(sale_id)) is not None


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# --- complaints: the owner's list and follow-ups --------------------------------------------


def find(feedback_id: Any) -> Feedback:
    try:
        key = _uuid(feedback_id)
    except ValueError:
        raise NotFound("feedback_unknown", ref=str(feedback_id)[:40]) from None
    found = Feedback.get_or_none(Feedback.id == key)
    if found is None:
        raise NotFound("feedback_unknown", ref=str(feedback_id)[:40])
    return found


def complaints(actor: Staff | None, *, status: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Complaints, newest first, with the member, the cashier, the receipt and how many follow-ups."""
    auth.require(actor, "handle_complaints")
    if status is not None and status not in STATUSES:
        raise InputError("feedback_status_bad", status=str(status)[:20])
    if status:
        return _listed("f.complaint = 1 AND f.status = ?", [status], limit)
    return _listed("f.complaint = 1 AND f.status != ''", [], limit)


def remarks(actor: Staff | None, *, limit: int = 500) -> list[dict[str, Any]]:
    """The other answers with the customer's words (praise, a suggestion), newest first: the
    owner reads them and may mark one a complaint (`mark_complaint`)."""
    auth.require(actor, "handle_complaints")
    return _listed("f.complaint = 0 AND f.text != ''", [], limit)


def _listed(where: str, params: list[Any], limit: int) -> list[dict[str, Any]]:
    rows = db.obj.execute_sql(
        "SELECT f.id, f.created_at, f.nps, f.csat, f.text, f.status, f.source, m.name, s.receipt_no, c.name,"
        ' (SELECT COUNT(*) FROM "feedback_note" n WHERE n.feedback_id = f.id),'
        ' (SELECT MAX(n.created_at) FROM "feedback_note" n WHERE n.feedback_id = f.id)'
        ' FROM "feedback" f LEFT JOIN "member" m ON m.id = f.member_id LEFT JOIN "sale" s ON s.id = f.sale_id'
        ' LEFT JOIN "staff" c ON c.id = f.cashier_id'
        f" WHERE {where} ORDER BY f.created_at DESC LIMIT ?", params + [limit]).fetchall()
    keys = ("id", "created_at", "nps", "csat", "text", "status", "source", "member_name", "receipt_no",
            "cashier_name", "notes", "last_note_at")
    out = []
    for row in rows:
        item = dict(zip(keys, row))
        item["id"] = str(uuid.UUID(bytes=bytes(item["id"])))
        out.append(item)
    return out


def complaint(actor: Staff | None, feedback_id: Any) -> dict[str, Any]:
    """One answer with its follow-ups, oldest first (for the owner's window)."""
    auth.require(actor, "handle_complaints")
    row = find(feedback_id)
    out = as_json(row)
    out["member_name"] = row.member.name if row.member_id else None
    out["receipt_no"] = row.sale.receipt_no if row.sale_id else None
    out["cashier_name"] = row.cashier.name if row.cashier_id else None
    out["notes"] = [_note_json(n) for n in row.notes.order_by(FeedbackNote.created_at, FeedbackNote.id)]
    return out


def follow_up(actor: Staff | None, feedback_id: Any, *, text: str | None = "", status: str | None = None,
              now: dt.datetime | None = None) -> FeedbackNote:
    """A follow-up on a complaint: what was done (text) and/or its new status."""
    person = auth.require(actor, "handle_complaints")
    words = _text(text)
    if status is not None and status not in STATUSES:
        raise InputError("feedback_status_bad", status=str(status)[:20])
    row = find(feedback_id)
    if not row.complaint:
        raise InputError("feedback_not_complaint")
    if status == row.status:
        status = None
    if not words and status is None:
        raise InputError("feedback_note_empty")
    at = now or utcnow()
    note = FeedbackNote(feedback=row.id, created_at=at, staff=person.id, staff_name=person.name, text=words,
                        status=status or "")
    with _writing():
        note.save(force_insert=True)
        outbox.record("feedback_note", row_dict(note))
        if status is not None:
            Feedback.update(status=status, updated_at=at).where(Feedback.id == row.id).execute()
            outbox.record("feedback", row_dict(Feedback.get_by_id(row.id)))
    return note


def mark_complaint(actor: Staff | None, feedback_id: Any, *, now: dt.datetime | None = None) -> Feedback:
    """Treat an answer with text as a complaint after all (the owner read it and thinks so)."""
    auth.require(actor, "handle_complaints")
    row = find(feedback_id)
    if row.complaint:
        return row
    if not row.text:
        raise InputError("feedback_complaint_text")
    with _writing():
        Feedback.update(complaint=True, status="open", updated_at=now or utcnow()).where(Feedback.id == row.id).execute()
        row = Feedback.get_by_id(row.id)
        outbox.record("feedback", row_dict(row))
    return row


# --- as JSON, personal data ----------------------------------------------------------------


def as_json(row: Feedback) -> dict[str, Any]:
    return {
        "id": str(row.id), "created_at": plain(row.created_at), "sale_id": plain(row.sale_id),
        "member_id": plain(row.member_id), "cashier_id": plain(row.cashier_id), "till_id": plain(row.till_id),
        "nps": row.nps, "csat": row.csat, "text": row.text, "source": row.source,
        "complaint": bool(row.complaint), "status": row.status or None,
    }


def _note_json(note: FeedbackNote) -> dict[str, Any]:
    return {"id": str(note.id), "created_at": plain(note.created_at), "staff_name": note.staff_name,
            "text": note.text, "status": note.status or None}


def personal_data(member_id: Any) -> dict[str, Any]:
    """Everything kept about the member here: each answer, and the follow-ups on their complaints."""
    rows = Feedback.select().where(Feedback.member == _uuid(member_id)).order_by(Feedback.created_at, Feedback.id)
    out = []
    for row in rows:
        item = as_json(row)
        item["notes"] = [_note_json(n) for n in row.notes.order_by(FeedbackNote.created_at, FeedbackNote.id)]
        out.append(item)
    return {"feedback": out}


def erase_personal(member_id: Any, *, now: dt.datetime) -> None:
    """Empty the member's words (their answers' text and the follow-ups written about them);
    the scores, the dates, the sale and the complaint's status stay (the figures count them)."""
    key = _uuid(member_id)
    with _writing():
        ids = [r.id for r in Feedback.select(Feedback.id).where((Feedback.member == key) & (Feedback.text != ""))]
        notes = list(FeedbackNote.select().where(
            FeedbackNote.feedback.in_(Feedback.select(Feedback.id).where(Feedback.member == key))
            & (FeedbackNote.text != "")))
        if ids:
            Feedback.update(text="", updated_at=now).where(Feedback.id.in_(ids)).execute()
            for row in Feedback.select().where(Feedback.id.in_(ids)):
                outbox.record("feedback", row_dict(row))
        for note in notes:
            FeedbackNote.update(text="").where(FeedbackNote.id == note.id).execute()
            note.text = ""
            outbox.record("feedback_note", row_dict(note))
