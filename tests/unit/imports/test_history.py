"""The sales-history engine: an old system's receipts become imported sales."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from models import write_transaction
from models.schema import Card, LedgerEntry, Member, Outbox, Payment, RowSignature, Sale, SaleLine
from services.care import check
from services.core.errors import InputError, PermissionDenied
from services.programme import ledger, whatif
from services.programme.rules import active_rules
from services.shop import staff as auth
from tests.unit.shopkit import add_member, add_products

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")  # the RUB shop's clock
from tests.unit.imports.historykit import NOW, quick_pace, run  # noqa: F401 (not every file uses each)

pytestmark = pytest.mark.usefixtures("programme_since_2000")


def counts() -> tuple[int, int, int, int, int, int]:
    return (Sale.select().count(), SaleLine.select().count(), Member.select().count(), Card.select().count(),
            Outbox.select().count(), LedgerEntry.select().count())


def local_day(sale: Sale) -> dt.date:
    return sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(MOSCOW).date()


def test_one_row_per_receipt(shop):
    known, _ = add_member("Known", shop["cashier"], phone="+79990000001")
    outbox_before = Outbox.select().count()
    out = run([
        {"date": "05.01.2024", "amount": "1 234,50", "card": "12345678", "customer_name": "Ольга"},
        {"date": "2024-01-06 10:30", "amount": "99,90", "phone": "8 (999) 000-00-01"},
        {"date": "2024-01-06", "time": "18:05", "amount": "100"},
    ], shop)
    assert (out.rows, out.imported, out.skipped, out.receipts, out.members_created) == (3, 3, 0, 3, 1)
    assert not out.errors
    sales = {s.total: s for s in Sale.select()}
    assert set(sales) == {123450, 9990, 10000}
    for sale in sales.values():
        assert sale.imported and sale.receipt_no.startswith("IMP-") and sale.cashier_id is None
        assert sale.rule_version == 0 and not sale.offline and sale.points_earned == 0
        assert sale.subtotal == sale.total == sale.paid_money and sale.discount == 0
        assert [line.gross for line in sale.lines] == [sale.total]
    assert sales[9990].member_id == known.id
    assert sales[10000].member_id is None  # no key: someone who was not a member
    # A date alone is noon on the shop's clock; a time is the shop's too (Moscow is UTC+3).
    assert sales[123450].created_at == dt.datetime(2024, 1, 5, 9, 0)
    assert sales[9990].created_at == dt.datetime(2024, 1, 6, 7, 30)
    assert sales[10000].created_at == dt.datetime(2024, 1, 6, 15, 5)
    olga = Member.get_by_id(sales[123450].member_id)
    assert (olga.name, olga.origin, olga.phone) == ("Ольга", "import", None)
    assert [c.number for c in olga.cards] == ["12345678"] and sales[123450].card_number == "12345678"
    assert olga.created_at == dt.datetime(2024, 1, 5, 9, 0)  # a member since their first receipt
    assert not Payment.select().exists()
    kinds = [o.kind for o in Outbox.select().where(Outbox.seq > 0).order_by(Outbox.seq)][outbox_before:]
    assert kinds == ["member", "card"]  # the new member and card; never a sale


def test_one_row_per_line(shop):
    milk, cheese = add_products([("Milk", 8990, False), ("Cheese", 120000, False)])
    out = run([
        {"receipt": "77", "date": "01.03.2024 09:15", "card": "5550001", "item": "Milk", "barcode": milk,
         "qty": "2", "amount": "179,80"},
        {"receipt": "77", "item": "Cheese", "barcode": cheese, "qty": "0,742", "amount": "890,40"},
        {"receipt": "77", "item": "Buns", "qty": "3", "amount": "100"},
        {"receipt": "78", "date": "01.03.2024", "amount": "50", "card": "5550001"},
    ], shop)
    assert (out.rows, out.imported, out.receipts, out.members_created) == (4, 4, 2, 1)
    sale = Sale.get(Sale.total == 17980 + 89040 + 10000)
    lines = list(sale.lines.order_by(SaleLine.position))
    assert [(l.name, l.qty, l.unit_price, l.gross, l.discount) for l in lines] == [
        ("Milk", 2, 8990, 17980, 0),
        ("Cheese", 1, 89040, 89040, 0),
        ("Buns", 3, 3334, 10002, 2),  # 100,00 for three: 33,34 each, 0,02 off, the lines still sum
    ]
    assert (lines[1].grams, lines[1].price_per_kg) == (742, 120000)
    assert lines[0].product_id is not None and lines[1].product_id is not None and lines[2].product_id is None
    assert sum(l.gross - l.discount for l in lines) == sale.total
    assert sale.subtotal - sale.discount == sale.total
    assert Sale.select().where(Sale.member == sale.member_id).count() == 2  # the same card: one member


def test_zero_amounts_count_and_negative_ones_are_refused(shop):
    out = run([
        {"date": "02.02.2024", "amount": "0", "card": "1000001"},
        {"date": "02.02.2024", "amount": "-5", "card": "1000001"},
        {"date": "02.02.2024", "card": "1000001"},
    ], shop)
    assert (out.rows, out.imported, out.receipts) == (3, 1, 1)
    assert [(e.row, e.field, e.error.code) for e in out.errors] == [
        (3, "amount", "import_negative"), (4, "amount", "import_cell_empty")]
    assert Sale.get().total == 0


def test_unknown_keys_become_members_a_card_only_when_given(shop):
    out = run([
        {"date": "03.03.2024", "amount": "10", "phone": "+7 912 345-67-89"},
        {"date": "04.03.2024", "amount": "20", "customer_ref": "OLD-17", "customer_name": "Пётр"},
        {"date": "05.03.2024", "amount": "30", "phone": "89123456789"},  # the same person, written otherwise
        {"date": "06.03.2024", "amount": "40", "customer_ref": "OLD-17"},
    ], shop)
    assert out.members_created == 2 and out.receipts == 4
    by_phone = Member.get(Member.phone == "+79123456789")
    by_ref = Member.get(Member.external_ref == "OLD-17")
    assert by_phone.origin == by_ref.origin == "import" and not Card.select().exists()
    assert by_ref.name == "Пётр" and "+79123456789" in by_phone.name  # a placeholder built from the key
    assert {s.total for s in Sale.select().where(Sale.member == by_phone.id)} == {1000, 3000}
    assert {s.total for s in Sale.select().where(Sale.member == by_ref.id)} == {2000, 4000}
    assert by_phone.tier == by_ref.tier == active_rules(NOW).tier_for_spend(0).code


def test_the_same_file_twice_changes_nothing(shop):
    rows = [
        {"date": "01.01.2024", "amount": "10", "card": "2000001"},
        {"date": "01.01.2024", "amount": "10", "card": "2000001"},  # a second, identical receipt: both kept
        {"receipt": "A1", "date": "02.01.2024", "amount": "5", "item": "x"},
        {"receipt": "A1", "amount": "6", "item": "y"},
        {"date": "03.01.2024", "amount": "7"},
    ]
    first = run(rows, shop)
    assert (first.imported, first.receipts) == (5, 4)
    before = counts()
    second = run(rows, shop)
    assert (second.rows, second.imported, second.updated, second.skipped, second.receipts) == (5, 0, 0, 5, 0)
    assert counts() == before


def test_a_receipt_number_restarting_each_day_is_another_receipt(shop):
    out = run([
        {"receipt": "1", "date": "01.01.2024", "amount": "10"},
        {"receipt": "1", "date": "02.01.2024", "amount": "20"},
    ], shop)
    assert out.receipts == 2 and not out.errors


def test_a_stopped_import_leaves_whole_receipts_and_a_rerun_completes_it(shop):
    rows = []
    for n in range(9):
        rows += [{"receipt": f"R{n}", "date": "10.05.2024", "amount": "10", "card": f"30000{n % 3}"},
                 {"receipt": f"R{n}", "amount": "5"}]
    stops = iter([False, True])
    first = run(rows, shop, should_stop=lambda: next(stops))
    assert first.stopped and first.receipts == 4  # two chunks of two receipts
    for sale in Sale.select():
        assert sale.total == 1500 and sale.lines.count() == 2  # whole receipts only
    second = run(rows, shop)
    assert (second.skipped, second.imported, second.receipts) == (8, 10, 5)
    assert Sale.select().count() == 9 and SaleLine.select().count() == 18
    assert Member.select().count() == 3


def test_a_bad_line_refuses_its_whole_receipt_and_lines_apart_are_refused(shop):
    out = run([
        {"receipt": "9", "date": "01.04.2024", "amount": "10"},
        {"receipt": "9", "amount": "ten"},
        {"receipt": "9", "amount": "3"},
        {"receipt": "10", "date": "01.04.2024", "amount": "1"},
        {"receipt": "11", "date": "01.04.2024", "amount": "1"},
        {"receipt": "10", "date": "01.04.2024", "amount": "2"},  # receipt 10 again, apart from its first line
        {"date": "31.02.2024", "amount": "1"},
        {"date": "01.01.2030", "amount": "1"},
        {"date": "01.04.2024", "amount": "1", "item": "=HYPERLINK(\"x\")"},
    ], shop)
    problems = [(e.row, e.field, e.error.code) for e in out.errors]
    assert problems == [
        (3, "amount", "import_number_bad"), (2, "amount", "import_receipt_refused"),
        (4, "amount", "import_receipt_refused"),
        (7, "receipt", "import_receipt_apart"),
        (8, "date", "import_date_bad"), (9, "date", "import_date_range"),
    ]
    assert [(w.row, w.field, w.error.code) for w in out.warnings] == [(10, "item", "import_formula_text")]
    assert SaleLine.get(SaleLine.name.startswith("=")).name == "=HYPERLINK(\"x\")"  # kept as text
    assert out.receipts == 3 and Sale.select().count() == 3


def test_a_dry_run_counts_the_same_and_writes_nothing(shop):
    rows = [{"date": "01.01.2024", "amount": str(n), "card": f"40000{n % 4}"} for n in range(1, 11)]
    rows.append({"date": "bad", "amount": "1"})
    before = counts()
    dry = run(rows, shop, dry_run=True)
    assert counts() == before
    real = run(rows, shop)
    assert dry.dry_run and not real.dry_run
    assert (dry.rows, dry.imported, dry.skipped, dry.receipts, dry.members_created, len(dry.errors)) == (
        real.rows, real.imported, real.skipped, real.receipts, real.members_created, len(real.errors))
    assert real.members_created == 4


def test_imported_sales_count_in_the_what_if(shop):
    run([{"date": f"{d:02d}.06.2026", "amount": "1000", "card": "5000001"} for d in range(1, 6)]
        + [{"date": "03.06.2026", "amount": "0"}], shop)
    result = whatif.simulate(active_rules(NOW))
    assert (result.actual.sales, result.actual.revenue, result.actual.points_issued) == (6, 500000, 0)
    assert result.simulated.sales == 6
    # Today's programme (5 %, a point a rouble) on 5 x 1,000 roubles: 250 points it would have given.
    assert result.simulated.points_issued == 250


def test_tiers_follow_the_imported_spend(shop):
    rules = active_rules(NOW)
    silver = next(t for t in rules.tiers if t.code == "silver")
    recent = (NOW - dt.timedelta(days=30)).strftime("%d.%m.%Y")
    ancient = (NOW - dt.timedelta(days=rules.tier_window_days + 30)).strftime("%d.%m.%Y")
    out = run([
        {"date": recent, "amount": str(silver.min_spend // 100), "card": "6000001"},
        {"date": ancient, "amount": str(silver.min_spend // 100), "card": "6000002"},  # outside the window
    ], shop)
    assert out.tier_changes == 1
    assert Member.get(Member.id == Card.get(Card.number == "6000001").member_id).tier == "silver"
    assert Member.get(Member.id == Card.get(Card.number == "6000002").member_id).tier == rules.tier_for_spend(0).code
    assert Outbox.select().where(Outbox.kind == "member_tier").count() == 1


def test_the_grant_gives_todays_points_once_signed_by_the_owner(shop):
    auth.login("111111")
    rows = [{"date": "01.02.2024", "amount": "1000", "card": "7000001"},
            {"date": "02.02.2024", "amount": "500", "card": "7000001"},
            {"date": "02.02.2024", "amount": "0", "card": "7000002"},
            {"date": "03.02.2024", "amount": "300"}]
    out = run(rows, shop, options={"grant_points": True})
    rules = active_rules(NOW)
    earn = rules.tier(rules.tier_for_spend(0).code).earn_bp or rules.earn_bp
    expected = 150000 * earn // (10000 * rules.point_value)
    assert out.points_granted == expected == 75
    grants = list(LedgerEntry.select().where(LedgerEntry.kind == "import"))
    assert [(g.delta, g.note) for g in grants] == [(75, "history grant")]  # one entry; nothing for a zero
    member = Member.get_by_id(grants[0].member_id)
    assert member.balance == ledger.ledger_balance(member.id) == 75
    assert not ledger.mismatched_balances()
    signature = RowSignature.get(RowSignature.kind == "ledger_import")
    assert signature.row_id == str(grants[0].id) and signature.signer == shop["owner"].sign_key
    again = run(rows, shop, options={"grant_points": True})
    assert again.points_granted == 0 and LedgerEntry.select().where(LedgerEntry.kind == "import").count() == 1


def test_without_the_option_no_points_at_all(shop):
    run([{"date": "01.02.2024", "amount": "1000", "card": "7000001"}], shop)
    assert not LedgerEntry.select().exists() and Member.get().balance == 0


def test_only_the_owner_imports(shop):
    with pytest.raises(PermissionDenied):
        run([{"date": "01.02.2024", "amount": "1"}], shop, actor=shop["manager"])
    assert not Sale.select().exists()


def test_an_imported_receipt_is_not_reprinted_nor_returned_and_the_file_checks_sound(shop, empty_db):
    from services.printing.receipts import load_receipt
    from services.sale.returns import plan_return

    run([{"date": "01.02.2024", "amount": "10", "card": "8000001"}], shop)
    number = Sale.get().receipt_no
    with pytest.raises(InputError) as printed:
        load_receipt(number)
    assert printed.value.code == "receipt_imported" and number in str(printed.value)
    with pytest.raises(InputError) as returned:
        plan_return(number)
    assert returned.value.code == "return_imported"
    report = check.full(empty_db)
    assert report.ok and not report.problems(), report.as_json()


def test_a_card_held_blank_by_the_shop_is_refused(shop):
    with write_transaction():
        Card.create(number="9000001", member=None, status="reserved")
    out = run([{"date": "01.02.2024", "amount": "10", "card": "9000001"},
               {"date": "01.02.2024", "amount": "10", "card": "9000002"}], shop)
    assert [(e.row, e.error.code) for e in out.errors] == [(2, "card_unassigned")]
    assert out.receipts == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amounts=st.lists(st.integers(0, 10**9), min_size=1, max_size=6),
    day=st.dates(dt.date(1990, 1, 1), dt.date(2026, 11, 30)),
    minute=st.one_of(st.none(), st.integers(0, 24 * 60 - 1)),
    qty=st.one_of(st.none(), st.integers(1, 50), st.decimals("0.001", "99.999", places=3)),
)
def test_any_amount_and_date_arrive_as_written(shop, amounts, day, minute, qty):
    with write_transaction():
        SaleLine.delete().execute()
        Sale.delete().execute()
    written = day.strftime("%d.%m.%Y") + ("" if minute is None else f" {minute // 60:02d}:{minute % 60:02d}")
    rows = [{"receipt": "H", "date": written if i == 0 else "", "amount": f"{a // 100},{a % 100:02d}",
             "qty": "" if qty is None else str(qty).replace(".", ",")} for i, a in enumerate(amounts)]
    out = run(rows, shop)
    assert not out.errors, out.as_json()
    sale = Sale.get()
    assert sale.total == sale.paid_money == sum(amounts)
    assert sum(l.gross - l.discount for l in sale.lines) == sale.total
    assert all(0 <= l.discount < max(l.qty, 1) for l in sale.lines)
    assert local_day(sale) == day
    if minute is not None:
        local = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(MOSCOW)
        assert (local.hour, local.minute) == (minute // 60, minute % 60)


def test_a_new_card_of_a_member_known_by_phone_becomes_theirs(shop):
    known, _ = add_member("Known", shop["cashier"], phone="+79990000002")
    out = run([{"date": "01.02.2024", "amount": "10", "phone": "+79990000002", "card": "4440001"},
               {"date": "02.02.2024", "amount": "20", "card": "4440001"}], shop)
    assert out.members_created == 0 and out.receipts == 2
    assert Card.get(Card.number == "4440001").member_id == known.id
    assert Sale.select().where(Sale.member == known.id).count() == 2
    assert Outbox.select().where(Outbox.kind == "card").count() == 2  # the card registered at the till, and this one


@settings(max_examples=200, deadline=None)
@given(whole=st.integers(0, 10**10), cents=st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=4)),
       mark=st.sampled_from([",", "."]))
def test_the_quick_reading_of_plain_amounts_agrees_with_the_full_one(whole, cents, mark):
    from services.imports import values

    written = str(whole) + ("" if cents is None else mark + cents)
    quick = full = None
    try:
        quick = values.money(written, "amount")
    except InputError as exc:
        quick = exc.code
    try:
        full = values.money(" " + written, "amount")  # a space: not the quick path's shape
    except InputError as exc:
        full = exc.code
    assert quick == full


def test_progress_after_each_chunk_and_nothing_of_an_imported_sale_is_queued_for_the_hub(shop):
    seen: list[int] = []
    rows = [{"date": "01.03.2024", "amount": str(n), "customer_ref": f"C{n % 2}"} for n in range(5)]
    run(rows, shop, progress=seen.append)
    assert seen == [2, 4, 5]  # rows read so far, after each chunk of two receipts
    payloads = " ".join(o.payload for o in Outbox.select())
    assert not any(sale.receipt_no in payloads or str(sale.id) in payloads for sale in Sale.select())
    assert {o.kind for o in Outbox.select()} <= {"rule_set", "member", "staff", "setting", "member_tier"}


def test_a_receipts_number_is_the_one_earlier_versions_gave(shop):
    """The same file twice imports nothing only while a receipt's number is made the same way:
    "IMP-", its day, "-" and a hash of its id and day (or of its customer, its time as written
    and how many such rows came before)."""
    import hashlib

    def digest(text: str) -> int:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")

    run([
        {"receipt": "A-17", "date": "12.03.2024", "time": "14:35", "amount": "10"},
        {"date": "12.03.2024", "time": "14:35", "amount": "20", "card": "12345678"},
        {"date": "12.03.2024", "time": "14:35", "amount": "30", "card": "12345678"},
    ], shop)
    by_id = digest("r\x1fA-17\x1f2024-03-12")
    row = digest("c\x1f12345678\x1f\x1f\x1f2024-03-12T14:35:00")
    first, second = digest(f"{row}\x1f0"), digest(f"{row}\x1f1")  # the second such row of the file
    assert {s.total: s.receipt_no for s in Sale.select()} == {
        1000: f"IMP-20240312-{by_id:016X}", 2000: f"IMP-20240312-{first:016X}", 3000: f"IMP-20240312-{second:016X}",
    }


def test_a_bad_time_is_refused_on_every_row_that_has_it_and_a_good_one_read_again_the_same(shop):
    """Times of day are remembered by their text: a refused one must not be remembered as empty."""
    out = run([
        {"date": "12.03.2024", "time": "25:10", "amount": "10"},
        {"date": "13.03.2024", "time": "25:10", "amount": "10"},
        {"date": "13.03.2024", "time": "09:05", "amount": "20"},
        {"date": "14.03.2024", "time": "09:05", "amount": "30"},
    ], shop)
    assert [(p.row, p.field, p.error.code) for p in out.errors] == [(2, "time", "import_date_bad"),
                                                                    (3, "time", "import_date_bad")]
    assert sorted((s.total, s.created_at) for s in Sale.select()) == [
        (2000, dt.datetime(2024, 3, 13, 6, 5)), (3000, dt.datetime(2024, 3, 14, 6, 5))]
