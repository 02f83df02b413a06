"""An imported opening balance goes to the hub with the owner's signature
(issue 12 item 2, issue 10: the hub takes no balance on a till's word).

The till keeps the signature `authority.sign_rows` made when the owner
imported; the push gives each import entry its `_authority` {key, sig, at},
and every other operation goes exactly as the outbox holds it."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.schema import Member, Outbox, RowSignature, utcnow
from services.core import signing
from services.core.storage import write_transaction
from services.journal import authority
from services.programme import ledger
from services.shop import staff as auth
from services.sync import client as sync
from tests.conftest import PINS
from tests.importkit import SIGNED_AS, import_balances
from tests.unit.shopkit import add_member
from tests.unit.sync.fakehub import URL, FakeHub


def _hub() -> FakeHub:
    hub = FakeHub()
    sync.configure(URL, hub.token)
    return hub


def _members(shop, n: int) -> list[Member]:
    return [add_member(f"Imported {i}", shop["cashier"], f"+7999111000{i}")[0] for i in range(n)]


def _sent(hub: FakeHub) -> list[dict]:
    """Every op of every push as it went on the wire (its payload the JSON text sent)."""
    return [op for call in hub.calls("push") for op in call.body["ops"]]


def _pushed(hub: FakeHub) -> list[tuple[str, dict]]:
    return [(op["kind"], json.loads(op["payload"])) for op in _sent(hub)]


def _import_signatures() -> int:
    return RowSignature.select().where(RowSignature.kind == SIGNED_AS).count()


def test_each_import_entry_is_pushed_with_the_owners_signature_of_exactly_it(shop):
    hub = _hub()
    members = _members(shop, 3)
    owner = auth.login(PINS["owner"])
    with write_transaction():
        assert authority.sign_row("setting", "shop_name") is not None  # a governed row's, kept for good
    payloads = import_balances([(members[0], 1200), (members[1], 50), (members[2], 999_999)])
    before = {r.seq: r.payload for r in Outbox.select()}
    assert _import_signatures() == 3

    assert sync.push_all(hub.client()) == len(before)

    imports = [doc for kind, doc in _pushed(hub) if kind == "ledger_entry" and doc["kind"] == "import"]
    assert [d["delta"] for d in imports] == [1200, 50, 999_999]
    for doc, payload in zip(imports, payloads):
        proof = doc.pop("_authority")
        assert doc == payload  # the entry itself, unchanged
        assert proof["key"] == owner.sign_key
        assert signing.verify(proof["key"], signing.signed_bytes(SIGNED_AS, doc["id"], doc, proof["at"]), proof["sig"])
    # Every other operation went as the outbox holds it, without a signature.
    others = [op for op in _sent(hub) if '"import"' not in op["payload"]]
    assert others and all(op["payload"] == before[op["seq"]] for op in others)
    # Answered for: the import's signatures are not kept; the governed rows' are.
    assert _import_signatures() == 0
    assert RowSignature.get_or_none(RowSignature.kind == "setting", RowSignature.row_id == "shop_name") is not None


def test_an_import_made_without_an_owner_signed_in_goes_unsigned(shop):
    """No owner key in memory: nothing is signed, the hub will say so (quarantine)."""
    hub = _hub()
    member = _members(shop, 1)[0]
    import_balances([(member, 300)])
    assert _import_signatures() == 0
    sync.push_all(hub.client())
    imports = [doc for kind, doc in _pushed(hub) if kind == "ledger_entry" and doc["kind"] == "import"]
    assert [d["delta"] for d in imports] == [300] and "_authority" not in imports[0]


def test_a_signature_for_another_document_is_not_sent(shop):
    """The entry in the outbox no longer matches what the owner signed (its points
    were changed in the file): the kept signature is not attached to it."""
    hub = _hub()
    member = _members(shop, 1)[0]
    auth.login(PINS["owner"])
    payload = import_balances([(member, 300)])[0]
    with write_transaction():
        row = Outbox.select().where(Outbox.payload.contains(payload["id"])).get()
        Outbox.update(payload=row.payload.replace('"delta": 300', '"delta": 300000')).where(Outbox.seq == row.seq).execute()
    sync.push_all(hub.client())
    imports = [doc for kind, doc in _pushed(hub) if kind == "ledger_entry" and doc["kind"] == "import"]
    assert [d["delta"] for d in imports] == [300000] and "_authority" not in imports[0]


def test_a_lost_answer_keeps_the_signature_for_the_batch_sent_again(shop):
    hub = _hub()
    member = _members(shop, 1)[0]
    auth.login(PINS["owner"])
    import_balances([(member, 700)])
    hub.fail("push", "lose")
    try:
        sync.push_all(hub.client())
    except sync.SyncError:
        pass
    assert _import_signatures() == 1  # the hub has not answered for it yet
    sync.push_all(hub.client())
    sent = [json.loads(op["payload"]) for op in _sent(hub) if '"import"' in op["payload"]]
    assert len(sent) == 2 and all("_authority" in doc for doc in sent)  # both times signed
    assert sent[0] == sent[1]
    assert _import_signatures() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(points=st.integers(-1_000_000, 1_000_000).filter(bool), note=st.text(max_size=60))
def test_only_import_entries_are_given_a_signature(shop, points, note):
    """Whatever the points and whatever an adjustment's note says (even the text
    an import entry's payload holds), only the import entry gets `_authority`."""
    member = Member.select().first() or _members(shop, 1)[0]
    with write_transaction():  # what came before is through
        Outbox.update(sent_at=utcnow()).where(Outbox.sent_at.is_null()).execute()
    if authority.unlocked_key() is None:
        auth.login(PINS["owner"])
    payload = import_balances([(member, points)])[0]
    with write_transaction():
        ledger.post(member, "adjust", 5, staff=shop["manager"], note=note + ' "kind": "import"')
    ops = [{"op_id": str(r.op_id), "seq": r.seq, "kind": r.kind, "payload": r.payload}
           for r in Outbox.select().where(Outbox.sent_at.is_null()).order_by(Outbox.seq)]
    texts = [o["payload"] for o in ops]
    signed = sync.with_import_authority(ops)
    assert list(signed.values()) == [payload["id"]]
    docs = [json.loads(o["payload"]) for o in ops]
    assert [("_authority" in d) for d in docs] == [True, False]
    assert ops[1]["payload"] == texts[1]
    assert {k: v for k, v in docs[0].items() if k != "_authority"} == payload


