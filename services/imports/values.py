"""One cell of an owner's file -> a value the till keeps, or a coded problem.

Cells arrive as text (CSV) or as what a workbook holds (calamine gives
numbers as float or int, dates as date/datetime).  Every reader here takes
either, returns None for an empty cell, and raises InputError with a code of
services/core/error_texts.py naming the cell's trouble, so the owner's error
report says what is wrong in their language.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from services.core.errors import InputError
from services.members.cards import CARD_DIGITS
from services.members.phones import phone_reader

# Longest texts a row may bring; longer is refused for that row, never cut.
MAX_NAME = 200
MAX_NOTE = 500
MAX_TEXT = 200  # a category, a tier, an old system's id, an item's name
MAX_EMAIL = 254
MIN_CARD_DIGITS, MAX_CARD_DIGITS = CARD_DIGITS  # what the till takes as a card (services.members.cards)
MAX_MONEY = 10**12  # minor units: ten billion of the currency
MAX_POINTS = 10**9
EARLIEST = dt.date(1900, 1, 1)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007']+")
_CURRENCY = re.compile(r"(?i)(₽|руб\.?|р\.|rub|lei|lei\.|mdl|ron|€|eur|\$|usd)")
# A formula in a spreadsheet program: kept as text here, and written back with a
# quote in front (services.imports.files) so no program runs it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def looks_like_formula(raw: Any) -> bool:
    return isinstance(raw, str) and raw.startswith(FORMULA_START) and not _is_number_text(raw)


def _is_number_text(raw: str) -> bool:
    """'-5', '+7 999 123-45-67': a number or a phone, not a formula."""
    return bool(re.fullmatch(r"[+-]?[\d\s.,()\-]*\d[\d\s.,()\-]*", raw.strip()))


def text(raw: Any, field: str, limit: int = MAX_TEXT) -> str | None:
    """A text cell with its spaces tidied; None when empty."""
    if blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number typed into a text column: "12345", not "12345.0"
    value = " ".join(str(raw).split())
    if len(value) > limit:
        raise InputError("import_too_long", field=field, limit=limit, length=len(value))
    return value


def name(raw: Any, field: str = "name") -> str | None:
    return text(raw, field, MAX_NAME)


def note(raw: Any, field: str = "note") -> str | None:
    """A note keeps its line breaks (a quoted CSV field may hold them)."""
    if blank(raw):
        return None
    value = "\n".join(" ".join(line.split()) for line in str(raw).strip().splitlines())
    if len(value) > MAX_NOTE:
        raise InputError("import_too_long", field=field, limit=MAX_NOTE, length=len(value))
    return value


def _decimal(raw: Any, field: str) -> Decimal:
    if isinstance(raw, bool):
        raise InputError("import_number_bad", field=field, value=str(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise InputError("import_number_bad", field=field, value=str(raw))
        return Decimal(repr(raw))  # 0.1 is "0.1", not its binary neighbour
    cleaned = _CURRENCY.sub("", str(raw))
    cleaned = _SPACES.sub("", cleaned)
    if cleaned.startswith("(") and cleaned.endswith(")"):  # an accountant's negative
        cleaned = "-" + cleaned[1:-1]
    if cleaned.count(",") and cleaned.count("."):
        # "1,234.50" or "1.234,50": the last mark is the decimal one
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(",") > 1 or cleaned.count(".") > 1:
        marks = "," if cleaned.count(",") > 1 else "."
        groups = cleaned.lstrip("+-").split(marks)
        if not all(len(g) == 3 for g in groups[1:]):
            raise InputError("import_number_bad", field=field, value=str(raw))
        cleaned = cleaned.replace(marks, "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", cleaned):
        raise InputError("import_number_bad", field=field, value=str(raw)[:40])
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise InputError("import_number_bad", field=field, value=str(raw)[:40]) from None


_PLAIN_MONEY = re.compile(r"(\d{1,13})(?:[.,](\d{1,4}))?")


def money(raw: Any, field: str, *, exponent: int = 2, negative: bool = False) -> int | None:
    """'1 234,50', '1234.5', '1,234.50 ₽', 1234.5 -> 123450 minor units; None when empty.
    More decimals than the currency has are refused, never rounded away."""
    if blank(raw):
        return None
    if isinstance(raw, str):
        plain = _PLAIN_MONEY.fullmatch(raw)
        cents = plain[2] if plain is not None else None
        if plain is not None and (cents is None or len(cents) <= exponent):  # "1234,50", "99.9", "0": most of a big file
            minor = int(plain[1]) * 10**exponent
            if cents is not None:
                minor += int(cents) * 10**(exponent - len(cents))
            if minor > MAX_MONEY:
                raise InputError("import_number_range", field=field, value=raw[:40])
            return minor
    value = _decimal(raw, field).scaleb(exponent)
    if value != value.to_integral_value():
        raise InputError("import_money_decimals", field=field, value=str(raw)[:40])
    minor = int(value)
    if minor < 0 and not negative:
        raise InputError("import_negative", field=field, value=str(raw)[:40])
    if abs(minor) > MAX_MONEY:
        raise InputError("import_number_range", field=field, value=str(raw)[:40])
    return minor


def points(raw: Any, field: str) -> int | None:
    """A balance of points: whole (a debt may be negative)."""
    if blank(raw):
        return None
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():  # "1500": most of a file, without _decimal's work
        if int(raw) > MAX_POINTS:
            raise InputError("import_number_range", field=field, value=raw[:40])
        return int(raw)
    value = _decimal(raw, field)
    if value != value.to_integral_value():
        raise InputError("import_points_whole", field=field, value=str(raw)[:40])
    if abs(value) > MAX_POINTS:
        raise InputError("import_number_range", field=field, value=str(raw)[:40])
    return int(value)


def quantity(raw: Any, field: str = "qty") -> Decimal | None:
    """Units or kilograms ('0,742'); more than zero."""
    if blank(raw):
        return None
    value = _decimal(raw, field)
    if value <= 0:
        raise InputError("import_qty_bad", field=field, value=str(raw)[:40])
    if value > 1_000_000:
        raise InputError("import_number_range", field=field, value=str(raw)[:40])
    return value


_DATE_FORMATS = (
    "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d", "%d.%m.%y", "%Y/%m/%d",
)
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # day 61 is 01.03.1900
_EXCEL_EPOCH_1900 = dt.datetime(1899, 12, 31)  # day 1 is 01.01.1900, day 59 28.02.1900


def moment(raw: Any, field: str, *, today: dt.date | None = None, keep_zone: bool = False) -> dt.datetime | None:
    """A date or date-time: dd.mm.yyyy, ISO (with T or a space, seconds optional),
    dd/mm/yyyy, a workbook's date cell or its serial number.  A date that does
    not exist (31.02.2020) is refused with the date as written.  One written
    with its offset (or Z) comes back in UTC: naive, or with `keep_zone` aware
    (tzinfo UTC), so a caller can tell it from a time on the shop's clock."""
    if blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        if raw.tzinfo is None:
            return raw.replace(tzinfo=None)
        utc = raw.astimezone(dt.timezone.utc)
        return utc if keep_zone else utc.replace(tzinfo=None)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if not 1 <= raw <= 2_958_465 or 60 <= raw < 61:  # 1900-01-01 .. 9999-12-31 in a workbook's days
            raise InputError("import_date_bad", field=field, value=str(raw)[:40])  # 60: Excel's 29.02.1900
        # Excel counts 1900 as a leap year (Lotus 1-2-3's bug): its days before that 29 February are one more
        return (_EXCEL_EPOCH if raw >= 61 else _EXCEL_EPOCH_1900) + dt.timedelta(days=float(raw))
    value = " ".join(str(raw).split())
    found = _parse_moment(value)
    if found is None:
        raise InputError("import_date_bad", field=field, value=value[:40])
    return found if keep_zone or found.tzinfo is None else found.replace(tzinfo=None)


