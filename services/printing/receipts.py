"""Receipts: what a sale's receipt says, and that content as a PDF page.

`load_receipt` gathers everything a receipt shows into a plain `Receipt`;
`receipt_rows` lays it out as rows of text (left and right columns, rules, a
barcode) that both the PDF and the ESC/POS printer (services/printers.py)
print, so the two never disagree. PDFs come for 58 mm and 80 mm rolls (print
area 48 and 72 mm, page as long as the content) and A4 (pages as needed).
DejaVu Sans is embedded: it has Cyrillic, Romanian ș ț ă î â and ₽.
"""
from __future__ import annotations

import contextlib

import datetime as dt
import io
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from models.schema import Payment, Sale, SaleLine, SaleReturn, Staff, Till
from services.printing.barcodes import code128, draw_bars, receipt_seq
from services.printing.fonts import FONT, FONT_BOLD, register_fonts
from services.members.cards import receipt_code
from services.core.errors import InputError
from services.core.messages import Words, words
from services.programme.loyalty import receipt_notes
from services.core.money import format_money
from services.sale.permits import in_chain
from services.sale.returns import find_sale
from services.shop import training
from services.shop.owner_settings import till_store
from services.shop.scales import format_kg
from services.shop.settings import local_time, shop_info

log = logging.getLogger(__name__)
MM = 72 / 25.4
def mask_card(number: str | None) -> str:
    if not number:
        return ""
    return "•" * (len(number) - 4) + number[-4:]


# --- what a receipt says ----------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int
    unit_price: int
    gross: int
    discount: int
    why: str  # the discount's reasons, in the receipt's language
    grams: int | None = None  # a weighed line: its weight, and its price per kg in unit_price's stead
    price_per_kg: int | None = None
    reward_points: int = 0  # a gift for points (services.programme.rewards): what the whole line cost


@dataclass(frozen=True)
class ReceiptPayment:
    method: str  # cash / card
    tendered: int
    change: int


@dataclass(frozen=True)
class ReceiptReturn:
    """A later return of some of the sale: a reprint says so."""

    when: dt.datetime  # local time
    refund: int


@dataclass(frozen=True)
class Receipt:
    shop_name: str
    address: str
    language: str
    currency: str
    locale: str
    till_code: str
    cashier: str
    receipt_no: str
    barcode: str | None  # digits (services/cards.receipt_code); None if the numbers outgrow the code
    created_at: dt.datetime  # local time
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    discount: int
    total: int
    payments: tuple[ReceiptPayment, ...]
    points_redeemed: int
    points_value: int
    card: str | None  # masked
    member: bool
    points_earned: int
    balance_after: int | None
    offline: bool  # sold while a till in a chain could not reach its hub (never for a till alone)
    expiring: tuple[int, dt.date] | None = None  # soonest points to expire and when
    returns: tuple[ReceiptReturn, ...] = ()
    extra: tuple[str, ...] = field(default=())  # further lines from the programme (coupons and such)
    store_name: str = ""  # in a chain: this till's store, under the chain's name
    header: str = ""  # the owner's lines under the address
    footer: str = ""  # the owner's lines above the receipt's barcode
    training: bool = False  # made in training mode (services/shop/training.py): marked, top and bottom
    points_rewarded: int = 0  # spent on gifts, beside points_redeemed (which paid the bill)