def test_an_import_committed_while_a_push_runs_goes_signed(shop):
    """The import runs on a worker while sync pushes: entries it commits between
    two batches are pushed with their signatures, not refused as unsigned."""
    hub = _hub()
    members = _members(shop, 2)
    auth.login(PINS["owner"])
    assert _import_signatures() == 0  # nothing waits when the push starts
    made: list[dict] = []

    def import_meanwhile(received) -> None:
        if received.route == "push" and not made:
            made.extend(import_balances([(members[0], 250)]))

    hub.on_request = import_meanwhile
    sync.push_all(hub.client(), batch=2)
    imports = [doc for kind, doc in _pushed(hub) if kind == "ledger_entry" and doc["kind"] == "import"]
    assert [d["id"] for d in imports] == [made[0]["id"]]
    assert "_authority" in imports[0]
    assert _import_signatures() == 0


def test_a_members_file_sends_each_opening_balance_with_the_signature_made_for_it(shop):
    """The members import writes its operations in bulk, as compact JSON (serialize.compact):
    the push finds its import entries all the same, and the hub gets exactly what the owner signed."""
    from services.core.storage import Pace
    from services.imports import members as engine

    hub = _hub()
    owner = auth.login(PINS["owner"])
    rows = [{"name": f"Imported {i}", "card": f"99000{i:03d}", "balance": str(100 + i)} for i in range(30)]
    engine.run(list(enumerate(rows, start=2)), actor=owner, pace=Pace(7, rest_s=0, sleep=lambda s: None, most=7))
    entries = [r.payload for r in Outbox.select().where(Outbox.kind == "ledger_entry")]
    assert len(entries) == 30 and all('"kind":"import"' in p for p in entries)  # the compact form
    sync.push_all(hub.client())
    imports = [doc for kind, doc in _pushed(hub) if kind == "ledger_entry" and doc["kind"] == "import"]
    assert sorted(d["delta"] for d in imports) == [100 + i for i in range(30)]
    for doc in imports:
        proof = doc.pop("_authority")
        assert proof["key"] == owner.sign_key
        assert signing.verify(proof["key"], signing.signed_bytes(SIGNED_AS, doc["id"], doc, proof["at"]), proof["sig"])
