"""Ledger attacks with one till's own token (issue 10, /tmp/attack/ledger_attacks.py,
gov_replay.py steps 5-6, door_mem.py): one till cannot inflate the chain's ledger,
expire another's points, invent tiers, or fill the hub's memory."""
from __future__ import annotations

import uuid

import anyio
import pytest

from models.hub import Entity, HubLedger, hub_db
from services.hub import checks, door
from test_attacks import NOW, a_programme, entry_op, op, publish_rules, push, reasons, sale_op, statuses  # noqa: F401

pytestmark = pytest.mark.hub

MULE = str(uuid.UUID(int=201))
OWNER = str(uuid.UUID(int=7))


def balance(member):
    with hub_db.connection_context():
        return sum(e.delta for e in HubLedger.select().where(HubLedger.member_id == member))


def a_sale(seq, member=MULE, total=10_000, earned=0, redeemed=0, lines=()):
    sale = sale_op(seq, member=member, earned=earned, redeemed=redeemed)
    sale["payload"]["sale"]["total"] = sale["payload"]["sale"]["paid_money"] = total
    sale["payload"]["lines"] = list(lines)
    return sale, sale["payload"]["sale"]["id"]


def test_an_invented_sale_earns_no_more_than_its_total_could(hub_http, enrol):
    _, a = enrol("A")  # the programme: 100% at a kopeck a point (test_attacks.a_programme)
    penny, penny_id = a_sale(1, total=1, earned=1_000_000_000)
    honest, honest_id = a_sale(3, total=5_000, earned=5_000)
    ops = [penny, entry_op(2, "earn", 1_000_000_000, member=MULE, sale_id=penny_id),
           honest, entry_op(4, "earn", 5_000, member=MULE, sale_id=honest_id)]
    assert statuses(push(hub_http, a, ops)) == ["applied", "quarantined", "applied", "applied"]
    assert balance(MULE) == 5_000
    assert "can earn at most 1" in reasons()[0]


def test_fixed_points_count_per_unit_and_a_sale_is_bounded_absolutely(hub_http, enrol):
    _, a = enrol("A")
    publish_rules(promotions=[{"code": "p", "name": "p", "kind": "fixed_points", "points": 1_000}])
    three, three_id = a_sale(1, total=3, earned=3_003, lines=[{"qty": 3}])
    huge, huge_id = a_sale(3, total=10**11, earned=checks.MAX_SALE_POINTS + 1)
    ops = [three, entry_op(2, "earn", 3_003, member=MULE, sale_id=three_id),
           huge, entry_op(4, "earn", checks.MAX_SALE_POINTS + 1, member=MULE, sale_id=huge_id)]
    assert statuses(push(hub_http, a, ops)) == ["applied", "applied", "applied", "quarantined"]
    assert balance(MULE) == 3_003


def test_a_drafts_rates_and_bonuses_count_for_nothing(hub_http, enrol):
    _, a = enrol("A")
    publish_rules(status="draft", earn_bp=10_000, point_value=1, birthday_points=500, welcome_points=10**9)
    sale, sale_id = a_sale(1, total=10_000, earned=10_000)
    ops = [sale, entry_op(2, "birthday", 500, member=MULE, sale_id=sale_id),
           entry_op(3, "welcome", 10**9, member=MULE)]
    assert statuses(push(hub_http, a, ops)) == ["applied", "quarantined", "quarantined"]
    assert balance(MULE) == 0


def test_fifty_returns_of_one_sale_give_back_the_sale_once(hub_http, enrol):
    _, a = enrol("A")
    earn, earn_id = a_sale(1, total=100_000, earned=1_000)
    spend, spend_id = a_sale(3, total=100_000, redeemed=1_000)
    ops = [earn, entry_op(2, "earn", 1_000, member=MULE, sale_id=earn_id),
           spend, entry_op(4, "redeem", -1_000, member=MULE, sale_id=spend_id)]
    assert statuses(push(hub_http, a, ops)) == ["applied"] * 4
    results = []
    for i in range(50):
        ret_id = str(uuid.uuid4())
        seq = 5 + 2 * i
        ret = op(seq, "return", {"return": {
            "id": ret_id, "sale_id": spend_id, "till_id": None, "created_at": NOW, "refund": 100_000,
            "value": 100_000, "points_reversed": 0, "points_restored": 1_000}, "lines": []})
        results += statuses(push(hub_http, a, [
            ret, entry_op(seq + 1, "restore", 1_000, member=MULE, sale_id=spend_id, return_id=ret_id)]))
    assert results[:2] == ["applied", "applied"]
    assert set(results[2:]) == {"quarantined"}
    assert balance(MULE) == 1_000  # earned 1,000, spent it, got it back once


