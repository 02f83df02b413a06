"""Imported opening balances reach the chain only with the owner's signature
(issue 12 item 2; issue 10: the hub trusts no till, what the chain's points
rest on needs the owner's authority).

A till imports members with balances: one ledger entry of kind "import" per
member, signed by the signed-in owner (tests/importkit.py does what the
members import does).  Sync pushes each with its signature; the hub applies
it only when a trusted owner key signed exactly that entry and the member's
imports stay within the cap, and the other tills pull the balances.  A stolen
till token (the till's file, not the owner's PIN) can import nothing: each
attempt is quarantined with its reason and the till's other operations go on.
An old system's sales (Sale.imported) are never pushed, and a sale op that
says it is imported is refused.
"""
from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import pytest

from models.hub import HubLedger, HubSale, Quarantine, hub_db
from models.schema import LedgerEntry, Member, Outbox, RowSignature, Sale, Till
from services.core import signing
from services.core.serialize import as_columns
from services.core.storage import write_transaction
from services.hub import rights
from services.journal import authority, outbox
from services.programme import ledger
from services.shop import staff as auth
from services.sync import client as sync
from tests.hub import tillkit
from tests.hub.conftest import client, on_till, trust_owner_of
from tests.importkit import SIGNED_AS, import_balances

pytestmark = pytest.mark.hub

OWNER_PIN = "111111"


def _quarantined() -> list[tuple[str, str]]:
    with hub_db.connection_context():
        return [(q.kind, q.error) for q in Quarantine.select().order_by(Quarantine.id)]


def _hub_entries(kind: str = "import") -> dict[str, int]:
    """The hub's entries of this kind: id -> points."""
    with hub_db.connection_context():
        return {str(e.id): e.delta for e in HubLedger.select().where(HubLedger.kind == kind)}


def _hub_balance(member_id: str) -> int:
    with hub_db.connection_context():
        return int(hub_db.execute_sql("SELECT COALESCE(SUM(delta), 0) FROM hub_ledger WHERE member_id = %s",
                                      (member_id,)).fetchone()[0])


def _some_members(n: int) -> list[Member]:
    return list(Member.select().where(Member.name != "").order_by(Member.id).limit(n))


def _sync(http, token: str) -> sync.SyncResult:
    result = sync.sync_once(client(http, token))
    assert sync.pending() == 0  # nothing blocked, whatever was refused
    return result


def _sell_beside() -> str:
    """A plain sale made alongside the attack: it must reach the hub all the same."""
    return tillkit.sell(None, [(tillkit.some_barcodes(1)[0], 1)]).sale_id


def _hub_has_sale(sale_id: str) -> bool:
    with hub_db.connection_context():
        return HubSale.select().where(HubSale.id == uuid.UUID(sale_id)).exists()


def _forged(payload: dict, proof: dict | None) -> None:
    """What a till's file and token can send without the owner: any payload, any `_authority`."""
    with write_transaction():
        outbox.record("ledger_entry", {**payload, "_authority": proof} if proof else payload)


def _entry(member: Member, points: int) -> dict:
    """An import entry written on the till as the import writes it, not signed."""
    with write_transaction():
        return as_columns(LedgerEntry, ledger.post(member, "import", points, note="opening balance"))


# --- what the owner does ---------------------------------------------------------------

