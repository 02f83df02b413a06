"""Printing from the cashier's screen: receipts to printers, reprints, cards, settings."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter

from models.schema import Card, Product, Sale
from services.printing import printers
from services.printing.printers import PrinterSettings
from services.printing.receipts import load_receipt, render_receipt_pdf
from tests.ui.conftest import RESOURCES
from services.printing.cardsheet import next_blank_faces
from tests.ui.helpers import scan
from tests.unit.printing.test_escpos import FakeNetworkPrinter
from tests.unit.printing.test_printing import decode, need
from ui.print_dialogs import CardsDialog, PrinterSettingsDialog, ReceiptsDialog
from ui.printing import print_pdf
from ui.return_dialog import ReturnDialog


def set_printer(settings: PrinterSettings) -> None:
    from services.shop import staff as auth

    printers.save_printer_settings(settings, actor=auth.first_of_role("manager"))


def sell(qtbot, window) -> str:
    product = Product.select().order_by(Product.barcode).first()
    window.add_product(product.barcode)
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        window.dialog.accept()
    return window.last_sale.sale_id


def test_receipt_prints_by_itself_to_a_thermal_printer(qtbot, window):
    printer = FakeNetworkPrinter()
    set_printer(PrinterSettings(kind="escpos", connection="network", host="127.0.0.1", port=printer.port,
                                auto_print=True))
    sale_id = sell(qtbot, window)
    qtbot.waitUntil(lambda: window.message.kind() == "ok" and "printed" in window.message.text(), timeout=10_000)
    got = printer.close()
    receipt = load_receipt(sale_id)
    assert receipt.shop_name.encode("cp866") in got and receipt.barcode.encode() in got


def test_a_missing_printer_leaves_the_sale_done(qtbot, window):
    set_printer(PrinterSettings(kind="system", system_name="Kitchen laser"))
    sale_id = sell(qtbot, window)
    before = counts()
    window._act(window.print_receipt, sale_id)
    assert not window.completion.print.isEnabled()  # one print at a time
    qtbot.waitUntil(lambda: window.message.kind() == "error", timeout=10_000)
    assert "The printer Kitchen laser is not installed" in window.message.text()
    assert "The sale is saved" in window.message.text()
    assert counts() == before  # printing wrote nothing and undid nothing
    assert window.right_stack.currentWidget() is window.completion  # the change is still on screen
    assert window.completion.print.isEnabled()


def counts() -> tuple[int, int, int]:
    from models.schema import LedgerEntry, Outbox

    return Sale.select().count(), LedgerEntry.select().count(), Outbox.select().count()


def test_no_printer_set_up_says_what_to_do(qtbot, window):
    sale_id = sell(qtbot, window)
    window._act(window.print_receipt, sale_id)
    assert window.message.kind() == "warn" and "Save receipt PDF" in window.message.text()


def test_scanning_a_receipt_opens_it_for_a_return(qtbot, window):
    sale = Sale.select().order_by(Sale.receipt_no.desc()).first()
    code = load_receipt(sale).barcode
    scan(qtbot, window.table, code, scanner=window.scanner)
    dialog = window.dialog
    assert isinstance(dialog, ReturnDialog)
    assert dialog.sale is not None and dialog.sale.id == sale.id


def test_reprint_dialog_finds_previews_and_saves(qtbot, window, tmp_path):
    sale = Sale.select().order_by(Sale.receipt_no.desc()).first()
    dialog = ReceiptsDialog(window.fmt, RESOURCES, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.recent.count() > 0 and not dialog.print_button.isEnabled()
    dialog.take_scan(load_receipt(sale).barcode)  # a scanned receipt
    assert dialog.sale.id == sale.id and not dialog.preview.pixmap().isNull()
    dialog.write_pdf(tmp_path / "again.pdf")
    assert dialog.message.kind() == "ok" and (tmp_path / "again.pdf").read_bytes()[:4] == b"%PDF"
    dialog.take_scan("T99-000001")
    assert dialog.message.kind() == "error" and dialog.sale is None and not dialog.pdf_button.isEnabled()


def test_what_the_system_printer_gets_still_scans(qtbot, window, tmp_path):
    """The PDF's pages painted onto a QPrinter (writing a PDF here, as no printer is installed)."""
    need("pdftoppm")
    sale = Sale.select().order_by(Sale.receipt_no.desc()).first()
    receipt = load_receipt(sale)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageSize(QPageSize(QSizeF(80, 200), QPageSize.Unit.Millimeter, "roll"))
    print_pdf(render_receipt_pdf(receipt, RESOURCES, "80"), printer, receipt.receipt_no)
    assert [code for page in decode(tmp_path / "printed.pdf") for code in page] == [f"CODE-128:{receipt.barcode}"]


