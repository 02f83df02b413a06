"""Receipts and card sheets as a customer and a scanner see them.

PDFs are rasterised at 300 dpi by poppler (pdftoppm) and every barcode is
read back by an independent decoder (zbar), the way a till's scanner would.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from models.schema import Card, Sale
from services.printing import cardsheet
from services.members import registry as members
from services.printing.barcodes import code128, ean13
from services.members.cards import parse_receipt_code, receipt_code
from services.members.cards import is_valid_ean13
from services.sale.checkout import Cart
from services.core.errors import InputError, PermissionDenied
from services.core.money import format_money
from services.printing.receipts import load_receipt, receipt_rows, render_receipt_pdf, write_receipt_pdf
from services.sale.returns import find_sale
from services.programme.rules import active_rules
from services.shop.settings import configure_shop
from tests.unit.shopkit import add_member, add_products, sell_by_card


STYLE = cardsheet.CardStyle("Test shop", "Карта постоянного покупателя")


def plain(text: str) -> str:
    """Money is formatted with no-break spaces; compare as a reader would."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def need(tool: str) -> str:
    """The path of a command-line tool; in CI its absence is a failure, not a skip."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: .ci/run installs it")
        pytest.skip(f"{tool} is not installed")
    return path


def decode(pdf: Path, dpi: int = 300) -> list[list[str]]:
    """Every barcode zbar reads on each page, as 'TYPE:data'."""
    need("pdftoppm")
    need("zbarimg")
    out = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(out)], check=True)
    pages = []
    for png in sorted(pdf.parent.glob(out.name + "-*.png")):
        result = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True)
        assert result.returncode in (0, 4), result.stderr  # 4: nothing found on that page
        pages.append(result.stdout.split())
    return pages


@pytest.fixture
def sold(shop):
    """A member's sale with points earned and spent: everything a receipt can show."""
    codes = add_products([("Чай чёрный «Добрый»", 46090, False), ("Сигареты", 20000, True)])
    member, card = add_member("Ольга Новикова", shop["cashier"], points=500, manager=shop["manager"])
    cart = Cart()
    cart.member = member
    cart.add_barcode(codes[0], 3)
    cart.add_barcode(codes[1])
    cart.redeem = 100
    result = sell_by_card(cart, shop["cashier"])
    return result, card


# --- barcodes ------------------------------------------------------------------------------


def test_ean13_refuses_a_wrong_check_digit_the_library_would_fix():
    assert ean13("2700100000013").data == "2700100000013"
    with pytest.raises(InputError) as err:
        ean13("2700100000017")  # python-barcode would print ...013 instead
    assert err.value.code == "card_bad_number"


def test_bars_keep_their_quiet_zones():
    bars = ean13("2700100000013")
    assert (bars.quiet_left, bars.quiet_right) == (11, 7) and len(bars.modules) == 95
    assert bars.runs()[0][0] == 11  # the first bar starts after the quiet zone
    assert code128("90010000123").quiet_left == 10


def test_receipt_codes_are_digits_only_and_round_trip():
    code = receipt_code(7, 123)
    assert code == "90070000123" and code.isdigit()
    assert parse_receipt_code(code) == (7, 123)
    assert parse_receipt_code("2700100000013") is None and parse_receipt_code("T01-000123") is None


# --- receipts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", ["58", "80", "a4"])
def test_receipt_barcode_decodes_to_its_sale(sold, resources, tmp_path, width):
    result, _ = sold
    pdf = write_receipt_pdf(result.receipt_no, tmp_path / f"r{width}.pdf", resources, width)
    pages = decode(pdf)
    found = [code for page in pages for code in page]
    expected = load_receipt(result.receipt_no).barcode
    assert found == [f"CODE-128:{expected}"]
    assert str(find_sale(expected).id) == result.sale_id  # scanning it finds the sale


