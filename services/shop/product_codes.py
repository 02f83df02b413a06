"""Product barcodes: which kind a code is, its check digit, in-store codes.

EAN-13, EAN-8 and UPC-A end in a GTIN check digit (weights 3 and 1 from the
right); a typed code with a wrong one is refused with the digit it should
have, never silently "fixed".  Goods without a barcode get an in-store
EAN-13 in GS1's restricted range 20-29, away from the shop's card prefix and
the scales' prefix, with the till's number inside (as card numbers have) so
two tills offline never make the same code.  Other in-store codes (letters
and digits, as a supplier's article number) are taken as they are.
"""
from __future__ import annotations

import re

from services.core.errors import InputError

OTHER_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,19}")
GTIN_LENGTHS = {8: "ean8", 12: "upca", 13: "ean13"}
RECEIPT_DIGITS = re.compile(r"9\d{10}")  # a receipt's own barcode (services.members.cards.RECEIPT_CODE)


def gtin_check_digit(body: str) -> int:
    """The check digit of any GTIN (EAN-8, UPC-A, EAN-13) given without it."""
    if not body.isdigit() or not body.isascii():
        raise ValueError(f"need digits, got {body!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def kind_of(code: str) -> str:
    """ean13 / ean8 / upca for digit codes of those lengths, else other."""
    if code.isdigit() and code.isascii():
        return GTIN_LENGTHS.get(len(code), "other")
    return "other"


def check_code(code: str, card_prefix: str) -> str:
    """The code as it will be stored, or InputError saying what is wrong with it."""
    code = code.strip()
    kind = kind_of(code)
    if kind != "other":
        digit = gtin_check_digit(code[:-1])
        if int(code[-1]) != digit:
            raise InputError("barcode_check_digit", barcode=code, kind=KIND_NAMES[kind], digit=digit)
        if kind == "ean13" and code.startswith(card_prefix):
            raise InputError("barcode_card_range", barcode=code, prefix=card_prefix)
        return code
    if not OTHER_CODE.fullmatch(code) or RECEIPT_DIGITS.fullmatch(code):
        raise InputError("barcode_shape", barcode=code)
    return code


KIND_NAMES = {"ean13": "EAN-13", "ean8": "EAN-8", "upca": "UPC-A", "other": "—"}


def variants(code: str) -> list[str]:
    """A UPC-A is read by some scanners as the EAN-13 with a leading 0, and
    the other way round: both find the product."""
    code = code.strip()
    if len(code) == 12 and code.isdigit():
        return [code, "0" + code]
    if len(code) == 13 and code.startswith("0") and code.isdigit():
        return [code, code[1:]]
    return [code]


def instore_prefix(card_prefix: str, scale_prefix: str | None) -> str:
    """20, unless the cards or the scales use it: then the first of 21-29 free."""
    for prefix in [f"2{d}" for d in range(10)]:
        if prefix not in (card_prefix, scale_prefix):
            return prefix
    raise InputError("instore_exhausted")  # pragma: no cover - two prefixes cannot fill ten


def instore_code(prefix: str, till_number: int, serial: int) -> str:
    if not 0 < serial <= 9_999_999:
        raise InputError("instore_exhausted")
    body = f"{prefix}{till_number:03d}{serial:07d}"
    return body + str(gtin_check_digit(body))
