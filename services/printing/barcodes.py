"""Barcodes as vector bars: python-barcode encodes, we draw rectangles.

python-barcode's writers produce images or SVG; a PDF wants bars as filled
rectangles so a 203-dpi thermal head and a 1200-dpi laser both print them
sharp. We take the module pattern from the library (`build()`), merge runs of
dark modules into one rectangle each, and keep the quiet zones ourselves.

EAN-13: the library silently replaces a wrong check digit with the right one
(2700100000017 comes back as 2700100000013), which would print a card that
scans as a different number. We validate the number with our own check digit
first and refuse if the library's full code differs from what we asked for.

The receipt's code (digits only, see services/cards.receipt_code) is drawn
as Code 128, which carries its own check character.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.members.cards import is_valid_ean13
from services.core.errors import InputError

RECEIPT_NO = re.compile(r"(?P<code>.+)-(?P<seq>\d+)")

# Quiet zones in modules: EAN-13 needs 11 on the left and 7 on the right,
# Code 128 ten on each side.
QUIET = {"ean13": (11, 7), "code128": (10, 10)}


@dataclass(frozen=True)
class Bars:
    """A barcode's module pattern ('1' dark, '0' light) with its quiet zones."""

    kind: str
    data: str
    modules: str
    quiet_left: int
    quiet_right: int

    @property
    def width_modules(self) -> int:
        return self.quiet_left + len(self.modules) + self.quiet_right

    def runs(self) -> list[tuple[int, int]]:
        """(first module, length) of each dark bar, counted from the left quiet zone's edge."""
        out: list[tuple[int, int]] = []
        for match in re.finditer("1+", self.modules):
            out.append((self.quiet_left + match.start(), match.end() - match.start()))
        return out


def ean13(number: str) -> Bars:
    import barcode

    if not is_valid_ean13(number):
        raise InputError("card_bad_number", card=number)
    code = barcode.get_barcode_class("ean13")(number)
    if code.get_fullcode() != number:  # never print a number other than the one asked for
        raise InputError("card_bad_number", card=number)
    return Bars("ean13", number, code.build()[0], *QUIET["ean13"])


def code128(data: str) -> Bars:
    import barcode

    code = barcode.get_barcode_class("code128")(data)
    return Bars("code128", data, code.build()[0], *QUIET["code128"])


def receipt_seq(receipt_no: str) -> int:
    match = RECEIPT_NO.fullmatch(receipt_no)
    if match is None:
        raise ValueError(f"not a receipt number: {receipt_no!r}")
    return int(match.group("seq"))


def draw_bars(pdf, bars: Bars, x: float, y: float, module: float, height: float) -> float:
    """Draw on a ReportLab canvas with the left quiet zone starting at x; returns the total width."""
    path = pdf.beginPath()
    for start, length in bars.runs():
        path.rect(x + start * module, y, length * module, height)
    pdf.saveState()
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()
    return bars.width_modules * module


# Quiet zones of the other retail codes a product may carry (GS1: EAN-8 7 and 7, UPC-A 9 and 9).
GTIN_QUIET = {"ean13": QUIET["ean13"], "ean8": (7, 7), "upca": (9, 9)}


def gtin_bars(code: str) -> Bars:
    """A product's EAN-13, EAN-8 or UPC-A as bars (other in-store codes as Code 128)."""
    import barcode

    from services.shop.product_codes import gtin_check_digit, kind_of

    kind = kind_of(code)
    if kind == "other":
        return code128(code)
    if int(code[-1]) != gtin_check_digit(code[:-1]):
        raise InputError("barcode_check_digit", barcode=code, kind=kind, digit=gtin_check_digit(code[:-1]))
    made = barcode.get_barcode_class(kind)(code)
    if made.get_fullcode() != code:  # never print a number other than the one asked for
        raise InputError("barcode_check_digit", barcode=code, kind=kind, digit=gtin_check_digit(code[:-1]))
    return Bars(kind, code, made.build()[0], *GTIN_QUIET[kind])
