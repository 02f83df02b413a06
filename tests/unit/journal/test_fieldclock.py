"""Hybrid logical clocks and the per-field readings outbox payloads carry."""
from __future__ import annotations

import json

from hypothesis import given, strategies as st

from models.schema import Outbox
from services.core import hlc


def test_tick_never_goes_back_or_repeats():
    a = hlc.tick(None, "n1", now_ms=1000)
    b = hlc.tick(a, "n1", now_ms=900)  # the wall clock stepped back
    c = hlc.tick(b, "n1", now_ms=900)
    assert a < b < c
    assert hlc.tick(c, "n1", now_ms=5000) == hlc.encode(5000, 0, "n1")


@given(st.dictionaries(st.sampled_from("abc"), st.integers(), min_size=1),
       st.dictionaries(st.sampled_from("abc"), st.integers(), min_size=1),
       st.integers(1, 9), st.integers(1, 9))
def test_merge_is_order_independent(x, y, tx, ty):
    """Two edits merged in either order give the same row: tills converge."""
    cx = {k: hlc.encode(tx, 0, "x") for k in x}
    cy = {k: hlc.encode(ty, 0, "y") for k in y}
    one = hlc.merge(*hlc.merge({}, {}, x, cx)[:2], y, cy)[:2]
    two = hlc.merge(*hlc.merge({}, {}, y, cy)[:2], x, cx)[:2]
    assert one == two


def _last(kind):
    row = Outbox.select().where(Outbox.kind == kind).order_by(Outbox.seq.desc()).first()
    return json.loads(row.payload)


def test_a_card_given_to_a_member_stamps_only_what_changed(shop):
    from services.printing import cardsheet
    from services.members import registry as members

    faces = cardsheet.reserve_blank(3, actor=shop["owner"])
    batch = [json.loads(r.payload) for r in Outbox.select().where(Outbox.kind == "card")]
    assert len(batch) == 3 and len({c for p in batch for c in p["_clock"].values()}) == 1  # one reading per bulk write
    first = batch[0]["_clock"]["number"]
    members.register("Ана Попеску", card_number=faces[0].number, actor=shop["owner"])
    given = _last("card")
    assert given["number"] == faces[0].number
    assert given["_clock"]["number"] == given["_clock"]["created_at"] == first  # unchanged fields keep their reading
    assert given["_clock"]["member_id"] > first and given["_clock"]["status"] > first


def test_rows_stamped_as_new_are_stamped_as_looked_up_ones_are(shop):
    """stamp_many(new=True) skips the look-up of known versions: for rows born in the
    transaction it must give what the look-up gives (every field the batch's reading),
    and a later edit of one field must still stamp that field alone."""
    import uuid

    from models import write_transaction
    from models.schema import SyncedRow
    from services.journal import fieldclock

    docs = [(str(uuid.uuid4()), {"id": f"x{n}", "name": f"n{n}", "note": ""}) for n in range(4)]
    with write_transaction():
        looked = fieldclock.stamp_many("member", docs[:2])
        new = fieldclock.stamp_many("member", docs[2:], new=True)
    assert [set(c) for c in looked + new] == [{"id", "name", "note"}] * 4
    assert len({r for c in looked for r in c.values()}) == 1 and len({r for c in new for r in c.values()}) == 1
    assert next(iter(new[0].values())) > next(iter(looked[0].values()))
    kept = {r.row_id: json.loads(r.doc) for r in SyncedRow.select().where(SyncedRow.kind == "member")}
    assert all(kept[row_id] == doc for row_id, doc in docs)
    with write_transaction():
        later = fieldclock.stamp_many("member", [(docs[3][0], {**docs[3][1], "name": "renamed"})])
    assert later[0]["name"] > new[1]["name"] and later[0]["id"] == new[1]["id"] == new[1]["note"]


def test_a_plan_stamps_as_the_till_would_and_writes_its_clock_once_when_it_ticked(shop):
    """fieldclock.Planned (an import's helper plans writes for another connection to run):
    its readings come after the till's clock and after the plan before, a version it
    planned is known to the next stamp as if written, and the till's clock is written
    once, with the rest, only if the plan ticked."""
    import uuid

    from models import write_transaction
    from models.schema import Setting, SyncedRow
    from services.journal import fieldclock

    with write_transaction():
        before = fieldclock.next_reading()
    row_id = str(uuid.uuid4())
    plan = fieldclock.Planned.on_snapshot(None)
    first = fieldclock.stamp_many("member", [(row_id, {"id": row_id, "name": "A", "note": ""})], new=True, sink=plan)
    assert first[0]["name"] > before and SyncedRow.select().count() == 0  # nothing written yet
    after = fieldclock.Planned.on_snapshot(plan.last, plan.versions)  # the next chunk, the first not yet run
    edit = fieldclock.stamp_many("member", [(row_id, {"id": row_id, "name": "B", "note": ""})], sink=after)
    assert edit[0]["name"] > first[0]["name"] and edit[0]["id"] == first[0]["id"]  # unchanged fields keep theirs
    plan.close()
    after.close()
    idle = fieldclock.Planned.on_snapshot(after.last)
    idle.close()
    assert idle.kept == []  # no reading taken: the clock is not written again
    with write_transaction():
        for statements in (plan, after):
            statements.run()
    assert json.loads(Setting.get_by_id("sync_hlc").value) == after.last
    assert json.loads(SyncedRow.get(SyncedRow.row_id == row_id).doc)["name"] == "B"
