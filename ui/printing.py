"""Printing from the window: receipts and cards to a system printer or an ESC/POS one.

The PDF made by services/ is what prints: its pages are rasterised by
pdfium (pypdfium2) at the printer's resolution and painted onto a QPrinter,
so a preview, a saved PDF and paper are the same picture. ESC/POS printers
get the receipt as text in their code page (services/printers.py).
Printing runs on a worker thread: a slow or missing printer never holds the
till, and the sale is already on disk whatever the printer does.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from services import printers
from services.printers import PrinterError, PrinterSettings
from services.receipts import load_receipt, render_receipt_pdf

translate = QCoreApplication.translate


def pdf_pages(data: bytes, dpi: float) -> list[QImage]:
    """Each page of a PDF as a greyscale image at `dpi`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        images = []
        for index in range(len(doc)):
            page = doc[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_Grayscale8)
            images.append(image.copy())  # own the pixels: pdfium frees its buffer
            bitmap.close()
            page.close()
        return images
    finally:
        doc.close()


def preview_pixmap(data: bytes, width_px: int) -> QPixmap:
    """The first page of a PDF scaled to a width on screen (what will print)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        page = doc[0]
        scale = width_px / page.get_width()
        picture = page.render(scale=scale).to_pil().convert("RGB")
        data = picture.tobytes()
        image = QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888)
        return QPixmap.fromImage(image.copy())
    finally:
        doc.close()


def system_printer(name: str) -> QPrinter:
    """A QPrinter for a system printer by name ("" = the default); PrinterError if there is none."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    if info.isNull():
        if name:
            raise PrinterError(f"The printer {name} is not installed on this computer.", "printer_missing")
        raise PrinterError("This computer has no printer set up.", "printer_none")
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


def print_pdf(data: bytes, printer: QPrinter, title: str) -> None:
    """Paint a PDF's pages onto a printer at their real size (narrowed only if wider than the paper);
    a page longer than the printer's page continues on the next one."""
    printer.setDocName(title)
    printer.setFullPage(False)
    dpi = min(printer.resolution(), 300)
    pages = pdf_pages(data, dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterError("The printer refused the job: check that it is on and has paper.", "printer_failed")
    try:
        first = True
        for image in pages:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            factor = min(printer.resolution() / dpi, area.width() / image.width())
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
        raise PrinterError("The printer reported an error: check that it is on and has paper.", "printer_failed")


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
        raise PrinterError("No receipt printer is set up: save the receipt as PDF, or set a printer up.",
                           "printer_not_set")
    return receipt.receipt_no


def print_document(data: bytes, name: str, title: str) -> None:
    """Print any PDF (card sheets) on a system printer."""
    print_pdf(data, system_printer(name), title)


def printer_names() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())
