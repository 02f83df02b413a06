"""The owner's figures and member lists written to files: XLSX, CSV and a PDF report.

No Qt: the window only asks where (ui/reports_page.py); the command line could call the
same functions.  Every cell a spreadsheet program might run as a formula is made harmless
the way the import's rejected rows are (services.imports.files.safe_cell: a leading
apostrophe in CSV; in XLSX, text cells typed as strings, never formulas).  A file is
written whole or not at all (beside the target, then renamed over it).
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from services.core.errors import InputError
from services.core.messages import _
from services.imports.files import safe_cell, xlsx_text
from services.insights import wording

Column = tuple[str, str, str]  # (key in the row, header, kind: text/count/money/rate/ratio/points/date)


def _write_whole(path: Path, fill: Callable[[Path], None]) -> Path:
    path = Path(path)
    if not path.parent.is_dir():  # said before a workbook is begun
        raise InputError("report_write", path=str(path), reason=os.strerror(errno.ENOENT))
    part = path.with_name(path.name + ".part")
    try:
        fill(part)
        part.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        raise InputError("report_write", path=str(path), reason=exc.strerror or str(exc)) from None
    return path


def figure_rows(figures: dict[str, Any], currency: str, locale: str) -> list[dict[str, Any]]:
    """One row per figure the dict holds, in the owner's reading order: its name, value and the
    previous period's (raw and as shown), the change, and the definition."""
    previous = figures.get("previous") or {}
    definitions = figures.get("definitions") or {}
    rows = []
    for key, kind in wording.FIGURES:
        if key not in figures:
            continue
        value, before = figures.get(key), previous.get(key)
        rows.append({
            "key": key, "kind": kind, "name": wording.figure_name(key),
            "value": value, "previous": before,
            "value_text": wording.shown(key, value, currency, locale),
            "previous_text": wording.shown(key, before, currency, locale),
            "change_text": wording.change(key, value, before, locale)[0],
            "definition": definitions.get(key, ""),
        })
    return rows


def cashier_columns() -> list[Column]:
    return [("name", _("Cashier"), "text"), ("receipts", _("Receipts"), "count"),
            ("card_share", _("With a card"), "rate"), ("members_enrolled", _("Members enrolled"), "count"),
            ("avg_check", _("Average check"), "money"), ("nps", _("NPS"), "score"),
            ("nps_answers", _("NPS answers"), "count"), ("csat", _("CSAT"), "rate"),
            ("csat_answers", _("CSAT answers"), "count")]


def cashier_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The by-cashier rows under the names the columns use (whatever spelling the figures used)."""
    out = []
    for row in figures.get("by_cashier") or []:
        out.append({
            "name": pick(row, "name", "cashier", "cashier_name", default=None) or _("No cashier (imported receipts)"),
            "receipts": pick(row, "receipts"),
            "card_share": pick(row, "card_share_receipts", "card_share"),
            "members_enrolled": pick(row, "members_enrolled", "enrolled", "members_new"),
            "avg_check": pick(row, "avg_check", "average_check"),
            "nps": pick(row, "nps"), "nps_answers": pick(row, "nps_answers", default=0),
            "csat": pick(row, "csat"), "csat_answers": pick(row, "csat_answers", default=0),
        })
    return out


def pick(row: dict[str, Any], *keys: str, default: Any = None) -> Any:
    for key in keys:
        if key in row:
            return row[key]
    return default


def as_text(value: Any, kind: str, currency: str, locale: str) -> str:
    if value is None:
        return ""
    if kind == "text":
        return str(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    fake_key = {"count": "receipts", "money": "revenue", "rate": "repeat_rate", "points": "points_issued",
                "score": "nps"}.get(kind, "")
    return wording.shown(fake_key, value, currency, locale)


# --- XLSX and CSV ---------------------------------------------------------------------

def _xlsx_value(value: Any, kind: str, exponent: int = 2) -> tuple[Any, str | None]:
    """A cell's value and number format: money in major units with two decimals, shares as
    percentages, counts as whole numbers; text typed as a string (never a formula)."""
    if value is None:
        return None, None
    if kind == "money":
        return int(value) / 10**exponent, "#,##0.00"
    if kind == "rate":
        return float(value), "0.0%"
    if kind in ("count", "points"):
        return int(value), "#,##0"
    if kind in ("ratio", "score"):
        return float(value), "0.00"
    if kind == "date" and isinstance(value, (dt.date, dt.datetime)):
        return value, "yyyy-mm-dd"
    return xlsx_text(str(value)), "@"


def _sheet(book: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[tuple[Any, str]]]) -> None:
    """A write-only sheet: the header, then rows of (value, kind) cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = book.create_sheet(title=xlsx_text(title)[:31])

    def cell(value: Any, kind: str, bold: bool = False) -> Any:
        shown, number_format = _xlsx_value(value, kind)
        out = WriteOnlyCell(sheet, value=shown)
        if number_format == "@" or kind == "text":
            out.data_type = "s"  # a string, never a formula, whatever it starts with
        elif number_format:
            out.number_format = number_format
        if bold:
            out.font = Font(bold=True)
        return out

    sheet.append([cell(h, "text", bold=True) for h in header])
    for row in rows:
        sheet.append([cell(value, kind) for value, kind in row])


