"""Money as integers of minor units (kopecks, bani, cents).

Percentages are basis points (1% = 100 bp).  There is one rounding function,
half-up away from zero, and one way to split an amount over lines (largest
remainder) so that the parts always add up to the whole.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

BP = 10_000  # basis points in 100%

CURRENCIES: dict[str, int] = {"RUB": 2, "MDL": 2, "RON": 2, "EUR": 2}


def round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up away from zero, exactly."""
    if denominator == 0:
        raise ZeroDivisionError("round_div by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


def percent(amount: int, bp: int) -> int:
    """bp basis points of amount, rounded with round_div."""
    return round_div(amount * bp, BP)


def allocate(total: int, weights: Sequence[int], keys: Sequence[object] | None = None) -> list[int]:
    """Split total over weights by largest remainder; the parts sum to total.

    Ties in the remainder go to the larger weight, then the smaller key, so
    the result does not depend on the order the lines were scanned in.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero amount over nothing")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total:
            raise ValueError("cannot allocate a non-zero amount over zero weights")
        return [0] * len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts = []
    remainders = []
    for index, weight in enumerate(weights):
        q, r = divmod(magnitude * weight, weight_sum)
        parts.append(q)
        remainders.append((r, weight, keys[index] if keys is not None else index, index))
    left = magnitude - sum(parts)
    remainders.sort(key=lambda t: (-t[0], -t[1], t[2]))
    for _, _, _, index in remainders[:left]:
        parts[index] += 1
    return [sign * p for p in parts]


MAX_AMOUNT = 10**12  # minor units: ten billion in major units, far past any till's sale


def parse_amount(text: str, exponent: int = 2) -> int:
    """'12,50' / '12.5' / '1 234,00' -> 1250 minor units; ValueError if not money."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned or not all(ch.isdigit() or ch in ".-+" for ch in cleaned):
        raise ValueError(f"not an amount: {text!r}")  # no 'inf', 'NaN', '1e30'
    try:
        value = Decimal(cleaned)
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"too many decimal places: {text!r}")
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if abs(scaled) > MAX_AMOUNT:
        raise ValueError(f"too large an amount: {text!r}")
    return int(scaled)


@dataclass(frozen=True, order=True)
class Money:
    """An amount with its currency, for where amounts meet people."""

    minor: int
    currency: str = "RUB"

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def format(self, locale: str = "ru_RU") -> str:
        exponent = CURRENCIES.get(self.currency, 2)
        value = Decimal(self.minor).scaleb(-exponent)
        parsed, pattern = _currency_pattern(locale)
        # babel.numbers.format_currency, less parsing the locale and its pattern on every call
        # (the member panel and the receipt format a dozen amounts each).
        text = pattern.apply(value, parsed, currency=self.currency, currency_digits=True,
                             decimal_quantization=True, group_separator=True, numbering_system="latn")
        return _with_sign(text, self.currency)


# Where a locale has no sign of its own for a currency, CLDR prints its code ("RUB0.00" in
# English); these signs are read everywhere.  Other codes keep their letters, set apart.
SIGNS = {"RUB": "₽", "EUR": "€"}


def _with_sign(text: str, currency: str) -> str:
    if currency not in text:
        return text
    sign = SIGNS.get(currency)
    if sign is not None:
        return text.replace(currency, sign)
    at = text.index(currency) + len(currency)
    if at < len(text) and text[at] not in "\u00a0 ":  # "MDL1,234.56" -> "MDL 1,234.56"
        text = text[:at] + "\u00a0" + text[at:]
    return text


def format_money(minor: int, currency: str, locale: str = "ru_RU") -> str:
    return Money(minor, currency).format(locale)


@functools.lru_cache(maxsize=16)
def _currency_pattern(locale: str) -> tuple[Any, Any]:
    from babel import Locale

    parsed = Locale.parse(locale)
    return parsed, parsed.currency_formats["standard"]