def test_a_birthday_is_once_a_year_on_the_members_own_sale(hub_http, enrol):
    _, a = enrol("A")
    publish_rules(birthday_points=500)
    nobodys, nobodys_id = a_sale(1, member=None)
    own, own_id = a_sale(2)
    ops = [nobodys, own, entry_op(3, "birthday", 500, member=MULE, sale_id=nobodys_id)]
    ops += [entry_op(4 + i, "birthday", 500, member=MULE, sale_id=own_id) for i in range(30)]
    answer = statuses(push(hub_http, a, ops))
    assert answer[:4] == ["applied", "applied", "quarantined", "applied"]
    assert set(answer[4:]) == {"quarantined"}
    assert balance(MULE) == 500


def test_a_referral_is_rewarded_once_per_referred_member(hub_http, enrol):
    _, a = enrol("A")
    publish_rules(referral_points=300, referral_new_points=200)
    referrer = str(uuid.UUID(int=202))
    first, first_id = a_sale(1)
    second, second_id = a_sale(2)
    ops = [first, second,
           entry_op(3, "referral", 300, member=referrer, sale_id=first_id),
           entry_op(4, "referral", 200, member=MULE, sale_id=first_id),
           entry_op(5, "referral", 300, member=referrer, sale_id=second_id),
           entry_op(6, "referral", 200, member=MULE, sale_id=second_id)]
    assert statuses(push(hub_http, a, ops)) == ["applied"] * 4 + ["quarantined"] * 2
    assert (balance(referrer), balance(MULE)) == (300, 200)


def owner_staff():
    with hub_db.connection_context():
        Entity.insert(kind="staff", entity_id=OWNER, doc={"id": OWNER, "role": "owner", "name": "Owner",
                                                          "active": True}, clocks={}).execute()


def test_adjustments_stop_at_the_tills_daily_budget(hub_http, enrol):
    _, a = enrol("A")
    owner_staff()
    ops = [entry_op(1 + i, "adjust", checks.MAX_ADJUST, member=MULE, staff_id=OWNER, note="x") for i in range(20)]
    ops.append(entry_op(21, "adjust", -50_000, member=MULE, staff_id=OWNER, note="taken back"))
    answer = statuses(push(hub_http, a, ops))
    fit = checks.ADJUST_DAILY_BUDGET // checks.MAX_ADJUST
    assert answer == ["applied"] * fit + ["quarantined"] * (20 - fit) + ["applied"]
    assert balance(MULE) == fit * checks.MAX_ADJUST - 50_000
    assert "adjustments and transfers today" in reasons()[0]


