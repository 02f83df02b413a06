"""Receipts sent to an ESC/POS printer, checked on python-escpos's Dummy printer."""
from __future__ import annotations

import socket
import threading

import pytest
from escpos.constants import RT_STATUS_PAPER
from escpos.printer import Dummy

from services.printing import printers
from services.sale.checkout import Cart
from services.core.errors import InputError, PermissionDenied
from services.printing.printers import PrinterError, PrinterSettings, escpos_receipt, printable
from services.printing.receipts import load_receipt, receipt_rows
from services.shop.settings import configure_shop
from tests.unit.shopkit import add_member, add_products, sell_by_card

ESC_T = b"\x1bt"  # ESC t n: select character code table
GS_K = b"\x1dk"  # GS k: print barcode


def sale(shop, names=("Молоко 3,2 %", "Хлеб «Бородинский»")):
    codes = add_products([(name, 8990 + i, False) for i, name in enumerate(names)])
    member, _ = add_member("Ольга Новикова", shop["cashier"])
    cart = Cart()
    cart.member = member
    for code in codes:
        cart.add_barcode(code)
    return load_receipt(sell_by_card(cart, shop["cashier"]).receipt_no)


def text_of(output: bytes, encoding: str) -> str:
    return output.decode(encoding, errors="replace")


def test_cyrillic_goes_out_in_cp866(shop):
    receipt = sale(shop)
    printer = Dummy()
    escpos_receipt(printer, receipt, "80", "CP866")
    out = printer.output
    assert ESC_T + bytes([17]) in out  # CP866 is table 17
    for text in ("Test shop", "Молоко 3,2 %", "ИТОГО", "Начислено баллов", "Баланс баллов", "Спасибо за покупку!"):
        assert text.encode("cp866") in out, text
    assert "Хлеб \"Бородинский\"".encode("cp866") in out  # «» are not in CP866
    assert "руб.".encode("cp866") in out and b"?" not in out.replace(b"{B", b"")  # nothing lost to "?"
    assert GS_K in out and receipt.barcode.encode() in out  # the receipt's barcode, by the printer itself
    assert out.rstrip().endswith(b"\x1dV\x00") or b"\x1dV" in out[-8:]  # paper cut at the end


def test_lines_fit_the_roll(shop):
    name = "Очень длинное название товара, которое не влезает в одну строку чека"
    receipt = sale(shop, names=(name,))
    for width, columns in (("58", 32), ("80", 48)):
        lines = [line for row in receipt_rows(receipt)
                 for line in printers.text_lines(printers_row(row), columns) if row.kind != "barcode"]
        assert all(len(line) <= columns for line in lines), width
        assert " ".join(" ".join(lines).split()).count(name) == 1  # wrapped, not cut
        printer = Dummy()
        escpos_receipt(printer, receipt, width, "CP866")
        assert all(line.encode("cp866") in printer.output for line in lines if line.strip())


def printers_row(row):
    return type(row)(printable(row.left, "CP866"), printable(row.right, "CP866"), kind=row.kind)


def test_romanian_prints_in_latin2_with_its_letters(shop):
    configure_shop("Magazinul Ștefan", "MDL", "ro")
    receipt = sale(shop, names=("Brânză țărănească", "Pâine albă"))
    printer = Dummy()
    escpos_receipt(printer, receipt, "58", "CP852")
    out = printer.output
    assert ESC_T + bytes([18]) in out  # CP852
    assert "Magazinul Ştefan".encode("cp852") in out  # ș ț become ş ţ, which CP852 has
    assert "Brânză ţărănească".encode("cp852") in out and "Vă mulţumim!".encode("cp852") in out


def test_printable_never_loses_a_letter():
    assert printable("Итого 10 ₽ × 2 − 1", "CP866") == "Итого 10 руб. x 2 - 1"
    assert printable("Științe", "CP852") == "Ştiinţe"
    assert printable("Științe", "CP858") == "Stiinte"  # a Western page: plain letters, not "?"
    # A Romanian shop's Latin page meets a Russian product name and roubles: transliterated, not "?".
    assert printable("Сыр «Российский» 10 ₽", "CP852") == "Syr «Rossiiskii» 10 RUB"  # CP852 has « »
    assert printable("Щука", "CP1250") == "Schuka"


