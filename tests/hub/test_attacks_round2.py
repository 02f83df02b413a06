"""The second round of attacks on the hub with one till's own token (issue 10,
/tmp/attack's gov_replay, seed, poison, poison2, price and nested): each did
harm on the hub before; each is now refused, quarantined or answered 4xx, and
the till's other operations go on."""
from __future__ import annotations

import json
import time
import uuid

import pytest

from models.hub import Entity, HubLedger, OwnerKey, Quarantine, hub_db
from services.core import signing
from services.hub import governance, pull
from services.journal import authority

pytestmark = pytest.mark.hub

CHEAP = authority.KeyCost(1, 8, 1)
NOW = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


def person(pin):
    fields = authority.key_fields("owner", pin, CHEAP)
    return fields, authority.derive(pin, fields["key_salt"])


def signed(kind, eid, doc, key, pub, at):
    return {**doc, "_authority": {"key": pub, "at": at, "sig": signing.sign(key, signing.signed_bytes(kind, eid, doc, at))}}


class Till:
    def __init__(self, http, token):
        self.http, self.token, self.seq = http, token, 0

    def push(self, kind, payload):
        self.seq += 1
        answer = self.http.post("/v1/push", json={"ops": [{"op_id": str(uuid.uuid4()), "seq": self.seq, "kind": kind,
                                                           "payload": payload}]}, headers=self.auth)
        assert answer.status_code == 200, answer.text
        return answer.json()["results"][0]["status"]

    def post(self, path, body: bytes):
        return self.http.post(path, content=body, headers={**self.auth, "Content-Type": "application/json"})

    @property
    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}


def trusted_keys():
    with hub_db.connection_context():
        return {k.key for k in OwnerKey.select().where(OwnerKey.dropped_at.is_null())}


def doc_of(kind, eid):
    with hub_db.connection_context():
        row = Entity.get_or_none((Entity.kind == kind) & (Entity.entity_id == eid))
        return row.doc if row else None


def reasons():
    with hub_db.connection_context():
        return [q.error for q in Quarantine.select().order_by(Quarantine.id)]


@pytest.fixture
def till(hub_http, enrol):
    return Till(hub_http, enrol("A")[1])


# --- 1. governance: a replayed signature brings back no key --------------------------------------


def test_a_replayed_promotion_does_not_bring_back_a_demoted_owner(till):
    fo, ko = person("111111")
    fx, kx = person("555555")
    with hub_db.connection_context():
        governance.trust(fo["sign_key"], name="Owner")
    xid, now = str(uuid.uuid4()), int(time.time() * 1000)
    promote = {"id": xid, "name": "Xenia", "role": "owner", "active": True, "sign_key": fx["sign_key"],
               "key_salt": fx["key_salt"]}
    demote = {**promote, "role": "manager", "sign_key": None, "key_salt": None}
    old = signed("staff", xid, promote, ko, fo["sign_key"], now - 60_000)
    assert till.push("staff", old) == "applied"
    assert fx["sign_key"] in trusted_keys()
    assert till.push("staff", signed("staff", xid, demote, ko, fo["sign_key"], now - 30_000)) == "applied"
    assert till.push("staff", old) == "quarantined"  # any till replays step 1
    assert trusted_keys() == {fo["sign_key"]}
    assert doc_of("staff", xid)["role"] == "manager"
    rid = str(uuid.uuid4())
    rules = {"id": rid, "version": 99, "body": json.dumps({"welcome_points": 1_000_000_000}),
             "effective_from": "2026-01-01T00:00:00"}
    assert till.push("rule_set", signed("rule_set", rid, rules, kx, fx["sign_key"], now)) == "quarantined"
    assert doc_of("rule_set", rid) is None


