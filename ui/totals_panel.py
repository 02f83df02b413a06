"""The bill: a total readable from across the counter, and the sale just finished."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.sale.checkout import SaleResult
from services.programme.pricing import PricedCart
from services.core.messages import _
from ui.formatting import Formatter
from ui.widgets import field_row, section_title


class TotalsPanel(QFrame):
    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.setObjectName("Panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.items = QLabel(self)
        self.subtotal = QLabel(self)
        self.discount = QLabel(self)
        self.points_paid = QLabel(self)
        self.points_earned = QLabel(self)
        self.points_earned.setObjectName("Good")
        layout.addWidget(field_row(_("Items"), self.items, self))
        layout.addWidget(field_row(_("Subtotal"), self.subtotal, self))
        layout.addWidget(field_row(_("Discount"), self.discount, self))
        layout.addWidget(field_row(_("Paid by points"), self.points_paid, self))
        layout.addWidget(field_row(_("Points to earn"), self.points_earned, self))
        layout.addSpacing(6)
        layout.addWidget(section_title(_("To pay"), self))
        self.total = QLabel(self)
        self.total.setObjectName("Total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.total)
        self.show_priced(None)

    def show_priced(self, priced: PricedCart | None) -> None:
        fmt = self.fmt
        self.items.setText(str(sum(l.line.qty for l in priced.lines)) if priced else "0")
        self.subtotal.setText(fmt.money(priced.subtotal if priced else 0))
        self.discount.setText(("−" + fmt.money(priced.discount)) if priced and priced.discount else fmt.money(0))
        paid = priced.points_value if priced else 0
        self.points_paid.setText(
            f"−{fmt.money(paid)} ({fmt.points(priced.points_redeemed)})" if priced and paid else fmt.money(0)
        )
        self.points_earned.setText("+" + fmt.points(priced.points_earned) if priced and priced.member else "—")
        self.total.setText(fmt.money(priced.to_pay if priced else 0))


class CompletionPanel(QFrame):
    """Shown after a sale until the next scan: change, points, the receipt."""

    receipt_pdf_requested = Signal(str)
    receipt_print_requested = Signal(str)
    dismissed = Signal()

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.setObjectName("Panel")
        self.sale_id = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("Big")
        layout.addWidget(self.title)
        self.paid = QLabel(self)
        self.earned = QLabel(self)
        self.earned.setObjectName("Good")
        self.redeemed = QLabel(self)
        self.balance = QLabel(self)
        layout.addWidget(field_row(_("Paid"), self.paid, self))
        layout.addWidget(field_row(_("Points earned"), self.earned, self))
        layout.addWidget(field_row(_("Points used"), self.redeemed, self))
        layout.addWidget(field_row(_("New balance"), self.balance, self))
        layout.addSpacing(4)
        layout.addWidget(section_title(_("Change"), self))
        self.change = QLabel(self)
        self.change.setObjectName("Change")
        self.change.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.change)
        self.pdf = QPushButton(_("Save receipt PDF"), self)
        self.pdf.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pdf.clicked.connect(lambda: self.receipt_pdf_requested.emit(self.sale_id))
        self.print = QPushButton(_("Print receipt"), self)
        self.print.setToolTip("Ctrl+P")
        self.print.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.print.clicked.connect(lambda: self.receipt_print_requested.emit(self.sale_id))
        self.next = QPushButton(_("Next customer"), self)
        self.next.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next.clicked.connect(self.dismissed.emit)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.print)
        receipt_row.addWidget(self.pdf)
        layout.addLayout(receipt_row)
        layout.addWidget(self.next)

    def show_result(self, result: SaleResult) -> None:
        fmt = self.fmt
        self.sale_id = result.sale_id
        self.title.setText(_("Sale %1 done").replace("%1", result.receipt_no))
        self.paid.setText(fmt.money(result.paid))
        member = result.balance is not None
        self.earned.setText("+" + fmt.points(result.priced.points_earned) if member else "—")
        self.redeemed.setText(fmt.points(result.priced.points_spent) if member else "—")  # the bill's and the gifts'
        self.balance.setText(fmt.points(result.balance) if member else "—")
        self.change.setText(fmt.money(result.change))
