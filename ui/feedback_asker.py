"""Asking for feedback after payment, without ever holding up the next customer.

After a sale (every Nth, as the owner set: services.reach.feedback.asking) the questions go
to the customer's own screen when a second one is connected (ui/customer_display.py: big
touch buttons), else to a small strip over the bottom of the cashier's cart: the cashier
reads the question out and clicks (touches) the answer the customer says on the strip's own
buttons, or presses Alt+digit (Alt+0, Alt+2..9 at once; Alt+1 waits while Alt is held for a
0 to make 10), then the 1-5 one; Esc skips.  The till's typing is never the strip's: plain
keys (a code typed by hand, a quantity, Enter) go to the scan field as always, and Alt+digit
is free while the strip asks (the offers' Alt+1..3, ui/offer_panel.py, only exist with a
member on a new sale, which dismisses the strip).  The strip is not modal: a scan, a new
line on the sale or a member's card dismisses it, keeping whatever was answered.
The answers are written in the background (ui.operations).

The window knows it by one line (`attach_feedback(window)` in ui/cashier.py); everything
else hangs on the window's own signals: `panels_redrawn`, `sale_completed` and the scanner's
`code_scanned`.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.core.messages import _
from services.reach import feedback
from services.sale.checkout import SaleResult
from ui import operations
from ui.customer_display import CustomerDisplay
from ui.errors import user_message

log = logging.getLogger("loyaltill.ui")

DIGITS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(10)}
ALT = (Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.KeypadModifier)
THANKS_MS = 4000  # the customer's screen says thank you this long, then welcomes the next


class FeedbackStrip(QFrame):
    """The cashier's strip: the question, what was pressed, a button for each answer and Skip,
    and the keys that answer it.  Its buttons never take the focus: the scan field keeps it."""

    chosen = Signal(int)  # an answer's button clicked
    skipped = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("FeedbackStrip")
        self.setStyleSheet("QFrame#FeedbackStrip { background: #fffbea; border: 2px solid #f0b429; border-radius: 10px; }"
                           " QLabel { background: transparent; }"
                           " QLabel#StripQuestion { font-size: 17px; font-weight: bold; }"
                           " QLabel#StripKeys { color: #616e7c; font-size: 13px; }"
                           " QLabel#StripTyped { font-size: 22px; font-weight: bold; color: #0b6e99; min-width: 36px; }"
                           " QPushButton#StripAnswer { font-size: 16px; font-weight: bold; min-width: 34px; min-height: 34px;"
                           " padding: 0 4px; background: white; border: 1px solid #bcccdc; border-radius: 6px; }"
                           " QPushButton#StripAnswer:pressed { background: #d7ecf7; border-color: #0b6e99; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 8, 14, 8)
        outer.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(14)
        self.question = QLabel(self)
        self.question.setObjectName("StripQuestion")
        self.typed = QLabel(self)
        self.typed.setObjectName("StripTyped")
        self.skip = QPushButton(_("Skip (Esc)"), self)
        self.skip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.skip.clicked.connect(self.skipped)
        top.addWidget(self.question)
        top.addWidget(self.typed)
        top.addStretch(1)
        top.addWidget(self.skip)
        outer.addLayout(top)
        bottom = QHBoxLayout()
        bottom.setSpacing(4)
        self.buttons: dict[int, QPushButton] = {}
        for value in range(11):
            button = QPushButton(str(value), self)
            button.setObjectName("StripAnswer")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click answers; the scan field keeps the keyboard
            button.clicked.connect(lambda _=False, v=value: self.chosen.emit(v))
            bottom.addWidget(button)
            self.buttons[value] = button
        self.keys = QLabel(self)
        self.keys.setObjectName("StripKeys")
        self.keys.setWordWrap(True)
        bottom.addWidget(self.keys, 1)
        outer.addLayout(bottom)
        self.hide()

    def show_question(self, which: str, typed: str = "") -> None:
        if which == "nps":
            self.question.setText(_("Ask: would you recommend us to a friend? 0–10"))
            self.keys.setText(_("Click the answer, or Alt+digit (hold Alt: 1 0 for 10) · "
                                "typing and scans go on as usual"))
        elif which == "csat":
            self.question.setText(_("Ask: how was your visit today? 1–5"))
            self.keys.setText(_("Click the answer, or Alt+1 to Alt+5 · typing and scans go on as usual"))
        else:  # on the customer's screen
            self.question.setText(_("The customer is answering on their screen."))
            self.keys.setText(_("Esc: skip · the next scan goes on as usual"))
        low, high = {"nps": (0, 10), "csat": (1, 5)}.get(which, (1, 0))
        for value, button in self.buttons.items():
            button.setVisible(low <= value <= high)
        self.keys.setContentsMargins(10 if low <= high else 0, 0, 0, 0)  # apart from the buttons, when there are any
        self.typed.setText(typed)
        self.typed.setVisible(which in ("nps", "csat"))
        self.show()
        self.raise_()


class FeedbackAsker(QObject):
    """The questions after payment, on the customer's screen or the cashier's strip."""

    asked = Signal(str)  # "display" or "strip"
    dismissed = Signal()  # the questions went away (answered, skipped or a new sale began)
    saved = Signal(object)  # the answer's id, once written

    def __init__(self, window: Any, display_target: QScreen | QRect | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.strip = FeedbackStrip(window.centralWidget())
        self.strip.chosen.connect(self._chosen)
        self.strip.skipped.connect(self.skip)
        self.display: CustomerDisplay | None = None
        self.pending: dict[str, Any] | None = None  # the sale being asked about and what was answered
        self.where = ""  # "display" or "strip" while asking
        self.typed = ""  # an Alt+1 waiting: 1, or 10?
        self._thanks = QTimer(self)
        self._thanks.setSingleShot(True)
        self._thanks.timeout.connect(self._welcome)
        window.panels_redrawn.connect(self._redrawn)
        window.sale_completed.connect(self._sale_completed)
        window.scanner.code_scanned.connect(lambda _code: self.dismiss())
        window.input.installEventFilter(self)
        window.table.installEventFilter(self)  # its size: the strip lies over its bottom edge
        self.use_display(display_target if display_target is not None else second_screen(window))
        app = QGuiApplication.instance()
        if display_target is None and isinstance(app, QGuiApplication):  # a monitor plugged in or out meanwhile
            app.screenAdded.connect(self._screen_added)
            app.screenRemoved.connect(self._screen_removed)

    def _screen_added(self, _screen: QScreen) -> None:
        if self.display is None:
            self.use_display(second_screen(self.window))

    def _screen_removed(self, screen: QScreen) -> None:
        if self.display is not None and self.display.target is screen:
            self.use_display(second_screen(self.window, without=screen))

    # --- the customer's screen ------------------------------------------------------------

    def use_display(self, target: QScreen | QRect | None) -> None:
        """Show the customer's screen there (None: no second screen, the strip asks)."""
        if self.display is not None:
            self.display.close()
            self.display.deleteLater()
            self.display = None
        if target is None:
            if self.pending is not None and self.where == "display":  # unplugged mid-question: the strip asks on
                self.where = "strip"
                self.strip.show_question(self.asking() or "nps")
                self._place_strip()
            return
        # The cashier's window owns it: it goes when the window goes (closed, or rebuilt by new settings).
        self.display = CustomerDisplay(self.window.fmt, target, self.window.info.name, self.window)
        self.display.nps_chosen.connect(lambda value: self.answer("nps", value))
        self.display.csat_chosen.connect(lambda value: self.answer("csat", value))
        self.display.place()
        self._redrawn()

    def close(self) -> None:
        self.use_display(None)

    # --- the window's events ----------------------------------------------------------------

    def _redrawn(self) -> None:
        window = self.window
        if window.cart.lines or window.cart.member is not None:
            self._thanks.stop()
            self.dismiss()  # a new sale began: the question is over
        if self.display is not None and self.pending is None and not self._thanks.isActive():
            self.display.show_sale(window.priced if window.cart.lines else None, window.cart.member)

    def _sale_completed(self, result: SaleResult) -> None:
        self.dismiss()
        try:
            ask = feedback.should_ask(result.receipt_no)
        except Exception:  # the setting could not be read: the sale is done, the question is not worth a bug box
            log.exception("could not read whether to ask for feedback")
            return
        if not ask:
            return
        self.pending = {"sale_id": result.sale_id, "nps": None, "csat": None}
        self.typed = ""
        if self.display is not None:
            self.where = "display"
            self.display.show_paid(result)
            self.strip.show_question("display")
        else:
            self.where = "strip"
            self.strip.show_question("nps")
        self._place_strip()
        self.asked.emit(self.where)

    def asking(self) -> str | None:
        """"nps" or "csat" while a question waits for its answer, else None."""
        if self.pending is None:
            return None
        return "nps" if self.pending["nps"] is None else "csat"

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        window = self.window
        if obj is window.table and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place_strip()
            return False
        if obj not in (window.input, window.table) or self.pending is None:
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            return False
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if kind == QEvent.Type.KeyRelease:
            if key == Qt.Key.Key_Alt and self.typed:  # Alt+1 and Alt let go: the answer was 1
                self._settle_one()
            return False
        if key == Qt.Key.Key_Escape:
            if kind == QEvent.Type.ShortcutOverride:  # the strip's Esc, not the window's
                event.accept()
                return True
            self.skip()
            return True
        # Only Alt+digit answers: a plain key is the till's (a code typed by hand, a quantity, Enter).
        if self.where != "strip" or key not in DIGITS or event.modifiers() not in ALT:
            if self.typed and kind == QEvent.Type.KeyPress and key != Qt.Key.Key_Alt:
                self._settle_one()  # the cashier went on: the Alt+1 stood alone
            return False
        if kind == QEvent.Type.ShortcutOverride:  # the strip's Alt+digit, not a window shortcut's
            event.accept()
            return True
        self._digit(DIGITS[key])
        return True

    def _settle_one(self) -> None:
        if self.typed == "1":
            self.typed = ""
            self.answer("nps", 1)

    def _chosen(self, value: int) -> None:
        """An answer's button on the strip."""
        self.typed = ""
        self.answer(self.asking() or "", value)

    def _digit(self, digit: int) -> None:
        question = self.asking()
        if question == "csat":
            if 1 <= digit <= 5:
                self.answer("csat", digit)
            return
        if self.typed == "1":
            self.typed = ""
            if digit == 0:
                self.answer("nps", 10)
            else:  # Alt+1 then another digit: the 1 stood alone, the digit is the next answer's
                self.answer("nps", 1)
                self._digit(digit)
            return
        if digit == 1:
            self.typed = "1"
            self.strip.show_question("nps", "1…")
            return
        self.answer("nps", digit)

    # --- answers -----------------------------------------------------------------------------

    def answer(self, which: str, value: int) -> None:
        if self.pending is None or self.asking() != which:
            return
        self.pending[which] = value
        if which == "nps":
            if self.where == "display" and self.display is not None:
                self.display.ask_csat()
            else:
                self.strip.show_question("csat")
            return
        self._finish()

    def skip(self) -> None:
        """Esc: no (more) answers; what was answered is kept."""
        self.dismiss()

    def dismiss(self) -> None:
        """The questions go away; an answer already given is written."""
        if self.pending is None:
            return
        self._finish(thank=False)

    def _finish(self, thank: bool = True) -> None:
        if self.typed == "1" and self.pending is not None and self.pending["nps"] is None:
            self.pending["nps"] = 1  # Alt+1, then the strip went away before Alt was let go: the answer was 1
        pending, self.pending = self.pending, None
        source = "display" if self.where == "display" else "till"
        self.where, self.typed = "", ""
        self.strip.hide()
        if self.display is not None:
            if thank and pending and pending["nps"] is not None:
                self.display.thank()
                self._thanks.start(THANKS_MS)
            else:
                self._thanks.stop()
                self._welcome()
        self.dismissed.emit()
        if pending is None or (pending["nps"] is None and pending["csat"] is None):
            return
        staff = self.window.staff
        operations.run(self.window, lambda: feedback.record(
            source=source, nps=pending["nps"], csat=pending["csat"], sale=pending["sale_id"], actor=staff).id,
            lambda row_id: self.saved.emit(row_id), self._not_saved)

    def _not_saved(self, exc: BaseException) -> None:
        from services.core.errors import InputError

        if isinstance(exc, InputError):  # the answer only: the sale is saved whatever happens here
            self.window.say(_("The customer's answer was not kept: %1").replace("%1", user_message(exc)), "warn")
        else:
            operations.show_failure(self.window, exc)

    def _welcome(self) -> None:
        window = self.window
        if self.display is not None and self.pending is None:
            self.display.show_sale(window.priced if window.cart.lines else None, window.cart.member)

    def _place_strip(self) -> None:
        table = self.window.table
        if not self.strip.isVisible():
            return
        height = max(56, self.strip.sizeHint().height())
        top_left = table.mapTo(self.window.centralWidget(), table.rect().bottomLeft())
        self.strip.setGeometry(QRect(top_left.x() + 8, top_left.y() - height - 8, table.width() - 16, height))
        self.strip.raise_()


def second_screen(window: QWidget, without: QScreen | None = None) -> QScreen | None:
    """The screen the customer faces: any but the one the cashier's window is on (and `without`,
    a screen going away)."""
    screens = [s for s in QGuiApplication.screens() if s is not without]
    if len(screens) < 2:
        return None
    own = window.screen() if window.screen() is not None else QGuiApplication.primaryScreen()
    others = [s for s in screens if s is not own]
    return others[0] if others else None


def attach_feedback(window: Any) -> FeedbackAsker:
    return FeedbackAsker(window)