_DOTTED_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _parse_moment(value: str) -> dt.datetime | None:
    dotted = _DOTTED_DAY.fullmatch(value)  # dd.mm.yyyy, the usual way, without strptime's cost
    if dotted is not None:
        day_, month, year = map(int, dotted.groups())
        try:
            return dt.datetime(year, month, day_)
        except ValueError:
            return None
    iso = value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value
    if re.match(r"\d{4}-\d\d-\d\d", iso):
        try:
            found = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            return None
        return found if found.tzinfo is None else found.astimezone(dt.timezone.utc)
    day_part, _, time_part = value.partition(" ")
    for date_format in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(day_part, date_format)
        except ValueError:
            continue
        if not time_part:
            return day
        for time_format in _TIME_FORMATS:
            try:
                clock = dt.datetime.strptime(time_part, time_format)
            except ValueError:
                continue
            return day.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
        return None
    return None


def day(raw: Any, field: str, *, today: dt.date) -> dt.date | None:
    """A date (a birthday): not before 1900, not after today."""
    found = moment(raw, field)
    if found is None:
        return None
    if not (EARLIEST <= found.date() <= today):
        raise InputError("import_date_range", field=field, value=found.date().isoformat())
    return found.date()


_YES = {"1", "да", "д", "yes", "y", "true", "da", "+", "x", "✓", "истина", "adevărat", "adevarat", "согласен", "есть"}
_NO = {"0", "нет", "н", "no", "n", "false", "nu", "-", "ложь", "fals", "не согласен"}


