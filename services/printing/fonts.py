"""The fonts every PDF draws with (DejaVu: Cyrillic and ș ț ă), registered once with ReportLab."""
from __future__ import annotations

from pathlib import Path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}


def register_fonts(resources: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    for name, filename in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(resources / "fonts" / filename)))
