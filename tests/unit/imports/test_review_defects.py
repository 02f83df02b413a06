"""Reproductions of defects found in the review of issue 12 (imports).

Each test states what the owner should see; on main at 0910094 each FAILS.
They are here to be made to pass, not to be skipped."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from models import write_transaction
from models.schema import Card, LedgerEntry, Member, RowSignature, Sale
from services.core.errors import InputError
from services.core.storage import Pace
from services.imports import files, history, members as member_engine, runner
from services.journal import authority
from services.members import registry
from services.programme import ledger
from services.shop import catalogue
from services.shop import staff as auth
from tests.unit.shopkit import add_member, add_products

NOW = dt.datetime(2026, 12, 1, 12, 0)


def _pace(size: int = 100) -> Pace:
    return Pace(size, rest_s=0, clock=lambda: 0.0, sleep=lambda s: None, most=size)


def _members(rows, shop, **kw):
    _programme_since_2000()
    if authority.unlocked_key() is None:
        auth.login("111111")
    return member_engine.run(list(enumerate(rows, start=2)), actor=shop["owner"], now=kw.pop("now", NOW),
                             pace=kw.pop("pace", _pace()), **kw)


def _history(rows, shop, **kw):
    _programme_since_2000()
    if authority.unlocked_key() is None:
        auth.login("111111")
    return history.run(list(enumerate(rows, start=2)), actor=shop["owner"], now=kw.pop("now", NOW),
                       pace=kw.pop("pace", _pace(2)), **kw)


def _programme_since_2000() -> None:
    from models.schema import RuleSet

    with write_transaction():
        RuleSet.update(effective_from=dt.datetime(2000, 1, 1)).execute()


def test_members_file_again_after_a_history_grant_does_not_take_the_grant_back(shop):
    """Both write ledger kind 'import'; the members engine counts the grant as an
    opening balance and 're-imports' it away (same file twice must change nothing)."""
    _programme_since_2000()
    file = [{"name": "Иван", "card": "1234567", "balance": "150"}]
    _members(file, shop)
    granted = _history([{"receipt": "R1", "date": "01.03.2024", "amount": "10000", "card": "1234567"}], shop,
                       options={"grant_points": True})
    assert granted.points_granted > 0
    ivan = Member.get(Member.name == "Иван")
    before = Member.get_by_id(ivan.id).balance
    again = _members(file, shop)
    assert Member.get_by_id(ivan.id).balance == before, "the same members file took the history grant back"
    assert again.updated == 0


def test_history_grant_is_signed_with_the_key_the_import_started_with(shop):
    """members.py signs with job.signer (a lock half-way keeps signing); history's
    grant signs with whatever key is held at the end: a lock meanwhile leaves it unsigned."""
    _programme_since_2000()
    rows = [{"date": f"0{d}.03.2024", "amount": "1000", "card": f"700000{d}"} for d in range(1, 6)]
    _history(rows, shop, options={"grant_points": True}, progress=lambda done: authority.forget())
    grants = [str(e.id) for e in LedgerEntry.select().where(LedgerEntry.note == history.GRANT_NOTE)]
    signed = {r.row_id for r in RowSignature.select().where(RowSignature.kind == "ledger_import")}
    assert grants and set(grants) <= signed, "grant entries without the owner's signature: the hub refuses them"


def test_history_refuses_a_card_that_is_a_product_barcode(shop):
    """members.py refuses it (import_card_is_product); history.py makes a member with it,
    and from then on scanning the product attaches that member instead of selling it."""
    [code] = add_products([("Milk", 8990, False)])
    out = _history([{"receipt": "R1", "date": "01.03.2024", "amount": "100", "card": code}], shop)
    assert not Card.select().where(Card.number == code).exists()
    assert [p.error.code for p in out.errors] == ["import_card_is_product"]


def test_a_new_in_store_code_is_never_an_imported_card(shop):
    """new_instore_code skips product codes only; an old card in 20xxx (the in-store range) is handed out
    to the next product without a barcode, which then scans as the card."""
    first = catalogue.new_instore_code()
    _members([{"name": "Old card", "card": first}], shop)
    assert catalogue.new_instore_code() != first


def test_a_quote_that_never_closes_does_not_swallow_the_rest_of_the_file(tmp_path: Path):
    path = tmp_path / "m.csv"
    path.write_text('Name;Phone;Card\r\nA;+79160000011;40000001\r\n"B;+79160000012;40000002\r\n'
                    'C;+79160000013;40000003\r\nD;+79160000014;40000004\r\n', encoding="utf-8")
    table = files.open_table(path)
    try:
        rows = list(table.rows(every=True))  # B's line too: refused, saying where (table.problems)
    except InputError:
        return  # refused, saying where: fine
    assert len(rows) == 4, f"C and D vanished into B's name: {rows[-1][1][0]!r}"
    assert [n for n, _ in table.rows()] == [2, 4, 5] and table.problems[3].code == "import_quote_unclosed"


def test_a_nul_byte_past_the_sample_is_refused_not_stored(tmp_path: Path):
    path = tmp_path / "m.csv"
    body = b"Name,Phone,Card\r\n" + b"".join(b"A%d,+7916%07d,%d\r\n" % (i, i, 30000000 + i) for i in range(3000))
    path.write_bytes(body + b"B\x00x,+79169999999,39999999\r\n")
    table = files.open_table(path)
    cells = [c for _, row in table.rows() for c in row]
    assert not any("\x00" in str(c) for c in cells), "a NUL reaches a member's name (the hub cannot store it)"


def test_the_dry_run_counts_what_the_import_does_when_a_duplicate_is_in_a_later_chunk(shop):
    rows = [{"name": f"M{i}", "card": f"9000{i:04d}"} for i in range(5)] + [{"name": "M0 again", "card": "90000000"}]
    dry = _members(rows, shop, dry_run=True, pace=_pace(3))
    real = _members(rows, shop, pace=_pace(3))
    assert (dry.imported, dry.skipped, len(dry.warnings)) == (real.imported, real.skipped, len(real.warnings))


def test_a_corrected_amount_in_an_idless_history_does_not_import_the_receipt_twice(shop):
    _history([{"date": "01.03.2024", "amount": "100,00", "phone": "+79160000061"}], shop)
    _history([{"date": "01.03.2024", "amount": "100,50", "phone": "+79160000061"}], shop)
    assert Sale.select().where(Sale.imported == True).count() == 1  # noqa: E712


def test_an_iso_time_with_an_offset_is_not_shifted_twice(shop):
    """values.moment turns +03:00 into naive UTC; history then treats it as the shop's clock
    and subtracts the zone again (Moscow shop: 10:00+03:00 is stored as 04:00 UTC)."""
    _history([{"receipt": "R1", "date": "2024-03-02T10:00:00+03:00", "amount": "70", "phone": "+79160000052"}],
             shop)
    assert Sale.get(Sale.imported == True).created_at == dt.datetime(2024, 3, 2, 7, 0)  # noqa: E712


def test_a_four_digit_old_card_does_not_hide_the_phone_ending_search(shop):
    someone, _ = add_member("Phone owner", shop["cashier"], phone="+79161115678")
    _members([{"name": "Old card 5678", "card": "5678"}], shop)
    found = {m.name for m in registry.search("5678")}
    assert "Phone owner" in found, "typing a phone's last digits now finds only the old card"


def test_two_people_on_one_card_are_not_merged_silently_out_of_the_rejects_file(shop, tmp_path: Path):
    """Different name and phone on the same card: the second person is dropped as 'the same
    customer', a warning only, so the rejects file (errors only) cannot bring them back."""
    path = tmp_path / "m.csv"
    path.write_text("ФИО;Телефон;Номер карты;Баланс\nАлла;+79160000081;88880001;100\n"
                    "Борис;+79160000082;88880001;500\n", encoding="utf-8")
    _programme_since_2000()
    auth.login("111111")
    out = runner.run_import(path, "members", actor=shop["owner"], errors_out=tmp_path / "rej.csv")
    assert Member.select().where(Member.phone == "+79160000082").exists() or \
        "Борис" in (tmp_path / "rej.csv").read_text(encoding="utf-8")
    assert ledger.mismatched_balances() == []
    assert [(p.row, p.error.code) for p in out.errors] == [(3, "import_card_other_person")]


def test_a_catalogue_update_keeps_the_plu_rules(shop):
    """The create path checks 0 < PLU <= the scales' max and only for weighed goods; the update
    path writes any PLU (values.points lets negatives in) onto any product."""
    from models.schema import Product
    from services.imports import catalogue as catalogue_engine

    [code] = add_products([("Milk", 8990, False)])
    catalogue_engine.run([(2, {"barcode": code, "name": "Milk", "price": "89,90", "plu": "-7"})],
                         actor=shop["owner"], pace=_pace())
    assert Product.get(Product.barcode == code).plu is None