def flag(raw: Any, field: str) -> bool | None:
    """Yes/no in RU, RO or EN, 1/0, +/-, a workbook's TRUE/FALSE."""
    if blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        if raw in (0, 1):
            return bool(raw)
        raise InputError("import_flag_bad", field=field, value=str(raw)[:40])
    value = " ".join(str(raw).casefold().split())
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise InputError("import_flag_bad", field=field, value=str(raw)[:40])


def phone(raw: Any, field: str, region: str) -> str | None:
    """Any way people write a phone -> E.164 (services.members.phones)."""
    if blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))  # a phone a workbook stored as a number
    try:
        return phone_reader(region)(str(raw))
    except InputError:
        raise InputError("import_phone_bad", field=field, value=str(raw)[:40]) from None


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email(raw: Any, field: str = "email") -> str | None:
    value = text(raw, field, MAX_EMAIL)
    if value is None:
        return None
    if not _EMAIL.fullmatch(value):
        raise InputError("import_email_bad", field=field, value=value[:60])
    return value.lower()


_CARD_GAPS = re.compile(r"[\s\-\u00a0]")


def card_number(raw: Any, field: str = "card") -> str | None:
    """An old system's card as the till will see it scanned: digits only
    (spaces and dashes people type are dropped), 4 to 20 of them.  A workbook
    that stored it as a number gives it back whole (leading zeros a workbook
    already lost cannot be brought back)."""
    if blank(raw):
        return None
    if isinstance(raw, float):
        if not raw.is_integer():
            raise InputError("import_card_bad", field=field, value=str(raw)[:40])
        raw = int(raw)
    value = str(raw)
    if not (value.isascii() and value.isdecimal()):  # digits alone, as most files write them: nothing to drop
        value = _CARD_GAPS.sub("", value)
    if not value.isdecimal() or not value.isascii():
        raise InputError("import_card_bad", field=field, value=str(raw)[:40])
    if not MIN_CARD_DIGITS <= len(value) <= MAX_CARD_DIGITS:
        raise InputError("import_card_length", field=field, value=value[:40],
                         low=MIN_CARD_DIGITS, high=MAX_CARD_DIGITS)
    return value


def barcode(raw: Any, field: str = "barcode") -> str | None:
    """A product's barcode as the scanner types it (digits, or the letters of Code 128)."""
    if blank(raw):
        return None
    if isinstance(raw, float):
        if not raw.is_integer():
            raise InputError("import_barcode_bad", field=field, value=str(raw)[:40])
        raw = int(raw)
    value = str(raw).strip()
    if not value or len(value) > 64 or any(ch.isspace() for ch in value) or not value.isprintable():
        raise InputError("import_barcode_bad", field=field, value=value[:40])
    return value


def barcodes(raw: Any, field: str = "barcode") -> list[str]:
    """Several barcodes in one cell, as 1C and MoySklad export them: ',', ';' or a line break apart."""
    if blank(raw):
        return []
    if isinstance(raw, (int, float)):
        found = barcode(raw, field)
        return [found] if found else []
    parts = [p for p in re.split(r"[,;\n\r|]+", str(raw)) if p.strip()]
    return [code for part in parts if (code := barcode(part.strip(), field))]
