"""How the owner's figures are named and written, said once for the window and the exports.

The figures themselves (services.insights.figures) are numbers under stable English keys;
this module gives each key its name in the shop's language, says what kind of number it
is (a count, money in minor units, a share 0..1, points, a plain ratio) and writes a value,
and its change against the previous period, as the shop writes them.  The window
(ui/reports_page.py) and the XLSX/CSV/PDF exports (services.insights.export) both read it,
so a figure never has two names or two ways of being rounded.
"""
from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from services.core.messages import _, pgettext
from services.core.money import format_money

# (key, kind) in the order the owner reads them: the shop's trade, then the members', then the programme's.
FIGURES: tuple[tuple[str, str], ...] = (
    ("receipts", "count"),
    ("revenue", "money"),
    ("members_new", "count"),
    ("members_active", "count"),
    ("member_receipts", "count"),
    ("member_revenue", "money"),
    ("card_share_receipts", "rate"),
    ("card_share_revenue", "rate"),
    ("avg_check_members", "money"),
    ("avg_check_others", "money"),
    ("receipts_per_member", "ratio"),
    ("repeat_rate", "rate"),
    ("retention_rate", "rate"),
    ("top20_share", "rate"),
    ("points_issued", "points"),
    ("points_redeemed", "points"),
    ("redemption_rate", "rate"),
    ("points_liability", "points"),
    ("programme_cost", "money"),
    ("roi", "rate"),
    ("nps", "score"),
    ("nps_answers", "count"),
    ("csat", "rate"),
    ("csat_answers", "count"),
)
KINDS = dict(FIGURES)

# A rise that is bad news for the owner (shown in red, not green).
WORSE_WHEN_HIGHER = frozenset({"programme_cost", "points_liability"})


def figure_name(key: str) -> str:
    names = {
        "members_new": _("New members"),
        "members_active": _("Active members"),
        "receipts": _("Receipts"),
        "revenue": _("Revenue"),
        "member_receipts": _("Members' receipts"),
        "member_revenue": _("Members' revenue"),
        "card_share_receipts": _("Receipts with a card"),
        "card_share_revenue": _("Revenue with a card"),
        "avg_check_members": _("Average check, members"),
        "avg_check_others": _("Average check, others"),
        "receipts_per_member": _("Receipts per buying member"),
        "repeat_rate": _("Repeat rate"),
        "retention_rate": _("Retention"),
        "top20_share": _("Revenue share of the best 20%"),
        "points_issued": _("Points issued"),
        "points_redeemed": _("Points redeemed"),
        "redemption_rate": _("Redemption rate"),
        "points_liability": _("Points not yet spent"),
        "programme_cost": _("Programme cost"),
        "roi": _("Programme ROI"),
        "nps": _("NPS"),
        "nps_answers": _("NPS answers"),
        "csat": _("CSAT"),
        "csat_answers": _("CSAT answers"),
    }
    return names.get(key, key)


def no_value() -> str:
    """What stands for a figure that cannot be computed (nothing to divide by, no feedback yet)."""
    return "—"


def decimal_text(value: float, locale: str, digits: int) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale).replace("\u00a0", " ").replace("\u202f", " ")


def shown(key: str, value: Any, currency: str, locale: str) -> str:
    """A figure's value as the shop writes it: '1 234,50 ₽', '45,6 %', '1 234', '2,35'."""
    if value is None:
        return no_value()
    kind = KINDS.get(key, "ratio")
    if kind == "money":
        return format_money(int(value), currency, locale).replace("\u00a0", " ").replace("\u202f", " ")
    if kind in ("count", "points"):
        return decimal_text(int(value), locale, 0)
    if kind == "rate":
        return decimal_text(float(value) * 100, locale, 1) + " %"
    return decimal_text(float(value), locale, 2 if kind == "ratio" else 1)


def change(key: str, value: Any, previous: Any, locale: str) -> tuple[str, int]:
    """The change from the previous period, and whether it is good (1), bad (-1) or neither (0).

    Shares move by percentage points ('+2,5 pp'); everything else by a percentage of what it
    was ('+12,0 %'); '—' when either side is missing or there was nothing before."""
    if value is None or previous is None:
        return no_value(), 0
    kind = KINDS.get(key, "ratio")
    if kind == "rate":
        delta = (float(value) - float(previous)) * 100
        text = _("{change} pp").format(change=_signed(delta, locale))
    elif kind == "score":  # NPS runs from −100 to 100: its change is in its own points
        delta = float(value) - float(previous)
        text = _signed(delta, locale)
    else:
        if not previous:
            return (no_value(), 0) if not value else (pgettext("change", "new"), 0)  # nothing before
        delta = (float(value) - float(previous)) / abs(float(previous)) * 100
        text = _signed(delta, locale) + " %"
    if abs(delta) < 0.05:
        return text, 0
    good = 1 if delta > 0 else -1
    return text, -good if key in WORSE_WHEN_HIGHER else good


def _signed(number: float, locale: str) -> str:
    rounded = round(number, 1)
    body = decimal_text(abs(rounded), locale, 1)
    if rounded > 0:
        return "+" + body
    return ("−" + body) if rounded < 0 else body

