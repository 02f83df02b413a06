"""Personal offers for the member just scanned: up to three, each applied with Alt+1..3 (issue 14).

Worked out on a worker (services.reach.offers.suggest) once the member is on the sale:
the scan shows the member at once and the offers follow.  What lands for a member no
longer on the sale is dropped; the panel empties and hides when the member goes.
Applying one puts its product on the sale (goods due, companions) or presents its
coupon (the session's own add_product / add_coupon, through the window's `_act`, so an
error is said like any other).  The rules of goods bought together are counted again
in the background when they are due (services.reach.baskets.refresh, checked when the
window opens and after each sale), never for a scan.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from models.schema import Member
from services.core.errors import InputError
from services.core.messages import _
from services.reach import baskets, offers
from services.reach.offers import Suggestion
from ui import operations
from ui.style import ACCENT, GOOD, INK, LINE, MUTED

KEYS = ("Alt+1", "Alt+2", "Alt+3")  # no clash: ui/cashier.py's shortcuts use F-keys, Ctrl, Del and Esc
ROW_HEIGHT = 78  # a key line and three lines of text: fits the cart's column on a 1366x768 screen

_STYLE = f"""
QPushButton#Offer {{ text-align: left; padding: 0; background: #eef7fb; border: 1px solid #b3d7e8;
    border-left: 4px solid {ACCENT}; border-radius: 8px; }}
QPushButton#Offer:hover {{ background: #e0f0f8; }}
QPushButton#Offer:disabled {{ background: #f5f7fa; border-color: {LINE}; border-left: 4px solid {GOOD}; }}
QLabel#OfferKey {{ color: {ACCENT}; font-size: 12px; font-weight: bold; }}
QLabel#OfferText {{ color: {INK}; font-size: 13px; }}
QLabel#OfferText[done="true"] {{ color: {MUTED}; }}
"""


def kind_name(kind: str) -> str:
    return {"due": _("Due again"), "companion": _("Goes with"), "coupon": _("Coupon")}.get(kind, kind)


class OfferRow(QPushButton):
    """One suggestion: its key and kind, the sentence; pressed (or its key) applies it."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Offer")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the input line keeps the keyboard
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)  # one or two offers keep their places, not the whole width
        self.setSizePolicy(policy)
        self.key_text = key
        self.suggestion: Suggestion | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 8, 4)
        layout.setSpacing(1)
        self.key = QLabel(key, self)
        self.key.setObjectName("OfferKey")
        layout.addWidget(self.key)
        self.text = QLabel(self)
        self.text.setObjectName("OfferText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        for label in (self.key, self.text):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def show_suggestion(self, suggestion: Suggestion) -> None:
        self.suggestion = suggestion
        self.key.setText(f"{self.key_text} · {kind_name(suggestion.kind)}")
        self.text.setText(suggestion.text)
        self.setEnabled(True)
        self._restyle(False)
        self.setToolTip(suggestion.text)

    # One height whatever the sentence: not the wrapped label's (its height for the width), nor
    # the stylesheet's min-height; three lines of text fit.
    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), ROW_HEIGHT)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return False

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return ROW_HEIGHT

    def mark_done(self) -> None:
        """Applied (or already on the sale): shown, not to be applied twice."""
        if self.suggestion is not None and self.isEnabled():
            self.key.setText("✓ " + kind_name(self.suggestion.kind))
            self.setEnabled(False)
            self._restyle(True)

    def _restyle(self, done: bool) -> None:
        if self.text.property("done") != done:
            self.text.setProperty("done", done)
            self.text.style().unpolish(self.text)
            self.text.style().polish(self.text)


