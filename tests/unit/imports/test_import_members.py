"""Members from an old system's file (services.imports.members): cards kept as
they are, opening balances as signed "import" entries, idempotence, duplicates."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models.schema import Card, LedgerEntry, Member, Outbox, RowSignature, utcnow
from services.core import signing
from services.core.errors import InputError, PermissionDenied
from services.core.storage import Pace
from services.imports import members as engine
from services.journal import authority
from services.programme import ledger
from services.shop import staff as auth



def fast_pace(size: int = engine.CHUNK) -> Pace:
    return Pace(size, rest_s=0, sleep=lambda s: None, most=size)


def run(rows, shop, pace=None, **kw):
    records = [(n, cells) for n, cells in enumerate(rows, start=2)]
    if authority.unlocked_key() is None and shop["owner"].role == "owner":
        auth.login("111111")  # the owner signed in: their key signs the opening balances
    # now: after the shop fixture's programme took effect (when its template was built)
    return engine.run(records, actor=shop["owner"], now=kw.pop("now", utcnow()), pace=pace or fast_pace(), **kw)


def member_with(card: str) -> Member:
    return Member.get_by_id(Card.get(Card.number == card).member_id)


def imported_sum(member: Member) -> int:
    return sum(e.delta for e in LedgerEntry.select().where((LedgerEntry.member == member) & (LedgerEntry.kind == "import")))


ROWS = [
    {"name": "Иванов Иван", "phone": "8 (916) 123-45-67", "card": "12345670", "balance": "150",
     "birthday": "01.02.1980", "email": "Ivan@Example.com", "consent": "да", "tier": "Silver"},
    {"last_name": "Петрова", "first_name": "Мария", "middle_name": "Ивановна", "phone": "+7 926 000-11-22",
     "card": "4006381333931", "balance": "1 200", "registered": "2019-05-04", "note": "VIP"},
    {"name": "Без карты", "external_ref": "C-77", "balance": "0"},
]


def test_a_file_makes_members_with_their_old_cards_and_signed_opening_balances(shop):
    auth.login("111111")
    outcome = run(ROWS, shop)
    assert (outcome.rows, outcome.imported, outcome.updated, outcome.skipped) == (3, 3, 0, 0)
    assert outcome.errors == [] and outcome.warnings == []
    ivan = member_with("12345670")
    assert (ivan.name, ivan.phone, ivan.email, ivan.birthday) == ("Иванов Иван", "+79161234567", "ivan@example.com",
                                                                 dt.date(1980, 2, 1))
    assert ivan.marketing_consent and ivan.tier == "silver" and ivan.origin == "import" and ivan.balance == 150
    maria = member_with("4006381333931")
    assert maria.name == "Петрова Мария Ивановна" and maria.created_at == dt.datetime(2019, 5, 4)
    assert maria.note == "VIP" and maria.balance == 1200 and maria.tier == "base"
    assert Member.get(Member.external_ref == "C-77").balance == 0
    entries = list(LedgerEntry.select().where(LedgerEntry.kind == "import"))
    assert sorted(e.delta for e in entries) == [150, 1200]  # a zero balance makes no entry
    assert ledger.mismatched_balances() == []
    kinds = [o.kind for o in Outbox.select().order_by(Outbox.seq)]
    assert kinds.count("member") == 3 and kinds.count("card") == 2 and kinds.count("ledger_entry") == 2
    assert kinds.index("ledger_entry") > kinds.index("card") > kinds.index("member")
    for op in Outbox.select().where(Outbox.kind == "ledger_entry"):
        doc = json.loads(op.payload)
        sig = RowSignature.get((RowSignature.kind == "ledger_import") & (RowSignature.row_id == doc["id"]))
        assert sig.digest == signing.digest(doc) and sig.signer == shop["owner"].sign_key
        assert signing.verify(sig.signer, signing.signed_bytes("ledger_import", doc["id"], doc, sig.signed_at), sig.sig)
    member_ops = [json.loads(o.payload) for o in Outbox.select().where(Outbox.kind == "member")]
    assert {m["origin"] for m in member_ops} == {"import"} and all("_clock" in m for m in member_ops)


def test_the_same_file_twice_changes_nothing(shop):
    run(ROWS, shop)
    ops, entries = Outbox.select().count(), LedgerEntry.select().count()
    again = run(ROWS, shop)
    assert (again.rows, again.imported, again.updated, again.skipped) == (3, 0, 0, 3)
    assert (Outbox.select().count(), LedgerEntry.select().count()) == (ops, entries)


def test_a_changed_phone_updates_and_a_changed_balance_adds_only_the_difference(shop):
    run(ROWS, shop)
    changed = [dict(ROWS[0], phone="+7 916 765-43-21", balance="100"), ROWS[1], ROWS[2]]
    outcome = run(changed, shop)
    assert (outcome.imported, outcome.updated, outcome.skipped) == (0, 1, 2)
    ivan = member_with("12345670")
    assert ivan.phone == "+79167654321" and ivan.balance == 100
    assert [e.delta for e in LedgerEntry.select().where(LedgerEntry.member == ivan).order_by(LedgerEntry.created_at)] \
        == [150, -50]
    op = json.loads(Outbox.select().where(Outbox.kind == "member").order_by(Outbox.seq.desc()).get().payload)
    assert op["phone"] == "+79167654321" and op["balance"] == 100


def test_points_spent_at_the_till_are_not_given_back_by_importing_again(shop):
    run(ROWS, shop)
    ivan = member_with("12345670")
    ledger_row = None
    from services.core.storage import write_transaction
    with write_transaction():
        ledger_row = ledger.post(ivan, "redeem", -40)
    assert ledger_row and Member.get_by_id(ivan.id).balance == 110
    outcome = run(ROWS, shop)
    assert outcome.updated == 0 and Member.get_by_id(ivan.id).balance == 110


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, engine.IMPORT_MEMBER_CAP)), min_size=3, max_size=3),
                min_size=1, max_size=4))
def test_any_sequence_of_imports_leaves_the_balance_at_the_last_files_and_the_ledgers_sum(shop, files):
    cards = ["77000001", "77000002", "77000003"]
    last: dict[str, int] = {}
    for balances in files:
        rows = [{"name": f"M{i}", "card": card, **({"balance": str(b)} if b is not None else {})}
                for i, (card, b) in enumerate(zip(cards, balances))]
        run(rows, shop)
        last.update({card: b for card, b in zip(cards, balances) if b is not None})
    for card in cards:
        member = member_with(card)
        assert member.balance == ledger.ledger_balance(member.id) == imported_sum(member) == last.get(card, 0)
    assert ledger.mismatched_balances() == []
    LedgerEntry.delete().execute(); Card.delete().execute(); Member.delete().execute()  # noqa: E702


def test_duplicates_merge_into_the_first_row_s_member_and_say_so(shop):
    rows = [
        {"name": "Анна", "phone": "+7 916 111-11-11", "card": "11110000", "balance": "10"},
        {"name": "Анна Смирнова", "phone": "+7 916 111-11-11", "card": "22220000", "email": "a@b.ru", "balance": "99"},
    ]
    outcome = run(rows, shop)
    assert (outcome.imported, outcome.updated) == (1, 1)
    [warning] = outcome.warnings
    assert (warning.row, warning.field, warning.error.code, warning.error.params["first"]) == \
        (3, "phone", "import_duplicate_merged", 2)
    anna = member_with("11110000")
    assert member_with("22220000").id == anna.id  # the later card is hers too
    assert (anna.name, anna.email, anna.balance) == ("Анна", "a@b.ru", 10)  # the first row's name and balance stay
    again = run(rows, shop)
    assert (again.imported, again.updated, again.skipped) == (0, 0, 2)


def test_duplicates_far_apart_in_a_long_file_stay_idempotent(shop):
    rows = [{"name": "Семья Иванова", "phone": "+7 916 222-22-22", "card": "33330000", "balance": "5"}]
    rows += [{"name": f"Filler {i}", "card": f"{50000000 + i}"} for i in range(5)]
    rows += [{"name": "Семья Иванов", "phone": "+7 916 222-22-22", "card": "44440000", "balance": "7"}]
    first = run(rows, shop, pace=fast_pace(2))  # the two rows land in different chunks
    assert (first.imported, first.updated) == (6, 1)
    again = run(rows, shop, pace=fast_pace(2))
    assert (again.imported, again.updated, again.skipped) == (0, 0, 7)
    assert member_with("44440000").name == "Семья Иванова"


def test_duplicates_skipped_when_the_owner_says_so(shop):
    run([{"name": "Олег", "phone": "+7 916 333-33-33", "card": "55550000"}], shop)
    rows = [
        {"name": "Пётр", "phone": "+7 916 444-44-44", "card": "66660000"},
        {"name": "Пётр Второй", "card": "66660000", "balance": "500"},
        {"name": "Олег", "phone": "+7 916 333-33-33", "card": "77770000"},
    ]
    outcome = run(rows, shop, options={"duplicates": "skip"})
    assert (outcome.imported, outcome.updated, outcome.skipped) == (1, 0, 2)
    codes = [(w.row, w.error.code) for w in outcome.warnings]
    assert codes == [(3, "import_duplicate_skipped"), (4, "import_duplicate_member")]
    assert member_with("66660000").balance == 0 and Card.get_or_none(Card.number == "77770000") is None
    merged = run(rows[2:], shop)  # merge (the default): Oleg's old card is added to him
    assert merged.updated == 1 and member_with("77770000").name == "Олег"
    assert merged.warnings[0].error.code == "import_duplicate_member_merged"


def test_every_trap_is_reported_with_its_row_and_field_and_nothing_of_the_row_is_written(shop):
    from tests.unit.shopkit import add_products
    [barcode] = add_products([("Milk", 100, False)])
    run([{"name": "Owner of 88880000", "phone": "+7 916 555-55-55", "card": "88880000"}], shop)
    rows = [
        {"name": "Bad phone", "phone": "12", "card": "10000001", "balance": "5"},
        {"name": "Bad date", "birthday": "31.02.1990", "card": "10000002"},
        {"name": "Future", "birthday": "01.01.2090", "card": "10000003"},
        {"name": "x" * 201, "card": "10000004"},
        {"name": "Bad card", "card": "12AB"},
        {"name": "Product", "card": barcode},
        {"name": "Other", "card": "88880000", "phone": "+7 916 666-66-66", "external_ref": "Z"},
        {"name": "Tier", "card": "10000005", "tier": "Platinum"},
        {"card": "10000006", "balance": "5"},
        {"name": "Half", "card": "10000007", "balance": "1,5"},
        {"name": "=HYPERLINK(\"x\")", "card": "10000008"},
    ]
    run([{"name": "Someone", "phone": "+7 916 666-66-66"}], shop)
    before = (Member.select().count(), Card.select().count(), LedgerEntry.select().count())
    outcome = run(rows, shop)
    found = [(p.row, p.field, p.error.code) for p in outcome.errors]
    assert found == [
        (2, "phone", "import_phone_bad"), (3, "birthday", "import_date_bad"), (4, "birthday", "import_date_range"),
        (5, "name", "import_too_long"), (6, "card", "import_card_bad"), (9, "tier", "import_tier_unknown"),
        (11, "balance", "import_points_whole"),
        (7, "card", "import_card_is_product"), (8, "phone", "import_other_member"), (10, "name", "import_name_missing"),
    ]  # the cells first (read before the write lock), then what the till knows
    assert [(w.row, w.field, w.error.code) for w in outcome.warnings] == [(12, "name", "import_formula_text")]
    assert (outcome.rows, outcome.imported) == (11, 1)
    assert member_with("10000008").name == "=HYPERLINK(\"x\")"
    after = (Member.select().count(), Card.select().count(), LedgerEntry.select().count())
    assert after == (before[0] + 1, before[1] + 1, before[2])
    assert all(p.message and p.message != p.error.code for p in outcome.errors)


def test_a_dry_run_counts_the_same_and_writes_nothing(shop):
    before = (Member.select().count(), Card.select().count(), LedgerEntry.select().count(), Outbox.select().count())
    dry = run(ROWS + [{"name": "Bad", "phone": "1"}], shop, dry_run=True)
    assert (dry.rows, dry.imported, dry.updated, dry.skipped, len(dry.errors), dry.dry_run) == (4, 3, 0, 0, 1, True)
    assert (Member.select().count(), Card.select().count(), LedgerEntry.select().count(),
            Outbox.select().count()) == before
    real = run(ROWS + [{"name": "Bad", "phone": "1"}], shop)
    assert (real.imported, real.updated, real.skipped, len(real.errors)) == (3, 0, 0, 1)


def test_a_stopped_import_keeps_its_whole_chunks_and_a_second_run_completes_it(shop):
    rows = [{"name": f"N{i}", "card": f"{60000000 + i}", "balance": str(i)} for i in range(7)]
    calls = []
    stopped = run(rows, shop, pace=fast_pace(3), should_stop=lambda: True, progress=calls.append)
    assert (stopped.rows, stopped.imported) == (3, 3) and calls == [3]
    rest = run(rows, shop, pace=fast_pace(3))
    assert (rest.rows, rest.imported, rest.skipped) == (7, 4, 3)
    assert Member.select().count() == 7 and ledger.mismatched_balances() == []


def test_an_import_failing_mid_chunk_leaves_no_half_row(shop, monkeypatch):
    rows = [{"name": f"K{i}", "card": f"{70000000 + i}", "balance": "10"} for i in range(5)]
    real_save = engine._Chunk.save
    calls = {"n": 0}

    def failing_save(chunk, sink=None):
        calls["n"] += 1
        real_save(chunk, sink)
        if calls["n"] == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(engine._Chunk, "save", failing_save)
    with pytest.raises(RuntimeError):
        run(rows, shop, pace=fast_pace(2))
    assert Member.select().count() == 2 and Card.select().count() == 2 and LedgerEntry.select().count() == 2
    monkeypatch.setattr(engine._Chunk, "save", real_save)
    rest = run(rows, shop, pace=fast_pace(2))
    assert (rest.imported, rest.skipped) == (3, 2) and ledger.mismatched_balances() == []


def test_only_the_owner_imports_and_a_bad_option_is_refused(shop):
    with pytest.raises(PermissionDenied):
        engine.run([], actor=shop["manager"])
    with pytest.raises(InputError) as bad:
        engine.run([], actor=shop["owner"], options={"duplicates": "sum"})
    assert bad.value.code == "import_option_bad"


def test_a_lower_balance_takes_back_no_more_than_the_member_has_and_the_hubs_bounds_hold(shop):
    from services.hub import rights

    assert engine.IMPORT_MEMBER_CAP == rights.IMPORT_MEMBER_CAP  # the till refuses what the hub would
    run([{"name": "Вера", "card": "99990000", "balance": "150"}], shop)
    vera = member_with("99990000")
    from services.core.storage import write_transaction
    with write_transaction():
        ledger.post(vera, "redeem", -100)
    refused = run([{"name": "Вера", "card": "99990000", "balance": "0"}], shop)
    [problem] = refused.errors
    assert (problem.field, problem.error.code, problem.error.params["balance"]) == ("balance", "import_balance_spent", 50)
    taken = run([{"name": "Вера", "card": "99990000", "balance": "120"}], shop)
    assert taken.updated == 1 and Member.get_by_id(vera.id).balance == 20 == ledger.ledger_balance(vera.id)
    bounds = run([{"name": "Debt", "card": "99990001", "balance": "-5"},
                  {"name": "Rich", "card": "99990002", "balance": str(engine.IMPORT_MEMBER_CAP + 1)}], shop)
    assert [(p.row, p.error.code) for p in bounds.errors] == [(2, "import_negative"), (3, "import_balance_cap")]


def test_without_the_owners_key_a_balance_is_refused_and_a_lock_half_way_still_signs(shop):
    """Opening balances need the owner's signature at the hub: with no key open
    a row with a balance is refused, saying so; the key the import started with
    signs its later chunks even if the till is locked meanwhile."""
    authority.forget()
    records = [(2, {"name": "A", "phone": "+79160000001", "balance": "10"}),
               (3, {"name": "B", "phone": "+79160000002"})]
    outcome = engine.run(records, actor=shop["owner"], now=utcnow(), pace=fast_pace())
    assert [(p.row, p.field, p.error.code) for p in outcome.errors] == [(2, "balance", "import_owner_key")]
    assert outcome.imported == 1
    auth.login("111111")
    many = [(n, {"name": f"C {n}", "phone": f"+7916100{n:04d}", "balance": "5"}) for n in range(2, 12)]

    def lock_after_first_chunk(done: int) -> None:
        authority.forget()  # what the window's lock does

    outcome = engine.run(many, actor=shop["owner"], now=utcnow(), pace=fast_pace(3), progress=lock_after_first_chunk)
    assert outcome.imported == 10 and not outcome.errors
    entries = [str(e.id) for e in LedgerEntry.select().where(LedgerEntry.kind == "import")]
    signed = {r.row_id for r in RowSignature.select().where(RowSignature.kind == "ledger_import")}
    assert len(entries) == 10 and set(entries) <= signed


def test_each_operation_carries_the_row_as_it_was_written(shop):
    """New members and cards go to the outbox with their ids and times as objects, written
    by orjson (services.core.serialize.compact): each payload is still the row as row_dict gives it,
    and the per-field clock rows remember the same document."""
    from models.schema import SyncedRow
    from services.core.serialize import row_dict

    run(ROWS, shop)
    for kind, model in (("member", Member), ("card", Card), ("ledger_entry", LedgerEntry)):
        ops = [json.loads(o.payload) for o in Outbox.select().where(Outbox.kind == kind)]
        assert ops
        for op in ops:
            clocks = op.pop("_clock", None)
            assert op == row_dict(model.get_by_id(op["id"]))
            if clocks is not None:
                kept = SyncedRow.get((SyncedRow.kind == kind) & (SyncedRow.row_id == op["id"]))
                assert json.loads(kept.doc) == {k: v for k, v in op.items() if k != "balance"}
                assert set(clocks) == set(json.loads(kept.clocks))