def test_receipt_text_has_shop_total_and_points(sold, resources, tmp_path):
    result, card = sold
    pdf = write_receipt_pdf(result.receipt_no, tmp_path / "r.pdf", resources, "80")
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        text = page.extract_text()
        assert page.width == pytest.approx(80 / 25.4 * 72)
    sale = Sale.get_by_id(result.sale_id)
    assert "Test shop" in text and result.receipt_no in text and "Кассир: Cashier" in text
    assert "Чай чёрный «Добрый»" in text and "3 × 460,90 ₽" in text
    assert f"ИТОГО {plain(format_money(sale.total, 'RUB', 'ru_RU'))}" in plain(text)
    assert "Баллами (100) 100,00 ₽" in text
    assert f"Начислено баллов +{sale.points_earned}" in text
    assert "Списано баллов −100" in text
    assert f"Баланс баллов {sale.balance_after}" in text
    assert card.number[-4:] in text and card.number not in text  # the card is masked
    assert "Баллы будут подтверждены" not in text  # a till alone: there is no hub to confirm anything


def test_only_a_till_in_a_chain_says_its_points_await_the_hub(sold):
    from services.shop.settings import set_setting

    result, _ = sold
    texts = [row.left for row in receipt_rows(load_receipt(result.receipt_no))]
    assert not any("подтверждены" in text for text in texts)
    set_setting("sync_hub_url", "https://hub.example")  # the same sale, on a till in a chain that was offline
    receipt = load_receipt(result.receipt_no)
    assert receipt.offline and any("подтверждены" in row.left for row in receipt_rows(receipt))


def test_receipt_embeds_its_font(sold, resources, tmp_path):
    need("pdffonts")
    pdf = write_receipt_pdf(sold[0].receipt_no, tmp_path / "r.pdf", resources)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("DejaVuSans" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows)  # the "emb" column


def test_font_and_its_licence_ship_with_the_program(resources):
    fonts = resources / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (fonts / name).stat().st_size > 1000


def test_romanian_receipt_keeps_its_diacritics(shop, resources, tmp_path):
    configure_shop("Magazinul Ștefan și Ioana", "MDL", "ro", address="Str. Mărțișor 1, Chișinău")
    codes = add_products([("Brânză țărănească", 5990, False)])
    cart = Cart()
    cart.add_barcode(codes[0])
    result = sell_by_card(cart, shop["cashier"])
    pdf = write_receipt_pdf(result.receipt_no, tmp_path / "ro.pdf", resources, "58")
    with pdfplumber.open(pdf) as doc:
        text = " ".join(plain(doc.pages[0].extract_text()).split())
        assert doc.pages[0].width == pytest.approx(58 / 25.4 * 72)
    assert "Magazinul Ștefan și Ioana" in text and "Mărțișor" in text and "Brânză țărănească" in text
    assert "TOTAL 59,90 MDL" in text and "Vă mulțumim!" in text


def test_long_a4_receipt_goes_onto_more_pages(shop, resources, tmp_path):
    codes = add_products([(f"Товар {i}", 1000 + i, False) for i in range(60)])
    cart = Cart()
    for code in codes:
        cart.add_barcode(code)
    result = sell_by_card(cart, shop["cashier"])
    receipt = load_receipt(result.receipt_no)
    with pdfplumber.open(write_receipt_pdf(result.receipt_no, tmp_path / "a4.pdf", resources, "a4")) as doc:
        assert len(doc.pages) >= 2
        text = "\n".join(page.extract_text() for page in doc.pages)
    assert all(f"Товар {i}" in text for i in range(60))
    assert len(receipt.lines) == 60


