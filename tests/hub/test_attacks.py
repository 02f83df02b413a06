"""Attacks on the hub with one enrolled till's own token (issue 10): each is refused
(quarantined with its reason, or turned away at the door) and the chain is as before.
Staff, rule and settings forgeries are in the owner's-authority tests."""
from __future__ import annotations

import json
import uuid

import pytest

from models.hub import AppliedOp, Entity, HubLedger, HubSale, Quarantine, hub_db
from services.hub import apply, checks
from services.hub.app import create_app
from services.hub.door import RateLimit

pytestmark = pytest.mark.hub

NOW = "2026-01-10T10:00:00"
M1, M2 = str(uuid.UUID(int=101)), str(uuid.UUID(int=102))


def publish_rules(status="active", **body):
    """A rule set at the hub as if a trusted owner had signed it (services.hub.governance
    is tested elsewhere): the programme that bounds what a till's sales earn."""
    rule_id = str(uuid.uuid4())
    doc = {"id": rule_id, "version": 1, "status": status, "effective_from": "2026-01-01T00:00:00",
           "body": json.dumps(body)}
    with hub_db.connection_context():
        Entity.insert(kind="rule_set", entity_id=rule_id, doc=doc, clocks={}).execute()
    return rule_id


@pytest.fixture(autouse=True)
def a_programme(request):
    """Every hub here has a programme of 100% points at a kopeck a point: a sale of
    10,000 may earn 10,000 points (the attacks below are measured against that)."""
    if "hub" in request.fixturenames:
        request.getfixturevalue("hub")
        publish_rules(earn_bp=10_000, point_value=1)


def op(seq, kind, payload):
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": kind, "payload": payload}


def sale_op(seq, member=M1, earned=0, redeemed=0, till_id=None, sale_id=None):
    sale_id = sale_id or str(uuid.uuid4())
    return op(seq, "sale", {
        "sale": {"id": sale_id, "till_id": till_id, "receipt_no": f"R-{seq}-{sale_id[:6]}", "member_id": member,
                 "created_at": NOW, "total": 10_000, "paid_money": 10_000, "points_redeemed": redeemed,
                 "points_earned": earned},
        "lines": [], "payments": []})


def entry_op(seq, kind, delta, member=M1, sale_id=None, till_id=None, **more):
    return op(seq, "ledger_entry", {
        "id": str(uuid.uuid4()), "member_id": member, "kind": kind, "delta": delta, "sale_id": sale_id,
        "return_id": None, "till_id": till_id, "staff_id": None, "note": "", "created_at": NOW, **more})


def push(http, token, ops):
    return http.post("/v1/push", json={"ops": ops}, headers={"Authorization": f"Bearer {token}"})


def statuses(answer):
    assert answer.status_code == 200, answer.text
    return [r["status"] for r in answer.json()["results"]]


def ledger():
    with hub_db.connection_context():
        return {(str(e.member_id), e.kind, e.delta) for e in HubLedger.select()}


def reasons():
    with hub_db.connection_context():
        return [q.error for q in Quarantine.select().order_by(Quarantine.id)]


def a_real_sale(http, token, seq=1, earned=50):
    """A till's honest sale and its earn entry: what the attacks are measured against."""
    sale = sale_op(seq, earned=earned)
    sale_id = sale["payload"]["sale"]["id"]
    assert statuses(push(http, token, [sale, entry_op(seq + 1, "earn", earned, sale_id=sale_id)])) == ["applied"] * 2
    return sale_id


def test_a_ledger_entry_tagged_as_another_tills_is_refused(hub_http, enrol):
    _, a = enrol("A")
    b_id, _ = enrol("B")
    sale_id = a_real_sale(hub_http, a)
    forged = entry_op(3, "earn", 1_000_000, sale_id=sale_id, till_id=b_id)
    origin = entry_op(4, "earn", 1_000_000, sale_id=sale_id, origin_id=b_id)
    after = entry_op(5, "earn", 0, sale_id=sale_id)  # nothing blocks the till's next op
    assert statuses(push(hub_http, a, [forged, origin, after])) == ["quarantined", "quarantined", "quarantined"]
    assert ledger() == {(M1, "earn", 50)}
    assert all("another till" in r for r in reasons()[:2]), reasons()
    with hub_db.connection_context():
        assert AppliedOp.select().count() == 5  # every seq consumed: the till is not blocked


def test_a_sale_in_another_tills_name_is_refused(hub_http, enrol):
    _, a = enrol("A")
    b_id, _ = enrol("B")
    assert statuses(push(hub_http, a, [sale_op(1, till_id=b_id), sale_op(2)])) == ["quarantined", "applied"]
    with hub_db.connection_context():
        assert HubSale.select().count() == 1


