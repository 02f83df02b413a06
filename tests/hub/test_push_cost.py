"""What the push's cost cuts must not cost: values intact through the array
literals, exactly-once without the foreign keys, a till that cannot be deleted."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import anyio
import peewee
import pytest
from fastapi.exceptions import RequestValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.hub import AppliedOp, HubLedger, HubSale, HubTill, Quarantine, hub_db
from services.hub import app as hub_app
from services.hub import apply, bulk, door
from tests.hub.test_hub import hub_knows_a_manager, ledger_op, push  # noqa: F401 (the fixture is autouse)

pytestmark = pytest.mark.hub

AWKWARD = ['a"b', "c\\d", "", "{x,y}", "NULL", " padded ", "line\nbreak", 'end\\"', "Хлеб «белый»", "'single'", "\\"]


def test_every_kind_of_text_comes_back_as_it_went(hub):
    ids = [str(uuid.uuid4()) for _ in AWKWARD]
    when = dt.datetime(2026, 1, 23, 10, 0, 0, 123456)
    with hub_db.connection_context(), hub_db.atomic() as transaction:
        hub_db.execute_sql("CREATE TEMP TABLE awkward (id uuid, note text, maybe text, n bigint, at timestamp, doc json)")
        rows = [(i, note, None if k % 2 else note, k - 3, when, json.dumps({"note": note}, ensure_ascii=False))
                for k, (i, note) in enumerate(zip(ids, AWKWARD))]
        bulk.insert_values("awkward", ("id", "note", "maybe", "n", "at", "doc"), rows,
                            casts={"id": "::uuid", "doc": "::json"}, conflict="")
        back = hub_db.execute_sql("SELECT id::text, note, maybe, n, at, doc->>'note' FROM awkward").fetchall()
        transaction.rollback()
    assert sorted(back) == sorted((i, note, maybe, n, at, note) for i, note, maybe, n, at, _ in rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(st.one_of(st.none(), st.sampled_from(AWKWARD), st.text(alphabet=st.characters(
    min_codepoint=1, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)), max_size=20)), min_size=1, max_size=12))
def test_every_kind_of_text_comes_back_as_it_went_through_copy(hub, notes):
    """COPY's text form: tabs, line breaks, backslashes and "\\N" in a value stay the value; None is NULL."""
    when = dt.datetime(2026, 1, 23, 10, 0, 0, 123456)
    rows = [(str(uuid.uuid4()), note, k - 3, when if k % 2 else None, json.dumps({"note": note}, ensure_ascii=False),
             k % 3 == 0) for k, note in enumerate(notes)]
    with hub_db.connection_context(), hub_db.atomic() as transaction:
        hub_db.execute_sql("CREATE TEMP TABLE awkward (id uuid PRIMARY KEY, note text, n bigint, at timestamp, "
                           "doc json, flag boolean)")
        assert bulk.copy_rows("awkward", ("id", "note", "n", "at", "doc", "flag"), rows)
        back = hub_db.execute_sql("SELECT id::text, note, n, at, doc->>'note', flag FROM awkward").fetchall()
        transaction.rollback()
    assert sorted(back, key=str) == sorted([(i, note, n, at, note, flag) for i, note, n, at, _, flag in rows], key=str)


def test_a_copy_that_meets_a_row_already_there_writes_nothing_and_says_so(hub):
    with hub_db.connection_context(), hub_db.atomic() as transaction:
        hub_db.execute_sql("CREATE TEMP TABLE keyed (id uuid PRIMARY KEY, note text)")
        there, new = str(uuid.uuid4()), str(uuid.uuid4())
        assert bulk.copy_rows("keyed", ("id", "note"), [(there, "first")])
        assert not bulk.copy_rows("keyed", ("id", "note"), [(new, "second"), (there, "again")])
        # The transaction goes on (the COPY had its own savepoint), and the careful way writes what is new.
        bulk.insert_values("keyed", ("id", "note"), [(new, "second"), (there, "again")], casts={"id": "::uuid"})
        back = hub_db.execute_sql("SELECT id::text, note FROM keyed").fetchall()
        transaction.rollback()
    assert sorted(back) == sorted([(there, "first"), (new, "second")])


def test_what_copy_cannot_carry_goes_the_careful_way():
    assert bulk.copy_text([("a\x00b",)]) is None and bulk.copy_text([(None,), ("a\x00",)]) is None
    assert bulk.copy_text([("\ud800",)]) is None  # a lone surrogate: psycopg2 refuses it, as it always did
    assert bulk.copy_text([(1.5,)]) is None
    assert bulk.copy_text([("a\tb\\N", None, 7, True)]) == b"a\\tb\\\\N\t\\N\t7\tt\n"


