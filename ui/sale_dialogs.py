"""Small dialogs of a sale: quantity, points, manual discount, product picker, parked sales."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from models.schema import Product
from services.sale.checkout import ParkedCart
from services.core.messages import _, ngettext
from ui.formatting import Formatter


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("Primary")
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _big_spin(parent: QWidget, low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setObjectName("BigInput")
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.selectAll()
    return spin


class QuantityDialog(QDialog):
    def __init__(self, name: str, qty: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Quantity"))
        layout = QVBoxLayout(self)
        label = QLabel(name, self)
        label.setObjectName("Big")
        label.setWordWrap(True)
        layout.addWidget(label)
        self.spin = _big_spin(self, 1, 9999, qty)
        layout.addWidget(self.spin)
        layout.addWidget(_buttons(self, _("Set quantity")))
        self.spin.setFocus()

    def value(self) -> int:
        return self.spin.value()


class RedeemDialog(QDialog):
    """How many points to spend, never more than this sale can take."""

    def __init__(self, fmt: Formatter, balance: int, max_points: int, current: int, point_value: int,
                 step: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.point_value = point_value
        self.setWindowTitle(_("Pay with points"))
        layout = QVBoxLayout(self)
        info = QLabel(
            ngettext("Balance {balance}. This sale can take up to {n} point.",
                     "Balance {balance}. This sale can take up to {n} points.", max_points)
            .format(balance=fmt.points(balance), n=fmt.number(max_points)),
            self,
        )
        info.setWordWrap(True)
        layout.addWidget(info)
        row = QHBoxLayout()
        self.spin = _big_spin(self, 0, max_points, min(current, max_points))
        self.spin.setSingleStep(max(step, 1))
        self.spin.valueChanged.connect(self._show_value)
        self.max_button = QPushButton(_("Max"), self)
        self.max_button.setMinimumHeight(48)
        self.max_button.clicked.connect(lambda: self.spin.setValue(max_points))
        self.none_button = QPushButton(_("None"), self)
        self.none_button.setMinimumHeight(48)
        self.none_button.clicked.connect(lambda: self.spin.setValue(0))
        row.addWidget(self.spin, 1)
        row.addWidget(self.max_button)
        row.addWidget(self.none_button)
        layout.addLayout(row)
        self.money = QLabel(self)
        self.money.setObjectName("Big")
        layout.addWidget(self.money)
        layout.addWidget(_buttons(self, _("Use points")))
        self._show_value(self.spin.value())
        self.spin.setFocus()

    def _show_value(self, points: int) -> None:
        self.money.setText(_("= %1 off the bill").replace("%1", self.fmt.money(points * self.point_value)))

    def value(self) -> int:
        return self.spin.value()


class DiscountDialog(QDialog):
    """A manager's discount on the whole sale, in percent."""

    def __init__(self, current_bp: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Manual discount"))
        layout = QVBoxLayout(self)
        note = QLabel(_("Discount on every item of this sale (a manager's PIN is needed)."), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.spin = _big_spin(self, 0, 100, current_bp // 100)
        self.spin.setSuffix(" %")
        layout.addWidget(self.spin)
        quick = QHBoxLayout()
        for percent in (0, 5, 10, 15, 20):
            button = QPushButton(f"{percent} %", self)
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _=False, p=percent: self.spin.setValue(p))
            quick.addWidget(button)
        layout.addLayout(quick)
        layout.addWidget(_buttons(self, _("Apply discount")))
        self.spin.setFocus()

    def value_bp(self) -> int:
        return self.spin.value() * 100


class _ChoiceDialog(QDialog):
    """Pick one entry from a list (Enter or a double click takes the highlighted)."""

    def __init__(self, title: str, texts: Sequence[str], accept: str, size: tuple[int, int], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(*size)
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        for text in texts:
            QListWidgetItem(text, self.list)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _: self.accept())
        layout.addWidget(self.list)
        layout.addWidget(_buttons(self, accept))
        self.list.setFocus()

    def _chosen_row(self) -> int | None:
        row = self.list.currentRow()
        return row if 0 <= row < self.list.count() else None


class ProductPickerDialog(_ChoiceDialog):
    """Several products match what was typed: pick one."""

    def __init__(self, fmt: Formatter, products: Sequence[Product], parent: QWidget | None = None) -> None:
        self.products = list(products)
        texts = [f"{p.name}  —  {fmt.money(p.price)}   ({p.sku})" for p in self.products]
        super().__init__(
            _("Choose a product"), texts,
            _("Add to sale"), (640, 460), parent,
        )

    def chosen(self) -> Product | None:
        row = self._chosen_row()
        return None if row is None else self.products[row]


class ParkedDialog(_ChoiceDialog):
    def __init__(self, fmt: Formatter, parked: Sequence[ParkedCart], parent: QWidget | None = None) -> None:
        self.parked = list(parked)
        texts = []
        for cart in self.parked:
            text = _("%1 — %2 items, %3").replace("%1", fmt.date(cart.created_at)).replace(
                "%2", str(cart.items)).replace("%3", fmt.money(cart.amount))
            texts.append(f"{text} — {cart.label}" if cart.label else text)
        super().__init__(
            _("Parked sales"), texts, _("Recall"), (560, 400), parent
        )

    def chosen(self) -> ParkedCart | None:
        row = self._chosen_row()
        return None if row is None else self.parked[row]
