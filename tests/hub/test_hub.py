"""The hub against a real PostgreSQL: tokens, exactly-once, order, quarantine, joining, merging."""
from __future__ import annotations

import uuid

import peewee
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.hub import AppliedOp, Entity, HubLedger, HubSale, Quarantine, hub_db
from services.sync import client as sync
from tests.hub.conftest import client, on_till, reset_hub_schema, trust_owner_of
from tests.hub import tillkit

pytestmark = pytest.mark.hub


def ledger_op(seq, member=None, delta=5, kind="earn", entry=None, op=None):
    return {"op_id": str(op or uuid.uuid4()), "seq": seq, "kind": "ledger_entry", "payload": {
        "id": str(entry or uuid.uuid4()), "member_id": str(member or uuid.UUID(int=1)), "kind": kind, "delta": delta,
        "sale_id": None, "return_id": None, "till_id": None, "staff_id": None, "note": "", "created_at": "2026-11-23T10:00:00",
    }}


def push(http, token, ops):
    return http.post("/v1/push", json={"ops": ops}, headers={"Authorization": f"Bearer {token}"})


def count(model):
    with hub_db.connection_context():
        return model.select().count()


def test_unknown_or_revoked_token_is_401_and_writes_nothing(hub_http, enrol, pg_dsn):
    _, token = enrol("A")
    assert push(hub_http, "not-a-token", [ledger_op(1)]).status_code == 401
    assert hub_http.post("/v1/push", json={"ops": [ledger_op(1)]}).status_code == 401
    assert hub_http.get("/v1/pull").status_code == 401
    assert count(AppliedOp) == 0 and count(HubLedger) == 0

    from argparse import Namespace

    from services.hub import admin
    admin.run(Namespace(dsn=pg_dsn, hub_command="revoke-till", name="A"))
    assert push(hub_http, token, [ledger_op(1)]).status_code == 401
    assert count(AppliedOp) == 0 and count(HubLedger) == 0
    _, other = enrol("B")
    assert push(hub_http, other, [ledger_op(1)]).status_code == 200  # the same request with a good token is applied
    assert count(HubLedger) == 1


def test_the_till_is_known_by_its_token_not_the_body(hub_http, enrol):
    a_id, a = enrol("A")
    b_id, _ = enrol("B")
    op = ledger_op(1)
    op["till_id"] = b_id  # ignored: nothing in the body names the till
    assert push(hub_http, a, [op]).status_code == 200
    with hub_db.connection_context():
        assert str(AppliedOp.get().till_id) == a_id


def test_a_resent_operation_is_a_duplicate_and_changes_nothing(hub_http, enrol):
    _, token = enrol("A")
    ops = [ledger_op(i + 1, delta=10) for i in range(5)]
    first = push(hub_http, token, ops).json()
    assert first["counts"] == {"applied": 5}
    again = push(hub_http, token, ops + ops[:2]).json()
    assert again["counts"] == {"duplicate": 7}
    with hub_db.connection_context():
        assert HubLedger.select().count() == 5
        assert sum(e.delta for e in HubLedger.select()) == 50
    # The same ledger entry under a new op (a till that re-recorded it) is still applied once.
    twin = ledger_op(6, entry=ops[0]["payload"]["id"], delta=10)
    assert push(hub_http, token, [twin]).json()["counts"] == {"applied": 1}
    assert count(HubLedger) == 5


def test_a_gap_is_detected_and_nothing_after_it_applied(hub_http, enrol):
    _, token = enrol("A")
    ops = [ledger_op(i + 1) for i in range(6)]
    answer = push(hub_http, token, ops[3:]).json()  # 4..6 arrive before 1..3
    assert answer["gap"] == {"expected": 1, "got": 4}
    assert {r["status"] for r in answer["results"]} == {"gap"}
    assert count(HubLedger) == 0
    assert push(hub_http, token, ops[:3]).json()["counts"] == {"applied": 3}
    assert push(hub_http, token, ops[3:]).json()["counts"] == {"applied": 3}
    assert count(HubLedger) == 6


def test_what_cannot_be_applied_is_quarantined_and_blocks_nothing(hub_http, enrol):
    _, token = enrol("A")
    bad_ledger = ledger_op(2)
    bad_ledger["payload"]["delta"] = "lots"
    odd = {"op_id": str(uuid.uuid4()), "seq": 3, "kind": "gift_card", "payload": {"x": 1}}
    answer = push(hub_http, token, [ledger_op(1), bad_ledger, odd, ledger_op(4)]).json()
    assert [r["status"] for r in answer["results"]] == ["applied", "quarantined", "quarantined", "applied"]
    assert answer["last_seq"] == 4
    with hub_db.connection_context():
        assert sorted(q.kind for q in Quarantine.select()) == ["gift_card", "ledger_entry"]
        assert HubLedger.select().count() == 2


