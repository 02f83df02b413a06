"""The customer's own screen: a frameless window on the second monitor, facing the customer.

While the cashier sells it follows the sale (each line, the total, the points the sale
earns and spends and what the member will have left); after payment it thanks them and
asks the two questions with big touch buttons — "Would you recommend us to a friend?"
0-10, then "How was your visit today?" 1-5 (services.reach.feedback keeps the answers;
ui/feedback_asker.py decides when to ask and writes them).

It never takes the keyboard from the cashier (it does not accept focus), and it is given
its screen or a rectangle (`target`), so a test on one offscreen screen can stand it up
where a second monitor would be.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget,
)

from services.core.messages import _
from services.programme.pricing import PricedCart
from services.sale.checkout import SaleResult
from ui.formatting import Formatter

INK, MUTED, ACCENT, GOOD, BACK = "#1f2933", "#616e7c", "#0b6e99", "#13854e", "#eef2f6"

STYLE = f"""
QWidget#CustomerDisplay {{ background: {BACK}; }}
QLabel {{ color: {INK}; }}
QLabel#ShopName {{ font-size: 26px; font-weight: bold; color: {ACCENT}; }}
QLabel#Greeting {{ font-size: 22px; color: {MUTED}; }}
QLabel#LineName {{ font-size: 22px; }}
QLabel#LineSum {{ font-size: 22px; font-weight: bold; }}
QLabel#Caption {{ font-size: 20px; color: {MUTED}; }}
QLabel#ToPay {{ font-size: 64px; font-weight: bold; }}
QLabel#Points {{ font-size: 22px; color: {GOOD}; font-weight: bold; }}
QLabel#Question {{ font-size: 38px; font-weight: bold; }}
QLabel#Thanks {{ font-size: 30px; font-weight: bold; color: {GOOD}; }}
QLabel#Scale {{ font-size: 18px; color: {MUTED}; }}
QFrame#Card {{ background: white; border: 1px solid #d9e2ec; border-radius: 14px; }}
QPushButton#Answer {{ font-size: 34px; font-weight: bold; min-width: 60px; min-height: 96px; border-radius: 14px;
    background: white; border: 2px solid #bcccdc; }}
