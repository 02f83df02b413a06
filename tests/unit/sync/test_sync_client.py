"""The till's side of sync against a hub in memory (tests/unit/sync/fakehub.py):
push order and acknowledgement, lost answers, gaps, a refused token, a hub that
is down, pulling pages.  No network, no PostgreSQL, no waiting."""
from __future__ import annotations

import json
import uuid

import pytest

from models.schema import LedgerEntry, Member, Outbox, Setting
from services.sync import client as sync
from services.sync.client import SyncError
from tests.unit.shopkit import add_member
from tests.unit.sync.fakehub import URL, FakeHub


@pytest.fixture
def hub(shop):
    hub = FakeHub()
    sync.configure(URL, hub.token)
    return hub


@pytest.fixture
def waiting(shop):
    """A few members registered on this till: their ops wait in the outbox."""
    for i in range(4):
        add_member(f"Member {i}", shop["cashier"], f"+7999000000{i}", points=10 * (i + 1), manager=shop["manager"])
    rows = list(Outbox.select().order_by(Outbox.seq))
    assert len(rows) >= 8 and all(r.sent_at is None for r in rows)
    return rows


def outbox() -> list[tuple[int, str, str | None]]:
    return [(r.seq, str(r.op_id), r.payload) for r in Outbox.select().order_by(Outbox.seq)]


def unsent_seqs() -> list[int]:
    return [r.seq for r in Outbox.select().where(Outbox.sent_at.is_null()).order_by(Outbox.seq)]


def cursor() -> int | None:
    row = Setting.get_or_none(Setting.key == "sync_cursor")
    return json.loads(row.value) if row else None


# --- push -------------------------------------------------------------------------

def test_push_sends_the_outbox_in_seq_order_in_batches(hub, waiting):
    pushed = sync.push_all(hub.client(), batch=3)
    seqs = [r.seq for r in waiting]
    assert pushed == len(waiting)
    assert hub.applied_seqs() == seqs
    assert [op["op_id"] for op in hub.applied] == [str(r.op_id) for r in waiting]
    batches = [[op["seq"] for op in call.body["ops"]] for call in hub.calls("push")]
    assert all(len(b) <= 3 for b in batches)
    assert [s for b in batches for s in b] == seqs  # each op sent once, in order
    assert unsent_seqs() == [] and sync.pending() == 0


def test_only_what_the_hub_acknowledged_is_marked_sent(hub, waiting):
    """A hole in the outbox (an op that never reached the hub): everything after it is
    answered "gap" and stays unsent; the till gives up after three stalls."""
    hole = waiting[4]
    Outbox.delete().where(Outbox.seq == hole.seq).execute()
    with pytest.raises(SyncError) as refused:
        sync.push_all(hub.client(), batch=100)
    assert refused.value.code == "sync_hub_error"
    assert hub.applied_seqs() == [r.seq for r in waiting[:4]]
    assert unsent_seqs() == [r.seq for r in waiting[5:]]
    assert len(hub.calls("push")) == 4  # the first answer (four acknowledged), then three stalls


def test_a_lost_answer_is_sent_again_and_applied_once(hub, waiting):
    hub.fail("push", "lose")  # the hub applies the first batch; its answer never arrives
    before = [(seq, op_id, payload) for seq, op_id, payload in outbox()]
    with pytest.raises(SyncError) as lost:
        sync.push_all(hub.client(), batch=3, ahead=1)
    assert lost.value.code == "sync_unreachable"
    assert outbox() == before and unsent_seqs() == [r.seq for r in waiting]  # nothing marked sent
    assert hub.applied_seqs() == [r.seq for r in waiting[:3]]  # ...though the hub has them

    assert sync.push_all(hub.client(), batch=3) == len(waiting)
    first, again = hub.calls("push")[0], hub.calls("push")[1]
    assert again.body["ops"] == first.body["ops"]  # the same ops, the same UUIDs
    assert hub.applied_seqs() == [r.seq for r in waiting]  # each once
    assert len({op["op_id"] for op in hub.applied}) == len(waiting)
    assert unsent_seqs() == []


