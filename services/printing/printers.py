"""Where this till prints, and printing a receipt straight to an ESC/POS printer.

Printer settings belong to the till (a USB printer is plugged into this
machine), so they live in this till's settings under one key. Three kinds:
no printer ("Save as PDF" always works), a system printer (the window renders
the receipt PDF through Qt's print support: ui/printing.py), or an ESC/POS
thermal printer over USB, the network or a serial port (python-escpos).

ESC/POS printers have no fonts of ours: text goes in a code page the printer
has. The receipt's rows (services/receipts.receipt_rows, the same rows as the
PDF) are laid out in 32 or 48 columns and sent in the chosen page, CP866 for
Cyrillic by default; characters the page lacks are replaced by the nearest
thing it has (₽ → "руб.", Romanian ș ț with a comma → ş ţ with a cedilla,
which Latin-2 pages do have), never by "?".
"""
from __future__ import annotations

import socket
import textwrap
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable

from services.shop import staff as auth
from services.core.errors import InputError
from services.printing.receipts import Receipt, Row, receipt_rows
from services.shop.settings import get_setting, set_setting
from services.core.storage import write_transaction

KINDS = ("none", "system", "escpos")
CONNECTIONS = ("usb", "network", "serial")
CODEPAGES = ("CP866", "CP1251", "CP852", "CP1250", "CP858", "AUTO")
WIDTHS = ("58", "80")
COLUMNS = {"58": 32, "80": 48}  # font A
DEFAULT_CODEPAGE = {"ru": "CP866", "ro": "CP852", "en": "CP858"}


class PrinterError(InputError):
    """The printer could not print; the sale itself is done and stays done."""


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "none"
    system_name: str = ""  # a system printer's name; "" is the default printer
    connection: str = "usb"
    usb: str = ""  # vendor:product in hex, e.g. 0416:5011
    host: str = ""
    port: int = 9100
    serial: str = ""  # /dev/ttyUSB0 or COM3
    baudrate: int = 19200
    codepage: str = ""  # "" follows the shop's language
    width: str = "80"  # 58 / 80 mm roll; a4 on a system printer
    auto_print: bool = False  # print every receipt as the sale completes

    def effective_codepage(self, language: str) -> str:
        return self.codepage or DEFAULT_CODEPAGE.get(language, "CP858")


def printer_settings() -> PrinterSettings:
    stored = get_setting("printer") or {}
    known = {k: v for k, v in stored.items() if k in PrinterSettings.__dataclass_fields__}
    return PrinterSettings(**known)


def _usb_ids(text: str) -> tuple[int, int]:
    vendor, _, product = text.strip().partition(":")
    try:
        ids = int(vendor, 16), int(product, 16)
    except ValueError:
        raise InputError("printer_usb_ids") from None
    if not all(0 < value <= 0xFFFF for value in ids):
        raise InputError("printer_usb_ids")
    return ids


def validate(settings: PrinterSettings) -> PrinterSettings:
    s = settings
    if s.kind not in KINDS or s.connection not in CONNECTIONS or s.width not in (*WIDTHS, "a4"):
        raise InputError("printer_setting")
    if s.width == "a4" and s.kind == "escpos":
        raise InputError("printer_width")
    if s.codepage and s.codepage not in CODEPAGES:
        raise InputError("printer_codepage")
    if s.kind == "escpos":
        if s.connection == "usb":
            _usb_ids(s.usb)
        elif s.connection == "network":
            if not s.host.strip():
                raise InputError("printer_host")
            if not 0 < s.port < 65536:
                raise InputError("printer_port")
        elif not s.serial.strip():
            raise InputError("printer_serial")
        elif s.baudrate not in (9600, 19200, 38400, 57600, 115200):
            raise InputError("printer_baud")
    return replace(s, host=s.host.strip(), serial=s.serial.strip(), usb=s.usb.strip())


def save_printer_settings(settings: PrinterSettings, *, actor: object) -> PrinterSettings:
    auth.require(actor, "printer_settings")
    settings = validate(settings)
    with write_transaction():
        set_setting("printer", asdict(settings))
    return settings


# --- ESC/POS --------------------------------------------------------------------------------

# What a receipt may hold that a code page may lack, and what to print instead,
# tried in order until one fits the page.
SUBSTITUTES = {
    "₽": ("руб.", "RUB"), "€": ("EUR",), "−": ("-",), "–": ("-",), "—": ("-",), "×": ("x",), "•": ("*",),
    "…": ("...",), "«": ('"',), "»": ('"',), "„": ('"',), "“": ('"',), "”": ('"',), "’": ("'",),
    "ș": ("ş", "s"), "ț": ("ţ", "t"), "Ș": ("Ş", "S"), "Ț": ("Ţ", "T"), "\u00a0": (" ",), "\u202f": (" ",),
    "ş": ("s",), "ţ": ("t",), "Ş": ("S",), "Ţ": ("T",), "ă": ("a",), "Ă": ("A",), "â": ("a",), "Â": ("A",),
    "î": ("i",), "Î": ("I",),
}
# Cyrillic on a Latin-only page (a Romanian shop's printer, a Russian product name): transliterated.
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "h", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"],
))
for _lower, _latin in list(_CYRILLIC.items()):
    _CYRILLIC[_lower.upper()] = _latin.capitalize()
