"""Membership cards: which cards to print, and the PDF that prints them.

Cards are CR80 (85.60 × 53.98 mm). Two layouts: an A4 sheet of ten (2 × 5,
butted so one guillotine cut separates two cards, crop marks in the margin
on every cut line) and one card per CR80-sized page for card printers.

The face: a band in the tier's colour with the shop's logo and name, the
member's name (personalised cards), the tier, and the card number as an
EAN-13 barcode drawn as vector bars with its quiet zones and the digits
under it the way EAN prints them.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from models.db import insert_rows
from models.schema import Card, Member, Till, new_id, utcnow
from services.shop import staff as auth
from services.journal import outbox
from services.printing.barcodes import draw_bars, ean13
from services.core.errors import InputError
from services.core.messages import words
from services.printing.fonts import FONT, FONT_BOLD, register_fonts
from services.printing.receipts import fit_text
from services.programme.rules import Rules
from services.members.registry import find_member_ref, free_numbers
from services.core.serialize import as_columns
from services.shop import training
from services.shop.settings import get_setting, local_till, set_setting, shop_info
from services.core.storage import Pace, write_transaction

log = logging.getLogger("loyaltill.cards")

MM = 72 / 25.4
CARD_W, CARD_H = 85.60, 53.98
A4_W, A4_H = 210.0, 297.0
COLS, ROWS = 2, 5
PER_SHEET = COLS * ROWS
MAX_BATCH = 10_000
LAYOUTS = ("a4", "cr80")

# Tier colours by code; a tier the shop invented gets one from the palette by its place.
TIER_COLOURS = {"base": "#1F5FA8", "silver": "#7D8A96", "gold": "#B8902A", "platinum": "#3C3C46"}
PALETTE = ("#1F5FA8", "#2E7D5B", "#7D8A96", "#B8902A", "#8E3B6B", "#3C3C46")
BLANK_COLOUR = "#1F5FA8"
# Printed words are in the shop's language (the card is printed for the shop, not for the screen).
MODULE_MM = 0.33  # EAN-13 X-dimension at 100 %
BAR_HEIGHT_MM = 13.0


@dataclass(frozen=True)
class CardStyle:
    """What every card of the shop shares."""

    shop_name: str
    caption: str  # printed on blank cards: what the card is
    logo: bytes | None = None
    training: str = ""  # stamped on every card printed in training mode (services/shop/training.py)


def card_style() -> CardStyle:
    info = shop_info()
    t = words(info.language)
    return CardStyle(info.name, t.pgettext("card", "Loyalty card"), logo_bytes(),
                     training=t.pgettext("card", "TRAINING") if training.is_training() else "")


@dataclass(frozen=True)
class CardFace:
    number: str
    name: str = ""  # empty on a blank (pre-numbered) card
    tier: str = ""  # the tier's display name
    colour: str = BLANK_COLOUR
    member_id: str = ""  # whose card: empty on a blank one


def tier_colour(code: str, rules: Rules) -> str:
    if code in TIER_COLOURS:
        return TIER_COLOURS[code]
    codes = [tier.code for tier in rules.tiers]
    return PALETTE[codes.index(code) % len(PALETTE)] if code in codes else BLANK_COLOUR


# --- which cards ------------------------------------------------------------------------


def next_blank_faces(count: int) -> list[CardFace]:
    """The numbers the next blank cards will carry: for a preview, and to draw before reserving."""
    return [CardFace(number) for number in free_numbers(count)[0]]


RESERVE_CHUNK = 1000  # card numbers per transaction: a sale waits for one chunk at most


def reserve_blank(
    count: int,
    *,
    actor: object,
    deliver: Callable[[list[CardFace]], None] | None = None,
    now: dt.datetime | None = None,
    pace: Pace | None = None,
) -> list[CardFace]:
    """N new card numbers, reserved for pre-printed cards: scanned at registration, they attach.

    The numbers are reserved (committed, a chunk per transaction) before
    `deliver` draws and writes the sheet.  A sheet that exists always has its
    numbers reserved, so the next run never prints the same numbers again
    (duplicate plastic cards), whether this one is killed after the file is
    written or the disk fills up.  A delivery that fails leaves the numbers
    reserved (unused, never given to another card) and says so.
    """
    auth.require(actor, "reserve_cards")
    if not 1 <= count <= MAX_BATCH:
        raise InputError("cards_count", max=MAX_BATCH)
    now = now or utcnow()
    pace = pace or Pace(RESERVE_CHUNK)
    faces: list[CardFace] = []
    while len(faces) < count:
        with pace.chunk():
            numbers, last = free_numbers(min(pace.size, count - len(faces)))
            rows = [{"id": new_id(), "number": number, "member": None, "status": "reserved", "created_at": now,
                     "blocked_at": None}
                    for number in numbers]
            for start in range(0, len(rows), 500):
                part = rows[start:start + 500]
                insert_rows(Card, part)
                outbox.record_many("card", [as_columns(Card, row) for row in part])
            Till.update(card_seq=last).where(Till.id == local_till().id).execute()
        faces += [CardFace(number) for number in numbers]
    if deliver is not None:
        try:
            deliver(faces)
        except InputError as exc:
            log.warning("%d card numbers %s to %s are reserved but their sheet failed: %s", len(faces),
                        faces[0].number, faces[-1].number, exc)
            raise InputError("cards_reserved_not_printed", count=len(faces), first=faces[0].number,
                             last=faces[-1].number) from exc
        except Exception:
            log.error("%d card numbers %s to %s are reserved but their sheet failed", len(faces),
                      faces[0].number, faces[-1].number)
            raise
    return faces


def member_faces(members: Iterable[Member], rules: Rules, with_names: bool = True) -> list[CardFace]:
    """The active card of each member, in the order given; members without one are left out
    (compare the count). Without names, the card shows only the tier."""
    printed = words(shop_info().language)
    members = list(members)
    cards: dict[object, str] = {}
    for chunk in range(0, len(members), 500):
        ids = [m.id for m in members[chunk:chunk + 500]]
        query = (Card.select(Card.member, Card.number)
                 .where(Card.member.in_(ids) & (Card.status == "active"))
                 .order_by(Card.created_at))
        for card in query:
            cards[card.member_id] = card.number  # the newest active card wins
    faces = []
    for member in members:
        if member.id in cards:
            tier = rules.tier(member.tier)
            faces.append(CardFace(cards[member.id], member.name if with_names else "", printed.tier(tier.name) if tier else "",
                                  tier_colour(member.tier, rules), str(member.id)))
    return faces


def select_members(
    *, ids: Sequence[str] = (), all_members: bool = False, since: dt.date | None = None, tier: str | None = None,
    limit: int | None = None,
) -> list[Member]:
    """Members to print cards for: by id or card number (in that order), all, new since a day (the
    shop's local day), or one tier; `limit` for a preview."""
    if ids:
        return [find_member_ref(ref) for ref in ids]
    query = Member.select().order_by(Member.created_at, Member.id)
    if since is not None:
        local_midnight = dt.datetime.combine(since, dt.time()).astimezone()  # stored times are UTC
        query = query.where(Member.created_at >= local_midnight.astimezone(dt.timezone.utc).replace(tzinfo=None))
    if tier:
        query = query.where(Member.tier == tier)
    if not (all_members or since is not None or tier):
        raise InputError("cards_none_chosen")
    return list(query.limit(limit) if limit else query)


# --- the shop's logo --------------------------------------------------------------------


def set_logo(path: Path | None, *, actor: object) -> None:
    """Keep the logo in the shop's settings (synced to every till of a chain; shop_info never
    reads it, so its size costs nothing on the till's hot paths); None removes it."""
    auth.require(actor, "shop_settings")
    if path is None:
        with write_transaction():
            set_setting("card_logo", "")
        return
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (OSError, UnidentifiedImageError):
        raise InputError("logo_bad",
                         file=path.name) from None
    if len(data) > 2_000_000:
        raise InputError("logo_big")
    with write_transaction():
        set_setting("card_logo", base64.b64encode(data).decode("ascii"))


def logo_bytes() -> bytes | None:
    value = get_setting("card_logo")
    return base64.b64decode(value) if value else None


# --- the PDF ------------------------------------------------------------------------------


def _hex(colour: str):
    from reportlab.lib.colors import HexColor

    return HexColor(colour)


class _Face:
    """Draws one card face with its lower-left corner at (x, y)."""

    def __init__(self, pdf, style: CardStyle) -> None:
        from reportlab.lib.utils import ImageReader

        self.pdf = pdf
        self.shop_name = style.shop_name
        self.caption = style.caption
        self.training = style.training
        self.logo = ImageReader(io.BytesIO(style.logo)) if style.logo else None

    def draw(self, face: CardFace, x: float, y: float) -> None:
        pdf = self.pdf
        w, h = CARD_W * MM, CARD_H * MM
        band = 15 * MM
        pad = 4 * MM
        pdf.saveState()
        pdf.setFillColor(_hex(face.colour))
        pdf.rect(x, y + h - band, w, band, stroke=0, fill=1)
        text_x = x + pad
        if self.logo is not None:
            size = band - 4 * MM
            pdf.drawImage(self.logo, x + pad, y + h - band + 2 * MM, width=size, height=size,
                          preserveAspectRatio=True, anchor="c", mask="auto")
            text_x += size + 2.5 * MM
        pdf.setFillColorRGB(1, 1, 1)
        name_size = 12
        while name_size > 7 and pdf.stringWidth(self.shop_name, FONT_BOLD, name_size) > x + w - pad - text_x:
            name_size -= 0.5
        pdf.setFont(FONT_BOLD, name_size)
        shop_name = fit_text(pdf, self.shop_name, FONT_BOLD, name_size, x + w - pad - text_x)
        pdf.drawString(text_x, y + h - band / 2 - name_size * 0.35, shop_name)
        pdf.setFillColorRGB(0.1, 0.1, 0.12)
        if not face.name:  # a blank card: what it is, and room for nothing else
            pdf.setFont(FONT, 8.5)
            pdf.drawString(x + pad, y + h - band - 6 * MM, fit_text(pdf, self.caption, FONT, 8.5, w - 2 * pad))
        else:
            size = 10.0  # a long name gets smaller before it gets cut
            while size > 7.5 and pdf.stringWidth(face.name, FONT_BOLD, size) > w - 2 * pad:
                size -= 0.5
            pdf.setFont(FONT_BOLD, size)
            pdf.drawString(x + pad, y + h - band - 6 * MM, fit_text(pdf, face.name, FONT_BOLD, size, w - 2 * pad))
        if face.tier:
            pdf.setFont(FONT, 8)
            pdf.setFillColor(_hex(face.colour))
            pdf.drawString(x + pad, y + h - band - 10.5 * MM, face.tier.upper())
        if self.training:  # a practice card: never mistaken for a customer's (the bars stay scannable)
            pdf.setFont(FONT_BOLD, 13)
            pdf.setFillColorRGB(0.87, 0.42, 0.13)
            pdf.drawRightString(x + w - pad, y + h - band - 12.5 * MM, self.training)
        pdf.restoreState()
        self._barcode(face.number, x + w / 2, y + 3 * MM)

    def _barcode(self, number: str, centre: float, bottom: float) -> None:
        pdf = self.pdf
        bars = ean13(number)
        module = MODULE_MM * MM
        left = centre - bars.width_modules * module / 2
        digits = 7.5
        bar_bottom = bottom + digits * 0.9
        # White under the code and its quiet zones, whatever the card's design behind it.
        pdf.saveState()
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(left, bottom - 0.5 * MM, bars.width_modules * module, BAR_HEIGHT_MM * MM + digits + MM, stroke=0, fill=1)
        pdf.restoreState()
        draw_bars(pdf, bars, left, bar_bottom, module, BAR_HEIGHT_MM * MM)
        # EAN-13 digits: the first in the left quiet zone, then two groups of six under the halves.
        pdf.setFont(FONT, digits)
        pdf.setFillColorRGB(0, 0, 0)
        quiet = bars.quiet_left
        pdf.drawRightString(left + (quiet - 1) * module, bottom, number[0])
        pdf.drawCentredString(left + (quiet + 3 + 21) * module, bottom, number[1:7])
        pdf.drawCentredString(left + (quiet + 50 + 21) * module, bottom, number[7:])


def _crop_marks(pdf, x0: float, y0: float) -> None:
    """Marks on every cut line, outside the grid, so the sheet can be cut without seeing card edges."""
    gap, length = 2 * MM, 6 * MM
    pdf.saveState()
    pdf.setLineWidth(0.25)
    pdf.setStrokeColorRGB(0, 0, 0)
    grid_w, grid_h = COLS * CARD_W * MM, ROWS * CARD_H * MM
    for col in range(COLS + 1):
        x = x0 + col * CARD_W * MM
        pdf.line(x, y0 - gap, x, y0 - gap - length)
        pdf.line(x, y0 + grid_h + gap, x, y0 + grid_h + gap + length)
    for row in range(ROWS + 1):
        y = y0 + row * CARD_H * MM
        pdf.line(x0 - gap, y, x0 - gap - length, y)
        pdf.line(x0 + grid_w + gap, y, x0 + grid_w + gap + length, y)
    pdf.restoreState()


def render_cards_pdf(
    faces: Sequence[CardFace],
    resources: Path,
    style: CardStyle,
    layout: str = "a4",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, int]:
    """The PDF and its page count; cards print in the order given, left to right, top to bottom."""
    from reportlab.pdfgen import canvas

    if layout not in LAYOUTS:
        raise InputError("cards_layout", layout=layout)
    if not faces:
        raise InputError("cards_none")
    for face in faces:
        ean13(face.number)  # refuse a bad number before drawing anything
    register_fonts(resources)
    size = (A4_W * MM, A4_H * MM) if layout == "a4" else (CARD_W * MM, CARD_H * MM)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size, initialFontName=FONT)
    pdf.setTitle(f"{style.shop_name} — cards")
    drawer = _Face(pdf, style)
    x0 = (A4_W - COLS * CARD_W) / 2 * MM
    y0 = (A4_H - ROWS * CARD_H) / 2 * MM
    pages = 0
    for index, face in enumerate(faces):
        if layout == "cr80":
            if index:
                pdf.showPage()
            drawer.draw(face, 0, 0)
            pages += 1
        else:
            slot = index % PER_SHEET
            if slot == 0:
                if index:
                    pdf.showPage()
                _crop_marks(pdf, x0, y0)
                pages += 1
            col, row = slot % COLS, slot // COLS
            drawer.draw(face, x0 + col * CARD_W * MM, y0 + (ROWS - 1 - row) * CARD_H * MM)
        if progress is not None and (index + 1) % 50 == 0:
            progress(index + 1, len(faces))
    pdf.save()
    if progress is not None:
        progress(len(faces), len(faces))
    return buffer.getvalue(), pages
