"""`main.py bench --printing`: receipt PDFs and card sheets beside plain ReportLab.

Baselines, measured in the same run on the same machine:
- receipt: the same text rows drawn straight onto a ReportLab canvas, with no
  database read, no layout and no barcode; the ratio is what our receipt
  (reading the sale, wrapping, the Code 128) costs over the bare drawing.
- cards: 1,000 EAN-13 codes drawn by ReportLab's own barcode widget
  (reportlab.graphics.barcode) on the same CR80 grid; ours adds the card face
  (band, shop name, member name, tier, crop marks).
"""
from __future__ import annotations

import io
import random
import time
from pathlib import Path
from typing import Any, Callable

from models.schema import Sale
from services.printing import cardsheet
from services.members.cards import make_card_number
from services.printing.fonts import FONT, register_fonts
from services.printing.receipts import load_receipt, receipt_rows, render_receipt_pdf

GOALS = {"receipt_pdf_p50_ms": 20, "cards_1000_s": 3}


def _raw_receipt(rows: list) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(80 * 72 / 25.4, 12 * len(rows) + 40))
    pdf.setFont(FONT, 8)
    y = 12 * len(rows) + 20
    for row in rows:
        pdf.drawString(11, y, row.left)
        if row.right:
            pdf.drawRightString(215, y, row.right)
        y -= 12
    pdf.save()
    return buffer.getvalue()


def _raw_cards(numbers: list[str]) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import createBarcodeDrawing
    from reportlab.pdfgen import canvas

    mm = 72 / 25.4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(210 * mm, 297 * mm))
    for index, number in enumerate(numbers):
        slot = index % 10
        if index and slot == 0:
            pdf.showPage()
        drawing = createBarcodeDrawing("EAN13", value=number[:12], barHeight=13 * mm)
        renderPDF.draw(drawing, pdf, 20 * mm + (slot % 2) * 85.6 * mm, 14 * mm + (slot // 2) * 53.98 * mm)
    pdf.save()
    return buffer.getvalue()


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _ms(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 3)


def _pair(name: str, ours: list[float], baseline: list[float], what: str) -> dict[str, Any]:
    a = {"p50_ms": _ms(ours, 0.5), "p99_ms": _ms(ours, 0.99)}
    b = {"p50_ms": _ms(baseline, 0.5), "p99_ms": _ms(baseline, 0.99)}
    return {"name": name, "loyaltill": a, "baseline": b, "baseline_is": what, "samples": len(ours),
            "ratio_p50": round(a["p50_ms"] / b["p50_ms"], 2) if b["p50_ms"] else None}


def bench_receipts(resources: Path, rounds: int, rng: random.Random) -> dict[str, Any]:
    ids = [row.id for row in Sale.select(Sale.id).order_by(Sale.id).limit(5000)]
    if not ids:
        return {"name": "receipt PDF (80 mm)", "skipped": "no sales in this database"}
    chosen = [rng.choice(ids) for _ in range(rounds)]
    register_fonts(resources)
    render_receipt_pdf(load_receipt(str(chosen[0])), resources)  # fonts parsed once, as in a running till
    ours = [_timed(lambda: render_receipt_pdf(load_receipt(str(sale_id)), resources)) for sale_id in chosen]
    rows = {sale_id: receipt_rows(load_receipt(str(sale_id))) for sale_id in set(chosen)}
    raw = [_timed(lambda: _raw_receipt(rows[sale_id])) for sale_id in chosen]
    return _pair("receipt PDF (80 mm)", ours, raw, "the same rows on a bare ReportLab canvas")


def bench_cards(resources: Path, count: int = 1000, runs: int = 3) -> dict[str, Any]:
    numbers = [make_card_number("27", 1, serial) for serial in range(1, count + 1)]
    faces = [cardsheet.CardFace(n, f"Участник {i}", "Золотой", cardsheet.TIER_COLOURS["gold"])
             for i, n in enumerate(numbers)]
    style = cardsheet.CardStyle("Продукты у дома", "Карта постоянного покупателя")
    ours = [_timed(lambda: cardsheet.render_cards_pdf(faces, resources, style, "a4")) for _ in range(runs)]
    raw = [_timed(lambda: _raw_cards(numbers)) for _ in range(runs)]
    return _pair(f"{count} cards on A4 sheets", ours, raw, "ReportLab's own EAN-13 widget, bars only")


def run_print_bench(resources: Path, rounds: int = 200, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    return {"results": [bench_receipts(resources, rounds, rng), bench_cards(resources)], "goals": GOALS}


def format_print_report(report: dict[str, Any]) -> str:
    out = []
    for r in report["results"]:
        if "skipped" in r:
            out.append(f"{r['name']}: skipped ({r['skipped']})")
            continue
        a, b = r["loyaltill"], r["baseline"]
        out.append(
            f"{r['name']:24} p50 {a['p50_ms']:9.2f} ms  p99 {a['p99_ms']:9.2f} ms   "
            f"baseline p50 {b['p50_ms']:9.2f} ms   ratio p50 {r['ratio_p50']}   (n={r['samples']}; "
            f"baseline: {r['baseline_is']})"
        )
    out.append("goals: " + str(report["goals"]))
    return "\n".join(out)
