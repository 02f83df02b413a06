"""Shelf labels: every barcode on the sheet read back, label by label, by an
independent decoder (zbar), from the PDF rendered by pdfium."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from services.printing import labels
from services.shop import catalogue
from services.shop.catalogue import ProductForm

CODES = ("4601234567893", "96385074", "036000291452")
# zbar names a UPC-A as the EAN-13 it is inside (a leading 0).
READ_AS = {"4601234567893": "EAN-13:4601234567893", "96385074": "EAN-8:96385074",
           "036000291452": "EAN-13:0036000291452"}


def cells(pdf, layout: labels.SheetLayout, tmp_path, scale: float = 4.0) -> list[list[str]]:
    """What zbar reads in each label cell of each page, in printing order."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    import pypdfium2

    out: list[list[str]] = []
    document = pypdfium2.PdfDocument(str(pdf))
    px = scale * labels.MM
    w, h = layout.width_mm * px, layout.height_mm * px
    left = (210 * px - layout.columns * w) / 2
    top = (297 * px - layout.rows * h) / 2
    for number in range(len(document)):
        image = document[number].render(scale=scale, grayscale=True).to_pil()
        for index in range(layout.columns * layout.rows):
            column, row = index % layout.columns, index // layout.columns
            box = (int(left + column * w), int(top + row * h), int(left + (column + 1) * w), int(top + (row + 1) * h))
            png = tmp_path / f"p{number}-{index}.png"
            image.crop(box).save(png)
            read = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True)
            assert read.returncode in (0, 4), read.stderr
            out.append(read.stdout.split())
    document.close()
    return out


@pytest.mark.parametrize("layout", sorted(labels.LAYOUTS))
def test_every_layout_prints_barcodes_a_scanner_reads(shop, resources, tmp_path, layout):
    sheet = labels.LAYOUTS[layout]
    products = [catalogue.add_product(shop["manager"], ProductForm(
        name=f"Товар {code} с очень длинным названием для полки", price=4990, category="Бакалея",
        barcodes=(code,))) for code in CODES]
    products.append(catalogue.add_product(shop["manager"], ProductForm(
        name="Без штрихкода", price=100, category="Бакалея")))  # gets an in-store EAN-13
    products.append(catalogue.add_product(shop["manager"], ProductForm(
        name="Яблоки", price=18990, category="Фрукты", weighed=True, plu=7)))
    items = labels.labels_for(products, "ru", "RUB", "ru_RU")
    pdf = tmp_path / f"labels-{layout}.pdf"
    copies = (sheet.columns * sheet.rows) // len(items) + 1  # spills onto a second page
    assert labels.sheet_pdf(items, pdf, layout, resources, copies=copies) == 2
    read = cells(pdf, sheet, tmp_path)
    printed = [item for item in items for _ in range(copies)]
    expected = [[READ_AS.get(item.barcode, f"EAN-13:{item.barcode}")] if item.barcode else [] for item in printed]
    expected += [[]] * (len(read) - len(expected))  # the rest of the second sheet is blank
    assert read == expected
    assert items[-1].barcode is None and "/ кг" in items[-1].price and "PLU 7" in items[-1].note
