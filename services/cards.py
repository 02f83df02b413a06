"""Card numbers: EAN-13 in the shop's in-store prefix range.

We compute and check the check digit ourselves: barcode libraries quietly
"fix" a wrong one, which would hand a misread card to the wrong member.
A number is prefix (2 digits, 20–29 by GS1's in-store range) + till number
(3 digits) + serial (7 digits) + check digit, so two tills never issue the
same number even while offline.
"""
from __future__ import annotations

from dataclasses import dataclass

from services.errors import InputError

DEFAULT_PREFIX = "27"


def ean13_check_digit(first12: str) -> int:
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"need 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and int(code[12]) == ean13_check_digit(code[:12])


def make_card_number(prefix: str, till_number: int, serial: int) -> str:
    if len(prefix) != 2 or not prefix.isdigit() or not prefix.startswith("2"):
        raise InputError(f"The card prefix must be two digits from 20 to 29, not {prefix!r}.", "bad_prefix")
    if not 0 <= till_number <= 999:
        raise InputError("A till number must be 0–999.", "bad_till_number")
    if not 0 < serial <= 9_999_999:
        raise InputError("This till has used up its card numbers.", "cards_exhausted")
    body = f"{prefix}{till_number:03d}{serial:07d}"
    return body + str(ean13_check_digit(body))


@dataclass(frozen=True)
class ScanKind:
    kind: str  # "card", "bad_card", "product"
    code: str


def classify_scan(code: str, card_prefix: str) -> ScanKind:
    """Tell a loyalty card from a product barcode by the in-store prefix."""
    code = code.strip()
    if len(code) == 13 and code.isdigit() and code.startswith(card_prefix):
        return ScanKind("card" if is_valid_ean13(code) else "bad_card", code)
    return ScanKind("product", code)
