"""Occasions and the contact log across a chain: an occasion recorded at one till is in the
other's reminders, and a call logged at the other takes it off the first's list."""
from __future__ import annotations

import datetime as dt

import pytest

from models.schema import Occasion
from services.members import registry as members
from services.reach import contacts, occasions, reminders
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub

TODAY = dt.datetime(2026, 11, 28, 12, 0)


def test_an_occasion_from_one_till_is_due_at_the_other_and_a_call_there_answers_it(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        member, _card = members.register("Покупатель Сети", "+79990004343", None, False, actor=tillkit.owner())
        row = occasions.add(member, "friend_birthday", 12, 12, for_whom="Ольга", staff=tillkit.owner(), now=TODAY)
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert Occasion.get_by_id(row.id).for_whom == "Ольга"
        due = reminders.due(14, now=TODAY, sources=["occasion"])
        assert [(r.member_id, r.source_id) for r in due] == [(str(member.id), str(row.id))]
        contacts.log(member.id, channel="call", outcome="reached", staff=tillkit.owner(), source="occasion",
                     source_id=due[0].source_id, source_date=due[0].day, now=TODAY)
        sync.sync_once(client(hub_http, b_token))
    with on_till(first):
        assert [r.source_id for r in reminders.due(14, now=TODAY, sources=["occasion"])] == [str(row.id)]
        sync.sync_once(client(hub_http, a_token))
        assert reminders.due(14, now=TODAY, sources=["occasion"]) == []  # called from the other shop
