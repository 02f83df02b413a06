"""A member erased at one till: after sync the hub's member document, its change log
and the other till hold no personal field; the books (sales, ledger) stay."""
from __future__ import annotations

import datetime as dt
import json

import peewee

from models.hub import Change, Entity, HubLedger, HubSale, hub_db
from models.schema import Card, Member, utcnow
from services.members import registry
from services.reach import privacy
from services.sync import client as sync
from tests.hub.conftest import client, on_till
from tests.hub.tillkit import owner, sell, some_barcodes

PERSONAL_KEYS = ("name", "name_key", "phone", "email", "birthday", "note", "external_ref")


class FakeHolder:
    def __init__(self) -> None:
        self.held: dict[str, dict] = {}
        self.erased: list[tuple[str, dt.datetime]] = []

    def personal_data(self, member_id):
        return self.held.get(str(member_id), {})

    def erase_personal(self, member_id, *, now):
        self.erased.append((str(member_id), now))
        self.held.pop(str(member_id), None)


def _till_texts() -> str:
    """Every text and blob of every table of the open till's file."""
    from models import db

    parts = []
    for (table,) in db.obj.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        for row in db.obj.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            parts += [v.decode("utf-8", "ignore") if isinstance(v, bytes) else v for v in row
                      if isinstance(v, (str, bytes))]
    return "\n".join(parts)


def _hub_member(member_id: str) -> tuple[dict, list[dict]]:
    with hub_db.connection_context():
        doc = Entity.get((Entity.kind == "member") & (Entity.entity_id == member_id)).doc
        changes = [c.doc for c in Change.select().where((Change.kind == "member") & (Change.entity_id == member_id))]
    return doc, changes


def _hub_books(member_id: str) -> tuple:
    with hub_db.connection_context():
        sales = sorted((str(s.id), s.total) for s in HubSale.select().where(HubSale.member_id == member_id))
        entries = sorted((str(e.id), e.delta) for e in HubLedger.select().where(HubLedger.member_id == member_id))
    return sales, entries


def test_an_erasure_reaches_the_hub_and_the_other_till(joined, hub_http):
    first, second, a_token, b_token = joined
    with on_till(first):
        shared = {n for (n,) in Member.select(Member.name).group_by(Member.name)
                  .having(peewee.fn.COUNT(Member.id) > 1).tuples()}  # the demo repeats a few names
        card = next(c for c in Card.select().where((Card.status == "active") & Card.member.is_null(False))
                    .order_by(Card.number) if Member.get_by_id(c.member_id).name not in shared)
        member = Member.get_by_id(card.member_id)
        member_id = str(member.id)
        # An e-mail, a note and an old id on top of the demo's name, phone and birthday, synced first.
        Member.update(email="olga@example.ru", note="ходит по средам", external_ref="OLD-1",
                      birthday=dt.date(1932, 2, 29)).where(Member.id == member.id).execute()
        from models import write_transaction
        from services.core.serialize import row_dict
        from services.journal import outbox
        with write_transaction():
            outbox.record("member", row_dict(Member.get_by_id(member.id)))
        old = {k: getattr(Member.get_by_id(member.id), k) for k in PERSONAL_KEYS}
        sell(card.number, [(b, 2) for b in some_barcodes(2)])  # the demo's history is not pushed: a sale that is
        sync.sync_once(client(hub_http, a_token))
    old_texts = [v.isoformat() if isinstance(v, dt.date) else v for v in old.values() if v]
    before, _ = _hub_member(member_id)
    assert before["name"] == old["name"] and before["email"] == "olga@example.ru" and before["phone"]
    books = _hub_books(member_id)
    assert books[0] and books[1]
    holder = FakeHolder()
    with on_till(second):
        sync.sync_once(client(hub_http, b_token))
        assert Member.get_by_id(member.id).name == old["name"]
        # The other till writes of the member too: a goodwill adjustment (its audit names them).
        registry.adjust_balance(Member.get_by_id(member.id), 5, "goodwill", actor=owner())
        assert old["name"] in _till_texts()
        holder.held[member_id] = {"occasions": [{"who": "sister Oana"}]}
        sync.sync_once(client(hub_http, b_token))

    with on_till(first):
        sync.sync_once(client(hub_http, a_token))  # the other till's +5 is known here before the erasure
        balance = Member.get_by_id(member.id).balance
        now = utcnow().replace(microsecond=0)  # the hub refuses times after its own clock
        privacy.erase(Member.get_by_id(member.id), actor=owner(), now=now)
        sync.sync_once(client(hub_http, a_token))

        left = _till_texts()
        assert [t for t in old_texts if t in left] == []

    doc, changes = _hub_member(member_id)
    assert doc["name"] == privacy.erased_name() and doc["erased_at"] == now.isoformat()
    assert all(doc[k] in (None, "", privacy.erased_name(), privacy.erased_name().casefold()) for k in PERSONAL_KEYS)
    assert doc["marketing_consent"] is False
    # Neither the document nor any version of it in the change log holds a personal value.
    for version in [doc, *changes]:
        text = json.dumps(version, ensure_ascii=False)
        assert [t for t in old_texts if t in text] == []
    sales, entries = _hub_books(member_id)
    assert sales == books[0]  # the sales as they were
    assert set(books[1]) < set(entries) and sum(d for _, d in entries) == 0 and balance != 0

    with on_till(second):
        # Offline, not knowing of the erasure yet, this till corrects the member's phone: later clock readings.
        registry.update(Member.get_by_id(member.id), phone="+79990001122", actor=owner())
        privacy.HOLDERS.append(holder)
        try:
            sync.sync_once(client(hub_http, b_token))
        finally:
            privacy.HOLDERS.remove(holder)
        assert [m for m, _at in holder.erased] == [member_id]
        left = _till_texts()
        assert [t for t in old_texts if t in left] == []  # not the row, the outbox, the audit, the synced copy
        there = Member.get_by_id(member.id)
        assert there.name == privacy.erased_name() and there.erased_at == now
        assert (there.phone, there.email, there.birthday, there.note, there.external_ref) == (None, None, None, "", None)
        assert there.balance == 0
        assert "+79990001122" not in left  # the late edit went out erased, and came back erased
        assert {c.status for c in Card.select().where(Card.member == member.id)} == {"blocked"}
    doc, _changes = _hub_member(member_id)
    assert doc["phone"] is None and doc["name"] == privacy.erased_name()
