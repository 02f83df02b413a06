"""How amounts, points, cards and dates look on the till's screen."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from services.core.messages import points_text, role_text, tier_text
from services.core.money import format_money


@dataclass(frozen=True)
class Formatter:
    """Money in the shop's currency and locale; built once from shop_info()."""

    currency: str = "RUB"
    locale: str = "ru_RU"
    time_zone: str = ""  # the shop's (IANA); every time shown is the shop's wall clock, not the PC's

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.locale).replace("\u00a0", " ").replace("\u202f", " ")

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
            return self.qlocale().toString(self._shop_time(value), QLocale.FormatType.ShortFormat)
        return self.qlocale().toString(QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat)

    def date_time(self, value: dt.datetime) -> str:
        """A stored (UTC) moment as the shop's date and time, short."""
        return self.qlocale().toString(self._shop_time(value), QLocale.FormatType.ShortFormat)

    def clock(self, now_utc: dt.datetime) -> str:
        """The screen's clock: hours and minutes in the shop's time zone."""
        return self.qlocale().toString(self._shop_time(now_utc).time(), "HH:mm")

    def shop_now(self, now_utc: dt.datetime) -> dt.datetime:
        return local_time(now_utc, self.time_zone)

    def _shop_time(self, value: dt.datetime) -> QDateTime:
        local = local_time(value, self.time_zone)
        return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second))


def local_time(value: dt.datetime, time_zone: str) -> dt.datetime:
    from services.shop.settings import zone_of

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone_of(time_zone)).replace(tzinfo=None)


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
