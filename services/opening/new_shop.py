"""Opening a new shop: its settings, this till, the owner and a first programme, all or nothing.

Above both the shop's settings and the programme (it needs each), so neither
needs the other.
"""
from __future__ import annotations

import dataclasses

from services.core.errors import InputError
from services.core.storage import write_transaction
from services.journal import authority
from services.programme import rules
from services.shop import staff as auth
from services.core.messages import words
from services.opening import first_day
from services.shop.settings import DEFAULT_PREFIX, TIME_ZONE, configure_shop, set_setting
from models.schema import Till


def create_shop(
    name: str, currency: str, language: str, owner_name: str, owner_pin: str, card_prefix: str = DEFAULT_PREFIX,
    address: str = "",
) -> Till:
    """'New shop': settings, this till, the owner and a starting programme, all or nothing."""
    if not owner_name.strip():
        raise InputError("owner_name_empty")
    with write_transaction():
        till = configure_shop(name, currency, language, address=address, card_prefix=card_prefix)
        owner = auth.add_staff(owner_name, "owner", owner_pin)
        authority.unlock(owner, owner_pin)
        rules.publish(dataclasses.replace(rules.default_rules(currency), timezone=TIME_ZONE.get(currency, ""),
                                          name=words(language).pgettext("programme", "Standard programme")))
        set_setting("time_zone", TIME_ZONE.get(currency, ""))  # the programme's hours and the shop's clock agree
        first_day.begin()  # the checklist the window shows the owner until the first sale
        authority.sign_all()  # the first owner made everything the new shop has
    return till