def test_imported_balances_reach_the_hub_and_the_other_tills(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        members = _some_members(3)
        before = {str(m.id): m.balance for m in members}
        auth.login(OWNER_PIN)
        payloads = import_balances([(members[0], 1500), (members[1], 40), (members[2], 999_000)])
        authority.forget()
        _sync(hub_http, a_token)
        assert RowSignature.select().where(RowSignature.kind == SIGNED_AS).count() == 0  # pushed: let go
    assert _quarantined() == []
    assert _hub_entries() == {p["id"]: p["delta"] for p in payloads}
    for member_id, points in zip(before, (1500, 40, 999_000)):
        assert _hub_balance(member_id) == before[member_id] + points
    with on_till(second):
        _sync(hub_http, b_token)
        pulled = {str(m.id): m.balance for m in Member.select().where(Member.id.in_([uuid.UUID(k) for k in before]))}
        assert pulled == {k: before[k] + p for k, p in zip(before, (1500, 40, 999_000))}
        # What the other till keeps is the entry alone: the signature stayed at the hub's door.
        kept = LedgerEntry.get_by_id(uuid.UUID(payloads[0]["id"]))
        assert (kept.kind, kept.delta) == ("import", 1500)
    with hub_db.connection_context():
        docs = [json.loads(d) for (d,) in hub_db.execute_sql(
            "SELECT doc::text FROM change WHERE kind = 'ledger_entry' AND entity_id = ANY(%s)",
            ([p["id"] for p in payloads],))]
    assert len(docs) == 3 and not any("_authority" in d for d in docs)


def test_a_correction_within_the_balance_is_taken_and_a_replay_changes_nothing(joined, hub_http):
    first, _, a_token, _ = joined
    with on_till(first):
        member = _some_members(1)[0]
        start = member.balance
        auth.login(OWNER_PIN)
        opening = import_balances([(member, 5000)])[0]
        sig = RowSignature.get(RowSignature.kind == SIGNED_AS, RowSignature.row_id == opening["id"])
        _sync(hub_http, a_token)
        member = Member.get_by_id(member.id)
        correction = import_balances([(member, -(start + 5000))])[0]  # the file said less: down to 0
        _sync(hub_http, a_token)
        # The signed opening balance as it went on the wire, sent again as a new operation.
        _forged(opening, {"key": sig.signer, "sig": sig.sig, "at": sig.signed_at})
        _sync(hub_http, a_token)
    assert _quarantined() == []
    assert _hub_entries() == {opening["id"]: 5000, correction["id"]: -(start + 5000)}
    assert _hub_balance(str(member.id)) == 0


# --- what a stolen till token tries ---------------------------------------------------------

def test_an_unsigned_import_from_a_stolen_till_token_is_quarantined(joined, hub_http):
    """The till's file and token, no owner PIN: the entry goes unsigned."""
    first, _, a_token, _ = joined
    with on_till(first):
        member = _some_members(1)[0]
        before = _hub_balance(str(member.id))
        payload = import_balances([(member, 900_000)])[0]
        sale_id = _sell_beside()
        _sync(hub_http, a_token)
    assert _quarantined() == [("ledger_entry", "an imported balance needs the owner's signature")]
    assert payload["id"] not in _hub_entries()
    assert _hub_balance(str(member.id)) == before
    assert _hub_has_sale(sale_id)


def test_an_import_signed_by_a_key_the_hub_does_not_trust_is_quarantined(joined, hub_http):
    """The attacker makes an owner key of their own (as `key_fields` would) and signs with it."""
    first, _, a_token, _ = joined
    fields = authority.key_fields("owner", "999999", authority.KeyCost(1, 8, 1))
    key = authority.derive("999999", fields["key_salt"])
    with on_till(first):
        member = _some_members(1)[0]
        payload = _entry(member, 700_000)
        at = int(time.time() * 1000)
        with write_transaction():  # kept as the owner's would be: sync attaches it
            RowSignature.insert(kind=SIGNED_AS, row_id=payload["id"], digest=signing.digest(payload),
                                signer=fields["sign_key"], sig=signing.sign(key, signing.signed_bytes(
                                    SIGNED_AS, payload["id"], payload, at)), signed_at=at).execute()
        sale_id = _sell_beside()
        _sync(hub_http, a_token)
    [(kind, error)] = _quarantined()
    assert kind == "ledger_entry"
    assert error == (f"an imported balance needs the owner's signature: key {signing.fingerprint(fields['sign_key'])} "
                     "is not a trusted owner key")
    assert payload["id"] not in _hub_entries()
    assert _hub_has_sale(sale_id)


def test_the_owners_signature_copied_onto_another_entry_or_amount_is_quarantined(joined, hub_http):
    """The owner imported 100 points for one member and 200 for another; before
    sync, someone with the till's file raises the first to 100,000 in the outbox
    and copies its signature onto a new entry of their own."""
    first, _, a_token, _ = joined
    with on_till(first):
        member, other = _some_members(2)
        before = _hub_balance(str(member.id))
        auth.login(OWNER_PIN)
        real, good = import_balances([(member, 100), (other, 200)])
        authority.forget()
        sig = RowSignature.get(RowSignature.kind == SIGNED_AS, RowSignature.row_id == real["id"])
        proof = {"key": sig.signer, "sig": sig.sig, "at": sig.signed_at}
        raised = json.dumps({**real, "delta": 100_000, "_authority": proof}, sort_keys=True)
        with write_transaction():
            Outbox.update(payload=raised).where(Outbox.payload.contains(real["id"])).execute()
        _forged({**real, "id": str(uuid.uuid4())}, proof)
        sale_id = _sell_beside()
        _sync(hub_http, a_token)
    mismatch = ("ledger_entry", "an imported balance needs the owner's signature: "
                                "the signature does not match this document")
    assert _quarantined() == [mismatch, mismatch]
    # The other entry, signed in the same import, is taken: the check can fail the other way.
    assert _hub_entries() == {good["id"]: 200}
    assert _hub_balance(str(member.id)) == before
    assert _hub_has_sale(sale_id)


def test_an_import_signed_at_a_far_future_time_is_quarantined(joined, hub_http):
    first, _, a_token, _ = joined
    with on_till(first):
        member = _some_members(1)[0]
        auth.login(OWNER_PIN)
        far = int(time.time() * 1000) + 365 * 24 * 3600 * 1000
        payload = import_balances([(member, 2000)], now_ms=far)[0]
        authority.forget()
        _sync(hub_http, a_token)
    assert _quarantined() == [("ledger_entry", "an imported balance signed at a time the hub has not reached")]
    assert payload["id"] not in _hub_entries()


def test_imports_beyond_the_members_cap_are_quarantined(joined, hub_http):
    """Each entry signed by the owner, but together over the cap (or a correction
    below the balance): the owner's key is no licence for any number."""
    first, _, a_token, _ = joined
    cap = rights.IMPORT_MEMBER_CAP
    with on_till(first):
        a, b, c = _some_members(3)
        balance_c = _hub_balance(str(c.id))
        auth.login(OWNER_PIN)
        first_half = import_balances([(a, 600_000)])[0]
        over = import_balances([(a, 600_000)])[0]  # together 1,200,000
        alone = import_balances([(b, cap + 1)])[0]
        below = import_balances([(c, -(balance_c + 1))])[0]  # a correction below what the member has
        authority.forget()
        sale_id = _sell_beside()
        _sync(hub_http, a_token)
    assert _quarantined() == [
        ("ledger_entry", f"an imported balance of 600000 points brings the member's imported points to 1200000: "
                         f"imports bring a member between {-cap} and {cap}"),
        ("ledger_entry", f"an imported balance of {cap + 1} points brings the member's imported points to {cap + 1}: "
                         f"imports bring a member between {-cap} and {cap}"),
        ("ledger_entry", f"an import correction of {-(balance_c + 1)} points: the member's balance is {balance_c}"),
    ]
    assert _hub_entries() == {first_half["id"]: 600_000}
    assert {over["id"], alone["id"], below["id"]}.isdisjoint(_hub_entries())
    assert _hub_has_sale(sale_id)


def test_a_later_batch_counts_what_the_member_already_imported(joined, hub_http):
    first, _, a_token, _ = joined
    cap = rights.IMPORT_MEMBER_CAP
    with on_till(first):
        member = _some_members(1)[0]
        auth.login(OWNER_PIN)
        import_balances([(member, cap)])
        _sync(hub_http, a_token)
        one_more = import_balances([(member, 1)])[0]
        _sync(hub_http, a_token)
    assert [kind for kind, _ in _quarantined()] == ["ledger_entry"]
    assert one_more["id"] not in _hub_entries()


def test_a_shop_that_imported_before_it_joined_brings_its_balances_in_its_seed(shop_file, hub_http, enrol):
    """The seed keeps its own rule (kinds, bounds, a cap per member), so a shop
    that imported its members first and joined a chain later loses nothing; its
    outbox's signed copies of the same entries then change nothing."""
    _, token = enrol("A")
    trust_owner_of(shop_file)
    with on_till(shop_file):
        members = list(Member.select().where(Member.balance > 0).order_by(Member.id).limit(2))
        auth.login(OWNER_PIN)
        payloads = import_balances([(members[0], 300), (members[1], -1)])
        authority.forget()
        sync.configure("http://testserver", token)
        _sync(hub_http, token)
        balances = {str(m.id): Member.get_by_id(m.id).balance for m in members}
    assert _quarantined() == []
    assert _hub_entries() == {payloads[0]["id"]: 300, payloads[1]["id"]: -1}
    assert {k: _hub_balance(k) for k in balances} == balances


# --- an old system's sales stay home ---------------------------------------------------------

def test_an_imported_sale_never_reaches_the_hub(joined, hub_http):
    """The history import writes sales with no outbox record: sync pushes only the outbox."""
    first, _, a_token, _ = joined
    with on_till(first):
        sale_id = uuid.uuid4()
        with write_transaction():
            Sale.insert(id=sale_id, till=Till.get(Till.is_local == True), receipt_no="OLD-000001",  # noqa: E712
                        member=_some_members(1)[0].id, rule_version=1, created_at=dt.datetime(2024, 3, 1),
                        subtotal=125_000, discount=0, total=125_000, paid_money=125_000, imported=True).execute()
        beside = _sell_beside()
        _sync(hub_http, a_token)
        assert not Outbox.select().where(Outbox.payload.contains(str(sale_id))).exists()
    assert not _hub_has_sale(str(sale_id))
    assert _hub_has_sale(beside)
    assert _quarantined() == []


def test_a_pushed_sale_cannot_claim_to_be_imported(joined, hub_http):
    """A till's sale dressed up as history: refused, whatever else it says."""
    first, _, a_token, _ = joined
    with on_till(first):
        real = _sell_beside()
        op = Outbox.select().where((Outbox.kind == "sale") & Outbox.payload.contains(real)).get()
        body = json.loads(op.payload)
        fake_id = str(uuid.uuid4())
        body["sale"] |= {"id": fake_id, "receipt_no": body["sale"]["receipt_no"] + "-X", "imported": True}
        with write_transaction():
            outbox.record("sale", body)
        _sync(hub_http, a_token)
    assert _quarantined() == [("sale", "a sale marked imported: an old system's sales are never pushed")]
    assert not _hub_has_sale(fake_id)
    assert _hub_has_sale(real)