def test_narrow_roll_never_cuts_the_right_column(shop, resources, tmp_path):
    from services.shop.staff import add_staff

    long_name = add_staff("Анна-Мария Владимировна Константинопольская", "cashier", "4444")
    codes = add_products([("Хлеб", 5000, False)])
    cart = Cart()
    cart.add_barcode(codes[0])
    result = sell_by_card(cart, long_name)
    data = render_receipt_pdf(load_receipt(result.receipt_no), resources, "58")
    (tmp_path / "n.pdf").write_bytes(data)
    with pdfplumber.open(tmp_path / "n.pdf") as doc:
        page = doc.pages[0]
        text = " ".join(page.extract_text().split())
        margin = 5 / 25.4 * 72  # (58 - 48) / 2 mm: the roll's print area is 48 mm
        assert all(margin - 0.5 <= w["x0"] and w["x1"] <= page.width - margin + 0.5 for w in page.extract_words())
    assert "Кассир: Анна-Мария Владимировна Константинопольская" in text and "…" not in text


def test_unknown_width_is_refused(sold, resources):
    with pytest.raises(InputError) as err:
        render_receipt_pdf(load_receipt(sold[0].receipt_no), resources, "110")
    assert err.value.code == "receipt_width"


# --- cards -------------------------------------------------------------------------------


@pytest.mark.slow  # over 3 s (pytest --durations)
def test_blank_card_sheet_decodes_to_the_numbers_reserved(shop, resources, tmp_path):
    faces = cardsheet.reserve_blank(12, actor=shop["manager"])
    numbers = [face.number for face in faces]
    assert len(set(numbers)) == 12 and all(is_valid_ean13(n) and n.startswith("27") for n in numbers)
    assert Card.select().where(Card.number.in_(numbers) & (Card.status == "reserved")).count() == 12
    data, pages = cardsheet.render_cards_pdf(faces, resources, STYLE, "a4")
    assert pages == 2
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(data)
    with pdfplumber.open(pdf) as doc:
        assert [(round(p.width / 72 * 25.4), round(p.height / 72 * 25.4)) for p in doc.pages] == [(210, 297)] * 2
    decoded = decode(pdf)
    assert [len(page) for page in decoded] == [10, 2]
    read = sorted(code.removeprefix("EAN-13:") for page in decoded for code in page)
    assert read == sorted(numbers)
    assert all(is_valid_ean13(code) for code in read)


def test_a_reserved_card_attaches_at_registration(shop):
    number = cardsheet.reserve_blank(1, actor=shop["manager"])[0].number
    member, card = members.register("Пётр", card_number=number, actor=shop["cashier"])
    assert card.number == number and card.status == "active" and card.member_id == member.id


def test_cashier_cannot_reserve_cards(shop):
    with pytest.raises(PermissionDenied):
        cardsheet.reserve_blank(5, actor=shop["cashier"])


def test_personal_cards_on_cr80_pages(shop, resources, tmp_path):
    people = [add_member(name, shop["cashier"])[0] for name in ("Ольга Новикова", "Ion Ștefănescu", "Anna Smith")]
    chosen = cardsheet.select_members(ids=[str(people[2].id), str(people[0].id)])
    faces = cardsheet.member_faces(chosen, active_rules())
    assert [f.name for f in faces] == ["Anna Smith", "Ольга Новикова"]
    assert faces[0].tier == "Базовый"
    data, pages = cardsheet.render_cards_pdf(faces, resources, cardsheet.card_style(), "cr80")
    pdf = tmp_path / "cr80.pdf"
    pdf.write_bytes(data)
    with pdfplumber.open(pdf) as doc:
        assert pages == len(doc.pages) == 2
        page = doc.pages[0]
        assert (round(page.width / 72 * 25.4, 2), round(page.height / 72 * 25.4, 2)) == (85.6, 53.98)
        assert "Anna Smith" in page.extract_text() and "Test shop" in page.extract_text()
    assert [page[0].removeprefix("EAN-13:") for page in decode(pdf)] == [f.number for f in faces]


