"""What governs the chain needs the owner's authority (issue 10, item 1).

Each attack here is what a copied till file or token did before: it was
applied and reached every till.  Now each is quarantined with its reason,
the till's other operations are applied, and nothing reaches the other till.
"""
from __future__ import annotations

import json
import time
import uuid
from argparse import Namespace

import pytest

from models.hub import Entity, HubSale, OwnerKey, Quarantine, hub_db
from models.schema import Outbox, Setting, Staff
from services.core import signing
from services.core.errors import InputError
from services.core.storage import write_transaction
from services.hub import admin
from services.journal import authority, outbox
from services.sale import permits
from services.shop import staff as auth
from services.shop.settings import get_setting, set_setting
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import client, on_till

pytestmark = pytest.mark.hub

FAR_FUTURE = "9999999999999:00000:attacker0000"


def _quarantined() -> list[tuple[str, str]]:
    with hub_db.connection_context():
        return [(q.kind, q.error) for q in Quarantine.select().order_by(Quarantine.id)]


def _hub_doc(kind: str, entity_id: str) -> dict | None:
    with hub_db.connection_context():
        row = Entity.get_or_none((Entity.kind == kind) & (Entity.entity_id == entity_id))
        return row.doc if row else None


def _snapshot(http, token: str, kind: str, payload: dict) -> None:
    """Push a master-data document as the till's sync does (services.sync.client._send_snapshot)."""
    sync._send_snapshot(client(http, token), [(kind, payload)])


def test_a_copied_till_file_cannot_make_pin_9999_an_owner(joined, hub_http):
    """With the till's file and token but not the owner's PIN: a new owner
    9999 made on the till goes unsigned; a sale made beside it is applied."""
    first, second, a_token, b_token = joined
    with on_till(first):
        mallory = auth.add_staff("Mallory", "owner", "9999")  # no owner signed in: nothing to sign with
        sale = tillkit.sell(None, [(tillkit.some_barcodes(1)[0], 1)])
        sync.sync_once(client(hub_http, a_token))
        assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0  # nothing blocked
    assert _quarantined() == [("staff", "Unapplicable: a staff change needs the owner's signature")]
    assert _hub_doc("staff", str(mallory.id)) is None
    with hub_db.connection_context():
        assert HubSale.select().where(HubSale.id == uuid.UUID(sale.sale_id)).exists()
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert not Staff.select().where(Staff.name == "Mallory").exists()
        with pytest.raises(InputError):
            auth.login("9999")


def test_a_staff_document_signed_with_the_attackers_own_key_is_refused(joined, hub_http):
    """A forged owner row carrying its own key, signed with that key: not a key the hub trusts."""
    first, second, a_token, _ = joined
    with on_till(first):
        doc = authority.governed_doc("staff", str(tillkit.owner().id))
    fields = authority.key_fields("owner", "9999", authority.KeyCost(1, 8, 1))
    forged = {**doc, "id": str(uuid.uuid4()), "name": "Mallory", **fields}
    key = authority.derive("9999", fields["key_salt"])
    at = int(time.time() * 1000)
    proof = {"key": fields["sign_key"], "at": at,
             "sig": signing.sign(key, signing.signed_bytes("staff", forged["id"], forged, at))}
    _snapshot(hub_http, a_token, "staff", {**forged, "_clock": {}, "_authority": proof})
    [(kind, error)] = _quarantined()
    assert kind == "staff" and "is not a trusted owner key" in error
    assert _hub_doc("staff", forged["id"]) is None
    with hub_db.connection_context():
        assert not OwnerKey.select().where(OwnerKey.key == fields["sign_key"]).exists()