def test_a_malformed_sale_is_kept_in_quarantine_and_the_rest_applied(hub_http, enrol):
    _, token = enrol("A")

    def sale_op(seq, created_at):
        sale_id = str(uuid.uuid4())
        return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "sale", "payload": {
            "sale": {"id": sale_id, "till_id": None, "receipt_no": f"T-{seq}", "member_id": None, "created_at": created_at,
                     "total": 1000, "paid_money": 1000, "points_redeemed": 0, "points_earned": 0},
            "lines": [], "payments": []}}

    ops = [sale_op(1, "2026-11-23T10:00:00"), sale_op(2, "yesterday-ish"), sale_op(3, "2026-11-23T10:05:00")]
    answer = push(hub_http, token, ops).json()
    assert [r["status"] for r in answer["results"]] == ["applied", "quarantined", "applied"]
    with hub_db.connection_context():
        assert HubSale.select().count() == 2
        kept = Quarantine.get()
        assert kept.kind == "sale" and kept.payload["sale"]["created_at"] == "yesterday-ish"


def test_any_ledger_kind_is_accepted(hub_http, enrol):
    _, token = enrol("A")
    answer = push(hub_http, token, [ledger_op(1, kind="birthday"), ledger_op(2, kind="pending", delta=0)]).json()
    assert answer["counts"] == {"applied": 2}


def _snapshot():
    from models.schema import Card, Member, Product, RuleSet, Staff
    from services.shop.settings import shop_info

    return {
        "members": {str(m.id): (m.name, m.phone, m.tier, m.balance) for m in Member.select()},
        "cards": {c.number: (str(c.member_id), c.status) for c in Card.select()},
        "products": {p.barcode: (p.name, p.price) for p in Product.select()},
        "staff": {s.name: s.role for s in Staff.select()},
        "rules": {r.version: r.body for r in RuleSet.select()},
        "shop": shop_info().name,
    }