def test_a_column_that_cannot_be_an_array_literal_is_refused_as_before():
    assert bulk.array_literal(["a\x00b", "c"]) == ["a\x00b", "c"]  # psycopg2 then refuses it, as it always did
    with pytest.raises(ValueError):
        bulk.array_literal([None, "a\x00b"])
    assert bulk.array_literal([1, None, 3]) == "{1,NULL,3}"
    assert bulk.array_literal([True, 2]) == [True, 2]


def test_a_till_is_never_deleted_and_keeps_its_id(hub, enrol):
    till_id, _ = enrol("A")
    with hub_db.connection_context():
        with pytest.raises(peewee.DatabaseError, match="never deleted"):
            with hub_db.atomic():
                HubTill.delete().where(HubTill.id == till_id).execute()
        with pytest.raises(peewee.DatabaseError, match="never deleted"):
            with hub_db.atomic():
                HubTill.update(id=uuid.uuid4()).where(HubTill.id == till_id).execute()
        assert HubTill.select().where(HubTill.id == till_id).exists()


def test_an_operation_sent_again_under_a_new_seq_is_a_duplicate(hub_http, enrol):
    """A restored till renumbers what it never saw acknowledged: op ids, not seqs, make it once."""
    _, token = enrol("A")
    ops = [ledger_op(i + 1, delta=10) for i in range(3)]
    assert push(hub_http, token, ops).json()["counts"] == {"applied": 3}
    renumbered = [{**op, "seq": op["seq"] + 3} for op in ops] + [ledger_op(7, delta=1)]
    answer = push(hub_http, token, renumbered).json()
    assert answer["counts"] == {"duplicate": 3, "applied": 1}
    with hub_db.connection_context():
        assert AppliedOp.select().count() == 4
        assert sum(e.delta for e in HubLedger.select()) == 31


# --- reading a push: the quick path must read exactly what the careful one did -----------------------

ESCAPES = st.text(alphabet=st.sampled_from(list('ab"\\udD89aAfF0é\ud800\udbff\udc00\udfff😀')), max_size=30)
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()), max_size=30)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(ESCAPES, ANY_TEXT))
def test_the_quick_surrogate_check_agrees_with_the_regex(text):
    assert apply._no_surrogate(text) == (not apply._SURROGATE.search(text))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


def _read_as_before(body: bytes) -> list[apply.Op]:
    """What the hub did before read_push: FastAPI's json.loads, then PushIn, then parse_ops."""
    return apply.parse_ops(hub_app._ops(hub_app.PushIn.model_validate(json.loads(body))))


@settings(max_examples=200, deadline=None)
@given(payloads=st.lists(st.one_of(JSON_VALUES, JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False)),
                                   JSON_VALUES.map(json.dumps)), min_size=1, max_size=4),
       ascii_only=st.booleans())
def test_a_push_is_read_as_it_was_before(payloads, ascii_only):
    """pydantic's one-pass read, or the old read where it refuses: the same operations either way."""
    ops = [{"op_id": str(uuid.uuid4()), "seq": i + 1, "kind": "member", "payload": p} for i, p in enumerate(payloads)]
    try:
        body = json.dumps({"ops": ops}, ensure_ascii=ascii_only).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate cannot be UTF-8 unescaped: the till never sends one so
        return
    before, now = _read_as_before(body), hub_app.read_push(body, "application/json")
    assert [(o.op_id, o.seq, o.kind, o.raw, o.refused) for o in now] == [
        (o.op_id, o.seq, o.kind, o.raw, o.refused) for o in before]
    assert [json.dumps(o.payload, sort_keys=True) for o in now] == [json.dumps(o.payload, sort_keys=True) for o in before]


def test_a_push_that_is_not_json_is_a_422_as_before():
    for body in (b"{nope", b"[1, 2]", b'{"ops": [' + b"[" * 5000 + b"]" * 5000 + b"]}", b'{"ops": [{"seq": 1}]}'):
        with pytest.raises(RequestValidationError):
            hub_app.read_push(body, "application/json")
    with pytest.raises(RequestValidationError):
        hub_app.read_push(b'{"ops": []}', "text/plain")
    assert hub_app.read_push(b'{"ops": []}', "application/json; charset=utf-8") == []


# --- a till's pushes, applied in the order they came ---------------------------------------------------