def test_a_signature_copied_onto_a_changed_document_is_refused(joined, hub_http):
    """The owner's real signature of the cashier's row, with the role changed to owner."""
    first, second, a_token, b_token = joined
    with on_till(first):
        auth.login("1111")
        cashier = Staff.get(Staff.role == "cashier")
        proof = authority.sign_row("staff", str(cashier.id))
        doc = authority.governed_doc("staff", str(cashier.id))
        authority.forget()
    assert signing.verify(proof["key"], signing.signed_bytes("staff", doc["id"], doc, proof["at"]), proof["sig"])
    promoted = {**doc, "role": "owner"}
    _snapshot(hub_http, a_token, "staff", {**promoted, "_clock": {k: FAR_FUTURE for k in promoted}, "_authority": proof})
    [(kind, error)] = _quarantined()
    assert kind == "staff" and "the signature does not match this document" in error
    assert _hub_doc("staff", str(cashier.id))["role"] == "cashier"
    # The same signature on the document it was made for is accepted (the test can fail the other way).
    _snapshot(hub_http, a_token, "staff", {**doc, "_clock": {}, "_authority": proof})
    assert len(_quarantined()) == 1


def test_caps_raised_with_a_far_future_clock_lose_to_hub_set_caps(joined, hub_http, pg_dsn):
    first, second, a_token, b_token = joined
    with on_till(first):
        with write_transaction():
            set_setting(permits.CAP_SALE, 1_000_000_000)
            set_setting(permits.CAP_DAILY, 1_000_000_000)
        sale = tillkit.sell(None, [(tillkit.some_barcodes(1)[0], 1)])
        sync.sync_once(client(hub_http, a_token))
    # Even signed by a trusted owner, a till's caps are not the chain's (the hub's admin sets them).
    with on_till(first):
        auth.login("1111")
        payload = {"key": permits.CAP_SALE, "value": 1_000_000_000}
        with write_transaction():
            proof = authority.sign_row("setting", permits.CAP_SALE, payload)
    _snapshot(hub_http, a_token, "setting", {**payload, "_clock": {"key": FAR_FUTURE, "value": FAR_FUTURE},
                                             "_authority": proof})
    errors = _quarantined()
    assert [k for k, _ in errors] == ["setting", "setting", "setting"]
    assert all("set on the hub" in e for _, e in errors)
    with hub_db.connection_context():
        assert HubSale.select().where(HubSale.id == uuid.UUID(sale.sale_id)).exists()
        # A hub where the attack once got through: the far-future reading is already there.
        Entity.insert(kind="setting", entity_id=permits.CAP_DAILY, doc={"key": permits.CAP_DAILY, "value": 10**9},
                      clocks={"key": FAR_FUTURE, "value": FAR_FUTURE}).execute()
    admin.run(Namespace(dsn=pg_dsn, hub_command="set-caps", per_sale=300, daily=400))
    assert _hub_doc("setting", permits.CAP_SALE)["value"] == 300
    assert _hub_doc("setting", permits.CAP_DAILY)["value"] == 400
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert (get_setting(permits.CAP_SALE), get_setting(permits.CAP_DAILY)) == (300, 400)


def test_a_forged_rule_set_is_quarantined_and_the_sale_beside_it_applied(joined, hub_http):
    """A rule set with tier_window_days 1e12 written into the till's outbox (no owner's signature)."""
    from models.schema import RuleSet
    from services.programme import rules

    first, second, a_token, b_token = joined
    with on_till(first):
        body = rules.to_dict(rules.active_rules())
        body["tier_window_days"] = 10**12
        forged = {"id": str(uuid.uuid4()), "version": 99, "name": "Forged", "body": json.dumps(body), "status": "active",
                  "effective_from": "2020-01-01T00:00:00", "created_at": "2020-01-01T00:00:00"}
        with write_transaction():
            outbox.record("rule_set", forged)
        sale = tillkit.sell(None, [(tillkit.some_barcodes(1)[0], 1)])
        sync.sync_once(client(hub_http, a_token))
        assert Outbox.select().where(Outbox.sent_at.is_null()).count() == 0
    assert _quarantined() == [("rule_set", "Unapplicable: a rule_set change needs the owner's signature")]
    assert _hub_doc("rule_set", forged["id"]) is None
    with hub_db.connection_context():
        assert HubSale.select().where(HubSale.id == uuid.UUID(sale.sale_id)).exists()
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert not RuleSet.select().where(RuleSet.version == 99).exists()
        assert rules.active_rules().name != "Forged"


