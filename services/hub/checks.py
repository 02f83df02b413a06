"""What the hub accepts from a till, field by field.

The hub trusts no till: a till's authority is its token and nothing in the
body.  Every number that reaches the chain's ledger is bounded, every text has
a size, and no clock may run ahead of the hub's own by more than a small skew
(a field clock from next year would win every later merge, the owner's
included).  What is wrong with the data raises `Unapplicable` with a plain
reason: the operation goes to quarantine, where the owner reads the reason.
Anything else that goes wrong while applying is a bug, never bad data.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from typing import Any, Callable

from services.core import hlc

# A till's clock may run this far ahead of the hub's before what it writes is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)
# One ledger entry, or one sale's points: far beyond any real purchase, far below
# what would overflow a sum on a till (SQLite's 64-bit integers).
MAX_POINTS = 1_000_000_000
# One manual adjustment by a manager or owner.
MAX_ADJUST = 100_000
# What one till may add by adjustments and transfers in one day (the hub's day,
# by when the entries arrived): beyond it they go to quarantine for the owner.
ADJUST_DAILY_BUDGET = 100_000
# One sale's earned points, whatever the rule sets say (1,000,000 points: ten
# thousand roubles of cashback at a kopeck a point, far beyond a real basket's).
MAX_SALE_POINTS = 1_000_000
# Two birthday bonuses of one member: a year apart, less twice the widest
# window a rule set may have around the birthday (31 days either side).
BIRTHDAY_GAP = dt.timedelta(days=300)
# One sale's money, in minor units (ten billion roubles).
MAX_MONEY = 1_000_000_000_000
MAX_LINES = 1_000  # lines or payments on one sale
MAX_TEXT = 500  # a name, a phone, a receipt number, a coupon list
MAX_NOTE = 500
MAX_FIELDS = 40  # fields of one member or card document
EARLIEST = dt.datetime(2000, 1, 1)

# The ledger's kinds, as the till's models.schema.LedgerEntry.KINDS (the hub does
# not import the till's models; tests/hub/test_attacks.py compares the two).
LEDGER_KINDS = (
    "earn", "redeem", "reverse", "restore", "adjust", "expire", "transfer", "welcome",
    "birthday", "referral", "release", "import", "reward",
)
BONUS_KINDS = ("welcome", "birthday", "referral")


class Unapplicable(Exception):
    """This operation cannot be applied as it is; it goes to quarantine with this reason."""


def whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unapplicable(f"{name} must be a whole number")
    if not low <= value <= high:
        raise Unapplicable(f"{name} {value} is outside {low}..{high}")
    return value


def text(value: Any, name: str, limit: int = MAX_TEXT, *, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Unapplicable(f"{name} must be text")
    if len(value) > limit:
        raise Unapplicable(f"{name} is longer than {limit} characters")
    if not valid_unicode(value):
        raise Unapplicable(f"{name} is not valid text (a lone surrogate)")
    if required and not value.strip():
        raise Unapplicable(f"{name} is empty")
    return value


_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def an_id(value: Any, name: str, *, required: bool = True) -> str | None:
    """A UUID as canonical text."""
    if value is None or value == "":
        if required:
            raise Unapplicable(f"{name} is missing")
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise Unapplicable(f"{name} is not an id")
    if _CANONICAL_ID.fullmatch(value):  # the tills' own form: no need to parse it
        return value
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Unapplicable(f"{name} is not an id") from None


def moment(value: Any, name: str, now: dt.datetime) -> str:
    """A timestamp (ISO text, UTC) no later than now plus the skew; returned as stored."""
    if not isinstance(value, str) or len(value) > 40:
        raise Unapplicable(f"{name} is not a time")
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Unapplicable(f"{name} is not a time") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if when > now + CLOCK_SKEW:
        raise Unapplicable(f"{name} {value} is in the future (the hub's clock says {now.isoformat(timespec='seconds')})")
    if when < EARLIEST:
        raise Unapplicable(f"{name} {value} is before {EARLIEST.year}")
    return when.isoformat()


def clock_readings(clocks: Any, now: dt.datetime) -> dict[str, str]:
    """Field clocks (services.core.hlc readings): none may be ahead of the hub's clock."""
    if clocks is None:
        return {}
    if not isinstance(clocks, dict):
        raise Unapplicable("_clock must be an object")
    limit_ms = int((now.replace(tzinfo=dt.timezone.utc) + CLOCK_SKEW).timestamp() * 1000)
    for field, reading in clocks.items():
        if not isinstance(reading, str) or len(reading) > 100:
            raise Unapplicable(f"the clock of {field} is not a clock reading")
        try:
            ms, counter, _ = hlc.decode(reading)
        except ValueError:
            raise Unapplicable(f"the clock of {field} is not a clock reading") from None
        if ms > limit_ms:
            raise Unapplicable(f"the clock of {field} is in the future ({reading})")
        if counter < 0:
            raise Unapplicable(f"the clock of {field} is not a clock reading")
    return clocks