def test_points_taken_from_another_member_are_refused(hub_http, enrol):
    _, a = enrol("A")
    sale = sale_op(1, member=M1, redeemed=10)
    sale_id = sale["payload"]["sale"]["id"]
    attack = [
        sale,
        entry_op(2, "redeem", -1_000_000, member=M2, sale_id=sale_id),  # another member, on this sale
        entry_op(3, "redeem", -1_000_000, member=M1, sale_id=sale_id),  # more than the sale redeemed
        entry_op(4, "reverse", -1_000_000, member=M2, sale_id=sale_id),  # a reverse with no return
        entry_op(5, "expire", -1_000_000, member=M2),  # expiring what the member never had
        entry_op(6, "adjust", -1_000_000, member=M2, note="because"),  # no manager, beyond any adjustment
        entry_op(7, "redeem", -10, member=M1, sale_id=sale_id),  # the honest one
    ]
    assert statuses(push(hub_http, a, attack)) == ["applied"] + ["quarantined"] * 5 + ["applied"]
    assert ledger() == {(M1, "redeem", -10)}


def test_an_earn_on_a_sale_that_does_not_exist_is_refused(hub_http, enrol):
    _, a = enrol("A")
    sale_id = a_real_sale(hub_http, a, earned=50)
    ghost = entry_op(3, "earn", 5_000, sale_id=str(uuid.uuid4()))
    greedy = entry_op(4, "earn", 5_000, sale_id=sale_id)  # beyond what the real sale earned
    assert statuses(push(hub_http, a, [ghost, greedy])) == ["quarantined", "quarantined"]
    assert ledger() == {(M1, "earn", 50)}
    assert "does not have" in reasons()[0] and "earned 50" in reasons()[1]


def test_an_invented_kind_is_refused(hub_http, enrol):
    _, a = enrol("A")
    assert statuses(push(hub_http, a, [entry_op(1, "free_money", 1_000_000)])) == ["quarantined"]
    assert ledger() == set() and "free_money" in reasons()[0]


def test_the_hub_knows_the_tills_ledger_kinds():
    from models.schema import LedgerEntry

    assert checks.LEDGER_KINDS == LedgerEntry.KINDS


def test_a_member_overwritten_with_a_clock_from_the_future_is_refused(hub_http, enrol):
    _, a = enrol("A")
    honest = {"id": M1, "name": "Anna", "phone": "+37360000001", "_clock": {
        "name": "1764000000000:00000:A", "phone": "1764000000000:00000:A"}}
    forged = {"id": M1, "name": "Mallory", "phone": "+37369999999", "_clock": {
        "name": "4102444800000:00000:A", "phone": "4102444800000:00000:A"}}  # the year 2100
    huge = {"id": M2, "name": "x" * 100_000}
    assert statuses(push(hub_http, a, [op(1, "member", honest), op(2, "member", forged), op(3, "member", huge)])) == [
        "applied", "quarantined", "quarantined"]
    with hub_db.connection_context():
        doc = Entity.get((Entity.kind == "member") & (Entity.entity_id == M1)).doc
    assert (doc["name"], doc["phone"]) == ("Anna", "+37360000001")
    assert "future" in reasons()[0] and "longer than" in reasons()[1]


def test_entries_of_two_to_the_63_are_refused_and_sync_goes_on(joined, hub_http):
    """Two entries of 2^63-1 once broke every later sync ("integer overflow") and froze the pull cursor."""
    from services.sync import client as sync
    from tests.hub import tillkit
    from tests.hub.conftest import client, on_till

    first, second, a_token, b_token = joined
    with on_till(first):
        member = tillkit.balances()
        member_id = next(iter(member))
        with hub_db.connection_context():
            last = AppliedOp.select().where(AppliedOp.till_id == client(hub_http, a_token).whoami()["till_id"]).count()
    big = [entry_op(last + 1 + i, "adjust", 2**63 - 1, member=member_id, note="x") for i in range(2)]
    assert statuses(push(hub_http, a_token, big)) == ["quarantined", "quarantined"]
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        after = tillkit.balances()
        assert sync.sync_once(client(hub_http, b_token)).pulled == 0
    assert after[member_id] == member[member_id]
    assert all("outside" in r for r in reasons())


def test_the_big_body_is_refused_before_it_is_read(hub, enrol):
    """The token first, then the size: a body over the limit is 413 whether its length says so or it grows."""
    from fastapi.testclient import TestClient

    _, a = enrol("A")
    read = []

    def body():
        for _ in range(64):
            read.append(1)
            yield b" " * 1024

    with TestClient(create_app(max_body=4096)) as http:
        answer = http.post("/v1/push", content=body(), headers={"Authorization": "Bearer nobody"})
        assert answer.status_code == 401 and len(read) <= 1  # a stranger's body is never read
        answer = http.post("/v1/push", content=body(), headers={"Authorization": f"Bearer {a}"})
        assert answer.status_code == 413  # chunked (no length said): refused as it grows past the limit
        big = http.post("/v1/push", content=b"{}", headers={"Authorization": f"Bearer {a}",
                                                             "Content-Length": str(315 * 1024 * 1024)})
        assert big.status_code == 413
        assert push(http, a, [sale_op(1)]).status_code == 200


