"""Taking the money: cash with change, card, or card and cash together."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from services.sale.checkout import Tender, plan_payments
from services.core.errors import InputError
from services.core.money import parse_amount
from services.core.messages import _
from ui.errors import user_message
from ui.formatting import Formatter

NOTES = (1000, 5000, 10000, 50000, 100000, 500000)  # minor units: 10, 50, 100, 500, 1000, 5000


def round_ups(to_pay: int, count: int = 3) -> list[int]:
    """Amounts a customer is likely to hand over: to_pay rounded up to common notes."""
    found: list[int] = []
    for note in NOTES:
        amount = -(-to_pay // note) * note
        if amount > to_pay and amount not in found:
            found.append(amount)
    return sorted(found)[:count]


def _key_button(button: QWidget) -> QWidget:
    button.setMinimumHeight(50)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class PayDialog(QDialog):
    def __init__(self, fmt: Formatter, to_pay: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.to_pay = to_pay
        self.setWindowTitle(_("Payment"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        caption = QLabel(_("To pay"), self)
        caption.setObjectName("SectionTitle")
        layout.addWidget(caption)
        self.total = QLabel(fmt.money(to_pay), self)
        self.total.setObjectName("Total")
        layout.addWidget(self.total)

        grid = QGridLayout()
        self.cash = QLineEdit(self)
        self.cash.setObjectName("BigInput")
        self.cash.setPlaceholderText(_("cash handed over"))
        self.card = QLineEdit(self)
        self.card.setObjectName("BigInput")
        self.card.setPlaceholderText(_("charged to card"))
        grid.addWidget(QLabel(_("Cash"), self), 0, 0)
        grid.addWidget(self.cash, 0, 1)
        grid.addWidget(QLabel(_("Card"), self), 1, 0)
        grid.addWidget(self.card, 1, 1)
        layout.addLayout(grid)

        quick = QHBoxLayout()
        methods = QHBoxLayout()
        self.exact_button = QPushButton(_("Exact cash (F3)"), self)
        self.exact_button.clicked.connect(self.exact_cash)
        QShortcut(QKeySequence("F3"), self, self.exact_cash)
        methods.addWidget(self.exact_button)
        self.card_button = QPushButton(_("All by card (F2)"), self)
        self.card_button.clicked.connect(self.all_card)
        QShortcut(QKeySequence("F2"), self, self.all_card)
        methods.addWidget(self.card_button)
        for index in range(methods.count()):
            _key_button(methods.itemAt(index).widget())
        layout.addLayout(methods)
        layout.addLayout(quick)
        self.quick = quick
        self._fill_quick()

        self.due = QLabel(self)
        self.due.setObjectName("Big")
        layout.addWidget(self.due)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        cancel = QPushButton(_("Back to sale (Esc)"), self)
        cancel.clicked.connect(self.reject)
        self.done_button = QPushButton(_("Complete sale (Enter)"), self)
        self.done_button.setObjectName("Primary")
        self.done_button.setMinimumHeight(50)
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.accept)
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.done_button)
        layout.addLayout(row)
        self.cash.textChanged.connect(self._update)
        self.card.textChanged.connect(self._update)
        self._update()
        self.cash.setFocus()

    def _fill_quick(self) -> None:
        """Buttons for the notes a customer is likely to hand over."""
        while self.quick.count():
            self.quick.takeAt(0).widget().deleteLater()
        for amount in round_ups(self.to_pay):
            button = QPushButton(self.fmt.money(amount), self)
            button.clicked.connect(lambda _=False, a=amount: self._set_cash(a))
            self.quick.addWidget(_key_button(button))

    def set_to_pay(self, to_pay: int) -> None:
        """The bill changed while the dialog was open (a member's card was
        scanned): show the new amount; what was typed stays."""
        if to_pay == self.to_pay:
            return
        self.to_pay = to_pay
        self.total.setText(self.fmt.money(to_pay))
        self._fill_quick()
        self._update()

    def _set_cash(self, amount: int) -> None:
        self.cash.setText(self.fmt.qlocale().toString(amount / 100, "f", 2).replace("\u00a0", "").replace(" ", ""))

    def exact_cash(self) -> None:
        self.card.clear()
        self._set_cash(self.to_pay)

    def all_card(self) -> None:
        self.cash.clear()
        self.card.setText(self.fmt.qlocale().toString(self.to_pay / 100, "f", 2).replace("\u00a0", "").replace(" ", ""))

    def _amount(self, field: QLineEdit) -> int:
        text = field.text().strip()
        return parse_amount(text) if text else 0

    def tenders(self) -> list[Tender]:
        """What was handed over; ValueError when a field is not an amount."""
        tenders = []
        card, cash = self._amount(self.card), self._amount(self.cash)
        if card:
            tenders.append(Tender("card", card))
        if cash:
            tenders.append(Tender("cash", cash))
        return tenders

    def change(self) -> int:
        rows = plan_payments(self.to_pay, self.tenders())
        return sum(change for _, _, _, change in rows)

    def _update(self) -> None:
        self.error.clear()
        try:
            tenders = self.tenders()
        except ValueError:
            self.due.setText(_("Not an amount"))
            return
        paid = sum(t.amount for t in tenders)
        if paid < self.to_pay:
            self.due.setText(_("Still due: %1").replace("%1", self.fmt.money(self.to_pay - paid)))
        else:
            try:
                self.due.setText(_("Change: %1").replace("%1", self.fmt.money(self.change())))
            except InputError as exc:
                self.due.setText(user_message(exc))

    def accept(self) -> None:
        try:
            tenders = self.tenders()
            if self.to_pay and not tenders:
                self.error.setText(_("Type the cash handed over, or choose card."))
                return
            plan_payments(self.to_pay, tenders)
        except ValueError:
            self.error.setText(_("Not an amount"))
            return
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        super().accept()