def flat_document(doc: dict[str, Any], kind: str) -> None:
    """A member's or card's document: a bounded number of plain fields of sane sizes."""
    if len(doc) > MAX_FIELDS:
        raise Unapplicable(f"a {kind} has more than {MAX_FIELDS} fields")
    for key, value in doc.items():
        if len(key) > 64 or not valid_unicode(key):
            raise Unapplicable(f"a {kind} field name is longer than 64 characters or not valid text")
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, str):
            text(value, f"{kind} {key}")
        elif isinstance(value, int):
            whole(value, f"{kind} {key}", -MAX_MONEY, MAX_MONEY)
        elif isinstance(value, float):
            if not math.isfinite(value) or abs(value) > MAX_MONEY:
                raise Unapplicable(f"{kind} {key} is out of range")
        else:
            raise Unapplicable(f"{kind} {key} must be a plain value")


def valid_unicode(value: str) -> bool:
    """False for text UTF-8 cannot carry (a lone surrogate from a `\\ud800` escape):
    PostgreSQL's driver could not send it, and every push would fail."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- the catalogue: every till may change it, so every field is typed and bounded ---------

MAX_NAME = 200  # a product's or category's name
MAX_CODE = 64  # a barcode, an SKU, a code's kind
MAX_PRICE = 10_000_000_000  # one product's price in minor units (a hundred million roubles)
MAX_PLU = 99_999
MAX_QUICK_KEY = 10_000


def _bool(value: Any, name: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise Unapplicable(f"{name} must be true or false")


def _catalogue_fields(kind: str) -> dict[str, Callable[[Any, str], Any]]:
    name = lambda v, n: text(v, n, MAX_NAME, required=True)  # noqa: E731
    code = lambda v, n: text(v, n, MAX_CODE)  # noqa: E731
    price = lambda v, n: whole(v, n, 0, MAX_PRICE)  # noqa: E731
    ref = lambda v, n: an_id(v, n, required=False)  # noqa: E731
    return {
        "category": {"name": name, "loyalty_excluded": _bool},
        "product": {
            "name": name, "name_key": lambda v, n: text(v, n, MAX_NAME), "barcode": code, "sku": code,
            "category_id": ref, "price": price, "active": _bool, "weighed": _bool,
            "quick_key": lambda v, n: None if v is None else whole(v, n, 0, MAX_QUICK_KEY),
            "plu": lambda v, n: None if v is None else whole(v, n, 0, MAX_PLU),
        },
        "product_code": {"product_id": ref, "code": code, "kind": code},
        "price_change": {"product_id": ref, "previous": price, "price": price, "staff_id": ref,
                         "effective_from": lambda v, n: text(v, n, 40)},
    }[kind]


CATALOGUE = ("category", "product", "product_code", "price_change")


def catalogue_document(doc: dict[str, Any], kind: str) -> None:
    """A catalogue document (whole or a few fields of one): plain fields of sane
    sizes, as a member's, and each known field of its own type within bounds
    (a price is a whole number of minor units, a name is text of at most
    MAX_NAME characters, a flag is true or false)."""
    flat_document(doc, kind)
    for field_name, check in _catalogue_fields(kind).items():
        if field_name in doc:
            check(doc[field_name], f"the {kind}'s {field_name}")


# --- customers' feedback (services.reach.feedback): flat documents with bounded scores ----------

FEEDBACK_SCORES = {"nps": (0, 10), "csat": (1, 5)}
FEEDBACK_STATUSES = ("", "open", "in_progress", "resolved")


def feedback_document(doc: dict[str, Any], kind: str) -> None:
    """An answer or a follow-up: plain fields of sane sizes, scores in their scales, a known status."""
    flat_document(doc, kind)
    for key, (least, most) in FEEDBACK_SCORES.items():
        value = doc.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most):
            raise Unapplicable(f"{kind} {key} must be a whole number from {least} to {most}")
    if doc.get("status") not in (None, *FEEDBACK_STATUSES):
        raise Unapplicable(f"{kind} status is not one of {', '.join(FEEDBACK_STATUSES[1:])}")
