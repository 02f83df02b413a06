"""Occasions and contacts recorded at a till reach the hub through the outbox and are kept by
its generic entity handler: an edit replaces the fields it changed, a resend changes nothing."""
from __future__ import annotations

import pytest

from models.hub import Entity, hub_db
from services.members import registry as members
from services.reach import contacts, occasions
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import client, on_till, trust_owner_of

pytestmark = pytest.mark.hub


def _docs(kind: str) -> dict[str, dict]:
    with hub_db.connection_context():
        return {e.entity_id: e.doc for e in Entity.select().where(Entity.kind == kind)}


def test_occasions_and_contacts_reach_the_hub(shop_file, hub_http, enrol):
    _, token = enrol("A")
    trust_owner_of(shop_file)
    with on_till(shop_file):
        member = members.find_by_card(tillkit.active_cards(1)[0])
        sale = tillkit.sell(tillkit.active_cards(1)[0], [(tillkit.some_barcodes(1)[0], 1)])
        occasion = occasions.add(member, "friend_birthday", 12, 12, for_whom="Marina", sale_id=sale.sale_id)
        contact = contacts.log(member, channel="call", outcome="reached", note="will come", staff=tillkit.owner(),
                               source="occasion", source_id=str(occasion.id), source_date="2026-12-12")
        sync.configure("http://testserver", token)
        sync.sync_once(client(hub_http, token))
    kept = _docs("occasion")[str(occasion.id)]
    assert (kept["member_id"], kept["kind"], kept["for_whom"], kept["month"], kept["day"], kept["sale_id"]) == (
        str(member.id), "friend_birthday", "Marina", 12, 12, sale.sale_id)
    logged = _docs("contact")[str(contact.id)]
    assert (logged["outcome"], logged["note"], logged["source_id"]) == ("reached", "will come", str(occasion.id))

    with on_till(shop_file):
        occasions.edit(occasion.id, for_whom="Marina P.", day=13)
        sync.sync_once(client(hub_http, token))
        sync.sync_once(client(hub_http, token))  # nothing new: nothing changes
    kept = _docs("occasion")[str(occasion.id)]
    assert (kept["for_whom"], kept["day"], kept["month"]) == ("Marina P.", 13, 12)
    assert len(_docs("occasion")) == 1 and len(_docs("contact")) == 1