def test_a_push_waits_for_the_one_that_came_before_it():
    async def main():
        turns = door.Turns()
        first, second = turns.arrive("till-a"), turns.arrive("till-a")
        other = turns.arrive("till-b")
        order = []

        async def apply_(name, turn):
            await turn.wait()
            order.append(name)
            turns.leave(name, turn)

        async with anyio.create_task_group() as group:
            group.start_soon(apply_, "till-a", second)
            group.start_soon(apply_, "till-b", other)
            await anyio.sleep(0)  # both have started waiting: only another till's push goes on
            assert order == ["till-b"]
            group.start_soon(apply_, "till-a", first)
        assert order == ["till-b", "till-a", "till-a"] and turns.lines == {}

    anyio.run(main)


def test_a_push_stuck_before_it_delays_the_next_only_so_long():
    async def main():
        turns = door.Turns()
        turns.arrive("till-a")  # never leaves
        late = turns.arrive("till-a")
        with anyio.fail_after(5):
            await late.wait(limit=0.05)
    anyio.run(main)


def test_a_till_pushing_two_at_once_is_applied_in_order_and_once(shop_file, hub_http, enrol):
    """The till's pipelined push (services.sync.client.push_all: the next batch goes
    before the last is answered) against the real app: every op applied once, in
    seq order, and no batch answered "gap" (the door lined them up)."""
    from services.sync import client as sync
    from tests.hub import tillkit
    from tests.hub.conftest import on_till, trust_owner_of

    till_id, token = enrol("A")
    trust_owner_of(shop_file)
    answers = []

    class Recording(sync.HubClient):
        def push_body(self, body, handed_over):
            answers.append(super().push_body(body, handed_over))
            return answers[-1]

    with on_till(shop_file):
        sync.configure("http://testserver", token)
        client = Recording("http://testserver", token, http=hub_http)
        sync.sync_once(client)  # the shop joins: its history goes as its seed
        before = len(answers)
        cards, barcodes = tillkit.active_cards(5), tillkit.some_barcodes(3)
        for i in range(40):
            tillkit.sell(cards[i % 5], [(barcodes[i % 3], 1 + i % 2)])
        waiting = sync.pending()
        result = sync.sync_once(client, batch=7)
        assert result.pending == 0 and result.pushed == waiting
    assert waiting >= 80 and len(answers) - before >= waiting // 7
    statuses = [r["status"] for a in answers[before:] for r in a["results"]]
    assert len(statuses) == waiting and set(statuses) == {"applied"}
    with hub_db.connection_context():
        seqs = [r.seq for r in AppliedOp.select().where(AppliedOp.till_id == till_id).order_by(AppliedOp.seq)]
    assert seqs == list(range(1, seqs[-1] + 1)) and len(seqs) >= waiting


def _json_texts():
    """JSON texts as tills (and attackers) write them: any value, either escaping, and text that is not JSON."""
    written = st.one_of(JSON_VALUES.map(json.dumps), JSON_VALUES.map(lambda v: json.dumps(v, ensure_ascii=False)))
    numbers = st.from_regex(r"-?[0-9]{1,400}(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)
    nested = st.integers(min_value=0, max_value=1200).map(lambda n: "[" * n + "]" * n)
    return st.one_of(written, numbers, nested, ESCAPES.map(lambda t: f'"{t}"'), ANY_TEXT,
                     st.sampled_from(["NaN", "-Infinity", "[1] x", '{"a":1,"a":2}', "1e400", '"\\ud800"']))


@settings(max_examples=500, deadline=None)
@given(text=_json_texts())
def test_a_payload_is_read_as_json_reads_it(text):
    try:
        expected = ("ok", json.loads(text))
    except (ValueError, RecursionError) as exc:
        expected = ("refused", type(exc).__name__)
    try:
        got = ("ok", apply._loads(text))
    except (ValueError, RecursionError) as exc:
        got = ("refused", type(exc).__name__)
    assert repr(got) == repr(expected)


# --- a push's rows made before its turn ----------------------------------------------------------------

def _sale_op(seq: int, created_at: str, till_id: str | None = None) -> dict:
    sale_id = str(uuid.uuid4())
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "sale", "payload": {
        "sale": {"id": sale_id, "till_id": till_id, "receipt_no": f"T-{seq}", "member_id": None,
                 "created_at": created_at, "total": 1000, "paid_money": 1000, "points_redeemed": 0, "points_earned": 0},
        "lines": [], "payments": []}}


def test_a_push_made_ready_before_its_turn_is_judged_at_the_time_it_is_applied(hub, enrol):
    """Rows made for noon are not taken at ten: a sale at eleven is then in the future."""
    till_id, _ = enrol("A")
    ten, noon = dt.datetime(2026, 1, 23, 10, 0), dt.datetime(2026, 1, 23, 12, 0)
    ops = apply.parse_ops([_sale_op(1, "2026-01-23T11:00:00"), _sale_op(2, "2026-01-23T09:00:00")])
    with hub_db.connection_context():
        apply.prepare(HubTill.get_by_id(till_id), ops, noon)
        assert all(op.prepared is not None for op in ops)
        answer = apply.apply_batch(uuid.UUID(till_id), ops, now=ten)
    assert [r["status"] for r in answer["results"]] == ["quarantined", "applied"]