def _figures_header() -> list[str]:
    return [_("Figure"), _("This period"), _("Previous period"), _("Change"), _("Definition")]


def write_figures(figures: dict[str, Any], path: Path | str, *, currency: str, locale: str) -> Path:
    """The period's figures beside the previous period's, with their definitions, and the
    by-cashier table: an XLSX (a sheet each, numbers as numbers) or a CSV (by the name's
    ending; UTF-8 with a BOM and ';', as Excel opens it in RU and RO)."""
    path = Path(path)
    rows = figure_rows(figures, currency, locale)
    period = _period_text(figures)
    cashiers = cashier_rows(figures)
    columns = cashier_columns()
    if path.suffix.lower() == ".csv":
        def fill_csv(part: Path) -> None:
            with open(part, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
                writer.writerow([safe_cell(_("Period")), safe_cell(period)])
                writer.writerow([safe_cell(h) for h in _figures_header() + [_("Key"), _("Value"), _("Previous value")]])
                for row in rows:
                    writer.writerow([safe_cell(str(v)) for v in (
                        row["name"], row["value_text"], row["previous_text"], row["change_text"], row["definition"],
                        row["key"], _raw(row["value"]), _raw(row["previous"]))])
                if cashiers:
                    writer.writerow([])
                    writer.writerow([safe_cell(h) for _k, h, _kind in columns])
                    for row in cashiers:
                        writer.writerow([safe_cell(as_text(row[k], kind, currency, locale)) for k, _h, kind in columns])
        return _write_whole(path, fill_csv)

    def fill_xlsx(part: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet_rows = [[(r["name"], "text"), (r["value"], r["kind"]), (r["previous"], r["kind"]),
                       (r["change_text"], "text"), (r["definition"], "text")] for r in rows]
        _sheet(book, _("Figures"), _figures_header(), [[(period, "text")], *sheet_rows])
        if cashiers:
            _sheet(book, _("By cashier"), [h for _k, h, _kind in columns],
                   [[(row[k], kind) for k, _h, kind in columns] for row in cashiers])
        trend = (figures.get("trend") or {}).get("rows") or []
        if trend:
            keys = [k for k in trend[0] if k not in ("start", "end", "from", "to", "label")]
            first = "start" if "start" in trend[0] else ("from" if "from" in trend[0] else "label")
            _sheet(book, _("Trend"), [_("From")] + [wording.figure_name(k) for k in keys],
                   [[(row.get(first), "text")] + [(row.get(k), wording.KINDS.get(k, "count")) for k in keys]
                    for row in trend])
        book.save(part)
    return _write_whole(path, fill_xlsx)


def _raw(value: Any) -> str:
    return "" if value is None else str(value)


def _period_text(figures: dict[str, Any]) -> str:
    start, end = figures.get("from", ""), figures.get("to", "")
    return f"{start} — {end}" if start or end else ""


def write_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], path: Path | str, *,
                currency: str, locale: str, title: str = "") -> Path:
    """Any list (a segment's members) as XLSX or CSV, by the name's ending."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        def fill_csv(part: Path) -> None:
            with open(part, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
                writer.writerow([safe_cell(h) for _k, h, _kind in columns])
                for row in rows:
                    writer.writerow([safe_cell(as_text(row.get(k), kind, currency, locale)) for k, _h, kind in columns])
        return _write_whole(path, fill_csv)

    def fill_xlsx(part: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        _sheet(book, title or _("List"), [h for _k, h, _kind in columns],
               [[(row.get(k), kind) for k, _h, kind in columns] for row in rows])
        book.save(part)
    return _write_whole(path, fill_xlsx)


# --- the PDF report ---------------------------------------------------------------------

def render_pdf(figures: dict[str, Any], resources: Path, *, shop_name: str, currency: str, locale: str,
               store_name: str = "") -> bytes:
    """An A4 report: the shop, the period and the one before it, each figure with its value,
    the previous value, the change and its definition; the by-cashier table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    from services.printing.fonts import FONT, FONT_BOLD, register_fonts

    register_fonts(resources)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#616e7c"))
    bold = ParagraphStyle("bold", parent=body, fontName=FONT_BOLD)
    title = ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20)
    heading = ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=8)
    previous = figures.get("previous") or {}

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    story: list[Any] = [p(_("{shop}: the programme's figures").format(shop=shop_name), title)]
    story.append(p(_("Period: {start} to {end}").format(start=figures.get("from", ""), end=figures.get("to", ""))))
    if previous.get("from") or previous.get("to"):
        story.append(p(_("Compared with: {start} to {end}").format(start=previous.get("from", ""),
                                                                   end=previous.get("to", ""))))
    if store_name:
        story.append(p(_("Store: {store}").format(store=store_name)))
    story.append(Spacer(1, 4 * mm))
    data: list[list[Any]] = [[p(h, bold) for h in (_("Figure"), _("This period"), _("Previous period"), _("Change"))]]
    for row in figure_rows(figures, currency, locale):
        name = [p(row["name"], bold)]
        if row["definition"]:
            name.append(p(row["definition"], small))
        data.append([name, p(row["value_text"]), p(row["previous_text"]), p(row["change_text"])])
    table = Table(data, colWidths=[95 * mm, 30 * mm, 30 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9e2ec")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
    ]))
    story.append(table)
    programme = figures.get("programme") or {}
    formula = programme.get("formula") or programme.get("roi_formula")
    if formula:
        story.append(p(_("ROI: {formula}").format(formula=formula), small))
    cashiers = cashier_rows(figures)
    if cashiers:
        story.append(p(_("By cashier"), heading))
        columns = cashier_columns()
        cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)  # nine columns: a smaller type
        head = ParagraphStyle("head", parent=bold, fontSize=8, leading=10)
        rows = [[p(h, head) for _k, h, _kind in columns]]
        rows += [[p(as_text(row[k], kind, currency, locale), cell) for k, _h, kind in columns] for row in cashiers]
        widths = [32, 19, 17, 20, 24, 13, 18, 16, 19]  # mm, one per column of cashier_columns: 178 mm, the page's
        cashier_table = Table(rows, colWidths=[w * mm for w in widths[:len(columns)]], repeatRows=1)
        cashier_table.setStyle(TableStyle([
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9e2ec")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
        ]))
        story.append(cashier_table)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, title=_("The programme's figures"), author=shop_name)
    document.build(story)
    return buffer.getvalue()


def write_pdf(figures: dict[str, Any], path: Path | str, resources: Path, *, shop_name: str, currency: str,
              locale: str, store_name: str = "") -> Path:
    data = render_pdf(figures, resources, shop_name=shop_name, currency=currency, locale=locale,
                      store_name=store_name)
    return _write_whole(Path(path), lambda part: part.write_bytes(data))
