"""The sales-history engine after the review: the members engine's customer checks,
the grant's key and cap, corrected amounts, times written with their offset, and a
name with no key."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import write_transaction
from models.schema import Card, LedgerEntry, Member, RowSignature, Sale, SaleLine
from services.core.errors import InputError
from services.imports import ledger_notes, members as member_engine
from services.journal import authority
from services.programme import ledger
from services.shop import staff as auth
from tests.unit.shopkit import add_member

from tests.unit.imports.historykit import NOW, quick_pace, run  # noqa: F401 (not every file uses each)

pytestmark = pytest.mark.usefixtures("programme_since_2000")


def clear_sales() -> None:
    with write_transaction():
        SaleLine.delete().execute()
        Sale.delete().execute()


# --- who the customer is: the members engine's checks ------------------------------------------


def test_a_card_of_one_member_and_the_phone_of_another_refuse_the_receipt(shop):
    alla, alla_card = add_member("Alla", shop["cashier"], phone="+79160000071")
    add_member("Boris", shop["cashier"], phone="+79160000072")
    rows = [{"date": "01.03.2024", "amount": "10", "card": alla_card.number, "phone": "+79160000072"}]
    dry = run(rows, shop, dry_run=True)
    out = run(rows, shop)
    for outcome in (dry, out):
        assert [(e.row, e.field, e.error.code) for e in outcome.errors] == [(2, "phone", "import_other_member")]
        assert "Alla" in outcome.errors[0].message and "Boris" in outcome.errors[0].message
    assert not Sale.select().exists()


def test_a_card_and_a_phone_made_by_earlier_rows_of_the_file_are_checked_too(shop):
    add_member("Boris", shop["cashier"], phone="+79160000072")
    out = run([{"date": "01.03.2024", "amount": "10", "card": "5551001", "customer_name": "New"},
               {"date": "02.03.2024", "amount": "10", "card": "5551001", "phone": "+79160000072"}], shop)
    assert [(e.row, e.error.code) for e in out.errors] == [(3, "import_other_member")]
    assert out.receipts == 1 and Card.get(Card.number == "5551001").member.name == "New"


def test_a_card_that_is_a_products_extra_code_is_refused(shop):
    from models.schema import Product, ProductCode
    from tests.unit.shopkit import add_products

    [barcode] = add_products([("Milk", 8990, False)])
    with write_transaction():
        ProductCode.create(code="4820000000019", kind="ean13", product=Product.get(Product.barcode == barcode))
    out = run([{"date": "01.03.2024", "amount": "10", "card": "4820000000019"}], shop)
    assert [(e.field, e.error.code) for e in out.errors] == [("card", "import_card_is_product")]
    assert not Card.select().where(Card.number == "4820000000019").exists() and not Sale.select().exists()


# --- the grant --------------------------------------------------------------------------------


def test_the_grant_without_the_owners_key_is_refused_before_anything_is_written(shop):
    authority.forget()
    for dry_run in (True, False):
        with pytest.raises(InputError) as refused:
            run([{"date": "01.03.2024", "amount": "1000", "card": "7000001"}], shop,
                options={"grant_points": True}, dry_run=dry_run)
        assert refused.value.code == "import_grant_owner_key"
    assert not Sale.select().exists() and not Member.select().where(Member.origin == "import").exists()


def test_the_grant_is_signed_by_the_key_held_when_the_import_started(shop):
    auth.login("111111")
    rows = [{"date": f"0{d}.03.2024", "amount": "1000", "card": f"700000{d}"} for d in range(1, 6)]
    out = run(rows, shop, options={"grant_points": True}, progress=lambda done: authority.forget())
    grants = {str(e.id) for e in LedgerEntry.select().where(LedgerEntry.note == ledger_notes.GRANT)}
    assert out.points_granted > 0 and len(grants) == 5
    signed = RowSignature.select().where(RowSignature.kind == "ledger_import")
    assert {s.row_id for s in signed} == grants and {s.signer for s in signed} == {shop["owner"].sign_key}


def test_the_grant_stays_within_the_hubs_cap_with_the_opening_balance(shop):
    auth.login("111111")
    cap = member_engine.IMPORT_MEMBER_CAP
    opening = member_engine.run([(2, {"name": "Rich", "card": "5552001", "balance": str(cap - 10)}),
                                 (3, {"name": "Poor", "card": "5552002", "balance": "10"})],
                                actor=shop["owner"], now=NOW, pace=quick_pace())
    assert opening.imported == 2 and not opening.errors
    rows = [{"date": "01.03.2024", "amount": "100000", "card": "5552001"},
            {"date": "01.03.2024", "amount": "100000", "card": "5552002"}]
    out = run(rows, shop, options={"grant_points": True})
    rich, poor = (Card.get(Card.number == n).member for n in ("5552001", "5552002"))
    full = ledger.ledger_balance(poor.id) - 10  # what the grant gives with room to spare
    assert full > 10
    assert [(w.row, w.error.code, w.error.params["given"]) for w in out.warnings] == [(2, "import_grant_capped", 10)]
    assert out.warnings[0].error.params["points"] == full and "Rich" in out.warnings[0].message
    assert out.points_granted == full + 10
    imported = sum(e.delta for e in LedgerEntry.select().where(LedgerEntry.member == rich.id,
                                                               LedgerEntry.kind == "import"))
    assert imported == cap and Member.get_by_id(rich.id).balance == cap
    again = run(rows, shop, options={"grant_points": True})
    assert again.points_granted == 0 and [w.error.params["given"] for w in again.warnings] == [0]
    assert not ledger.mismatched_balances()


# --- corrected amounts ------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(0, 10**9), second=st.integers(0, 10**9), qty=st.sampled_from(["", "3", "0,742"]),
       with_id=st.booleans())
def test_a_corrected_amount_updates_the_receipt(shop, first, second, qty, with_id):
    clear_sales()

    def row(amount: int) -> dict[str, str]:
        return {"receipt": "R7" if with_id else "", "date": "01.03.2024 10:15", "amount": f"{amount // 100},{amount % 100:02d}",
                "qty": qty, "phone": "+79160000061"}

    run([row(first)], shop)
    out = run([row(second)], shop)
    assert (out.imported, out.updated, out.skipped) == ((0, 1, 0) if first != second else (0, 0, 1))
    [sale] = Sale.select().where(Sale.imported == True)  # noqa: E712
    assert sale.total == sale.paid_money == second
    [line] = sale.lines
    assert line.gross - line.discount == second and sale.subtotal == line.gross and sale.discount == line.discount
    again = run([row(second)], shop)
    assert (again.updated, again.skipped) == (0, 1)


def test_a_corrected_receipt_of_several_lines_takes_the_files_lines(shop):
    lines = [{"receipt": "A1", "date": "02.01.2024", "amount": "5", "item": "x", "card": "5553001"},
             {"receipt": "A1", "amount": "6", "item": "y"}]
    run(lines, shop)
    out = run([dict(lines[0], amount="5,50"), lines[1], {"receipt": "A1", "amount": "1", "item": "z"}], shop)
    assert (out.rows, out.updated, out.imported) == (3, 3, 0)
    sale = Sale.get()
    assert sale.total == 1250 and [(l.name, l.gross) for l in sorted(sale.lines, key=lambda l: l.position)] == [
        ("x", 550), ("y", 600), ("z", 100)]


def test_two_receipts_at_the_same_minute_stay_two_and_each_takes_its_correction(shop):
    rows = [{"date": "01.03.2024 10:15", "amount": "10", "card": "5554001"},
            {"date": "01.03.2024 10:15", "amount": "20", "card": "5554001"}]
    run(rows, shop)
    out = run([dict(rows[0], amount="11"), rows[1]], shop)
    assert (out.updated, out.skipped) == (1, 1)
    assert sorted(s.total for s in Sale.select()) == [1100, 2000]


# --- times ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2026, 11, 28)), minute=st.integers(0, 24 * 60 - 1),
       offset=st.integers(-12 * 4, 14 * 4).map(lambda q: q * 15), zulu=st.booleans())
def test_a_time_written_with_its_offset_is_that_moment(shop, day, minute, offset, zulu):
    clear_sales()
    clock = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    if zulu and offset == 0:
        zone = "Z"
    else:
        sign = "-" if offset < 0 else "+"
        zone = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    out = run([{"receipt": "T", "date": f"{clock:%Y-%m-%dT%H:%M}:00{zone}", "amount": "1"}], shop)
    assert not out.errors, out.as_json()
    assert Sale.get().created_at == clock - dt.timedelta(minutes=offset)


def test_a_time_without_an_offset_is_the_shops_clock(shop):
    run([{"receipt": "T", "date": "2024-03-02T10:00:00", "amount": "1"},
         {"receipt": "U", "date": "2024-03-02", "time": "10:00", "amount": "1"}], shop)
    assert {s.created_at for s in Sale.select()} == {dt.datetime(2024, 3, 2, 7, 0)}  # Moscow, UTC+3


# --- a name with no key -----------------------------------------------------------------------


def test_a_name_alone_is_a_sale_of_no_member_with_a_warning(shop):
    out = run([{"date": "01.03.2024", "amount": "10", "customer_name": "Иванов"}], shop)
    assert out.receipts == 1 and Sale.get().member is None
    assert [(w.row, w.field, w.error.code) for w in out.warnings] == [(2, "customer_name", "import_name_alone")]
    assert "Иванов" in out.warnings[0].message
    assert not Member.select().where(Member.origin == "import").exists()
