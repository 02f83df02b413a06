"""A scale's label scanned at the till: the line shows its weight and price per kg."""
from __future__ import annotations

from tests.ui.helpers import scan


def test_a_scale_label_scanned_shows_the_weight(qtbot, window):
    from services.shop import catalogue, scales

    apples = next(p for p in catalogue.products() if p.weighed)
    label = scales.make_label(catalogue.scale_layout(), apples.plu, 742)
    window.table.setFocus()
    scan(qtbot, window.table, label, scanner=window.scanner)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    line = window.session.cart.lines[0]
    assert (line.grams, line.per_kg, line.unit_price) == (742, apples.price, scales.weighed_amount(apples.price, 742))
    texts = [window.model.data(window.model.index(0, c)) for c in range(window.model.columnCount())]
    assert window.fmt.weight(742) in texts and window.fmt.weight(742).startswith("0,742 ")  # the shop's locale
    assert window.fmt.money(apples.price) + " / kg" in texts  # the price column says it is per kg


def test_a_weighed_lines_weight_is_never_cut_at_1366_px(qtbot, window):
    from PySide6.QtCore import Qt

    from services.shop import catalogue, scales
    from ui.cart_table import CartModel

    apples = next(p for p in catalogue.products() if p.weighed)
    window.table.setFocus()
    scan(qtbot, window.table, scales.make_label(catalogue.scale_layout(), apples.plu, 347), scanner=window.scanner)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    index = window.model.index(0, CartModel.QTY)
    text = window.model.data(index, Qt.ItemDataRole.DisplayRole)
    assert text == window.fmt.weight(347) and window.width() == 1366
    # the text plus a cell's padding (the style's and the view's margins) fits the column
    assert window.table.columnWidth(CartModel.QTY) >= window.table.fontMetrics().horizontalAdvance(text) + 12