def load_receipt(sale_ref: str | Sale) -> Receipt:
    sale = sale_ref if isinstance(sale_ref, Sale) else find_sale(str(sale_ref))
    if sale.imported:  # no till printed it: no cashier, payments or programme to show
        raise InputError("receipt_imported", receipt=sale.receipt_no)
    shop = shop_info()
    t = words(shop.language)  # the shop's language, whatever the screen shows
    till = Till.get_by_id(sale.till_id)
    store = till_store(till)
    cashier = Staff.get_or_none(Staff.id == sale.cashier_id)
    lines = tuple(
        ReceiptLine(line.name, line.qty, line.unit_price, line.gross, line.discount,
                    _why(json.loads(line.reasons), t) if line.discount else "", line.grams, line.price_per_kg,
                    line.reward_points)
        for line in SaleLine.select().where(SaleLine.sale == sale).order_by(SaleLine.position)
    )
    payments = tuple(
        ReceiptPayment(pay.method, pay.tendered, pay.change) for pay in Payment.select().where(Payment.sale == sale)
    )
    extra, expiring = receipt_notes(sale, shop.language)  # next-visit coupon, points soon to expire
    practice = training.is_training()
    return Receipt(
        shop_name=shop.name, address=store.address if store and store.address else shop.address,
        store_name=store.name if store and store.name != shop.name else "",
        header=shop.receipt_header, footer=shop.receipt_footer, language=shop.language, currency=shop.currency,
        locale=shop.locale, till_code=till.code, cashier=cashier.name if cashier else "-",
        # Training: no scannable code, so no real till can look up a practice receipt.
        receipt_no=sale.receipt_no, barcode=None if practice else _barcode(till.number, sale.receipt_no),
        created_at=local_time(sale.created_at, shop),  # the shop's clock, not the PC's
        lines=lines, subtotal=sale.subtotal, discount=sale.discount, total=sale.total, payments=payments,
        points_redeemed=sale.points_redeemed, points_value=sale.points_value, points_rewarded=sale.points_rewarded,
        card=mask_card(sale.card_number) or None, member=sale.member_id is not None,
        points_earned=sale.points_earned, balance_after=sale.balance_after,
        offline=sale.offline and in_chain(),  # a till alone has no hub to confirm anything with
        returns=tuple(
            ReceiptReturn(local_time(ret.created_at, shop), ret.refund)
            for ret in SaleReturn.select().where(SaleReturn.sale == sale).order_by(SaleReturn.created_at)
        ),
        extra=extra, expiring=expiring, training=practice,
    )


def _barcode(till_number: int, receipt_no: str) -> str | None:
    """The receipt's code; a receipt past what the code holds prints without one (never fails)."""
    try:
        return receipt_code(till_number, receipt_seq(receipt_no))
    except ValueError:
        log.warning("receipt %s on till %s has no barcode: the numbers outgrow the code", receipt_no, till_number)
        return None


def _reason(t: Words, code: str, tier: str) -> str:
    """Why a line is discounted, as the receipt words it."""
    texts = {
        "member_discount": t.pgettext("receipt", "member discount"),
        "tier_discount": t.pgettext("receipt", "tier {tier}"),
        "manual_discount": t.pgettext("receipt", "manager's discount"),
        "discount_capped": t.pgettext("receipt", "capped"),
        "birthday_discount": t.pgettext("receipt", "birthday"),
    }
    return texts.get(code, code).format(tier=t.tier(tier))


def _why(reasons: list[dict], t: Words) -> str:
    parts = []
    for reason in reasons:
        code = reason.get("code", "")
        if "discount" not in code and code != "promo_free":
            continue
        tier = reason.get("tier", "")
        label = reason.get("label") or reason.get("name") or _reason(t, code, tier)
        bp = reason.get("bp")
        parts.append(f"{label} {bp / 100:g} %" if bp and code not in ("discount_capped", "promo_discount") else label)
    return ", ".join(parts)


# --- its layout as rows -------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    left: str = ""
    right: str = ""
    bold: bool = False
    scale: float = 1.0  # relative to the paper's body size
    kind: str = "text"  # text / rule / barcode / small


RULE = Row(kind="rule")


