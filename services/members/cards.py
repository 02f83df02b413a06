"""Card numbers: EAN-13 in the shop's in-store prefix range.

We compute and check the check digit ourselves: barcode libraries quietly
"fix" a wrong one, which would hand a misread card to the wrong member.
A number is prefix (2 digits, 20–29 by GS1's in-store range) + till number
(3 digits) + serial (7 digits) + check digit, so two tills never issue the
same number even while offline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.core.errors import InputError

# Cards an old system gave out, kept as they are by an import (services.imports):
# digits only, this many of them (EAN-8, EAN-13 of another prefix, Code 128 digits).
CARD_DIGITS = (4, 20)

# A USB scanner "types" what it reads with whatever keyboard layout is active,
# so "T01-000123" would arrive as "Е01-000123" on a Russian layout. A receipt's
# barcode therefore carries digits only: 9 + till number (3 digits) + receipt
# sequence (7 digits) = 11 digits, a length no retail symbology uses
# (EAN-8 and EAN-13, UPC-A's 12, ITF-14).
RECEIPT_CODE = re.compile(r"9(\d{3})(\d{7})")


def ean13_check_digit(first12: str) -> int:
    if len(first12) != 12 or not first12.isdecimal():
        raise ValueError(f"need 12 digits, got {first12!r}")
    if first12.isascii():  # every scan: sum the bytes in C ("0" is 48; 48 * (6 + 3 * 6) = 1152)
        codes = first12.encode()
        total = sum(codes[0::2]) + 3 * sum(codes[1::2]) - 1152
    else:  # digits of another script ("٣"), as int() reads them
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdecimal() and int(code[12]) == ean13_check_digit(code[:12])


def make_card_number(prefix: str, till_number: int, serial: int) -> str:
    if len(prefix) != 2 or not prefix.isdecimal() or not prefix.startswith("2"):
        raise InputError("bad_prefix")
    if not 0 <= till_number <= 999:
        raise InputError("bad_till_number")
    if not 0 < serial <= 9_999_999:
        raise InputError("cards_exhausted")
    body = f"{prefix}{till_number:03d}{serial:07d}"
    return body + str(ean13_check_digit(body))


def check_old_card(number: str, card_prefix: str, till_number: int, field: str = "card") -> None:
    """An old system's card the till does not know yet, refused if it could be
    a card this shop issues itself: a 13-digit number with the shop's card
    prefix must be a valid EAN-13 (the till reads any other as misread) and
    lie in this till's range.  This till never issues a number its card table
    knows (registry.free_numbers skips it); another till learns of the card
    only when it syncs, and may issue the same number before that: two members
    on one card.  Refused, the owner can import that row on the till whose
    range it is, or give the member a new card."""
    if not (len(number) == 13 and number.isdecimal() and number.startswith(card_prefix)):
        return
    if not is_valid_ean13(number):
        raise InputError("import_card_check_digit", field=field, card=number, prefix=card_prefix)
    till = int(number[2:5])
    if till != till_number:
        raise InputError("import_card_other_till", field=field, card=number, till=f"{till:03d}")


def receipt_code(till_number: int, seq: int) -> str:
    """The digits printed as the receipt's barcode."""
    if not (0 <= till_number <= 999 and 0 < seq <= 9_999_999):
        raise ValueError(f"no receipt code for till {till_number}, receipt {seq}")
    return f"9{till_number:03d}{seq:07d}"


def parse_receipt_code(code: str) -> tuple[int, int] | None:
    """(till number, sequence) from a scanned receipt code, or None if it is not one."""
    match = RECEIPT_CODE.fullmatch(code.strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class ScanKind:
    kind: str  # "card", "bad_card", "receipt", "product"
    code: str


def classify_scan(code: str, card_prefix: str) -> ScanKind:
    """Tell a loyalty card from a product barcode by the in-store prefix."""
    code = code.strip()
    if len(code) == 13 and code.isdecimal() and code.startswith(card_prefix):
        return ScanKind("card" if is_valid_ean13(code) else "bad_card", code)
    if RECEIPT_CODE.fullmatch(code):
        return ScanKind("receipt", code)
    return ScanKind("product", code)