def claim_expiry(http, token, code):
    answer = http.post("/v1/snapshot", json={"ops": [op(0, "setting", {"key": "expiry_till", "value": code})]},
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.json() == {"applied": 1}


def test_only_the_expiry_till_expires_and_never_past_the_balance(hub_http, enrol):
    _, a = enrol("A")
    _, b = enrol("B")
    claim_expiry(hub_http, b, "B")
    victim = str(uuid.UUID(int=203))
    sale, sale_id = a_sale(1, member=victim, earned=500)
    assert statuses(push(hub_http, b, [sale, entry_op(2, "earn", 500, member=victim, sale_id=sale_id)])) == ["applied"] * 2
    assert statuses(push(hub_http, a, [entry_op(1, "expire", -500, member=victim)])) == ["quarantined"]
    assert statuses(push(hub_http, b, [entry_op(3, "expire", -501, member=victim),
                                       entry_op(4, "expire", -300, member=victim),
                                       entry_op(5, "expire", -300, member=victim)])) == [
        "quarantined", "applied", "quarantined"]
    assert balance(victim) == 200


def test_the_first_till_expires_under_its_own_code(hub_http, enrol):
    """The till that brought the shop keeps its own code: it claimed the setting itself."""
    _, a = enrol("A")
    _, b = enrol("B")
    claim_expiry(hub_http, a, "SHOP-1")
    sale, sale_id = a_sale(1, earned=100)
    assert statuses(push(hub_http, a, [sale, entry_op(2, "earn", 100, member=MULE, sale_id=sale_id),
                                       entry_op(3, "expire", -40, member=MULE)])) == ["applied"] * 3
    assert statuses(push(hub_http, b, [entry_op(1, "expire", -10, member=MULE)])) == ["quarantined"]
    assert balance(MULE) == 60


def test_a_member_tier_must_be_a_published_one(hub_http, enrol):
    _, a = enrol("A")
    publish_rules(tiers=[{"code": "gold", "name": "Gold", "min_spend": 100}])
    publish_rules(status="draft", tiers=[{"code": "diamond", "name": "Diamond", "min_spend": 1}])
    ops = [op(1, "member_tier", {"member_id": MULE, "tier": "platinum"}),
           op(2, "member_tier", {"member_id": MULE, "tier": "diamond"}),
           op(3, "member_tier", {"member_id": MULE, "tier": "gold"}),
           op(4, "member_tier", {"member_id": MULE, "tier": ""})]
    assert statuses(push(hub_http, a, ops)) == ["quarantined", "quarantined", "applied", "applied"]


# --- the door's memory (door_mem.py) -------------------------------------------------------


class Till:
    id, name = uuid.uuid4(), "A"


def a_request(path="/v1/push", token="good", body=b"{}", client="10.0.0.1"):
    return {"type": "http", "method": "POST", "path": path, "client": (client, 1234),
            "headers": [(b"authorization", b"Bearer " + token.encode()), (b"content-length", str(len(body)).encode())]}


def drive(gate, scope, body=b"{}"):
    """One request through the door; returns its status."""
    answer = {}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]

    async def run():
        await gate(scope, receive, send)
    return run, answer


def test_a_till_has_at_most_two_pushes_inside_and_bodies_have_a_budget():
    inside = []

    async def main():
        let_go = anyio.Event()
        entered = anyio.Event()

        async def app(scope, receive, send):
            await receive()
            inside.append(scope["path"])
            if len(inside) == 2:
                entered.set()
            await let_go.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        gate = door.Door(app, find_till=lambda token: Till if token == "good" else None,
                         rate=door.RateLimit(), bodies_in_memory=door.MAX_BODY + 1)
        runs = [drive(gate, a_request()) for _ in range(3)]
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(runs[0][0])
            tasks.start_soon(runs[1][0])
            await entered.wait()
            await runs[2][0]()  # a third push of the same till: turned away at once
            assert runs[2][1]["status"] == 429
            other = drive(gate, {**a_request(path="/v1/holds"), "headers": [
                (b"authorization", b"Bearer good"), (b"transfer-encoding", b"chunked")]})
            await other[0]()  # no length said: it reserves a whole MAX_BODY, beyond the budget
            assert other[1]["status"] == 503
            assert gate.holding == 4  # the two pushes' bodies ("{}" each)
            let_go.set()
        assert [r[1]["status"] for r in runs[:2]] == [200, 200]
        assert gate.holding == 0 and gate.pushing == {}
    anyio.run(main)


def test_a_guessing_address_is_turned_away_before_its_tokens_are_looked_up():
    looked_up = []
    now = [0.0]

    def find(token):
        looked_up.append(token)
        return Till if token == "good" else None

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gate = door.Door(app, find_till=find, rate=door.RateLimit(),
                     strangers=door.RateLimit(per_second=1.0, burst=3, clock=lambda: now[0]))

    def status(token, client="10.0.0.9"):
        run, answer = drive(gate, a_request(path="/v1/whoami", token=token, client=client))
        anyio.run(run)
        return answer["status"]

    assert [status(f"guess{i}") for i in range(5)] == [401, 401, 401, 429, 429]
    assert len(looked_up) == 3  # the 4th and 5th never reached the database
    assert status("good", client="10.0.0.10") == 200  # another address is not held back
    now[0] += 1.0
    assert status("good") == 200


def test_the_tills_batches_fit_the_hubs_body_limit():
    from services.sync import client

    big = '{"sale": "' + "x" * 100_000 + '"}'
    ops = [{"op_id": str(uuid.uuid4()), "seq": i, "kind": "sale", "payload": big} for i in range(500)]
    count = client.fitting(ops)
    assert 0 < count < 500
    assert len(client._ops_json(ops[:count])) <= client.PUSH_BYTES < door.MAX_BODY
    assert client.fitting(ops[:1], limit=10) == 1  # one op alone always goes