def test_a_till_id_only_its_turn_can_bind_is_left_to_it(hub, enrol):
    """A till's own id is bound by its first push that names it, under its lock; another till naming it is refused."""
    a_id, _ = enrol("A")
    b_id, _ = enrol("B")
    own = str(uuid.uuid4())
    now = dt.datetime(2026, 1, 23, 12, 0)
    with hub_db.connection_context():
        first = apply.parse_ops([_sale_op(1, "2026-01-23T11:00:00", own)])
        apply.prepare(HubTill.get_by_id(a_id), first, now)
        assert first[0].prepared is None  # not A's yet: its turn binds it
        assert apply.apply_batch(uuid.UUID(a_id), first, now=now)["counts"] == {"applied": 1}
        assert str(HubTill.get_by_id(a_id).local_till_id) == own
        again = apply.parse_ops([_sale_op(2, "2026-01-23T11:01:00", own)])
        apply.prepare(HubTill.get_by_id(a_id), again, now)
        assert again[0].prepared is not None
        assert apply.apply_batch(uuid.UUID(a_id), again, now=now)["counts"] == {"applied": 1}
        stolen = apply.parse_ops([_sale_op(1, "2026-01-23T11:02:00", own)])
        apply.prepare(HubTill.get_by_id(b_id), stolen, now)
        assert stolen[0].prepared is None
        assert apply.apply_batch(uuid.UUID(b_id), stolen, now=now)["counts"] == {"quarantined": 1}
        assert "names another till" in Quarantine.get(Quarantine.till == b_id).error
        assert HubSale.select().count() == 2


def test_rows_made_before_the_turn_are_the_rows_the_turn_would_make(hub, enrol):
    """Awkward text (tabs, line breaks, backslashes) in a prepared line is what COPY would get from the row made under the lock."""
    till_id, _ = enrol("A")
    now = dt.datetime(2026, 1, 23, 12, 0)
    sale = _sale_op(1, "2026-01-23T11:00:00")
    sale["payload"]["sale"]["receipt_no"] = "T\t1\\N\nx"
    entry = ledger_op(2, delta=7)
    entry["payload"]["note"] = "a\tb\\c\r\nd «е»"
    ops = apply.parse_ops([sale, entry])
    with hub_db.connection_context():
        till = HubTill.get_by_id(till_id)
        apply.prepare(till, ops, now)
        ctx = apply.Context(till, now=now)
        for op, make in zip(ops, (apply.sale_row, apply.ledger_row)):
            assert op.prepared is not None and op.applied is not None
            row = make(op, ctx)
            assert op.prepared[2] == row
            assert op.prepared[3] == bulk.copy_lines([apply.COPIED[op.kind](row, ctx)])[0]
            assert op.applied[2] == bulk.copy_lines([(op.key, ctx.till_key, op.seq, op.kind, "applied", now.isoformat())])[0]
        assert apply.apply_batch(uuid.UUID(till_id), ops, now=now)["counts"] == {"applied": 2}
        assert HubSale.get().receipt_no == "T\t1\\N\nx"
        assert HubLedger.get().note == "a\tb\\c\r\nd «е»"


def test_rows_a_copy_refused_are_written_the_careful_way_even_when_prepared(hub, enrol, monkeypatch):
    """Two pushes of one entry racing past the look-up: the COPY meets the other's row, the INSERT takes what is new."""
    till_id, _ = enrol("A")
    now = dt.datetime(2026, 1, 23, 12, 0)
    ops = apply.parse_ops([ledger_op(1, delta=7), ledger_op(2, delta=3)])
    refused = []

    def copy_refusing_the_ledger(table, columns, rows, lines=None):
        if table == "hub_ledger":
            refused.append(lines)
            return False
        return bulk.copy_rows(table, columns, rows, lines)

    monkeypatch.setattr(apply, "copy_rows", copy_refusing_the_ledger)
    with hub_db.connection_context():
        apply.prepare(HubTill.get_by_id(till_id), ops, now)
        assert apply.apply_batch(uuid.UUID(till_id), ops, now=now)["counts"] == {"applied": 2}
        assert sorted(e.delta for e in HubLedger.select()) == [3, 7]
        assert {e.received_at for e in HubLedger.select()} == {now}
    assert refused and refused[0] is not None and len(refused[0]) == 2  # the prepared lines were offered first
