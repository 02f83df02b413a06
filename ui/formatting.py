"""How amounts, points, cards and dates look on the till's screen."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime, QTimeZone

from services.core.messages import _, points_text, role_text, tier_text
from services.core.money import format_money
from services.shop.scales import format_kg


@dataclass(frozen=True)
class Formatter:
    """Money in the shop's currency and locale; built once from shop_info()."""

    currency: str = "RUB"
    locale: str = "ru_RU"

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.locale).replace("\u00a0", " ").replace("\u202f", " ")

    def weight(self, grams: int) -> str:
        """'0,742 кг': a weighed line's quantity."""
        return _("{weight} kg").format(weight=format_kg(grams, self.locale))

    def qlocale(self) -> QLocale:
        return QLocale(self.locale)

    def number(self, value: int) -> str:
        return self.qlocale().toString(int(value)).replace("\u00a0", " ")

    def points(self, value: int) -> str:
        """'1 234 балла': the catalogue's plural form, the number grouped as the locale does."""
        return points_text(value, ("−" if value < 0 else "") + self.number(abs(value)))

    def percent(self, bp: int) -> str:
        decimals = 0 if bp % 100 == 0 else (1 if bp % 10 == 0 else 2)
        text = self.qlocale().toString(bp / 100, "f", decimals)
        return f"{text} %"

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            utc = QDateTime(QDate(value.year, value.month, value.day),
                            QTime(value.hour, value.minute, value.second), QTimeZone.utc())
            return self.qlocale().toString(utc.toLocalTime(), QLocale.FormatType.ShortFormat)
        return self.qlocale().toString(QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat)


def mask_card(number: str) -> str:
    """Enough of a card to recognise it, not enough to copy it from the screen."""
    if len(number) < 8:
        return number
    return f"{number[:2]}•• •••• {number[-4:]}"


def tier_name(name: str) -> str:
    """The default programme's tier names are words; other names are the owner's."""
    return tier_text(name)


def role_name(role: str) -> str:
    return role_text(role)