def receipt_rows(receipt: Receipt) -> list[Row]:
    t = words(receipt.language)

    def money(minor: int) -> str:
        return format_money(minor, receipt.currency, receipt.locale)

    rows = [Row(receipt.shop_name, bold=True, scale=1.35)]
    if receipt.store_name:
        rows.append(Row(receipt.store_name, bold=True))
    practice = Row(t.pgettext("receipt", "*** TRAINING — NOT A RECEIPT ***"), bold=True, scale=1.2)
    if receipt.training:
        rows.insert(0, practice)
    if receipt.address:
        rows.append(Row(receipt.address))
    rows += [Row(line) for line in receipt.header.splitlines() if line.strip()]
    rows += [
        Row(t.pgettext("receipt", "Receipt {number}").format(number=receipt.receipt_no), receipt.created_at.strftime("%d.%m.%Y %H:%M")),
        Row(t.pgettext("receipt", "Till {till}").format(till=receipt.till_code),
            t.pgettext("receipt", "Cashier: {name}").format(name=receipt.cashier)),
        RULE,
    ]
    discount = t.pgettext("receipt", "Discount")
    for line in receipt.lines:
        rows.append(Row(line.name))
        if line.grams:  # "0,742 кг × 189,90 ₽"
            weight = t.pgettext("receipt", "{weight} kg × {price}").format(
                weight=format_kg(line.grams, receipt.locale), price=money(line.price_per_kg or 0))
            rows.append(Row(f"  {weight}", money(line.gross)))
        elif line.reward_points:  # "  1 × gift for 500 points          0,00 ₽"
            gift = t.pgettext("receipt", "gift for {points} points").format(points=line.reward_points)
            rows.append(Row(f"  {line.qty} × {gift}", money(line.gross)))
        else:
            rows.append(Row(f"  {line.qty} × {money(line.unit_price)}", money(line.gross)))
        if line.discount:
            rows.append(Row(f"  {discount} {line.why}".rstrip(), "−" + money(line.discount)))
    rows.append(RULE)
    if receipt.discount:
        rows.append(Row(t.pgettext("receipt", "Before discounts"), money(receipt.subtotal)))
        rows.append(Row(discount, "−" + money(receipt.discount)))
    rows.append(Row(t.pgettext("receipt", "TOTAL"), money(receipt.total), bold=True, scale=1.5))
    for pay in receipt.payments:
        method = {"cash": t.pgettext("receipt", "Cash"), "card": t.pgettext("receipt", "Card")}
        rows.append(Row(method.get(pay.method, pay.method), money(pay.tendered)))
        if pay.change:
            rows.append(Row(t.pgettext("receipt", "Change"), money(pay.change)))
    if receipt.points_value:
        rows.append(Row(t.pgettext("receipt", "Points ({points})").format(points=receipt.points_redeemed), money(receipt.points_value)))
    if receipt.member:
        spent = receipt.points_redeemed + receipt.points_rewarded
        rows += [
            RULE,
            Row(t.pgettext("receipt", "Member card"), receipt.card or ""),
            Row(t.pgettext("receipt", "Points earned"), f"+{receipt.points_earned}"),
            Row(t.pgettext("receipt", "Points spent"), f"−{spent}" if spent else "0"),
        ]
        if receipt.points_rewarded:
            rows.append(Row("  " + t.pgettext("receipt", "of them on gifts"), f"−{receipt.points_rewarded}"))
        rows += [
            Row(t.pgettext("receipt", "Points balance"), "" if receipt.balance_after is None else str(receipt.balance_after), bold=True),
        ]
        if receipt.expiring:
            points, when = receipt.expiring
            rows.append(Row(t.pgettext("receipt", "Expire on {date}").format(date=when.strftime("%d.%m.%Y")), str(points)))
        if receipt.offline:
            rows.append(Row(t.pgettext("receipt", "Points will be confirmed when the till is back online."), kind="small"))
    for ret in receipt.returns:
        rows.append(Row(t.pgettext("receipt", "Returned {date}").format(date=ret.when.strftime("%d.%m.%Y %H:%M")), "−" + money(ret.refund)))
    rows += [Row(text) for text in receipt.extra]
    rows += [RULE, Row(t.pgettext("receipt", "Thank you!"), bold=True)]
    rows += [Row(line) for line in receipt.footer.splitlines() if line.strip()]
    if receipt.barcode:
        rows.append(Row(receipt.barcode, kind="barcode"))
    if receipt.training:
        rows.append(practice)
    return rows


# --- the PDF ------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    width_mm: float
    area_mm: float  # printable width
    body: float  # font size, pt
    height_mm: float | None = None  # None: as long as the content (rolls)
    module_mm: float = 0.375  # barcode module: 3 dots on a 203-dpi head
    bar_height_mm: float = 10


PAPERS = {
    "58": Paper(58, 48, 7.2, module_mm=0.33),
    "80": Paper(80, 72, 8.5),
    "a4": Paper(210, 150, 10.5, height_mm=297, module_mm=0.5, bar_height_mm=14),
}
LEADING = 1.4


def _height(row: Row, paper: Paper) -> float:
    if row.kind == "barcode":
        return paper.bar_height_mm * MM + paper.body * 1.8
    if row.kind == "rule":
        return paper.body
    size = paper.body * (0.85 if row.kind == "small" else row.scale)
    return size * LEADING