def test_an_old_pin_s_key_does_not_come_back(till):
    fo, ko = person("111111")
    with hub_db.connection_context():
        governance.trust(fo["sign_key"], name="Owner")
    first, _ = person("555555")
    second, _ = person("666666")
    xid, now = str(uuid.uuid4()), int(time.time() * 1000)
    base = {"id": xid, "name": "Xenia", "role": "owner", "active": True}
    old = signed("staff", xid, {**base, **first}, ko, fo["sign_key"], now - 60_000)
    assert till.push("staff", old) == "applied"
    assert till.push("staff", signed("staff", xid, {**base, **second}, ko, fo["sign_key"], now - 30_000)) == "applied"
    assert till.push("staff", old) == "quarantined"
    assert trusted_keys() == {fo["sign_key"], second["sign_key"]}
    # Nor through a newer document naming the dropped key: only `hub trust-owner` trusts it again.
    assert till.push("staff", signed("staff", xid, {**base, **first}, ko, fo["sign_key"], now - 10_000)) == "applied"
    assert first["sign_key"] not in trusted_keys()
    assert second["sign_key"] not in trusted_keys()


# --- 2. the seed: once, and bounded ----------------------------------------------------------------


def _earn(member, delta=1_000_000_000):
    return {"op_id": str(uuid.uuid4()), "seq": 0, "kind": "ledger_entry", "payload": {
        "id": str(uuid.uuid4()), "member_id": member, "kind": "earn", "delta": delta, "sale_id": str(uuid.uuid4()),
        "return_id": None, "till_id": None, "staff_id": None, "note": "", "created_at": NOW}}


def _balance(member):
    with hub_db.connection_context():
        return sum(e.delta for e in HubLedger.select().where(HubLedger.member_id == member))


def test_snapshots_again_and_again_bring_no_unsupported_points(till):
    member = str(uuid.uuid4())
    for _ in range(5):
        answer = till.http.post("/v1/snapshot", json={"ops": [_earn(member) for _ in range(20)]}, headers=till.auth)
        assert answer.status_code == 200, answer.text
    assert _balance(member) == 0


def test_a_seed_is_taken_once_and_within_a_cap_per_member(till):
    member, other = str(uuid.uuid4()), str(uuid.uuid4())

    def seed(part, ops):
        answer = till.http.post(f"/v1/snapshot?seed={part}", json={"ops": ops}, headers=till.auth)
        assert answer.status_code == 200, answer.text
        return answer.json()["applied"]

    assert seed("more", [_earn(member, 600_000), _earn(member, 600_000), _earn(other, 1_000_000_000)]) == 1
    assert _balance(member) == 600_000 and _balance(other) == 0
    assert seed("last", [_earn(member, 300_000)]) == 1
    assert seed("more", [_earn(member, 1)]) == 0  # the seed is over
    assert _balance(member) == 900_000
    assert any("a seed brings at most" in r for r in reasons())


# --- 3, 4. the catalogue: typed, bounded; the pull never fails on a row ------------------------------


def test_poisoned_catalogue_documents_are_quarantined(till):
    nested = {"a": 1}
    for _ in range(500):
        nested = {"n": nested}
    pid = str(uuid.uuid4())
    assert till.push("product", {"id": str(uuid.uuid4()), "name": "Z", "barcode": "4600000000000",
                                 "price": nested}) == "quarantined"
    assert till.push("product", {"id": pid, "name": "Z" * 1_000_000, "price": 100}) == "quarantined"
    assert till.push("product", {"id": pid, "name": "Milk", "price": "1e999"}) == "quarantined"
    assert till.push("category", {"id": str(uuid.uuid4()), "name": {"x": [1, 2]}, "loyalty_excluded": "maybe"}) \
        == "quarantined"
    assert till.push("category", {"id": str(uuid.uuid4()), "name": ["x"] * 10}) == "quarantined"
    assert till.push("price_change", {"id": str(uuid.uuid4()), "product_id": pid, "price": -5, "previous": 1}) \
        == "quarantined"
    assert till.push("product_code", {"id": str(uuid.uuid4()), "product_id": pid, "code": "4" * 500}) == "quarantined"
    assert till.push("product", {"id": pid, "name": "Milk", "price": 8_990, "barcode": "4600000000017",
                                 "active": True}) == "applied"
    assert doc_of("product", pid)["price"] == 8_990
    answer = till.http.get("/v1/pull?after=0", headers=till.auth)
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()["changes"]] == [pid]


