"""Occasions and the contact log pulled from other shops (services.sync.client.apply_pulled):
merged field by field by their clocks like members, a member or staff not here yet handled,
and nothing personal brought back for a member erased here."""
from __future__ import annotations

import datetime as dt
import json
import uuid

from models.schema import Contact, Member, Occasion, Outbox, SyncedRow
from services.core import hlc
from services.reach import contacts, occasions
from services.sync.client import apply_pulled
from tests.unit.shopkit import add_member

NOW = dt.datetime(2026, 11, 28, 12, 0)


def _outboxed(kind: str) -> tuple[dict, dict]:
    """The last document of `kind` this till wrote, as the hub hands it to the others."""
    op = Outbox.select().where(Outbox.kind == kind).order_by(Outbox.seq.desc()).first()
    payload = json.loads(op.payload)
    return payload, payload.pop("_clock")


def _as_if_from_elsewhere(kind: str, model, doc: dict) -> None:
    """This till has never held the row."""
    model.delete().where(model.id == uuid.UUID(doc["id"])).execute()
    SyncedRow.delete().where((SyncedRow.kind == kind) & (SyncedRow.row_id == doc["id"])).execute()


def _pull(kind: str, doc: dict, clocks: dict, cursor: int = 1) -> None:
    apply_pulled([{"kind": kind, "id": doc["id"], "doc": doc, "clocks": clocks}], cursor)


def _later(clocks: dict, field: str) -> dict:
    ms, counter, node = hlc.decode(max(clocks.values()))
    return {**clocks, field: hlc.encode(ms + 1000, 0, "other-till")}


def test_an_occasion_removed_in_shop_a_is_removed_here_and_an_older_copy_does_not_bring_it_back(shop):
    member, _ = add_member("Olga", shop["cashier"], "+79990000031")
    row = occasions.add(member, "anniversary", 12, 12, for_whom="Ivan", staff=shop["cashier"], now=NOW)
    first, clocks = _outboxed("occasion")
    _as_if_from_elsewhere("occasion", Occasion, first)
    _pull("occasion", first, clocks)
    assert Occasion.get_by_id(row.id).for_whom == "Ivan" and Occasion.get_by_id(row.id).removed_at is None
    removed = {**first, "removed_at": (NOW + dt.timedelta(days=1)).isoformat(sep=" ")}
    _pull("occasion", removed, _later(clocks, "removed_at"), 2)
    assert Occasion.get_by_id(row.id).removed_at == NOW + dt.timedelta(days=1)
    _pull("occasion", first, clocks, 3)  # the first version again (a replay, a slower path): no change
    assert Occasion.get_by_id(row.id).removed_at == NOW + dt.timedelta(days=1)


def test_a_contact_of_a_member_and_by_staff_not_here_yet_is_kept(shop):
    member, _ = add_member("Pavel", shop["cashier"], "+79990000032")
    row = contacts.log(member, channel="call", outcome="reached", staff=shop["manager"], note="call back in May",
                       now=NOW)
    doc, clocks = _outboxed("contact")
    _as_if_from_elsewhere("contact", Contact, doc)
    stranger, someone = uuid.uuid4(), uuid.uuid4()  # a member and a manager of another shop, not pulled yet
    _pull("contact", {**doc, "member_id": str(stranger), "staff_id": str(someone)}, clocks)
    kept = Contact.get_by_id(row.id)
    assert kept.member_id == stranger and kept.staff_id is None and kept.note == "call back in May"
    assert Member.get_by_id(stranger).name == ""  # a placeholder until the member's own change comes


def test_nothing_personal_comes_back_for_a_member_erased_here(shop):
    from services.reach import privacy

    member, _ = add_member("Raisa", shop["cashier"], "+79990000033")
    row = occasions.add(member, "friend_birthday", 3, 4, for_whom="Sveta", note="likes lilies", staff=shop["cashier"],
                        now=NOW)
    doc, clocks = _outboxed("occasion")
    privacy.erase(member, actor=shop["owner"], now=NOW + dt.timedelta(days=1))
    _as_if_from_elsewhere("occasion", Occasion, doc)
    _pull("occasion", doc, clocks)  # shop B's copy from before the erasure
    pulled = Occasion.get_by_id(row.id)
    assert (pulled.for_whom, pulled.note, pulled.year) == ("", "", None)
    remembered = SyncedRow.get((SyncedRow.kind == "occasion") & (SyncedRow.row_id == doc["id"]))
    assert "Sveta" not in remembered.doc and "lilies" not in remembered.doc