def test_a_lost_answer_while_the_next_push_is_on_its_way(hub, waiting):
    """Two pushes at the hub at once: the first's answer is lost, the second's comes.
    Only the second is marked sent; the first goes again and is a duplicate."""
    hub.fail("push", "lose")
    with pytest.raises(SyncError) as lost:
        sync.push_all(hub.client(), batch=3, ahead=2)
    assert lost.value.code == "sync_unreachable"
    seqs = [r.seq for r in waiting]
    assert hub.applied_seqs() == seqs[:6]  # the hub applied both, in order
    assert unsent_seqs() == seqs[:3] + seqs[6:]  # the answered one is marked, the lost one is not
    assert len(hub.calls("push")) == 2  # no push after the failure

    assert sync.push_all(hub.client(), batch=3) == len(waiting) - 3
    again = hub.calls("push")[2]
    assert again.body["ops"] == hub.calls("push")[0].body["ops"]
    assert hub.applied_seqs() == seqs and unsent_seqs() == []


def test_the_next_push_goes_before_the_last_is_answered(hub, waiting):
    """The till does not wait for an answer to send its next batch: the hub has the
    second push while it is still answering the first."""
    transport = None
    seen: list[int] = []

    def first_push(received):
        if received.route == "push" and not seen:
            with transport.turn:
                seen.append(transport.turn.wait_for(lambda: transport.arrived >= 2, timeout=10) and transport.arrived)
    hub.on_request = first_push
    client = hub.client()
    transport = client.http._transport
    assert sync.push_all(client, batch=3) == len(waiting)
    assert seen == [2]
    assert hub.applied_seqs() == [r.seq for r in waiting]
    batches = [[op["seq"] for op in call.body["ops"]] for call in hub.calls("push")]
    assert [s for b in batches for s in b] == [r.seq for r in waiting]  # each once, in order


def test_a_gap_answer_makes_the_till_send_again_from_where_the_hub_is(hub, waiting, shop):
    client = hub.client()
    sync.push_all(client)
    assert unsent_seqs() == []
    hub.rewind(waiting[2].seq)  # the hub was restored from a backup: it lost ops the till thinks are through
    add_member("Late", shop["cashier"], "+79990000099")
    all_seqs = [seq for seq, _, _ in outbox()]
    assert all_seqs[len(waiting):]  # the new member's ops

    sync.push_all(client)
    gap_answer = hub.calls("push")[1]
    assert gap_answer.body["ops"][0]["seq"] == all_seqs[len(waiting)]  # only the new ops were sent first...
    assert hub.applied_seqs() == all_seqs  # ...then everything the hub lacked, in order, once
    assert unsent_seqs() == []


def test_a_scripted_gap_answer_is_resent_without_marking_anything(hub, waiting):
    hub.fail("push", "gap")
    assert sync.push_all(hub.client(), batch=100) == len(waiting)
    first, second = hub.calls("push")
    assert first.body["ops"] == second.body["ops"]
    assert hub.applied_seqs() == [r.seq for r in waiting]


def test_a_refused_token_is_sync_unauthorised_and_marks_nothing(hub, waiting):
    before = outbox()
    with pytest.raises(SyncError) as refused:
        sync.sync_once(hub.client(token="lt_revoked"))
    assert refused.value.code == "sync_unauthorised"
    assert outbox() == before and unsent_seqs() == [r.seq for r in waiting]
    assert hub.applied == [] and hub.snapshots == []


def test_a_refused_token_is_not_retried(hub, waiting):
    waits: list[float] = []
    with pytest.raises(SyncError) as refused:
        sync.sync_with_retries(hub.client(token="lt_revoked"), sleep=waits.append)
    assert refused.value.code == "sync_unauthorised"
    assert waits == [] and hub.routes() == ["whoami"]


def test_an_unreachable_hub_keeps_the_outbox(hub, waiting):
    hub.down = True
    before = outbox()
    waits: list[float] = []
    with pytest.raises(SyncError) as down:
        sync.sync_with_retries(hub.client(), attempts=3, sleep=waits.append)
    assert down.value.code == "sync_unreachable"
    assert waits == [0.5, 1.0]  # backs off, then gives up
    assert outbox() == before and sync.pending() == len(waiting)
    assert Setting.get_or_none(Setting.key == "sync_last_ok") is None


