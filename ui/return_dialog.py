"""A return: find the receipt, choose what comes back, give money and points back."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from models.schema import Sale, SaleLine, Staff  # types only
from services.sale import returns
from services.core.errors import InputError
from services.sale.returns import ReturnResult
from services.core.messages import _
from ui.authorise import ManagerPinDialog, authorise
from ui.errors import user_message
from ui.formatting import Formatter


class ReturnDialog(QDialog):
    return_completed = Signal(object)  # ReturnResult

    def __init__(self, fmt: Formatter, staff: Staff, ref: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.staff = staff
        self.sale: Sale | None = None
        self.lines: list[SaleLine] = []
        self.spins: list[QSpinBox] = []
        self.pin_dialog: ManagerPinDialog | None = None
        self.setWindowTitle(_("Return"))
        self.resize(940, 560)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.ref = QLineEdit(ref, self)
        self.ref.setObjectName("BigInput")
        self.ref.setPlaceholderText(_("Receipt number, e.g. T01-000123"))
        self.ref.returnPressed.connect(self.find)
        find = QPushButton(_("Find receipt"), self)
        find.setAutoDefault(False)
        find.clicked.connect(self.find)
        row.addWidget(self.ref, 1)
        row.addWidget(find)
        layout.addLayout(row)
        self.sale_info = QLabel(self)
        self.sale_info.setWordWrap(True)
        layout.addWidget(self.sale_info)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [_("Item"), _("Sold"), _("Returned before"), _("Paid"), _("Return now")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.result = QLabel(self)
        self.result.setObjectName("Big")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.whole_button = QPushButton(_("Whole sale"), self)
        self.whole_button.setAutoDefault(False)
        self.whole_button.clicked.connect(self.select_all)
        close = QPushButton(_("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.return_button = QPushButton(_("Return selected (manager)"), self)
        self.return_button.setObjectName("Primary")
        self.return_button.setAutoDefault(False)
        self.return_button.clicked.connect(self.do_return)
        buttons.addWidget(self.whole_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.return_button)
        layout.addLayout(buttons)
        self._enable()
        if ref:
            self.find()
        else:
            self.ref.setFocus()

    def _enable(self) -> None:
        has_any = any(spin.maximum() for spin in self.spins)
        self.whole_button.setEnabled(has_any)
        self.return_button.setEnabled(has_any)

    def find(self) -> None:
        self.error.clear()
        self.result.clear()
        try:
            self.sale = returns.returnable_sale(self.ref.text())  # an imported receipt says so here, not at Return
        except InputError as exc:
            self.sale = None
            self.error.setText(user_message(exc))
            self._fill([])
            return
        self._fill(returns.sale_lines(self.sale))

    def _fill(self, pairs: list[tuple[SaleLine, int]]) -> None:
        self.lines = [line for line, _unused in pairs]
        self.spins = []
        self.table.setRowCount(len(pairs))
        for row, (line, before) in enumerate(pairs):
            cells = [line.name, str(line.qty), str(before), self.fmt.money(line.gross - line.discount - line.points_value)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            spin = QSpinBox(self.table)
            spin.setMinimumWidth(110)
            spin.setRange(0, line.qty - before)
            spin.valueChanged.connect(self.preview)
            self.table.setCellWidget(row, 4, spin)
            self.spins.append(spin)
        if self.sale is not None:
            sale = self.sale
            text = _("Receipt %1 of %2: %3, paid %4").replace("%1", sale.receipt_no).replace(
                "%2", self.fmt.date(sale.created_at)).replace("%3", self.fmt.money(sale.total)).replace(
                "%4", self.fmt.money(sale.paid_money))
            if sale.points_redeemed or sale.points_earned:
                text += _("; points used %1, earned %2").replace("%1", self.fmt.points(sale.points_redeemed)).replace(
                    "%2", self.fmt.points(sale.points_earned))
            self.sale_info.setText(text)
        else:
            self.sale_info.clear()
        self._enable()

    def preview(self) -> None:
        """What the chosen items would give back, before the manager confirms."""
        items = self.items()
        if self.sale is None or not items:
            self.result.clear()
            return
        try:
            plan = returns.plan_return(self.sale.receipt_no, items)
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        self.error.clear()
        text = _("Will give back %1.").replace("%1", self.fmt.money(plan.refund))
        if self.sale.member_id:
            text += " " + _("Points to take back %1, to give back %2.").replace(
                "%1", self.fmt.points(plan.points_reversed)).replace("%2", self.fmt.points(plan.points_restored))
        self.result.setText(text)

    def select_all(self) -> None:
        for spin in self.spins:
            spin.setValue(spin.maximum())

    def take_scan(self, code: str) -> None:
        """A product scanned during a return counts one more of it."""
        for line, spin in zip(self.lines, self.spins):
            if line.barcode == code and spin.value() < spin.maximum():
                spin.setValue(spin.value() + 1)
                return
        self.error.setText(_("That item is not left to return on this receipt."))

    def items(self) -> dict[str, int]:
        wanted: dict[str, int] = {}
        for line, spin in zip(self.lines, self.spins):
            if spin.value():
                wanted[line.barcode] = wanted.get(line.barcode, 0) + spin.value()
        return wanted

    def do_return(self) -> None:
        self.error.clear()
        if self.sale is None:
            return
        items = self.items()
        if not items:
            self.error.setText(_("Set how many of which items come back, or press Whole sale."))
            return
        receipt = self.sale.receipt_no
        self.pin_dialog = authorise(
            self, "return",
            lambda who: returns.return_items(receipt, items, actor=self.staff, authoriser=who),
            self._done, self.error.setText,
        )

    def _done(self, result: ReturnResult) -> None:
        fmt = self.fmt
        if result.refund_method == "mixed":
            text = _("Give back %1: %2 to the card, %3 in cash.").replace("%1", fmt.money(result.refund)).replace(
                "%2", fmt.money(result.refund_card)).replace("%3", fmt.money(result.refund_cash))
        else:
            how = _("in cash") if result.refund_method == "cash" else _("to the card")
            text = _("Give back %1 %2.").replace("%1", fmt.money(result.refund)).replace("%2", how)
        if result.balance is not None:
            text += " " + _("Points taken back %1, given back %2; balance now %3.").replace(
                "%1", fmt.points(result.points_reversed)).replace("%2", fmt.points(result.points_restored)).replace(
                "%3", fmt.points(result.balance))
        self.find()
        self.result.setText(text)
        self.return_completed.emit(result)
