"""Receipts as PDF (ReportLab), 80 mm roll with the page as long as the content.

The printing issue adds 58 mm, A4, the receipt barcode and real printers; this
is the receipt a cashier can save and hand over today.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from models.schema import Payment, Sale, SaleLine, Staff, Till
from services.errors import InputError
from services.loyalty import NEXT_VISIT_TEXT, discount_words, next_visit_coupon
from services.money import format_money
from services.returns import find_sale
from services.shop import shop_info

MM = 72 / 25.4
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

TEXT = {
    "ru": {
        "receipt": "Чек", "till": "Касса", "cashier": "Кассир", "total": "ИТОГО", "discount": "Скидка",
        "cash": "Наличные", "card": "Карта", "points": "Баллами", "change": "Сдача", "member": "Карта клиента",
        "earned": "Начислено баллов", "spent": "Списано баллов", "balance": "Баланс баллов",
        "offline": "Баллы будут подтверждены, когда касса снова будет в сети.", "thanks": "Спасибо за покупку!",
    },
    "ro": {
        "receipt": "Bon", "till": "Casa", "cashier": "Casier", "total": "TOTAL", "discount": "Reducere",
        "cash": "Numerar", "card": "Card", "points": "Cu puncte", "change": "Rest", "member": "Card client",
        "earned": "Puncte acumulate", "spent": "Puncte folosite", "balance": "Sold puncte",
        "offline": "Punctele vor fi confirmate când casa revine online.", "thanks": "Vă mulțumim!",
    },
    "en": {
        "receipt": "Receipt", "till": "Till", "cashier": "Cashier", "total": "TOTAL", "discount": "Discount",
        "cash": "Cash", "card": "Card", "points": "Points", "change": "Change", "member": "Member card",
        "earned": "Points earned", "spent": "Points spent", "balance": "Points balance",
        "offline": "Points will be confirmed when the till is back online.", "thanks": "Thank you!",
    },
}


def register_fonts(resources: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resources / "fonts" / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resources / "fonts" / "DejaVuSans-Bold.ttf")))


def mask_card(number: str | None) -> str:
    if not number:
        return ""
    return "•" * (len(number) - 4) + number[-4:]


@dataclass(frozen=True)
class Row:
    left: str
    right: str = ""
    bold: bool = False
    size: float = 8


RULE = Row("")


def receipt_rows(sale: Sale) -> list[Row]:
    shop = shop_info()
    t = TEXT.get(shop.language, TEXT["en"])
    money = lambda minor: format_money(minor, shop.currency, shop.locale)  # noqa: E731
    till = Till.get_by_id(sale.till_id)
    cashier = Staff.get_or_none(Staff.id == sale.cashier_id)
    when = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone()
    rows = [Row(shop.name, bold=True, size=11)]
    if shop.address:
        rows.append(Row(shop.address))
    rows += [
        Row(f"{t['receipt']} {sale.receipt_no}", when.strftime("%d.%m.%Y %H:%M")),
        Row(f"{t['till']} {till.code}"),
        Row(f"{t['cashier']}: {cashier.name if cashier else '-'}"),
        RULE,
    ]
    for line in SaleLine.select().where(SaleLine.sale == sale).order_by(SaleLine.position):
        rows.append(Row(line.name))
        rows.append(Row(f"  {line.qty} × {money(line.unit_price)}", money(line.gross)))
        if line.discount:
            why = ", ".join(discount_words(r) for r in json.loads(line.reasons) if r.get("amount", 0) > 0 and r["code"] != "points_paid")
            rows.append(Row(f"  {t['discount']} {why}", "−" + money(line.discount)))
    rows.append(RULE)
    if sale.discount:
        rows.append(Row(t["discount"], "−" + money(sale.discount)))
    rows.append(Row(t["total"], money(sale.total), bold=True, size=12))
    for pay in Payment.select().where(Payment.sale == sale):
        rows.append(Row(t[pay.method], money(pay.tendered)))
        if pay.change:
            rows.append(Row(t["change"], money(pay.change)))
    if sale.points_value:
        rows.append(Row(f"{t['points']} ({sale.points_redeemed})", money(sale.points_value)))
    if sale.member_id:
        rows += [
            RULE,
            Row(t["member"], mask_card(sale.card_number)),
            Row(t["earned"], f"+{sale.points_earned}"),
            Row(t["spent"], f"−{sale.points_redeemed}"),
            Row(t["balance"], str(sale.balance_after if sale.balance_after is not None else "")),
        ]
        if sale.offline:
            rows.append(Row(t["offline"], size=7))
    coupon = next_visit_coupon(sale.id)
    if coupon:
        rows += [RULE, Row(NEXT_VISIT_TEXT.get(shop.language, NEXT_VISIT_TEXT["en"])), Row(coupon, bold=True, size=12)]
    rows.append(Row(t["thanks"], bold=True))
    return rows


def write_receipt_pdf(sale_ref: str, path: Path, resources: Path, width_mm: float = 80) -> Path:
    """Write the receipt of a sale (by id or receipt number) to `path`."""
    from reportlab.pdfgen import canvas

    sale = find_sale(str(sale_ref))
    register_fonts(resources)
    rows = receipt_rows(sale)
    from reportlab.lib.utils import simpleSplit

    margin = 4 * MM
    width = width_mm * MM
    wrapped: list[Row] = []
    for row in rows:
        if row.right or row is RULE:
            wrapped.append(row)
            continue
        font = FONT_BOLD if row.bold else FONT
        for part in simpleSplit(row.left, font, row.size, width - 2 * margin):
            wrapped.append(Row(part, bold=row.bold, size=row.size))
    rows = wrapped
    height = margin * 2 + sum(r.size * 1.45 for r in rows)
    try:
        pdf = canvas.Canvas(str(path), pagesize=(width, height), initialFontName=FONT, initialFontSize=8)
    except OSError as exc:
        raise InputError(f"Cannot write the receipt to {path}: {exc.strerror}.", "receipt_write") from None
    pdf.setTitle(f"{sale.receipt_no}")
    y = height - margin
    for row in rows:
        y -= row.size * 1.45
        font = FONT_BOLD if row.bold else FONT
        pdf.setFont(font, row.size)
        if row is RULE:
            pdf.setDash(1, 2)
            pdf.line(margin, y + row.size * 0.5, width - margin, y + row.size * 0.5)
            pdf.setDash()
        elif row.right:
            pdf.drawString(margin, y, _fit(pdf, row.left, font, row.size, width - 2 * margin - pdf.stringWidth(row.right, font, row.size) - 4))
            pdf.drawRightString(width - margin, y, row.right)
        else:
            pdf.drawString(margin, y, _fit(pdf, row.left, font, row.size, width - 2 * margin))
    try:
        pdf.save()
    except OSError as exc:
        raise InputError(f"Cannot write the receipt to {path}: {exc.strerror}.", "receipt_write") from None
    return path


def _fit(pdf, text: str, font: str, size: float, room: float) -> str:
    if pdf.stringWidth(text, font, size) <= room:
        return text
    while text and pdf.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"
