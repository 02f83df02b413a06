"""Shelf and price labels on A4 sheets of stickers.

Common layouts: 3 × 8 (70 × 37 mm, 24 a sheet), 4 × 10 (52.5 × 29.7 mm) and
2 × 7 (105 × 42.3 mm).  Each label: the name, the price large (per kg for
weighed goods), and the product's barcode drawn as vector bars with its quiet
zones and digits, so a scanner reads it off the shelf.  A weighed product's
label carries no barcode (the scale prints the one the till reads) but its
PLU, which the scale's operator keys in.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.printing.barcodes import Bars, draw_bars, gtin_bars
from services.printing.fonts import FONT, FONT_BOLD, register_fonts
from services.printing.receipts import fit_text

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


@dataclass(frozen=True)
class SheetLayout:
    key: str
    columns: int
    rows: int
    width_mm: float
    height_mm: float


LAYOUTS = {
    "3x8": SheetLayout("3x8", 3, 8, 70, 37),
    "4x10": SheetLayout("4x10", 4, 10, 52.5, 29.7),
    "2x7": SheetLayout("2x7", 2, 7, 105, 42.3),
}


@dataclass(frozen=True)
class Label:
    name: str
    price: str  # already in the shop's money format
    barcode: str | None  # None: a weighed product (the scale prints its code)
    note: str = ""  # "per kg", "PLU 123", the category


def sheet_pdf(labels: list[Label], out: Path, layout: str, resources: Path, copies: int = 1) -> int:
    """Draw the labels (each `copies` times) and return the number of pages."""
    from reportlab.pdfgen import canvas

    if layout not in LAYOUTS:
        raise ValueError(f"no label layout {layout!r}")
    sheet = LAYOUTS[layout]
    register_fonts(resources)
    pdf = canvas.Canvas(str(out), pagesize=A4)
    w, h = sheet.width_mm * MM, sheet.height_mm * MM
    left = (A4[0] - sheet.columns * w) / 2
    top = (A4[1] + sheet.rows * h) / 2
    per_page = sheet.columns * sheet.rows
    items = [label for label in labels for _ in range(copies)]
    pages = 0
    for start in range(0, len(items), per_page):
        pages += 1
        for index, label in enumerate(items[start:start + per_page]):
            column, row = index % sheet.columns, index // sheet.columns
            _draw(pdf, label, left + column * w, top - (row + 1) * h, w, h)
        pdf.showPage()
    if not items:
        pdf.showPage()
        pages = 1
    pdf.save()
    return pages


def _draw(pdf, label: Label, x: float, y: float, w: float, h: float) -> None:
    pad = 2.5 * MM
    name_size = 9 if h > 32 * MM else 7.5
    pdf.setFont(FONT_BOLD, name_size)
    pdf.drawString(x + pad, y + h - pad - name_size, fit_text(pdf, label.name, FONT_BOLD, name_size, w - 2 * pad))
    bars: Bars | None = gtin_bars(label.barcode) if label.barcode else None
    price_size = 16 if h > 32 * MM else 12
    if bars is None:
        pdf.setFont(FONT_BOLD, price_size + 4)
        pdf.drawString(x + pad, y + h / 2 - price_size / 2, label.price)
        pdf.setFont(FONT, 8)
        pdf.drawString(x + pad, y + pad, fit_text(pdf, label.note, FONT, 8, w - 2 * pad))
        return
    # The price to the right of the name's line; the barcode across the bottom.
    pdf.setFont(FONT_BOLD, price_size)
    pdf.drawRightString(x + w - pad, y + h - pad - name_size - price_size - 1, label.price)
    if label.note:
        pdf.setFont(FONT, 7)
        pdf.drawString(x + pad, y + h - pad - name_size - 9, fit_text(pdf, label.note, FONT, 7, w / 2 - pad))
    digits = 7
    room = w - 2 * pad
    module = min(room / bars.width_modules, 0.33 * MM)  # 0.33 mm: EAN's nominal module
    bar_height = min(h * 0.42, 18 * MM)
    left = x + (w - bars.width_modules * module) / 2
    bottom = y + pad + digits + 1
    draw_bars(pdf, bars, left, bottom, module, bar_height)
    pdf.setFont(FONT, digits)
    pdf.drawCentredString(x + w / 2, y + pad, label.barcode or "")


def labels_for(products: list, language: str, currency: str, locale: str) -> list[Label]:
    """One label per product, in the shop's language and money."""
    from services.core.messages import words
    from services.core.money import format_money

    t = words(language)
    out = []
    for item in products:
        price = format_money(item.price, currency, locale).replace("\u00a0", " ")
        if item.weighed:
            note = t.pgettext("label", "per kg · PLU {plu}").format(plu=item.plu or "")
            out.append(Label(item.name, t.pgettext("label", "{price} / kg").format(price=price), None, note))
        else:
            out.append(Label(item.name, price, item.barcode, item.category.name))
    return out
