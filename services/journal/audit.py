"""The audit log: who did something sensitive, when, on which till, to what.

Append-only: there is no function here that edits or deletes an entry.  Each
entry is written in the transaction of the action it records (a return and
its audit line commit together or not at all) and goes to the hub through the
outbox like any other fact.  Sign-in failures have no business transaction of
their own; `record` then opens one.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import peewee

from models import db
from models.db import insert_rows
from models.schema import AuditEntry, Staff, Till, new_id, utcnow
from services.core.serialize import as_columns, plain
from services.core.storage import write_transaction
from services.journal import outbox

# The actions the log knows; each has a line in the message catalogue (audit_<action>).
ACTIONS = (
    "return", "manual_discount", "adjust_balance", "card_blocked", "card_unblocked",
    "staff_added", "staff_changed", "staff_disabled", "pin_changed", "role_changed",
    "sign_in_failed", "sign_in_locked", "rules_published", "backup_made", "backup_restored",
    "personal_data_exported", "personal_data_erased", "settings_changed",
    "price_changed", "import",
    "messages_exported",  # members' phones or e-mails written to a file for sending (services.reach)
    "reward_added", "reward_changed",
)


@dataclass(frozen=True)
class Entry:
    created_at: dt.datetime
    action: str
    staff_name: str
    target: str
    details: dict[str, Any]
    till_name: str


def record(action: str, staff: Staff | None = None, *, target: str = "", now: dt.datetime | None = None,
           **details: Any) -> None:
    """Append one entry, inside the caller's write transaction (or in its own)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not db.obj.in_transaction():
        with write_transaction():
            record(action, staff, target=target, now=now, **details)
        return
    till = Till.get_or_none(Till.is_local == True)  # noqa: E712
    row: dict[str, Any] = dict(
        id=new_id(), created_at=now or utcnow(), till=till.id if till else None,
        staff=staff.id if staff else None, staff_name=staff.name if staff else "",
        action=action, target=str(target),
        details=json.dumps({k: plain(v) for k, v in details.items()}, ensure_ascii=False, sort_keys=True),
    )
    insert_rows(AuditEntry, [row])
    outbox.record("audit", as_columns(AuditEntry, row))


def entries(*, action: str | None = None, staff_name: str | None = None, since: dt.datetime | None = None,
            until: dt.datetime | None = None, limit: int = 500) -> list[Entry]:
    """The newest entries first, filtered as the owner asks."""
    query = (AuditEntry.select(AuditEntry, Till.id, Till.name, Till.code).join(Till, join_type=peewee.JOIN.LEFT_OUTER, on=(AuditEntry.till == Till.id))
             .order_by(AuditEntry.created_at.desc()).limit(limit))
    if action:
        query = query.where(AuditEntry.action == action)
    if staff_name:
        query = query.where(AuditEntry.staff_name == staff_name)
    if since:
        query = query.where(AuditEntry.created_at >= since)
    if until:
        query = query.where(AuditEntry.created_at < until)
    return [
        Entry(row.created_at, row.action, row.staff_name, row.target, json.loads(row.details or "{}"),
              (row.till.name or row.till.code) if row.till_id and getattr(row, "till", None) else "")
        for row in query
    ]
