"""Phone numbers in whatever way people write them, stored as E.164.

phonenumbers (its metadata is some sixty modules) is imported when a phone
is first read, not while the till's window starts.
"""
from __future__ import annotations

import re

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


_SIMPLE = re.compile(r"\+?[\d\s().\-]+")
_NOT_DIGITS = re.compile(r"\D")


class PhoneReader:
    """normalize_phone for a whole file of phones (an import), about five times
    faster: phonenumbers' parse costs ~35 µs a number, its validity check ~15.

    A phone written only with digits and separators is read the way the last
    one of its shape was (shape: a leading '+', how many digits, the first
    four): the same digits before the national number (nothing, a trunk "8" or
    "0", or the country code itself) meaning the same country.  The national number so found is then checked
    with phonenumbers' own validity test, so only a valid number takes the
    short way; anything else (a new shape, a number not valid as read) goes the
    whole way through normalize_phone, whose answer teaches the shape.
    """

    def __init__(self, region: str) -> None:
        import phonenumbers

        self.region = region
        self._phonenumbers = phonenumbers
        self._shapes: dict[tuple[bool, int, str], tuple[str, int]] = {}  # -> (digits before the national, country)
        self._valid_ranges: set[tuple[int, int, str]] = set()

    def _valid(self, country: int, national: str) -> bool:
        """phonenumbers' validity test, remembered for the number's range: its
        country, length and first RANGE_DIGITS digits (numbering plans tell
        valid from not by the leading digits and the length; Russia's deepest
        range, 9300 05.., needs six).  Only valid ranges are remembered."""
        found = _range_of(country, national)
        if found in self._valid_ranges:
            return True
        number = self._phonenumbers.PhoneNumber(country_code=country, national_number=int(national))
        if self._phonenumbers.is_valid_number(number):
            self._valid_ranges.add(found)
            return True
        return False

    def __call__(self, text: str) -> str:
        raw = text.strip()
        if not _SIMPLE.fullmatch(raw):
            return normalize_phone(text, self.region)
        plus = raw.startswith("+")
        digits = _NOT_DIGITS.sub("", raw)
        shape = (plus, len(digits), digits[:4])
        known = self._shapes.get(shape)
        if known is not None:
            before, country = known
            national = digits[len(before):]
            if digits.startswith(before) and national and national[0] != "0" and self._valid(country, national):
                return f"+{country}{national}"
        found = normalize_phone(text, self.region)
        number = self._phonenumbers.parse(found, None)
        if self._phonenumbers.is_valid_number(number):
            self._valid_ranges.add(_range_of(number.country_code, str(number.national_number)))
        national = str(number.national_number)
        before = digits[:len(digits) - len(national)]
        # Only the plain ways: the country code, a trunk prefix, or nothing before the national number.
        if digits.endswith(national) and before in ("", "0", "8", str(number.country_code)) \
                and not number.italian_leading_zero:
            self._shapes[shape] = (before, number.country_code)
        return found


RANGE_DIGITS = 7


def _range_of(country: int, national: str) -> tuple[int, int, str]:
    return country, len(national), national[:RANGE_DIGITS]


_readers: dict[str, PhoneReader] = {}


def phone_reader(region: str) -> PhoneReader:
    """The shop's reader (one per region, kept for the process: its shapes only grow)."""
    reader = _readers.get(region)
    if reader is None:
        reader = _readers[region] = PhoneReader(region)
    return reader