class OfferPanel(QFrame):
    offers_shown = Signal(object)  # list[Suggestion] now on screen (empty: none for this member)
    offer_applied = Signal(object)  # the Suggestion applied

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Offers")
        self.setStyleSheet(_STYLE)
        self.member_id: uuid.UUID | None = None  # whose offers are shown or on their way
        self.asked = 0  # the number of the last request: an older answer is dropped
        self.window: Any = None
        layout = QHBoxLayout(self)  # a strip above the quick keys: the member panel's column is full
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.rows: list[OfferRow] = []
        for index, key in enumerate(KEYS):
            row = OfferRow(key, self)
            row.clicked.connect(lambda _=False, i=index: self.apply(i))
            layout.addWidget(row, 1)
            self.rows.append(row)
        self.hide()

    # --- following the window ---------------------------------------------------------------------

    def follow(self, window: Any) -> None:
        """Hook the cashier's window: a member found asks for offers; every redraw checks the
        member is still there and what is already on the sale; Alt+1..3 apply."""
        self.window = window
        window.member_found.connect(self.member_scanned)
        window.panels_redrawn.connect(self.sale_changed)
        window.sale_completed.connect(lambda _: self._refresh_rules())  # a till open all day counts again when due
        for index, key in enumerate(KEYS):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.activated.connect(lambda i=index: self.apply(i))
        self._refresh_rules()

    def member_scanned(self, member: Member | None) -> None:
        if member is None:
            self.clear()
            return
        if member.id == self.member_id and self.isVisible():
            return  # the same card again: the offers stand
        self.clear()
        self.member_id = member.id
        self.asked += 1
        asked = self.asked
        window = self.window
        session = window.session
        barcodes = [line.barcode for line in window.cart.lines]
        held = [c.code for c in window.cart.coupons]
        rules, now, zone = session.rules, window.now(), window.info.zone
        operations.run(self, lambda: _work(member, barcodes, held, rules, now, zone),
                       success=lambda found: self._landed(asked, member.id, found),
                       failure=self._failed)

    def sale_changed(self) -> None:
        if self.window is None:
            return
        member = self.window.cart.member
        if member is None or member.id != self.member_id:
            if self.member_id is not None:
                self.clear()
            return
        on_sale = {line.barcode for line in self.window.cart.lines}
        codes = {c.code for c in self.window.cart.coupons}
        for row in self.rows:
            s = row.suggestion
            if s is not None and (s.barcode in on_sale or s.coupon in codes):
                row.mark_done()

    # --- drawing ------------------------------------------------------------------------------------

    def clear(self) -> None:
        self.member_id = None
        self.asked += 1  # whatever is on its way is for someone else now
        for row in self.rows:
            row.suggestion = None
            row.hide()
        self.hide()

    def show_offers(self, found: list[Suggestion]) -> None:
        for row, suggestion in zip(self.rows, found):
            row.show_suggestion(suggestion)
            row.show()
        for row in self.rows[len(found):]:
            row.suggestion = None
            row.hide()
        self.setVisible(bool(found))
        self.sale_changed()  # one of them already on the sale: shown done
        self.offers_shown.emit(list(found))

    def _landed(self, asked: int, member_id: uuid.UUID, found: object) -> None:
        if asked != self.asked or member_id != self.member_id:
            return  # the member was dropped or replaced meanwhile
        assert isinstance(found, list)
        self.show_offers(found)

    def _failed(self, exc: BaseException) -> None:
        """Offers are a help, never in the cashier's way: no dialog, the panel hides.  What the
        world did (a locked or damaged file) is a warning in the log; anything else a bug."""
        if isinstance(exc, InputError):
            operations.log.warning("offers not shown: %s", exc)
        else:
            operations.log.error("offers failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.clear()

    # --- applying -------------------------------------------------------------------------------------

    def apply(self, index: int) -> None:
        if index >= len(self.rows) or self.window is None:
            return
        row = self.rows[index]
        suggestion = row.suggestion
        if suggestion is None or not row.isVisible() or not row.isEnabled():
            return
        action: Callable[..., object]
        if suggestion.kind == "coupon" and suggestion.coupon:
            action, value = self.window.add_coupon, suggestion.coupon
        elif suggestion.barcode:
            action, value = self.window.add_product, suggestion.barcode
        else:
            return
        self.window._act(action, value)
        self.sale_changed()
        if not row.isEnabled():
            self.offer_applied.emit(suggestion)

    def _refresh_rules(self) -> None:
        """Count the goods bought together again when due (services.reach.baskets.is_due: the
        sales grew by a twentieth, or a day passed), in the background: when the window opens
        and after each sale (the check itself is two reads, on the worker too)."""
        operations.run(self, lambda: baskets.refresh() if baskets.is_due() else None,
                       success=lambda _: None, failure=lambda exc: operations.log.warning(
                           "goods bought together were not counted: %s", exc))


def _work(member: Member, barcodes: list[str], held: list[str], rules: Any, now: dt.datetime,
          zone: Any) -> list[Suggestion]:
    """On the worker: the offers for this member and this sale."""
    return offers.suggest(member, offers.product_ids(barcodes), now=now, rules=rules, held_coupons=held, zone=zone)
