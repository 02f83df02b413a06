"""Phone numbers in whatever way people write them, stored as E.164.

phonenumbers (its metadata is some sixty modules) is imported when a phone
is first read, not while the till's window starts.
"""
from __future__ import annotations

from services.core.errors import InputError


def normalize_phone(text: str, region: str = "RU") -> str:
    """'+7 999 123-45-67', '89991234567', '0722 12 345' (MD) -> '+7999…'."""
    import phonenumbers

    raw = text.strip()
    if not raw:
        raise InputError("phone_empty")
    candidates = [region]
    # A Russian 8-prefixed mobile typed in a Moldovan or Romanian shop, etc.
    candidates += [r for r in ("RU", "MD", "RO") if r != region]
    possible = None
    for candidate in candidates:
        try:
            number = phonenumbers.parse(raw, candidate)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if possible is None and candidate == region and phonenumbers.is_possible_number(number):
            possible = number
    if possible is not None:
        # A new operator range the metadata does not know yet: the length
        # fits the shop's country, so take it rather than turn a customer away.
        return phonenumbers.format_number(possible, phonenumbers.PhoneNumberFormat.E164)
    raise InputError("phone_invalid", phone=text)


def looks_like_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 7 and all(ch.isdigit() or ch in "+-() ." for ch in text.strip())