def test_auto_mode_switches_pages_and_substitutes_the_rest():
    text = "Брынза țărănească 10 ₽ × 2 «A» — ok"
    assert printable(text, "AUTO") == "Брынза ţărănească 10 руб. × 2 «A» - ok"  # each char in some page
    printer = Dummy()
    printer.charcode("AUTO")
    printer.text(printable(text, "AUTO"))
    assert b"?" not in printer.output
    assert "Брынза".encode("cp866") in printer.output and "ţărănească".encode("cp852") in printer.output


def test_cyrillic_on_a_latin_page_prints_transliterated(shop):
    receipt = sale(shop, names=("Молоко",))
    printer = Dummy()
    escpos_receipt(printer, receipt, "80", "CP852")
    assert b"Moloko" in printer.output and b"RUB" in printer.output and b"?" not in printer.output.replace(b"{B", b"")


def test_print_goes_to_the_device_it_is_given(shop):
    receipt = sale(shop)
    device = Dummy()
    closed = []
    device.close = lambda: closed.append(True)
    printers.print_receipt_escpos(receipt, PrinterSettings(kind="escpos"), open_device=lambda settings: device)
    assert "Молоко 3,2 %".encode("cp866") in device.output and closed == [True]


def test_a_missing_network_printer_is_a_clear_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = PrinterSettings(kind="escpos", connection="network", host="127.0.0.1", port=port)
    with pytest.raises(PrinterError) as err:
        printers.open_printer(settings)
    assert err.value.code == "printer_missing"


class FakeNetworkPrinter:
    """A port-9100 printer on loopback that answers the paper-status query."""

    def __init__(self, paper: bool = True) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.paper = paper
        self.got = bytearray()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(10)
            while chunk := conn.recv(65536):
                self.got.extend(chunk)
                if chunk.endswith(RT_STATUS_PAPER):
                    conn.sendall(bytes([18 if self.paper else 114]))

    def settings(self) -> PrinterSettings:
        return PrinterSettings(kind="escpos", connection="network", host="127.0.0.1", port=self.port)

    def close(self) -> bytes:
        self.thread.join(10)
        self.server.close()
        return bytes(self.got).replace(RT_STATUS_PAPER, b"")


def test_a_network_printer_receives_the_receipt(shop):
    receipt = sale(shop)
    printer = FakeNetworkPrinter()
    printers.print_receipt_escpos(receipt, printer.settings())
    got = printer.close()
    assert "Молоко 3,2 %".encode("cp866") in got and GS_K in got


def test_out_of_paper_is_a_clear_error_and_prints_nothing(shop):
    receipt = sale(shop)
    printer = FakeNetworkPrinter(paper=False)
    with pytest.raises(PrinterError) as err:
        printers.print_receipt_escpos(receipt, printer.settings())
    assert err.value.code == "printer_no_paper"
    assert printer.close() == b""


def test_settings_are_checked_and_kept(shop):
    bad = [
        PrinterSettings(kind="escpos", connection="usb", usb="epson"),
        PrinterSettings(kind="escpos", connection="network", host=" "),
        PrinterSettings(kind="escpos", connection="network", host="10.0.0.5", port=70000),
        PrinterSettings(kind="escpos", connection="serial", serial=""),
        PrinterSettings(kind="escpos", codepage="KOI8"),
    ]
    for settings in bad:
        with pytest.raises(InputError):
            printers.save_printer_settings(settings, actor=shop["manager"])
    with pytest.raises(PermissionDenied):
        printers.save_printer_settings(PrinterSettings(kind="system"), actor=shop["cashier"])
    good = PrinterSettings(kind="escpos", connection="usb", usb="0416:5011", width="58", auto_print=True)
    printers.save_printer_settings(good, actor=shop["manager"])
    assert printers.printer_settings() == good
    assert good.effective_codepage("ru") == "CP866" and good.effective_codepage("ro") == "CP852"


def test_printer_settings_stay_on_their_till(shop):
    """The printer is plugged into this till: a chain's sync never sends it to the others."""
    from services.sync import client as sync

    printers.save_printer_settings(PrinterSettings(kind="escpos", usb="0416:5011"), actor=shop["manager"])
    sent = {(change.kind, change.row_id) for change in sync.changed_master_data()}
    assert ("setting", "printer") not in sent and ("setting", "shop_name") in sent
