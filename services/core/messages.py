"""LoyalTill's one message catalogue: GNU gettext, English msgids, plural forms.

The window, the services and the receipts all word their text here.  The
catalogues are resources/translations/<lang>/LC_MESSAGES/loyaltill.po (the
sources, edited by people) and the .mo compiled from them (what is read);
resources/translations/update.sh refreshes both from the code.  English is
the msgids themselves.

Two ways in:
- the current language (the window's): `_`, `ngettext`, `pgettext`, set once
  by `set_language` when the shop is opened;
- a named language (a receipt in the shop's language, whatever the screen
  shows): `words(lang)`, an object with the same methods.

No Qt here: the command line and the hub use it too.
"""
from __future__ import annotations

import functools
import gettext
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from services.core.error_texts import render

if TYPE_CHECKING:
    from services.core.errors import InputError

log = logging.getLogger("loyaltill")

DOMAIN = "loyaltill"
LANGUAGES = ("ru", "ro", "en")
LOCALE_DIR = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2])) / "resources" / "translations"


class Words:
    """The catalogue in one language: gettext's calls, and the few the till needs often."""

    def __init__(self, lang: str, catalogue: gettext.NullTranslations) -> None:
        self.lang = lang
        self.catalogue = catalogue
        self.loaded = lang == "en" or isinstance(catalogue, gettext.GNUTranslations)

    def _(self, msgid: str) -> str:
        return self.catalogue.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, msgid: str) -> str:
        return self.catalogue.pgettext(context, msgid)

    def points(self, n: int, number: str | None = None) -> str:
        """'5 баллов', '21 балл', '20 de puncte': the form chosen by |n|; `number` is how
        the caller writes n (thin-space groups, a minus sign), str(n) if not given."""
        return self.ngettext("{n} point", "{n} points", abs(n)).format(n=str(n) if number is None else number)

    def tier(self, name: str) -> str:
        """The default programme's tier names are words; a tier the owner named stays as named."""
        words = {
            "Base": self.pgettext("tier", "Base"),
            "Silver": self.pgettext("tier", "Silver"),
            "Gold": self.pgettext("tier", "Gold"),
            "Platinum": self.pgettext("tier", "Platinum"),
        }
        return words.get(name, name)

    def role(self, role: str) -> str:
        words = {
            "cashier": self.pgettext("role", "cashier"),
            "manager": self.pgettext("role", "manager"),
            "owner": self.pgettext("role", "owner"),
        }
        return words.get(role, role)

    def error(self, exc: InputError) -> str:
        return render(exc.code, exc.params, self._) or str(exc)


def words(lang: str | None = None) -> Words:
    """The catalogue in `lang` (the current language if None); unknown languages are English."""
    return _load(lang or _current if (lang or _current) in LANGUAGES else "en")


@functools.cache
def _load(lang: str) -> Words:
    """Read once per language; a missing .mo leaves English on screen and says so in the log."""
    if lang == "en":
        return Words(lang, gettext.NullTranslations())
    try:
        return Words(lang, gettext.translation(DOMAIN, str(LOCALE_DIR), [lang]))
    except OSError:
        log.error("no %s catalogue under %s: the texts stay in English", lang, LOCALE_DIR)
        return Words(lang, gettext.NullTranslations())


_current = "en"


def set_language(lang: str) -> None:
    """The window's language from now on: "ru", "ro" or "en" (anything else is English)."""
    global _current
    _current = lang if lang in LANGUAGES else "en"


def language() -> str:
    return _current


def _(msgid: str) -> str:
    return words(_current)._(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return words(_current).ngettext(singular, plural, n)


def pgettext(context: str, msgid: str) -> str:
    return words(_current).pgettext(context, msgid)


def error_text(exc: InputError, lang: str | None = None) -> str:
    """The sentence for an error in `lang` (the current language if None)."""
    return words(lang or _current).error(exc)


def points_text(n: int, number: str | None = None, lang: str | None = None) -> str:
    return words(lang or _current).points(n, number)


def tier_text(name: str, lang: str | None = None) -> str:
    return words(lang or _current).tier(name)


def role_text(role: str, lang: str | None = None) -> str:
    return words(lang or _current).role(role)