def test_card_preview_reserves_nothing_and_saving_does(qtbot, window, tmp_path):
    from services.shop import staff as auth

    manager = auth.first_of_role("manager")
    before = Card.select().count()
    dialog = CardsDialog(manager, RESOURCES, window)
    qtbot.addWidget(dialog)
    dialog.radios["blank"].setChecked(True)
    dialog.count.setValue(12)
    assert not dialog.preview.pixmap().isNull()
    assert Card.select().count() == before
    preview = [f.number for f in next_blank_faces(12)]
    dialog.write(tmp_path / "cards.pdf")
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)  # drawn on a worker thread
    assert dialog.message.kind() == "ok"
    reserved = [c.number for c in Card.select().where(Card.status == "reserved").order_by(Card.number)]
    assert reserved == sorted(preview)
    pages = decode(tmp_path / "cards.pdf", dpi=300)
    assert [sorted(c.removeprefix("EAN-13:") for c in page) for page in pages] == [sorted(preview[:10]),
                                                                                   sorted(preview[10:])]


@pytest.mark.slow  # over 3 s (pytest --durations)
def test_cards_print_to_the_printer_chosen(qtbot, window, tmp_path, cashier):
    """The print dialog hands a printer over; here it writes a PDF, which zbar reads back."""
    dialog = CardsDialog(cashier, RESOURCES, window)
    qtbot.addWidget(dialog)
    dialog.radios["list"].setChecked(True)
    cards = [c.number for c in Card.select().where(Card.status == "active").order_by(Card.number).limit(3)]
    dialog.refs.setPlainText("\n".join(cards))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.print_to(printer)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.message.kind() == "ok", dialog.message.text()
    assert [sorted(c.removeprefix("EAN-13:") for c in page) for page in decode(tmp_path / "printed.pdf")] == [cards]


def test_a_cashier_prints_members_cards_but_not_blank_ones(qtbot, window, tmp_path, cashier):
    dialog = CardsDialog(cashier, RESOURCES, window)
    qtbot.addWidget(dialog)
    assert not dialog.logo_button.isEnabled()  # the logo is the owner's
    dialog.radios["all"].setChecked(True)
    dialog.write(tmp_path / "all.pdf")
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
    assert dialog.message.kind() == "ok"
    dialog.radios["blank"].setChecked(True)
    dialog.write(tmp_path / "blank.pdf")
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.message.kind() == "error" and not (tmp_path / "blank.pdf").exists()
    assert Card.select().where(Card.status == "reserved").count() == 0


def test_printer_settings_are_checked_and_saved(qtbot, window):
    from services.shop import staff as auth

    dialog = PrinterSettingsDialog(auth.first_of_role("manager"), window)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("escpos"))
    dialog.connection.setCurrentIndex(dialog.connection.findData("network"))
    dialog.host.setText("")
    dialog.save()
    assert dialog.message.kind() == "error" and dialog.result() == 0
    dialog.host.setText("192.168.1.50")
    dialog.codepage.setCurrentIndex(dialog.codepage.findData("CP866"))
    dialog.save()
    saved = printers.printer_settings()
    assert (saved.kind, saved.connection, saved.host, saved.port, saved.codepage) == (
        "escpos", "network", "192.168.1.50", 9100, "CP866")


def test_a_cashier_cannot_open_printer_settings(qtbot, window):
    window._act(window.open_printer_settings)
    assert window.message.kind() == "error" and window.dialog is None


def test_screens_render(qtbot, window, tmp_path):
    """PNGs to look at: the reprint dialog and the cards dialog."""
    from services.shop import staff as auth

    receipts = ReceiptsDialog(window.fmt, RESOURCES, Sale.select().first().receipt_no, window)
    cards = CardsDialog(auth.first_of_role("owner"), RESOURCES, window)
    for name, dialog in (("receipts", receipts), ("cards", cards)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        target = Path(os.environ.get("LOYALTILL_SHOTS", tmp_path)) / f"{name}.png"
        assert dialog.grab().save(str(target)) and target.stat().st_size > 10_000


def test_a_card_sheet_that_cannot_be_saved_keeps_its_numbers_reserved_and_says_so(qtbot, window, tmp_path):
    from services.shop import staff as auth

    dialog = CardsDialog(auth.login("222222"), RESOURCES, window)
    qtbot.addWidget(dialog)
    dialog.radios["blank"].setChecked(True)
    dialog.count.setValue(3)
    preview = [f.number for f in next_blank_faces(3)]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    dialog.write(blocker / "cards.pdf")
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.message.kind() in ("error", "warn")
    assert preview[0] in dialog.message.text() and preview[-1] in dialog.message.text()
    reserved = [c.number for c in Card.select().where(Card.status == "reserved").order_by(Card.number)]
    assert reserved == sorted(preview)  # never handed to another card
    shots = Path("/tmp/shots/robust")
    if shots.parent.is_dir():
        shots.mkdir(exist_ok=True)
        dialog.grab().save(str(shots / "cards_not_saved.png"))
