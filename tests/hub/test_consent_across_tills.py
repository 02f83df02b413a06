"""Consent across a chain: a grant made at one till is known at another, and a withdrawal made
at the second holds at the first (a segment export there leaves the member out)."""
from __future__ import annotations

import pytest

from models.hub import Entity, hub_db
from models.schema import Member
from services.members import registry as members
from services.reach import consent, segment_export
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub


def test_a_withdrawal_at_one_till_holds_at_the_other(joined, hub_http, tmp_path):
    first, second, a_token, b_token = joined
    with on_till(first):
        member, _card = members.register("Согласная Покупательница", "+79990004242", None, True, actor=tillkit.owner())
        consent.record(member, {"call": True}, source="form", actor=tillkit.owner())
        member_id = member.id
        assert consent.state(member_id).allows("sms")
        sync.sync_once(client(hub_http, a_token))
    with hub_db.connection_context():
        kept = list(Entity.select().where(Entity.kind == "consent"))
    assert {e.doc["channel"] for e in kept if e.doc["member_id"] == str(member_id)} == {"sms", "email", "call"}
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        reach = consent.state(member_id)
        assert reach.allows("sms") and reach.allows("email") and reach.allows("call")
        consent.withdraw_all(member_id, source="till", actor=tillkit.owner())
        sync.sync_once(client(hub_http, b_token))
    with on_till(first):
        sync.sync_once(client(hub_http, a_token))
        reach = consent.state(member_id)
        assert not any(reach.allows(c) for c in ("sms", "email", "call", "messenger"))
        assert Member.get_by_id(member_id).marketing_consent is False
        chosen, _counts = segment_export.choose([member_id], "sms", now=member.created_at)
        assert chosen == []
        history = consent.history(member_id)
        assert [h["granted"] for h in history[:3]] == [False, False, False]  # the other till's withdrawal, kept here
