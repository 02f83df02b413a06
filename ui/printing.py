"""Printing from the window: receipts and cards to a system printer or an ESC/POS one.

The PDF made by services/ is what prints: its pages are rasterised by
pdfium (pypdfium2) at the printer's resolution and painted onto a QPrinter,
so a preview, a saved PDF and paper are the same picture. ESC/POS printers
get the receipt as text in their code page (services/printers.py).
Printing runs on a worker thread: a slow or missing printer never holds the
till, and the sale is already on disk whatever the printer does.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from services.printing import printers
from services.printing.printers import PrinterError, PrinterSettings
from services.printing.receipts import load_receipt, render_receipt_pdf


# pdfium is not thread-safe: every call into it, from the UI thread (previews) or a
# worker (printing), holds this lock. Two renders at once can crash the process.
_PDFIUM = threading.Lock()
MAX_DPI = 600


def pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
        try:
            return len(doc)
        finally:
            doc.close()


def render_page(data: bytes, index: int, dpi: float) -> QImage:
    """One page of a PDF as a greyscale image at `dpi` (pages one at a time: a 1,000-page card
    batch never sits in memory as pictures)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
        try:
            page = doc[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_Grayscale8)
            image = image.copy()  # own the pixels: pdfium frees its buffer
            bitmap.close()
            page.close()
            return image
        finally:
            doc.close()


def preview_pixmap(data: bytes, width_px: int) -> QPixmap:
    """The first page of a PDF scaled to a width on screen (what will print)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
        try:
            page = doc[0]
            picture = page.render(scale=width_px / page.get_width()).to_pil().convert("RGB")
            page.close()
        finally:
            doc.close()
    raw = picture.tobytes()
    image = QImage(raw, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


def system_printer(name: str) -> QPrinter:
    """A QPrinter for a system printer by name ("" = the default); PrinterError if there is none."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        if name:
            raise PrinterError("printer_not_installed", name=name)
        raise PrinterError("printer_none")
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def print_pdf(data: bytes, printer: QPrinter, title: str) -> None:
    """Paint a PDF's pages onto a printer at their real size, rendered at the printer's own
    resolution (so bars land on whole dots and nothing is resampled); narrowed only if wider
    than the paper; a page longer than the printer's page continues on the next one."""
    printer.setDocName(title)
    printer.setFullPage(False)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterError("printer_failed")
    try:
        first = True
        for index in range(pdf_page_count(data)):
            image = render_page(data, index, dpi)
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            factor = printer.resolution() / dpi
            if image.width() * factor > area.width():
                factor = area.width() / image.width()
            if factor != 1:
                image = image.scaledToWidth(round(image.width() * factor), Qt.TransformationMode.SmoothTransformation)
            left = (area.width() - image.width()) // 2
            for top in range(0, image.height(), area.height()):
                if not first:
                    printer.newPage()
                first = False
                painter.drawImage(left, 0, image, 0, top, image.width(), min(area.height(), image.height() - top))
    finally:
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrinterError("printer_failed")


def print_receipt(sale_ref: str, resources: Path, settings: PrinterSettings | None = None) -> str:
    """Print a sale's receipt where this till prints; runs on a worker thread. Returns the receipt number."""
    settings = settings or printers.printer_settings()
    receipt = load_receipt(sale_ref)
    if settings.kind == "escpos":
        printers.print_receipt_escpos(receipt, settings)
    elif settings.kind == "system":
        data = render_receipt_pdf(receipt, resources, settings.width)
        print_pdf(data, system_printer(settings.system_name), receipt.receipt_no)
    else:
        raise PrinterError("printer_not_set")
    return receipt.receipt_no


def printer_names() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())
