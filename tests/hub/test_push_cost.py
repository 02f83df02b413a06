"""What the push's cost cuts must not cost: values intact through the array
literals, exactly-once without the foreign keys, a till that cannot be deleted."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import peewee
import pytest

from models.hub import AppliedOp, HubLedger, HubTill, hub_db
from services.hub import apply
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
        apply.insert_values("awkward", ("id", "note", "maybe", "n", "at", "doc"), rows,
                            casts={"id": "::uuid", "doc": "::json"}, conflict="")
        back = hub_db.execute_sql("SELECT id::text, note, maybe, n, at, doc->>'note' FROM awkward").fetchall()
        transaction.rollback()
    assert sorted(back) == sorted((i, note, maybe, n, at, note) for i, note, maybe, n, at, _ in rows)


def test_a_column_that_cannot_be_an_array_literal_is_refused_as_before():
    assert apply.array_literal(["a\x00b", "c"]) == ["a\x00b", "c"]  # psycopg2 then refuses it, as it always did
    with pytest.raises(ValueError):
        apply.array_literal([None, "a\x00b"])
    assert apply.array_literal([1, None, 3]) == "{1,NULL,3}"
    assert apply.array_literal([True, 2]) == [True, 2]


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