def test_a_hub_back_after_two_failures_gets_everything(hub, waiting):
    hub.fail("whoami", "down", times=2)
    waits: list[float] = []
    result = sync.sync_with_retries(hub.client(), sleep=waits.append)
    assert waits == [0.5, 1.0]
    assert result.pushed == len(waiting) and result.pending == 0
    assert hub.applied_seqs() == [r.seq for r in waiting]
    assert Setting.get_or_none(Setting.key == "sync_last_ok") is not None


def test_a_server_error_is_sync_hub_error_with_its_status(hub, waiting):
    hub.fail("push", 503)
    with pytest.raises(SyncError) as failed:
        sync.push_all(hub.client())
    assert failed.value.code == "sync_hub_error" and failed.value.params["status"] == 503
    assert unsent_seqs() == [r.seq for r in waiting]


def test_a_first_sync_enrols_seeds_and_pushes(hub, waiting):
    """whoami, then the shop's master data and existing members as snapshots, then the outbox, then pull."""
    result = sync.sync_once(hub.client())
    routes = hub.routes()
    assert routes[0] == "whoami" and routes[-1] == "pull"
    assert routes.index("push") > max(i for i, r in enumerate(routes) if r == "snapshot")
    kinds = {op["kind"] for op in hub.snapshots}
    assert {"setting", "staff", "rule_set", "member", "card", "ledger_entry"} <= kinds
    assert result.pushed == len(waiting) and result.pending == 0
    # The master data went once: a second sync sends no snapshot of it again.
    hub.received.clear()
    sync.sync_once(hub.client())
    assert "snapshot" not in hub.routes()


# --- pull -------------------------------------------------------------------------

def _another_tills_member(hub: FakeHub, deltas: list[int]) -> str:
    member_id = str(uuid.uuid4())
    hub.publish("member", member_id, {"id": member_id, "name": "Olga Elsewhere", "name_key": "olga elsewhere"})
    for delta in deltas:
        entry = str(uuid.uuid4())
        hub.publish("ledger_entry", entry, {
            "id": entry, "member_id": member_id, "kind": "adjust", "delta": delta, "sale_id": None,
            "return_id": None, "till_id": str(uuid.uuid4()), "staff_id": None, "note": "elsewhere",
            "created_at": "2024-05-01T10:00:00",
        })
    return member_id


def test_pull_applies_pages_and_advances_the_cursor_once(hub, shop):
    member_id = _another_tills_member(hub, [100, 250, -30, 5])
    last = len(hub.changes)
    pulled = sync.pull_all(hub.client(), page=2)
    assert pulled == last
    assert [int(c.params["after"]) for c in hub.calls("pull")] == [0, 2, 4]  # each page asked for once
    member = Member.get_by_id(uuid.UUID(member_id))
    assert member.name == "Olga Elsewhere" and member.balance == 325
    assert cursor() == last

    assert sync.pull_all(hub.client(), page=2) == 0  # nothing new: asks from the cursor
    assert int(hub.calls("pull")[-1].params["after"]) == last
    assert LedgerEntry.select().where(LedgerEntry.member == uuid.UUID(member_id)).count() == 4


def test_a_lost_pull_answer_is_pulled_again_and_applied_once(hub, shop):
    member_id = _another_tills_member(hub, [40, 60])
    hub.fail("pull", "lose")
    with pytest.raises(SyncError):
        sync.pull_all(hub.client())
    assert cursor() is None and Member.get_or_none(Member.id == uuid.UUID(member_id)) is None
    sync.pull_all(hub.client())
    assert Member.get_by_id(uuid.UUID(member_id)).balance == 100
    # the same page delivered twice changes nothing
    sync.apply_pulled(hub.changes, len(hub.changes))
    assert Member.get_by_id(uuid.UUID(member_id)).balance == 100
    assert LedgerEntry.select().where(LedgerEntry.member == uuid.UUID(member_id)).count() == 2


def test_pulled_settings_of_this_till_alone_are_not_taken(hub, shop):
    hub.publish("setting", "sync_hub_url", {"key": "sync_hub_url", "value": "http://elsewhere"})
    hub.publish("setting", "offline_redeem_cap_sale", {"key": "offline_redeem_cap_sale", "value": 123},
                {"value": "9999999999999-0000-zz"})
    sync.pull_all(hub.client())
    assert sync.configured() == (URL, hub.token)
    assert json.loads(Setting.get(Setting.key == "offline_redeem_cap_sale").value) == 123