def test_an_owner_signed_change_reaches_the_other_till_and_a_new_owner_key_follows_it(joined, hub_http):
    """The owner adds a second owner (signed): the hub trusts the new owner's key
    from that document, so what the second owner signs at the other till is
    applied; demoting them drops the key."""
    first, second, a_token, b_token = joined
    with on_till(first):
        owner = auth.login("1111")
        with write_transaction():
            set_setting("shop_address", "Signed street 5")
        partner = auth.add_staff("Partner", "owner", "525252")
        sync.sync_once(client(hub_http, a_token))
    assert _quarantined() == []
    with hub_db.connection_context():
        new_key = OwnerKey.get(OwnerKey.staff_id == str(partner.id))
        assert new_key.added_by == owner.sign_key and new_key.dropped_at is None
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert get_setting("shop_address") == "Signed street 5"
        assert auth.login("525252").name == "Partner"  # the partner signs in at the other till
        with write_transaction():
            set_setting("shop_address", "Partner's street 7")
        sync.sync_once(client(hub_http, b_token))
    assert _quarantined() == []
    assert _hub_doc("setting", "shop_address")["value"] == "Partner's street 7"
    with on_till(first):
        sync.sync_once(client(hub_http, a_token))
        assert get_setting("shop_address") == "Partner's street 7"
        auth.login("1111")
        with write_transaction():
            Staff.update(role="manager").where(Staff.id == partner.id).execute()
            authority.sign_row("staff", str(partner.id))
        sync.sync_once(client(hub_http, a_token))
    with hub_db.connection_context():
        assert OwnerKey.get_by_id(new_key.key).dropped_at is not None
    with on_till(second):  # the partner's key, still on this till, no longer passes
        sync.sync_once(client(hub_http, b_token))
        auth.login("525252")
        assert authority.unlocked_key() is None  # a manager now: no key held
        Setting.update(value=json.dumps("Old street")).where(Setting.key == "shop_address").execute()
        sync.sync_once(client(hub_http, b_token))
    [(kind, error)] = _quarantined()
    assert kind == "setting" and "needs the owner's signature" in error
    assert _hub_doc("setting", "shop_address")["value"] == "Partner's street 7"


def test_a_replayed_older_signature_changes_nothing_and_a_future_one_is_refused(joined, hub_http):
    first, second, a_token, _ = joined
    with on_till(first):
        auth.login("1111")
        with write_transaction():
            set_setting("shop_address", "First")
            old = authority.sign_row("setting", "shop_address")
            set_setting("shop_address", "Second")
        sync.sync_once(client(hub_http, a_token))
        future_at = int(time.time() * 1000) + 3600_000
        with write_transaction():
            set_setting("shop_address", "From the future")
            future = authority.sign_row("setting", "shop_address", now_ms=future_at)
    assert _hub_doc("setting", "shop_address")["value"] == "Second"
    replay = {"key": "shop_address", "value": "First"}
    _snapshot(hub_http, a_token, "setting", {**replay, "_clock": {"key": FAR_FUTURE, "value": FAR_FUTURE}, "_authority": old})
    assert _hub_doc("setting", "shop_address")["value"] == "Second"  # older than what the hub has: no change
    ahead = {"key": "shop_address", "value": "From the future"}
    _snapshot(hub_http, a_token, "setting", {**ahead, "_clock": {}, "_authority": future})
    [(kind, error)] = _quarantined()
    assert kind == "setting" and "signed at a time the hub has not reached" in error
    assert _hub_doc("setting", "shop_address")["value"] == "Second"
