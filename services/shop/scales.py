"""Barcodes printed by the shop's scales for weighed goods.

A scale prints an EAN-13 in the in-store range: its prefix, the product's
PLU, the weight in grams (or the price of the piece) and a check digit, in
a layout the owner sets once (shop setting `scale_layout`), written with
digits for the prefix, P for the PLU, W for grams or M for the price in
minor units, and C for the check digit: `22 PPPPP WWWWW C` (weight) or
`23 PPPPP MMMMM C` (price).

The price of a weighed line, one rule everywhere:
    amount = round half-up (price per kg × grams / 1000)
so 0.742 kg at 189.90 per kg is 140.9058 -> 140.91.  A price-embedded label
carries the amount itself; its weight is worked back from the price per kg
(rounded the same way) only to print it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from services.core.errors import InputError
from services.core.money import round_div
from services.shop.product_codes import gtin_check_digit

DEFAULT_LAYOUT = "22PPPPPWWWWWC"
LAYOUT = re.compile(r"(?P<prefix>2\d)(?P<plu>P+)(?P<value>W+|M+)C")


@dataclass(frozen=True)
class ScaleLayout:
    prefix: str
    plu_digits: int
    value_digits: int
    embeds: str  # "weight" (grams) or "price" (minor units)

    @property
    def text(self) -> str:
        letter = "W" if self.embeds == "weight" else "M"
        return f"{self.prefix} {'P' * self.plu_digits} {letter * self.value_digits} C"

    @property
    def max_plu(self) -> int:
        return 10 ** self.plu_digits - 1


@dataclass(frozen=True)
class ScaleLabel:
    plu: int
    grams: int | None  # a weight label
    amount: int | None  # a price label


def parse_layout(text: str) -> ScaleLayout:
    plain = "".join(text.split()).upper()
    match = LAYOUT.fullmatch(plain)
    if match is None or len(plain) != 13:
        raise InputError("scale_layout", layout=text.strip())
    value = match.group("value")
    return ScaleLayout(match.group("prefix"), len(match.group("plu")), len(value),
                       "weight" if value[0] == "W" else "price")


def check_layout(text: str, card_prefix: str) -> ScaleLayout:
    layout = parse_layout(text)
    if layout.prefix == card_prefix:
        raise InputError("scale_prefix_card", prefix=layout.prefix)
    return layout


def read_label(code: str, layout: ScaleLayout) -> ScaleLabel | None:
    """What a scanned code says, or None if it is not this layout's label.
    A label with the scale's prefix and a wrong check digit is refused: it
    was misread, and guessing would charge the wrong weight."""
    code = code.strip()
    if len(code) != 13 or not code.isdigit() or not code.startswith(layout.prefix):
        return None
    if int(code[12]) != gtin_check_digit(code[:12]):
        raise InputError("scale_misread", barcode=code)
    start = len(layout.prefix)
    plu = int(code[start:start + layout.plu_digits])
    value = int(code[start + layout.plu_digits:start + layout.plu_digits + layout.value_digits])
    if value <= 0:
        raise InputError("scale_zero", barcode=code)
    if layout.embeds == "weight":
        return ScaleLabel(plu, value, None)
    return ScaleLabel(plu, None, value)


def make_label(layout: ScaleLayout, plu: int, value: int) -> str:
    """The code a scale would print (tests, the demo, a label sheet's example)."""
    if not (0 < plu <= layout.max_plu and 0 < value < 10 ** layout.value_digits):
        raise ValueError(f"PLU {plu} or value {value} does not fit {layout.text}")
    body = f"{layout.prefix}{plu:0{layout.plu_digits}d}{value:0{layout.value_digits}d}"
    return body + str(gtin_check_digit(body))


def weighed_amount(price_per_kg: int, grams: int) -> int:
    """The line's amount: round half-up of price per kg × grams / 1000."""
    return round_div(price_per_kg * grams, 1000)


def grams_for(amount: int, price_per_kg: int) -> int:
    """The weight a price label stands for, to print beside it."""
    return round_div(amount * 1000, price_per_kg) if price_per_kg else 0


def format_kg(grams: int, locale: str = "ru_RU") -> str:
    """A weight as the shop writes it: 0,742 (ru, ro) or 0.742 (en), always three decimals."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    return format_decimal(Decimal(grams) / 1000, format="#,##0.000", locale=locale)