def test_a_bad_row_already_in_the_change_log_is_held_back_from_pull(till):
    deep = "[" * 2000 + "]" * 2000
    with hub_db.connection_context():
        hub_db.execute_sql(
            "INSERT INTO change (kind, entity_id, origin_id, doc) SELECT 'product', 'p1', id, %s::json FROM hub_till",
            (json.dumps({"id": "p1", "price": json.loads("[" * 500 + "]" * 500)}),))
        hub_db.execute_sql("INSERT INTO change (kind, entity_id, doc) VALUES ('product', 'p2', %s::json)", (deep,))
        hub_db.execute_sql("INSERT INTO change (kind, entity_id, doc) VALUES ('category', 'c1', '{\"id\": \"c1\"}')")
    answer = till.http.get("/v1/pull?after=0", headers=till.auth)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [c["id"] for c in body["changes"]] == ["c1"]
    assert body["cursor"] == 3
    assert any("held back" in r for r in reasons())
    with hub_db.connection_context():
        assert pull.page(0)["cursor"] == 3


# --- 5. payloads that gave a 500 ----------------------------------------------------------------------


def test_payloads_that_gave_500s_are_quarantined_or_refused(till):
    deep = 100_000
    text = json.dumps({"ops": [{"op_id": str(uuid.uuid4()), "seq": 1, "kind": "product",
                                "payload": "[" * deep + "]" * deep}]})
    answer = till.post("/v1/push", text.encode())
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"] == {"quarantined": 1}
    surrogate = json.dumps({"ops": [{"op_id": str(uuid.uuid4()), "seq": 2, "kind": "member",
                                     "payload": {"id": str(uuid.uuid4()), "name": "x\ud800"}}]})
    answer = till.post("/v1/push", surrogate.encode())
    assert answer.status_code == 200, answer.text
    assert answer.json()["counts"] == {"quarantined": 1}
    as_text = json.dumps({"ops": [{"op_id": str(uuid.uuid4()), "seq": 3, "kind": "member",
                                   "payload": json.dumps({"id": str(uuid.uuid4()), "name": "x\ud800"})}]})
    assert till.post("/v1/push", as_text.encode()).json()["counts"] == {"quarantined": 1}
    kind = json.dumps({"ops": [{"op_id": str(uuid.uuid4()), "seq": 4, "kind": "a\u0000\ud800", "payload": {}}]})
    answer = till.post("/v1/push", kind.encode())
    assert 400 <= answer.status_code < 500 or answer.json()["counts"] == {"quarantined": 1}, answer.text
    nul = json.dumps({"ops": [{"op_id": str(uuid.uuid4()), "seq": 4, "kind": "a\u0000", "payload": {}}]})
    answer = till.post("/v1/push", nul.encode())
    assert answer.status_code == 200 and answer.json()["counts"] == {"quarantined": 1}, answer.text
    assert till.post("/v1/push", b'{"ops": [' + b"[" * deep + b"]" * deep + b"]}").status_code in (400, 422)
    till.seq = 4
    assert till.push("member", {"id": str(uuid.uuid4()), "name": "Anna"}) == "applied"  # nothing blocked


def test_a_client_leaving_mid_body_leaves_no_traceback(hub, enrol, caplog):
    import asyncio

    from services.hub.app import create_app

    token = enrol("A")[1]
    app = create_app()
    sent: list[dict] = []
    messages = iter([{"type": "http.request", "body": b'{"ops": [', "more_body": True}, {"type": "http.disconnect"}])

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/push", "raw_path": b"/v1/push", "query_string": b"", "root_path": "",
             "headers": [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")],
             "client": ("127.0.0.1", 5), "server": ("127.0.0.1", 80)}
    with caplog.at_level("INFO"):
        asyncio.run(app(scope, receive, send))
    assert sent == []
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert any(r.getMessage() == "client left" for r in caplog.records)
