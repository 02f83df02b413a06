"""The shop's settings and this till's identity."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from services.core.storage import write_transaction
from models.schema import Setting, Till
from services.core.errors import InputError
from services.core.money import CURRENCIES
from services.journal import authority

LOCALES = {"ru": "ru_RU", "ro": "ro_RO", "en": "en_GB"}
# Where phone numbers without a country code come from, by the shop's currency.
PHONE_REGION = {"RUB": "RU", "MDL": "MD", "RON": "RO", "EUR": "RO"}
DEFAULT_PREFIX = "27"  # the first two digits of this shop's card numbers (20-29: in-store EAN-13 range)
# The programme's clock (happy hours, weekdays) for a new shop, by its currency; the owner can change it.
TIME_ZONE = {"RUB": "Europe/Moscow", "MDL": "Europe/Chisinau", "RON": "Europe/Bucharest", "EUR": "Europe/Bucharest"}


@dataclass(frozen=True)
class ShopInfo:
    name: str
    address: str
    currency: str
    language: str  # ru / ro / en
    region: str  # phone region: RU / MD / RO
    card_prefix: str
    scan_prefix: str  # optional characters a scanner sends before a code
    scan_suffix: str
    receipt_header: str = ""  # printed under the name and address on every receipt
    receipt_footer: str = ""  # printed at the bottom, above the receipt's barcode
    time_zone: str = ""  # IANA name: every time shown or printed is the shop's, not the PC's

    @property
    def zone(self) -> Any:
        """The shop's time zone (a ZoneInfo); the PC's own where none is set or it is unknown."""
        return zone_of(self.time_zone)

    @property
    def locale(self) -> str:
        return LOCALES.get(self.language, "en_GB")


DEFAULTS: dict[str, Any] = {
    "shop_name": "",
    "shop_address": "",
    "currency": "RUB",
    "language": "ru",
    "region": "RU",
    "card_prefix": DEFAULT_PREFIX,
    "scan_prefix": "",
    "scan_suffix": "",
    "receipt_header": "",
    "receipt_footer": "",
    "time_zone": "",
}


def zone_of(name: str) -> Any:
    import zoneinfo

    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            pass
    return dt.datetime.now().astimezone().tzinfo


def local_time(when: dt.datetime, info: "ShopInfo | None" = None) -> dt.datetime:
    """A stored (naive UTC) time as the shop's wall clock, for the screen and the receipts."""
    info = info or shop_info()
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(info.zone)


def get_setting(key: str) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return json.loads(row.value) if row else DEFAULTS.get(key)


def set_setting(key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    Setting.insert(key=key, value=text).on_conflict_replace().execute()
    # A setting the chain shares needs the owner's signature at the hub; signed
    # here when an owner is signed in (a no-op otherwise).
    authority.sign_row("setting", key, {"key": key, "value": json.loads(text)})


def is_set_up() -> bool:
    return Setting.get_or_none(Setting.key == "shop_name") is not None


def shop_info() -> ShopInfo:
    # Only the keys ShopInfo has: a big value (the cards' logo) is never read on this path.
    values = {row.key: json.loads(row.value) for row in Setting.select().where(Setting.key.in_(list(DEFAULTS)))}
    merged = {**DEFAULTS, **values}
    return ShopInfo(
        name=merged["shop_name"],
        address=merged["shop_address"],
        currency=merged["currency"],
        language=merged["language"],
        region=merged["region"],
        card_prefix=merged["card_prefix"],
        scan_prefix=merged["scan_prefix"],
        scan_suffix=merged["scan_suffix"],
        receipt_header=merged["receipt_header"],
        receipt_footer=merged["receipt_footer"],
        time_zone=merged["time_zone"] or TIME_ZONE.get(merged["currency"], ""),
    )


def local_till() -> Till:
    till = Till.get_or_none(Till.is_local == True)  # noqa: E712
    if till is None:
        raise InputError("no_till")
    return till


def configure_shop(
    name: str,
    currency: str,
    language: str = "ru",
    address: str = "",
    till_code: str = "T01",
    till_number: int = 1,
    card_prefix: str = DEFAULT_PREFIX,
) -> Till:
    """Write the shop's settings and create this till; used by 'new shop' and the demo."""
    name = name.strip()
    if not name:
        raise InputError("shop_name_empty")
    if currency not in CURRENCIES:
        raise InputError("bad_currency")
    if language not in LOCALES:
        raise InputError("bad_language")
    if not (len(card_prefix) == 2 and card_prefix.isdigit() and card_prefix.startswith("2")):
        raise InputError("bad_prefix")
    with write_transaction():
        for key, value in {
            "shop_name": name,
            "shop_address": address,
            "currency": currency,
            "language": language,
            "region": PHONE_REGION[currency],
            "card_prefix": card_prefix,
        }.items():
            set_setting(key, value)
        till = Till.get_or_none(Till.is_local == True)  # noqa: E712
        if till is None:
            till = Till.create(code=till_code, name=till_code, number=till_number, is_local=True)
    return till
