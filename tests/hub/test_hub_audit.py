"""The hub keeps every till's audit entries, once, append-only, under the pushing till."""
from __future__ import annotations

import json
import uuid

import peewee
import psycopg2
import pytest

from models.hub import HubAudit, Quarantine, hub_db
from models.schema import AuditEntry, Outbox
from services.journal import audit
from services.shop import staff as auth
from services.sync import client as sync
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub


def audit_op(seq, **changes):
    entry = {"id": str(uuid.uuid4()), "created_at": "2026-11-28T10:00:00", "till_id": None, "staff_id": None,
             "staff_name": "Anna", "action": "return", "target": "T01-000001", "details": '{"refund": 8990}'}
    entry.update(changes)
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "audit", "payload": entry}


def push(http, token, ops):
    return http.post("/v1/push", json={"ops": ops}, headers={"Authorization": f"Bearer {token}"})


def test_audit_entries_are_stored_once_under_the_pushing_till(hub_http, enrol):
    till_id, token = enrol("A")
    op = audit_op(1)
    assert push(hub_http, token, [op]).status_code == 200
    assert push(hub_http, token, [op]).status_code == 200  # sent again: nothing new
    with hub_db.connection_context():
        (row,) = HubAudit.select()
        assert (str(row.origin_id), row.action, row.staff_name, row.target, row.details) == (
            till_id, "return", "Anna", "T01-000001", {"refund": 8990})


def test_a_malformed_entry_is_quarantined_and_blocks_nothing(hub_http, enrol):
    _, token = enrol("A")
    ops = [audit_op(1, action="DROP TABLE"), audit_op(2, target="x" * 5000), audit_op(3, details="[1, 2]"),
           audit_op(4)]
    assert push(hub_http, token, ops).status_code == 200
    with hub_db.connection_context():
        assert HubAudit.select().count() == 1
        assert Quarantine.select().where(Quarantine.kind == "audit").count() == 3


def test_the_hub_log_cannot_be_rewritten(hub_http, enrol):
    _, token = enrol("A")
    push(hub_http, token, [audit_op(1)])
    with hub_db.connection_context():
        with pytest.raises((peewee.DatabaseError, psycopg2.Error)), hub_db.atomic():
            HubAudit.update(staff_name="Nobody").execute()
        with pytest.raises((peewee.DatabaseError, psycopg2.Error)), hub_db.atomic():
            HubAudit.delete().execute()
        assert HubAudit.get().staff_name == "Anna"


def test_a_tills_sign_in_failure_reaches_the_hub(joined, hub_http):
    path, _, token, _ = joined
    with on_till(path):
        with pytest.raises(Exception):
            auth.login("000000", auth.first_of_role("owner"))
        assert AuditEntry.select().count() == 1
        assert json.loads(Outbox.select().where(Outbox.kind == "audit").get().payload)["action"] == "sign_in_failed"
        sync.sync_once(client(hub_http, token))
        assert audit.entries()[0].action == "sign_in_failed"
    with hub_db.connection_context():
        assert [row.action for row in HubAudit.select()] == ["sign_in_failed"]