def test_members_chosen_by_day_and_tier(shop):
    old, _ = add_member("Old", shop["cashier"])
    old.created_at = dt.datetime(2020, 1, 1)
    old.save()
    new, _ = add_member("New", shop["cashier"])
    assert [m.name for m in cardsheet.select_members(since=dt.date.today() - dt.timedelta(days=7))] == ["New"]
    assert {m.name for m in cardsheet.select_members(tier="base")} == {"Old", "New"}
    assert cardsheet.select_members(tier="gold") == []
    with pytest.raises(InputError):
        cardsheet.select_members()


def test_logo_is_drawn_and_a_bad_logo_refused(shop, resources, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (200, 30, 30)).save(logo)
    cardsheet.set_logo(logo, actor=shop["owner"])
    face = cardsheet.CardFace("2700100000013")
    data, _ = cardsheet.render_cards_pdf([face], resources, cardsheet.card_style(), "cr80")
    (tmp_path / "l.pdf").write_bytes(data)
    with pdfplumber.open(tmp_path / "l.pdf") as doc:
        assert len(doc.pages[0].images) == 1
    text = tmp_path / "logo.txt"
    text.write_text("not a picture")
    with pytest.raises(InputError) as err:
        cardsheet.set_logo(text, actor=shop["owner"])
    assert err.value.code == "logo_bad"


def test_a_bad_number_is_refused_before_drawing(shop, resources):
    with pytest.raises(InputError):
        cardsheet.render_cards_pdf([cardsheet.CardFace("2700100000017")], resources, STYLE)


def test_blank_numbers_are_reserved_before_the_sheet_and_stay_reserved_when_it_fails(shop, resources, tmp_path):
    """A sheet that exists always has its numbers reserved (a run killed after writing it, or a
    full disk, never lets the next run print the same numbers on other plastic cards)."""
    from services.shop.settings import local_till

    seq = local_till().card_seq
    preview = [face.number for face in cardsheet.next_blank_faces(5)]
    seen_reserved = []

    def fail(faces):
        seen_reserved.append(Card.select().where(Card.number.in_([f.number for f in faces])).count())
        raise InputError("receipt_write", path="x", detail="No space left on device")

    with pytest.raises(InputError) as refused:
        cardsheet.reserve_blank(5, actor=shop["manager"], deliver=fail)
    assert seen_reserved == [5]  # committed before the sheet was drawn
    assert refused.value.code == "cards_reserved_not_printed"
    assert refused.value.params["first"] == preview[0] and refused.value.params["last"] == preview[-1]
    assert "are reserved" in str(refused.value) and preview[0] in str(refused.value)
    assert [c.number for c in Card.select().order_by(Card.number)] == preview
    assert local_till().card_seq == seq + 5
    delivered = []
    faces = cardsheet.reserve_blank(5, actor=shop["manager"], deliver=delivered.append)
    assert not {f.number for f in faces} & set(preview)  # never the same numbers twice
    assert [f.number for f in faces] == [f.number for f in delivered[0]]


def test_blank_numbers_are_reserved_a_chunk_per_transaction(shop, empty_db):
    import contextlib
    import sqlite3

    committed = []

    def deliver(faces):
        with contextlib.closing(sqlite3.connect(empty_db)) as other:  # what another connection sees
            committed.append(other.execute('SELECT COUNT(*) FROM "card"').fetchone()[0])

    from services.core.storage import Pace

    rests = []
    faces = cardsheet.reserve_blank(25, actor=shop["manager"], deliver=deliver,
                                    pace=Pace(10, clock=lambda: 0.0, sleep=rests.append))
    assert committed == [25] and len({f.number for f in faces}) == 25
    assert len(rests) == 3 and min(rests) > 0.1  # three chunks (10, 10, 5), the lock left free after each
    from models.schema import Outbox

    assert Outbox.select().where(Outbox.kind == "card").count() == 25