# The pages AUTO may switch between (python-escpos's magic encoder picks per character).
AUTO_PAGES = ("cp866", "cp852", "cp858")


def _fits(text: str, encodings: tuple[str, ...]) -> bool:
    for encoding in encodings:
        try:
            text.encode(encoding)
            return True
        except UnicodeEncodeError:
            continue
    return False


def printable(text: str, codepage: str) -> str:
    """Text the code page can print: substitutes for what it lacks, never a bare "?"."""
    encodings = AUTO_PAGES if codepage == "AUTO" else (codepage.lower(),)
    out = []
    for ch in text:
        for candidate in (ch, *SUBSTITUTES.get(ch, ()), _CYRILLIC.get(ch)):
            if candidate is not None and _fits(candidate, encodings):
                out.append(candidate)
                break
        else:
            out.append("?")
    return "".join(out)


def text_lines(row: Row, columns: int) -> list[str]:
    """One receipt row as lines of at most `columns` characters."""
    if row.kind == "rule":
        return ["-" * columns]
    if row.right:
        if len(row.left) + 1 + len(row.right) <= columns:
            return [row.left + " " * (columns - len(row.left) - len(row.right)) + row.right]
        lines = textwrap.wrap(row.left, columns) if row.left.strip() else []
        return lines + [row.right.rjust(columns)[-columns:] if len(row.right) <= columns else row.right[:columns]]
    return textwrap.wrap(row.left, columns) or [""]


def escpos_receipt(printer: Any, receipt: Receipt, width: str = "80", codepage: str = "CP866") -> None:
    """Send a receipt to a python-escpos printer object (USB, network, serial, or Dummy in tests)."""
    columns = COLUMNS[width]
    printer.charcode(codepage)
    printer.set_with_default()
    for row in receipt_rows(receipt):
        if row.kind == "barcode":
            printer.set_with_default(align="center")
            printer.barcode("{B" + row.left, "CODE128", height=64, width=2, pos="BELOW", function_type="B")
            printer.set_with_default()
            continue
        big = row.scale >= 1.3
        printer.set_with_default(bold=row.bold, double_height=big)
        for line in text_lines(Row(printable(row.left, codepage), printable(row.right, codepage), kind=row.kind),
                               columns):
            printer.text(line + "\n")
    printer.set_with_default()
    printer.cut()


def _device_errors() -> tuple[type[BaseException], ...]:
    """What opening or talking to a printer raises when the printer (not our code) is the problem."""
    from escpos.exceptions import Error as EscposError

    errors: list[type[BaseException]] = [EscposError, OSError, socket.timeout]
    try:
        import usb.core

        errors += [usb.core.USBError, usb.core.NoBackendError]
    except ImportError:
        pass
    try:
        import serial

        errors.append(serial.SerialException)
    except ImportError:
        pass
    return tuple(errors)


def open_printer(settings: PrinterSettings) -> Any:
    """The python-escpos printer for these settings, connected; PrinterError if it is not there."""
    from escpos import printer as escpos_printer

    try:
        if settings.connection == "usb":
            vendor, product = _usb_ids(settings.usb)
            device = escpos_printer.Usb(vendor, product, timeout=2000)
        elif settings.connection == "network":
            device = escpos_printer.Network(settings.host, port=settings.port, timeout=5)
        else:
            device = escpos_printer.Serial(devfile=settings.serial, baudrate=settings.baudrate, timeout=2)
        device.open()
    except _device_errors() as exc:
        raise PrinterError("printer_missing", detail=str(exc)) from None
    return device


def check_paper(device: Any) -> None:
    """Ask a two-way printer for its paper; a printer that does not answer is assumed ready."""
    try:
        status = device.paper_status()
    except (NotImplementedError, *_device_errors()):
        return
    if status == 0:
        raise PrinterError("printer_no_paper")


def print_receipt_escpos(
    receipt: Receipt, settings: PrinterSettings, open_device: Callable[[PrinterSettings], Any] = open_printer
) -> None:
    device = open_device(settings)
    try:
        check_paper(device)
        escpos_receipt(device, receipt, settings.width, settings.effective_codepage(receipt.language))
    except PrinterError:
        raise
    except _device_errors() as exc:
        raise PrinterError("printer_failed", detail=str(exc)) from None
    finally:
        device.close()
