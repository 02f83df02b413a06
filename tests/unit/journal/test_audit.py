"""The audit log: appended in the action's transaction, synced, filtered for the owner."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models import db
from models.schema import AuditEntry, Outbox, Staff
from services.core.storage import write_transaction
from services.journal import audit


def test_an_entry_is_logged_and_queued_for_the_hub(shop):
    owner = Staff.get(Staff.role == "owner")
    audit.record("pin_changed", owner, target="Ana", reason="forgotten")
    (entry,) = audit.entries()
    assert (entry.action, entry.staff_name, entry.target, entry.details) == ("pin_changed", owner.name, "Ana",
                                                                              {"reason": "forgotten"})
    op = Outbox.select().where(Outbox.kind == "audit").get()
    assert json.loads(op.payload)["action"] == "pin_changed"


def test_an_entry_rolls_back_with_its_action(shop):
    with pytest.raises(RuntimeError), write_transaction():
        audit.record("return", None, target="R-1")
        raise RuntimeError("the return failed")
    assert AuditEntry.select().count() == 0
    assert Outbox.select().where(Outbox.kind == "audit").count() == 0


def test_filters_and_newest_first(shop):
    t0 = dt.datetime(2026, 11, 1, 10, 0)
    audit.record("backup_made", None, now=t0)
    audit.record("sign_in_failed", None, now=t0 + dt.timedelta(hours=1))
    audit.record("backup_made", None, now=t0 + dt.timedelta(hours=2))
    assert [e.created_at for e in audit.entries(action="backup_made")] == [t0 + dt.timedelta(hours=2), t0]
    assert [e.action for e in audit.entries(since=t0 + dt.timedelta(minutes=30), until=t0 + dt.timedelta(hours=2))] == [
        "sign_in_failed"]


def test_an_unknown_action_is_a_bug(shop):
    with pytest.raises(ValueError):
        audit.record("free_money", None)
    assert not db.obj.in_transaction()