def test_blank_numbers_skip_cards_already_known(shop):
    taken = cardsheet.next_blank_faces(2)[1].number  # e.g. imported from an older system
    Card.create(number=taken, status="reserved")
    numbers = [face.number for face in cardsheet.reserve_blank(3, actor=shop["manager"])]
    assert taken not in numbers and len(set(numbers)) == 3 and all(is_valid_ean13(n) for n in numbers)


def test_blank_batch_writes_one_outbox_row_per_card(shop):
    from models.schema import Outbox

    before = Outbox.select().count()
    faces = cardsheet.reserve_blank(1200, actor=shop["manager"])
    rows = list(Outbox.select().where(Outbox.kind == "card").order_by(Outbox.seq))[-1200:]
    assert Outbox.select().count() - before == 1200
    import json

    assert [json.loads(r.payload)["number"] for r in rows] == [f.number for f in faces]
    assert json.loads(rows[0].payload)["status"] == "reserved" and json.loads(rows[0].payload)["member_id"] is None


def test_a_receipt_past_the_barcode_range_still_prints(sold, resources, tmp_path):
    result, _ = sold
    sale = Sale.get_by_id(result.sale_id)
    sale.receipt_no = "T01-10000000"
    sale.save()
    receipt = load_receipt(sale.receipt_no)
    assert receipt.barcode is None
    with pdfplumber.open(write_receipt_pdf(sale.receipt_no, tmp_path / "big.pdf", resources)) as doc:
        assert "T01-10000000" in doc.pages[0].extract_text()
    assert decode(tmp_path / "big.pdf") == [[]]


def test_receipt_without_a_member_has_no_points_rows(shop, resources):
    codes = add_products([("Хлеб", 5000, False)])
    cart = Cart()
    cart.add_barcode(codes[0])
    result = sell_by_card(cart, shop["cashier"])
    from services.printing.receipts import receipt_rows

    text = " ".join(row.left for row in receipt_rows(load_receipt(result.receipt_no)))
    assert "Хлеб" in text and "баллов" not in text and "Карта клиента" not in text


def test_a_reprint_shows_what_was_returned(sold, shop, resources, tmp_path):
    from services.sale.returns import return_items

    result, _ = sold
    ret = return_items(result.receipt_no, None, actor=shop["manager"])
    with pdfplumber.open(write_receipt_pdf(result.receipt_no, tmp_path / "r.pdf", resources)) as doc:
        text = plain(doc.pages[0].extract_text())
    assert "Возврат" in text and plain(format_money(ret.refund, "RUB", "ru_RU")) in text


def test_cards_since_a_day_use_the_local_day(shop, monkeypatch):
    member, _ = add_member("Today", shop["cashier"])
    today = dt.date.today()
    assert [m.name for m in cardsheet.select_members(since=today)] == ["Today"]
    assert cardsheet.select_members(since=today + dt.timedelta(days=1)) == []


def test_a_blocked_card_in_a_list_is_named(shop):
    member, card = add_member("Lost", shop["cashier"])
    members.replace_card(member, actor=shop["manager"])
    with pytest.raises(InputError) as err:
        cardsheet.select_members(ids=[card.number])
    assert err.value.code == "card_blocked"


def test_cards_without_names(shop):
    member, card = add_member("Анна", shop["cashier"])
    faces = cardsheet.member_faces([member], active_rules(), with_names=False)
    assert faces[0].name == "" and faces[0].tier == "Базовый" and faces[0].number == card.number


def test_a_long_shop_name_stays_on_the_card(shop, resources, tmp_path):
    style = cardsheet.CardStyle("Гипермаркет «Всё для дома, сада и огорода» им. Константинопольского", "x")
    data, _ = cardsheet.render_cards_pdf([cardsheet.CardFace("2700100000013")], resources, style, "cr80")
    (tmp_path / "c.pdf").write_bytes(data)
    with pdfplumber.open(tmp_path / "c.pdf") as doc:
        page = doc.pages[0]
        assert all(0 <= word["x0"] and word["x1"] <= page.width for word in page.extract_words())