def test_a_new_till_joins_with_sync_and_gets_the_whole_shop(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        want = _snapshot()
    with on_till(second):
        got = _snapshot()
        from services.shop.settings import local_till
        assert local_till().code == "B" and local_till().number == 2
        assert tillkit.balances() == tillkit.ledger_sums()
    assert got == want and len(want["members"]) == 60 and want["shop"]


def test_sales_on_two_tills_meet_in_every_balance(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        card = tillkit.active_cards(1)[0]
        items = [(b, 2) for b in tillkit.some_barcodes(2)]
        tillkit.sell(card, items)
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        tillkit.sell(card, items, redeem_points=5)
        result = sync.sync_once(client(hub_http, b_token))
        assert result.pending == 0 and result.pushed >= 3
        b_balances = tillkit.balances()
    with on_till(first):
        sync.sync_once(client(hub_http, a_token))
        assert tillkit.balances() == b_balances == tillkit.ledger_sums()
    with hub_db.connection_context():
        assert HubSale.select().count() == 2
        hub_sum = {str(m): int(s) for m, s in HubLedger.select(HubLedger.member_id, peewee.fn.SUM(HubLedger.delta)).group_by(HubLedger.member_id).tuples()}
    assert all(b_balances[m] == hub_sum.get(m, 0) for m in b_balances)


def test_member_edits_on_two_tills_merge_field_by_field(joined, hub_http):
    from services.members import registry as members

    first, second, a_token, b_token = joined
    with on_till(first):
        card = tillkit.active_cards(1)[0]
        m = members.find_by_card(card)
        members.update(m, name="Анна Первая", actor=tillkit.owner())
    with on_till(second):
        m = members.find_by_card(card)
        members.update(m, phone="+79990001122", actor=tillkit.owner())  # later, another field
    with on_till(first):
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        m = members.find_by_card(card)
        assert (m.name, m.phone) == ("Анна Первая", "+79990001122")
        members.update(m, name="Анна Вторая", actor=tillkit.owner())  # the same field, later: wins
        sync.sync_once(client(hub_http, b_token))
    with on_till(first):
        sync.sync_once(client(hub_http, a_token))
        m = members.find_by_card(card)
        assert (m.name, m.phone) == ("Анна Вторая", "+79990001122")
    with hub_db.connection_context():
        doc = Entity.get((Entity.kind == "member") & (Entity.entity_id == str(m.id))).doc
        assert (doc["name"], doc["phone"]) == ("Анна Вторая", "+79990001122") and "balance" not in doc


@pytest.mark.slow  # over 3 s (pytest --durations)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.integers(0, 11), st.integers(1, 6)), min_size=1, max_size=10))
def test_any_interleaving_of_resends_applies_each_op_once(pg_dsn, plan):
    """Batches of a till's 12 ops sent in any order, any number of times, then
    a normal push: the hub holds each entry once and the till ends acknowledged."""
    from fastapi.testclient import TestClient

    from models.hub import open_hub
    from services.hub import auth
    from services.hub.app import create_app

    reset_hub_schema(pg_dsn)
    database = open_hub(pg_dsn, max_connections=4)
    try:
        with database.connection_context():
            _, token = auth.add_till("P")
        ops = [ledger_op(i + 1, delta=i + 1) for i in range(12)]
        with TestClient(create_app()) as http:
            for start, size in plan:
                answer = push(http, token, ops[start:start + size]).json()
                assert all(r["status"] in ("applied", "duplicate", "gap") for r in answer["results"])
            push(http, token, ops)
            assert push(http, token, ops).json()["counts"] == {"duplicate": 12}
        with database.connection_context():
            assert HubLedger.select().count() == 12
            assert sum(e.delta for e in HubLedger.select()) == sum(range(1, 13))
            assert AppliedOp.select().count() == 12
    finally:
        database.close_all()


def test_catalogue_staff_rules_and_settings_edited_after_joining_reach_the_other_till(joined, hub_http):
    import dataclasses

    from models.schema import Product
    from services.shop import staff as auth
    from services.programme import rules
    from services.shop.settings import set_setting, shop_info

    first, second, a_token, b_token = joined
    with on_till(second):
        assert sync.changed_master_data() == []  # what it pulled is not sent back
    with on_till(first):
        assert sync.changed_master_data() == []
        auth.login("1111")  # the owner signs in: what governs the chain is signed with their key
        published = rules.publish(dataclasses.replace(rules.active_rules(), name="Autumn", redeem_cap_bp=2000))
        Product.update(price=Product.price + 100).where(Product.barcode == tillkit.some_barcodes(1)[0]).execute()
        auth.add_staff("New cashier", "cashier", "4444")
        set_setting("shop_address", "Main street 1")
        assert sorted(c.kind for c in sync.changed_master_data()) == ["product", "rule_set", "setting", "staff"]
        assert len(sync.changed_master_data()) == 4  # looking sends nothing and remembers nothing
        sync.sync_once(client(hub_http, a_token))
        assert sync.changed_master_data() == []
        price = Product.get(Product.barcode == tillkit.some_barcodes(1)[0]).price
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert rules.active_rules().version == published.version and rules.active_rules().redeem_cap_bp == 2000
        assert Product.get(Product.barcode == tillkit.some_barcodes(1)[0]).price == price
        assert auth.login("4444").name == "New cashier"
        assert shop_info().address == "Main street 1"
        assert sync.changed_master_data() == []


def test_pulling_everything_again_changes_nothing(joined, hub_http):
    """Replaying the whole change feed into a till (a lost cursor) is harmless."""
    first, second, a_token, b_token = joined
    with on_till(first):
        tillkit.sell(tillkit.active_cards(1)[0], [(b, 1) for b in tillkit.some_barcodes(2)], redeem_points=3)
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        before = (_snapshot(), tillkit.ledger_sums())
        sync._set("sync_cursor", 0)
        assert sync.sync_once(client(hub_http, b_token)).pulled > 100
        assert (_snapshot(), tillkit.ledger_sums()) == before
        assert tillkit.balances() == tillkit.ledger_sums()


def test_a_new_token_can_be_given_to_sync_on_the_command_line(enrol, monkeypatch):
    """Base64 may begin with "-": such a token once failed `sync --token TOKEN` as an unknown option."""
    import main
    monkeypatch.setattr("services.hub.auth.secrets.token_urlsafe", lambda n: "-" + "x" * 42)
    _, token = enrol("Dash")
    args = main.command_parser().parse_args(["sync", "--db", "t.db", "--token", token, "--hub", "http://h"])
    assert args.token == token


def test_what_a_till_recorded_before_its_first_sync_reaches_the_hub(shop_file, hub_http, enrol):
    """Sales and returns made while the till had never seen a hub go with its first sync (through the outbox)."""
    from models.hub import HubReturn
    from services.members import registry as members
    from services.sale import returns

    _, token = enrol("A")
    trust_owner_of(shop_file)
    with on_till(shop_file):
        card = tillkit.active_cards(1)[0]
        member_id = members.find_by_card(card).id
        kept = tillkit.sell(card, [(b, 1) for b in tillkit.some_barcodes(2)])
        gone = tillkit.sell(None, [(tillkit.some_barcodes(1)[0], 2)])
        ret = returns.return_items(gone.sale_id, actor=tillkit.owner())
        sync.configure("http://testserver", token)
        sync.sync_once(client(hub_http, token))
        balance = tillkit.balances()[str(member_id)]
    with hub_db.connection_context():
        ids = [uuid.UUID(kept.sale_id), uuid.UUID(gone.sale_id)]
        assert {str(s.id): s.total for s in HubSale.select().where(HubSale.id.in_(ids))} == {
            kept.sale_id: kept.priced.total, gone.sale_id: gone.priced.total}
        assert [r.refund for r in HubReturn.select().where(HubReturn.sale_id == ids[1])] == [ret.refund] != [0]
        assert sum(e.delta for e in HubLedger.select().where(HubLedger.member_id == member_id)) == balance
