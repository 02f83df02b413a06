"""The hub keeps the tills' feedback (services.reach.feedback) as entities: an answer once, a
complaint's status and an erased text merged by the tills' field clocks, scores out of their
scales quarantined."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from models.hub import Entity, Quarantine, hub_db
from models.schema import Sale
from services.reach import feedback
from services.shop import staff as auth
from services.sync import client as sync
from tests.hub.conftest import client, on_till, trust_owner_of

pytestmark = pytest.mark.hub

NOW = dt.datetime(2026, 11, 28, 10, 0)


def _doc(kind: str, entity_id: object) -> dict | None:
    with hub_db.connection_context():
        row = Entity.get_or_none((Entity.kind == kind) & (Entity.entity_id == str(entity_id)))
        return row.doc if row else None


def test_answers_follow_ups_and_an_erase_reach_the_hub(shop_file, hub_http, enrol):
    _, token = enrol("A")
    trust_owner_of(shop_file)
    with on_till(shop_file):
        sync.configure("http://testserver", token)
        sale = Sale.select().where(Sale.member.is_null(False)).order_by(Sale.created_at.desc()).first()
        member_id = sale.member_id
        answer = feedback.record(source="display", nps=3, csat=1, text="Rude at the till", sale=sale, now=NOW)
        sync.sync_once(client(hub_http, token))
    doc = _doc("feedback", answer.id)
    assert doc is not None and (doc["nps"], doc["csat"], doc["status"], doc["text"]) == (3, 1, "open", "Rude at the till")
    assert doc["cashier_id"] == str(sale.cashier_id)
    with on_till(shop_file):
        owner = auth.first_of_role("owner")
        note = feedback.follow_up(owner, answer.id, text="Called, apologised", status="resolved", now=NOW)
        feedback.erase_personal(member_id, now=NOW + dt.timedelta(days=1))
        sync.sync_once(client(hub_http, token))
    doc = _doc("feedback", answer.id)
    assert (doc["status"], doc["text"], doc["nps"]) == ("resolved", "", 3)  # moved on, words erased, score kept
    assert _doc("feedback_note", note.id)["text"] == ""


def test_a_score_out_of_its_scale_is_quarantined_and_blocks_nothing(hub_http, enrol):
    _, token = enrol("A")

    def op(seq, **changes):
        doc = {"id": str(uuid.uuid4()), "created_at": "2026-11-28T10:00:00", "nps": 9, "csat": 4, "text": "",
               "source": "till", "complaint": False, "status": ""}
        doc.update(changes)
        return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "feedback", "payload": doc}

    ops = [op(1, nps=11), op(2, csat=0), op(3, status="closed"), op(4, nps=True), op(5, text="x" * 501), op(6)]
    answer = hub_http.post("/v1/push", json={"ops": ops}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    with hub_db.connection_context():
        assert Entity.select().where(Entity.kind == "feedback").count() == 1
        assert Quarantine.select().where(Quarantine.kind == "feedback").count() == 5
