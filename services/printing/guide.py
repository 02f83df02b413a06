"""The cashier's guide: one printable A4 page to keep at the till.

How to offer the card, how to explain the points in a sentence, what to say
at each moment of a sale, the keys, and what to do when something goes
wrong.  The words are in the message catalogue (context "guide"), so the page
comes in Russian, Romanian or English; the programme's own figures (the share
given back in points or off the bill, what a point pays, the most of a bill
points may pay, welcome points, the levels) are read from the rules in force.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from models.schema import Category
from services.core.errors import InputError
from services.core.messages import words
from services.core.money import format_money
from services.printing.fonts import FONT, FONT_BOLD, register_fonts
from services.printing.receipts import write_pdf
from services.programme.rules import Rules, active_rules
from services.sale.permits import in_chain
from services.shop.settings import LOCALES, shop_info


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    footer: str


def percent(bp: int, language: str) -> str:
    """Basis points as a shop writes a percentage: '5 %', '2,5 %' (ru/ro), '2.5%' (en)."""
    whole, rest = divmod(abs(bp), 100)
    text = str(whole) if not rest else f"{whole}.{rest:02d}".rstrip("0")
    if language == "en":
        return f"{text}%"
    return text.replace(".", ",") + "\u00a0%"


def build_guide(rules: Rules, language: str, shop_name: str, currency: str, *, in_chain: bool = False,
                excluded_goods: bool = False) -> Guide:
    """What the page says, in `language`, with this programme's figures.

    `in_chain`: the till has a hub (a till alone is never "offline").  With any
    goods left out of the programme (`excluded_goods`: a category so marked, or
    the rules' own exclusions) the page promises the share "on most goods"."""
    if language not in LOCALES:
        raise InputError("bad_language")
    t = words(language)

    def money(minor: int) -> str:
        return format_money(minor, currency, LOCALES[language])

    def g(text: str, **values: object) -> str:
        return text.format(**values)

    most = excluded_goods or bool(rules.excluded_categories or rules.excluded_products)
    offer = [g(t.pgettext("guide", "Ask every customer, before the first item: “Do you have our loyalty card?”"))]
    if rules.earn_bp and most:
        offer.append(g(t.pgettext("guide", "No card? Offer it: “It is free and takes a minute. You get {earn} back in "
                                           "points on most goods, and you can pay with them next time.”"),
                       earn=percent(rules.earn_bp, language)))
    elif rules.earn_bp:
        offer.append(g(t.pgettext("guide", "No card? Offer it: “It is free and takes a minute. You get {earn} of every "
                                           "purchase back in points, and you can pay with them next time.”"),
                       earn=percent(rules.earn_bp, language)))
    if rules.discount_bp and most:
        offer.append(g(t.pgettext("guide", "No card? Offer it: “It is free and takes a minute, and most goods in "
                                           "today’s purchase are already {discount} cheaper.”"),
                       discount=percent(rules.discount_bp, language)))
    elif rules.discount_bp:
        offer.append(g(t.pgettext("guide", "No card? Offer it: “It is free and takes a minute, and today’s purchase "
                                           "is already {discount} cheaper.”"),
                       discount=percent(rules.discount_bp, language)))
    offer += [
        t.pgettext("guide", "Registering takes a name and a phone number (F3). Hand over the card and scan it on "
                            "this sale: the points start today."),
        t.pgettext("guide", "Card forgotten at home? Find the member by phone number (F2): the points still count."),
    ]
    explain = [g(t.pgettext("guide", "Say it in one sentence: “One point pays {value}; points pay for your next "
                                     "purchases.”"), value=money(rules.point_value))]
    if rules.redeem_enabled:
        explain.append(g(t.pgettext("guide", "“Points can pay up to {cap} of a bill.” Offer it when the balance is "
                                             "enough (F5)."), cap=percent(rules.redeem_cap_bp, language)))
        if rules.redeem_min_balance > 1:
            explain.append(g(t.pgettext("guide", "“You can pay with points once you have {points}.”"),
                             points=t.points(rules.redeem_min_balance)))
    if rules.welcome_points:
        explain.append(g(t.pgettext("guide", "“You get {points} as a welcome gift.”"),
                         points=t.points(rules.welcome_points)))
    if rules.tiers:
        names = ", ".join(t.tier(tier.name) for tier in rules.tiers)
        explain.append(g(t.pgettext("guide", "“The more you buy in a year, the higher your level, and the more you "
                                             "get: {levels}.”"), levels=names))
    explain.append(t.pgettext("guide", "The receipt shows the points earned, the points spent and the balance: "
                                       "point to it."))
    say = [
        t.pgettext("guide", "Greeting: “Hello! Do you have our card?”"),
        t.pgettext("guide", "The card is on the sale: greet the member by name, and mention a promotion if the "
                            "screen shows one."),
        g(t.pgettext("guide", "Before paying: “You have {example} — shall we pay part of this with them?”"),
          example=t.points(150)),
        t.pgettext("guide", "After paying: “Here is your receipt with your points. Thank you, see you soon!”"),
        t.pgettext("guide", "The customer does not want the card: do not insist; thank them and offer it again on "
                            "their next visit."),
    ]
    keys = [
        t.pgettext("guide", "F2 find a member · F3 new member · F5 pay with points · F6 park · F7 recall · F12 pay"),
        t.pgettext("guide", "F11 sign out or change cashier · Ctrl+L lock the till when you step away"),
    ]
    trouble = [
        t.pgettext("guide", "A card does not scan: type its 13 digits, or find the member by phone."),
        t.pgettext("guide", "A card is lost: a manager blocks it and gives a new one; the points stay with the member."),
        t.pgettext("guide", "A return needs a manager’s PIN (F9); the points of the returned goods come off by "
                            "themselves."),
    ]
    if in_chain:  # a till alone has no hub to lose
        trouble.append(t.pgettext("guide", "The till is offline: keep selling; the points are confirmed when it is "
                                           "back online."))
    return Guide(
        title=t.pgettext("guide", "Cashier’s guide"),
        subtitle=" · ".join(part for part in (shop_name, rules.name) if part),
        sections=(
            Section(t.pgettext("guide", "1. Offer the card"), tuple(offer)),
            Section(t.pgettext("guide", "2. Explain the points"), tuple(explain)),
            Section(t.pgettext("guide", "3. What to say at the till"), tuple(say)),
            Section(t.pgettext("guide", "4. Keys"), tuple(keys)),
            Section(t.pgettext("guide", "5. If something goes wrong"), tuple(trouble)),
        ),
        footer=t.pgettext("guide", "A manager or the owner answers any question this page does not."),
    )


def render_guide_pdf(guide: Guide, resources: Path) -> bytes:
    """One A4 page (ReportLab, the shop's DejaVu fonts: Cyrillic and Romanian letters)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    register_fonts(resources)
    ink, accent = HexColor("#1d2733"), HexColor("#1f6feb")
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=22, leading=26, textColor=ink)
    subtitle = ParagraphStyle("subtitle", fontName=FONT, fontSize=11, leading=14, textColor=HexColor("#5b6673"))
    heading = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=14, leading=18, textColor=accent,
                             spaceBefore=8, spaceAfter=2)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=13.6, textColor=ink, leftIndent=10, bulletFontName=FONT,
                          bulletIndent=0, spaceAfter=2.5)
    footer = ParagraphStyle("footer", parent=body, leftIndent=0, fontSize=9, textColor=HexColor("#5b6673"),
                            spaceBefore=8)
    story = [Paragraph(escape(guide.title), title)]
    if guide.subtitle:
        story.append(Paragraph(escape(guide.subtitle), subtitle))
    story.append(Spacer(1, 3 * mm))
    for section in guide.sections:
        story.append(Paragraph(escape(section.title), heading))
        story += [Paragraph(escape(line), body, bulletText="•") for line in section.lines]
    story.append(Paragraph(escape(guide.footer), footer))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=14 * mm, title=guide.title, author=guide.subtitle)
    doc.build(story)
    return buffer.getvalue()


def shop_guide(language: str | None = None) -> Guide:
    """The guide for this shop as it is: its programme in force, its hub (or none), its excluded goods."""
    shop = shop_info()
    excluded = Category.select().where(Category.loyalty_excluded == True).exists()  # noqa: E712
    return build_guide(active_rules(), language or shop.language, shop.name, shop.currency,
                       in_chain=in_chain(), excluded_goods=excluded)


def write_guide_pdf(path: Path, resources: Path, language: str | None = None) -> Path:
    """The guide for the shop and programme in force, in `language` (the shop's by default)."""
    return write_pdf(render_guide_pdf(shop_guide(language), resources), path)