def test_payloads_that_are_not_json_objects_are_quarantined_not_a_500(hub_http, enrol):
    _, a = enrol("A")
    ops = [op(1, "sale", "{not json"), op(2, "sale", json.dumps([1, 2])), op(3, "member", [1, 2]), sale_op(4)]
    assert statuses(push(hub_http, a, ops)) == ["quarantined", "quarantined", "quarantined", "applied"]
    assert reasons() == ["the payload is not JSON", "the payload is not a JSON object", "the payload is not a JSON object"]
    headers = {"Authorization": f"Bearer {a}", "Content-Type": "application/json"}
    assert hub_http.post("/v1/push", content=b"[1, 2]", headers=headers).status_code == 422
    assert hub_http.post("/v1/push", content=b"{nope", headers=headers).status_code == 422


def test_a_till_over_its_rate_is_told_to_wait(hub, enrol):
    from fastapi.testclient import TestClient

    _, a = enrol("A")
    _, b = enrol("B")
    now = [100.0]
    limit = RateLimit(per_second=1.0, burst=2, clock=lambda: now[0])
    with TestClient(create_app(rate=limit)) as http:
        whoami = [http.get("/v1/whoami", headers={"Authorization": f"Bearer {a}"}) for _ in range(3)]
        assert [r.status_code for r in whoami] == [200, 200, 429]
        assert whoami[2].headers["Retry-After"] == "1"
        assert http.get("/v1/whoami", headers={"Authorization": f"Bearer {b}"}).status_code == 200  # per till
        now[0] += 1.0
        assert http.get("/v1/whoami", headers={"Authorization": f"Bearer {a}"}).status_code == 200


def test_a_bug_in_a_handler_is_a_500_not_bad_data(hub, enrol, monkeypatch):
    from fastapi.testclient import TestClient

    _, a = enrol("A")

    def broken(ops, ctx):
        return {}["a bug"]

    monkeypatch.setitem(apply.HANDLERS, "sale", (60, broken))
    with TestClient(create_app(), raise_server_exceptions=False) as http:
        assert push(http, a, [sale_op(1)]).status_code == 500
    with hub_db.connection_context():
        assert Quarantine.select().count() == 0 and AppliedOp.select().count() == 0  # the till sends it again


def test_the_seed_route_is_no_way_round_the_checks(hub_http, enrol):
    """Once a till has pushed, ledger entries sent as a snapshot are checked as any push."""
    _, a = enrol("A")
    a_real_sale(hub_http, a)
    answer = hub_http.post("/v1/snapshot", json={"ops": [entry_op(0, "earn", 1_000_000, sale_id=str(uuid.uuid4()))]},
                           headers={"Authorization": f"Bearer {a}"})
    assert answer.json() == {"applied": 0}
    assert ledger() == {(M1, "earn", 50)}


def test_returns_give_back_no_more_than_their_own_figures(hub_http, enrol):
    _, a = enrol("A")
    sale_id = a_real_sale(hub_http, a, earned=50)

    def return_op(seq, sale, reversed_=50, restored=0):
        ret_id = str(uuid.uuid4())
        return ret_id, op(seq, "return", {"return": {
            "id": ret_id, "sale_id": sale, "till_id": None, "created_at": NOW, "refund": 1000, "value": 1000,
            "points_reversed": reversed_, "points_restored": restored}, "lines": []})

    ret_id, ret = return_op(3, sale_id)
    _, ghost = return_op(4, str(uuid.uuid4()))
    _, greedy = return_op(5, sale_id, reversed_=1_000_000)
    ops = [
        ret, ghost, greedy,
        entry_op(6, "reverse", -1_000_000, sale_id=sale_id, return_id=ret_id),
        entry_op(7, "restore", 1_000_000, sale_id=sale_id, return_id=ret_id),
        entry_op(8, "reverse", -50, member=M2, sale_id=sale_id, return_id=ret_id),
        entry_op(9, "reverse", -50, sale_id=sale_id, return_id=ret_id),
        entry_op(10, "reverse", -50, sale_id=sale_id, return_id=ret_id),  # the same points twice
    ]
    assert statuses(push(hub_http, a, ops)) == [
        "applied", "quarantined", "quarantined", "quarantined", "quarantined", "quarantined", "applied", "quarantined"]
    assert ledger() == {(M1, "earn", 50), (M1, "reverse", -50)}


def test_a_nul_character_is_quarantined_too(hub_http, enrol):
    _, a = enrol("A")
    nul = entry_op(1, "free\u0000money", 5)
    assert statuses(push(hub_http, a, [nul, sale_op(2)])) == ["quarantined", "applied"]


def test_a_pull_cursor_beyond_any_number_is_a_4xx(hub_http, enrol):
    _, a = enrol("A")
    answer = hub_http.get("/v1/pull", params={"after": 2**70}, headers={"Authorization": f"Bearer {a}"})
    assert answer.status_code == 422
    assert hub_http.get("/v1/pull", params={"after": 0}, headers={"Authorization": f"Bearer {a}"}).status_code == 200


def test_a_hold_beyond_any_number_is_a_4xx(hub_http, enrol):
    _, a = enrol("A")
    body = {"hold_id": str(uuid.uuid4()), "member_id": M1, "points": 2**70}
    assert hub_http.post("/v1/holds", json=body, headers={"Authorization": f"Bearer {a}"}).status_code == 422