QPushButton#Answer:pressed {{ background: #d7ecf7; border-color: {ACCENT}; }}
"""

SHOWN_LINES = 9  # the newest lines a customer can read from across the counter; older ones are counted


def _label(text: str, name: str, parent: QWidget, *, wrap: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class _AnswerRow(QWidget):
    """A row of big numbered buttons and the words at its two ends."""

    chosen = Signal(int)

    def __init__(self, low: int, high: int, low_words: str, high_words: str, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(10)
        self.buttons: dict[int, QPushButton] = {}
        for column, value in enumerate(range(low, high + 1)):
            button = QPushButton(str(value), self)
            button.setObjectName("Answer")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, v=value: self.chosen.emit(v))
            layout.addWidget(button, 0, column)
            self.buttons[value] = button
        count = high - low + 1
        left = _label(low_words, "Scale", self)
        right = _label(high_words, "Scale", self)
        right.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(left, 1, 0, 1, count // 2)
        layout.addWidget(right, 1, count - count // 2, 1, count // 2)


class CustomerDisplay(QWidget):
    """The window on the customer's screen; pages: the sale, a question, thanks."""

    nps_chosen = Signal(int)
    csat_chosen = Signal(int)

    def __init__(self, fmt: Formatter, target: QScreen | QRect, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("CustomerDisplay")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(_("Customer display"))
        self.fmt = fmt
        self.target = target
        outer = QVBoxLayout(self)
        outer.setContentsMargins(36, 24, 36, 28)
        outer.setSpacing(14)
        top = QHBoxLayout()
        top.addWidget(_label(shop_name, "ShopName", self))
        top.addStretch(1)
        self.greeting = _label("", "Greeting", self)
        top.addWidget(self.greeting)
        outer.addLayout(top)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)
        self.pages.addWidget(self._sale_page())
        self.pages.addWidget(self._question_page())
        self.pages.addWidget(self._thanks_page())
        self.nps_row.chosen.connect(self.nps_chosen)
        self.csat_row.chosen.connect(self.csat_chosen)
        self.show_sale(None, None)

    # --- pages ------------------------------------------------------------------------------

    def _sale_page(self) -> QWidget:
        page = QWidget(self)
        layout = QHBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(24)
        lines_card = QFrame(page)
        lines_card.setObjectName("Card")
        self.lines = QGridLayout(lines_card)
        self.lines.setContentsMargins(22, 16, 22, 16)
        self.lines.setVerticalSpacing(8)
        layout.addWidget(lines_card, 3)
        side = QFrame(page)
        side.setObjectName("Card")
        right = QVBoxLayout(side)
        right.setContentsMargins(22, 18, 22, 18)
        right.addWidget(_label(_("To pay"), "Caption", side))
        self.to_pay = _label("", "ToPay", side)
        self.to_pay.setAlignment(Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.to_pay)
        self.savings = _label("", "Caption", side, wrap=True)
        right.addWidget(self.savings)
        right.addSpacing(16)
        self.points = _label("", "Points", side, wrap=True)
        right.addWidget(self.points)
        right.addStretch(1)
        layout.addWidget(side, 2)
        return page

    def _question_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        self.paid = _label("", "Thanks", page, wrap=True)
        layout.addWidget(self.paid)
        self.paid_points = _label("", "Points", page, wrap=True)
        layout.addWidget(self.paid_points)
        layout.addStretch(1)
        card = QFrame(page)
        card.setObjectName("Card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(26, 22, 26, 22)
        inner.setSpacing(18)
        self.question = _label("", "Question", card, wrap=True)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.question)
        self.answers = QStackedWidget(card)
        self.nps_row = _AnswerRow(0, 10, _("Not at all likely"), _("Extremely likely"), card)
        self.csat_row = _AnswerRow(1, 5, _("Very poor"), _("Excellent"), card)
        self.answers.addWidget(self.nps_row)
        self.answers.addWidget(self.csat_row)
        inner.addWidget(self.answers)
        layout.addWidget(card)
        layout.addStretch(1)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.thanks = _label("", "Question", page, wrap=True)
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.thanks)
        layout.addStretch(2)
        return page

    # --- what it shows ----------------------------------------------------------------------

    def place(self) -> None:
        """On its screen, filling it (a rectangle given: exactly there)."""
        if isinstance(self.target, QScreen):
            self.setScreen(self.target)
            self.setGeometry(self.target.geometry())
            self.showFullScreen()
        else:
            self.setGeometry(self.target)
            self.show()

    def page(self) -> str:
        return ("sale", "question", "thanks")[self.pages.currentIndex()]

    def show_sale(self, priced: PricedCart | None, member: Any) -> None:
        """The sale as it stands: the newest lines, the total, the points (a member's)."""
        self.pages.setCurrentIndex(0)
        while self.lines.count():
            item = self.lines.takeAt(0)
            if item.widget() is not None:  # gone from the screen now, deleted when Qt next can
                item.widget().hide()
                item.widget().deleteLater()
        lines = list(priced.lines) if priced is not None else []
        parent = self.lines.parentWidget()
        if not lines:
            welcome = _label(_("Welcome!"), "Question", parent)
            welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.lines.addWidget(welcome, 0, 0)
        hidden = max(0, len(lines) - SHOWN_LINES)
        if hidden:
            self.lines.addWidget(_label(_("… and %1 more above").replace("%1", str(hidden)), "Caption", parent), 0, 0)
        for row, line in enumerate(lines[hidden:], start=1):
            qty = self.fmt.weight(line.line.grams) if line.line.grams else (f"{line.line.qty} ×" if line.line.qty > 1 else "")
            name = _label(f"{qty} {line.line.name}".strip(), "LineName", parent)
            amount = _label(self.fmt.money(line.net), "LineSum", parent)
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.lines.addWidget(name, row, 0)
            self.lines.addWidget(amount, row, 1)
        self.lines.setColumnStretch(0, 1)
        self.lines.setRowStretch(SHOWN_LINES + 2, 1)
        self.to_pay.setText(self.fmt.money(priced.to_pay if priced else 0))
        saved = (priced.discount if priced else 0)
        self.savings.setText(_("You save %1").replace("%1", self.fmt.money(saved)) if saved else "")
        self.greeting.setText(_("Hello, %1!").replace("%1", _first_name(member.name)) if member is not None else "")
        if member is not None and priced is not None:
            left = int(member.balance) - priced.points_spent  # the bill's points and the gifts' (as the member panel)
            parts = [_("Points for this purchase: +%1").replace("%1", self.fmt.points(priced.points_issued))]
            parts += self._spent(priced)
            parts.append(_("Points left: %1").replace("%1", self.fmt.points(left)))
            self.points.setText("\n".join(parts))
        else:
            self.points.setText(_("Scan your loyalty card to earn points.") if lines else "")

    def show_paid(self, result: SaleResult) -> None:
        """After payment: thanks, the points of the sale, and the NPS question."""
        self.paid.setText(_("Thank you! Paid %1.").replace("%1", self.fmt.money(result.paid)))
        priced = result.priced
        if result.balance is not None:
            parts = [_("Points for this purchase: +%1").replace("%1", self.fmt.points(priced.points_issued))]
            parts += self._spent(priced)
            parts.append(_("Your points now: %1").replace("%1", self.fmt.points(result.balance)))
            self.paid_points.setText("\n".join(parts))  # one line each: none broken across two
        else:
            self.paid_points.setText("")
        self.ask_nps()

    def _spent(self, priced: PricedCart) -> list[str]:
        """The points the sale takes: those paying the bill, and those the gifts cost, each on its own."""
        parts = []
        if priced.points_redeemed:
            parts.append(_("Paid with points: %1").replace("%1", self.fmt.points(priced.points_redeemed)))
        if priced.points_rewarded:
            parts.append(_("Gifts for points: %1").replace("%1", self.fmt.points(priced.points_rewarded)))
        return parts

    def ask_nps(self) -> None:
        self.pages.setCurrentIndex(1)
        self.question.setText(_("Would you recommend us to a friend?"))
        self.answers.setCurrentWidget(self.nps_row)

    def ask_csat(self) -> None:
        self.pages.setCurrentIndex(1)
        self.question.setText(_("How was your visit today?"))
        self.answers.setCurrentWidget(self.csat_row)

    def asking(self) -> str | None:
        """"nps" or "csat" while a question is on screen, else None."""
        if self.pages.currentIndex() != 1:
            return None
        return "nps" if self.answers.currentWidget() is self.nps_row else "csat"

    def thank(self) -> None:
        self.pages.setCurrentIndex(2)
        self.thanks.setText(_("Thank you for your answer!"))


def _first_name(name: str) -> str:
    """What a screen facing the queue may say of a member: the first word of the name only."""
    return (name or "").split()[0] if (name or "").split() else ""
