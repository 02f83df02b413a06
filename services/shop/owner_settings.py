"""The owner changes the shop's settings, and this till's store, from the window.

Every change is checked first (all or nothing), written in one transaction
and recorded in the audit log with what it was and what it became.  Two
changes are refused once they would break what is already written: the
currency after the first sale (every amount in the file is in it) and the
card prefix once cards exist (the till would no longer know its own cards).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models.schema import Card, Sale, Store, Till
from services.core.errors import InputError
from services.core.money import CURRENCIES
from services.core.storage import write_transaction
from services.journal import audit
from services.shop import staff as auth
from services.shop.settings import LOCALES, PHONE_REGION, get_setting, local_till, set_setting, shop_info

# What the owner edits here, by setting key (the scale layout belongs to the catalogue's weighed goods).
EDITABLE = (
    "shop_name", "shop_address", "receipt_header", "receipt_footer", "language", "currency", "time_zone",
    "card_prefix", "scan_prefix", "scan_suffix",
)
TEXT_LIMIT = 300  # characters in a receipt's header or footer, an address
SCAN_AFFIX_LIMIT = 4


@dataclass(frozen=True)
class StoreInfo:
    name: str
    address: str


def current() -> dict[str, Any]:
    """The values the settings page shows (the time zone as the shop uses it)."""
    info = shop_info()
    values = {key: get_setting(key) for key in EDITABLE}
    values["time_zone"] = info.time_zone
    return values


def _check(key: str, value: Any) -> Any:
    if key in ("shop_name", "shop_address", "receipt_header", "receipt_footer"):
        text = str(value).strip()
        if key == "shop_name" and not text:
            raise InputError("shop_name_empty")
        if len(text) > TEXT_LIMIT:
            raise InputError("setting_too_long", limit=TEXT_LIMIT)
        return text
    if key == "currency":
        if value not in CURRENCIES:
            raise InputError("bad_currency")
        return value
    if key == "language":
        if value not in LOCALES:
            raise InputError("bad_language")
        return value
    if key == "time_zone":
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(str(value))
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            raise InputError("rule_timezone", zone=value) from None
        return str(value)
    if key == "card_prefix":
        text = str(value)
        if not (len(text) == 2 and text.isdigit() and text.startswith("2")):
            raise InputError("bad_prefix")
        return text
    if key in ("scan_prefix", "scan_suffix"):
        text = str(value)
        if len(text) > SCAN_AFFIX_LIMIT or any(ch.isdigit() or ch.isspace() for ch in text):
            raise InputError("bad_scan_affix", limit=SCAN_AFFIX_LIMIT)
        return text
    raise ValueError(f"not a setting the owner edits here: {key}")


def change_settings(staff: Any, changes: dict[str, Any], now: dt.datetime | None = None) -> dict[str, tuple[Any, Any]]:
    """Write the changed settings; returns {key: (before, after)} of what really changed."""
    auth.require(staff, "shop_settings")
    before = current()
    wanted = {key: _check(key, value) for key, value in changes.items()}
    changed = {key: (before[key], value) for key, value in wanted.items() if before[key] != value}
    if not changed:
        return {}
    with write_transaction():
        if "currency" in changed and Sale.select().exists():
            raise InputError("currency_after_sales")
        if "card_prefix" in changed and Card.select().exists():
            raise InputError("card_prefix_in_use")
        for key, (_old, value) in changed.items():
            set_setting(key, value)
        if "currency" in changed:
            set_setting("region", PHONE_REGION[changed["currency"][1]])
        audit.record("settings_changed", staff, target="shop", now=now,
                     changes={key: [old, new] for key, (old, new) in changed.items()})
    return changed


def till_store(till: Till | None = None) -> StoreInfo | None:
    """The store this till belongs to; None in a shop of one (its own name and address serve)."""
    till = till or local_till()
    if till.store_id is None:
        return None
    store = Store.get_by_id(till.store_id)
    return StoreInfo(store.name, store.address)


def set_till_store(staff: Any, name: str, address: str, now: dt.datetime | None = None) -> StoreInfo | None:
    """Name this till's store (created on first use); an empty name leaves the chain's name and address."""
    auth.require(staff, "shop_settings")
    name, address = name.strip(), address.strip()
    if len(name) > TEXT_LIMIT or len(address) > TEXT_LIMIT:
        raise InputError("setting_too_long", limit=TEXT_LIMIT)
    with write_transaction():
        till = local_till()
        old = till_store(till)
        new = StoreInfo(name, address) if name else None
        if old == new:
            return new
        if new is None:
            till.store = None
        elif till.store_id is None:
            till.store = Store.create(name=name, address=address)
        else:
            Store.update(name=name, address=address).where(Store.id == till.store_id).execute()
        till.save()
        audit.record("settings_changed", staff, target="store", now=now,
                     changes={"store": [old.__dict__ if old else None, new.__dict__ if new else None]})
    return new