def _wrap(rows: list[Row], paper: Paper) -> list[Row]:
    """Split long single-column rows so nothing is cut off on a narrow roll."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    room = paper.area_mm * MM
    out: list[Row] = []
    for row in rows:
        if row.kind in ("rule", "barcode"):
            out.append(row)
            continue
        size = paper.body * (0.85 if row.kind == "small" else row.scale)
        font = FONT_BOLD if row.bold else FONT
        if row.right:
            both = stringWidth(row.left, font, size) + stringWidth(row.right, font, size) + 4
            if both <= room or not row.left.strip():
                out.append(row)
            else:  # both columns do not fit one line of a narrow roll: the right one goes below
                for part in simpleSplit(row.left, font, size, room) or [""]:
                    out.append(Row(part, bold=row.bold, scale=row.scale))
                for part in simpleSplit(row.right, font, size, room):
                    out.append(Row("", part, bold=row.bold, scale=row.scale))
            continue
        for part in simpleSplit(row.left, font, size, room) or [""]:
            out.append(Row(part, bold=row.bold, scale=row.scale, kind=row.kind))
    return out


def render_receipt_pdf(receipt: Receipt, resources: Path, width: str = "80") -> bytes:
    from reportlab.pdfgen import canvas

    if width not in PAPERS:
        raise InputError("receipt_width", width=width)
    paper = PAPERS[width]
    register_fonts(resources)
    rows = _wrap(receipt_rows(receipt), paper)
    margin_x = (paper.width_mm - paper.area_mm) / 2 * MM
    margin_y = 4 * MM if paper.height_mm is None else 15 * MM
    page_w = paper.width_mm * MM
    if paper.height_mm is None:
        page_h = margin_y * 2 + sum(_height(r, paper) for r in rows)
    else:
        page_h = paper.height_mm * MM
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(page_w, page_h), initialFontName=FONT, initialFontSize=paper.body)
    pdf.setTitle(receipt.receipt_no)
    pdf.setAuthor(receipt.shop_name)
    left, right = margin_x, page_w - margin_x
    y = page_h - margin_y
    for row in rows:
        height = _height(row, paper)
        if y - height < margin_y and paper.height_mm is not None:
            pdf.showPage()
            y = page_h - margin_y
        y -= height
        if row.kind == "rule":
            pdf.setDash(1, 2)
            pdf.line(left, y + height / 2, right, y + height / 2)
            pdf.setDash()
        elif row.kind == "barcode":
            _draw_receipt_barcode(pdf, row.left, paper, (left + right) / 2, y)
        else:
            size = paper.body * (0.85 if row.kind == "small" else row.scale)
            font = FONT_BOLD if row.bold else FONT
            pdf.setFont(font, size)
            baseline = y + size * (LEADING - 1)
            if row.right:
                room = right - left - pdf.stringWidth(row.right, font, size) - 4
                pdf.drawString(left, baseline, fit_text(pdf, row.left, font, size, room))
                pdf.drawRightString(right, baseline, row.right)
            else:
                pdf.drawString(left, baseline, fit_text(pdf, row.left, font, size, right - left))
    pdf.save()
    return buffer.getvalue()


def _draw_receipt_barcode(pdf, digits: str, paper: Paper, centre: float, y: float) -> None:
    bars = code128(digits)
    module = paper.module_mm * MM
    while bars.width_modules * module > paper.area_mm * MM:  # a very long code on a narrow roll
        module *= 0.9
    total = bars.width_modules * module
    text_size = paper.body * 0.9
    draw_bars(pdf, bars, centre - total / 2, y + text_size * 1.5, module, paper.bar_height_mm * MM)
    pdf.setFont(FONT, text_size)
    pdf.drawCentredString(centre, y + text_size * 0.3, digits)


def fit_text(pdf, text: str, font: str, size: float, room: float) -> str:
    if not text or pdf.stringWidth(text, font, size) <= room:
        return text
    while text and pdf.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


def write_pdf(data: bytes, path: Path) -> Path:
    """Write whole or not at all: a disk that fills half-way leaves no cut-off PDF
    behind (it goes to a file beside the target, renamed over it once written)."""
    part = path.with_name(path.name + ".part")
    try:
        part.write_bytes(data)
        part.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # nothing written, or the folder is not one
            part.unlink()
        raise InputError("receipt_write", path=str(path), detail=exc.strerror or "") from None
    return path


def write_receipt_pdf(sale_ref: str, path: Path, resources: Path, width: str = "80") -> Path:
    """Write the receipt of a sale (by id, receipt number or receipt barcode) to `path`."""
    return write_pdf(render_receipt_pdf(load_receipt(sale_ref), resources, width), path)
