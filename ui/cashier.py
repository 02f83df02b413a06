"""The cashier's screen: scan, see the member and the bill, take the money.

The sale itself lives in services.sale.session (the same session `main.py
sell` drives); this window lays it out, turns keys and scans into calls on
the session, redraws the panels each Outcome names, and runs what touches
the disk or the network as background operations (ui.operations).
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMainWindow, QMenu, QMessageBox, QStackedWidget, QTableView, QVBoxLayout, QWidget,
)

from models.schema import Member, Staff, utcnow
from services.core.errors import InputError
from services.members import registry as members
from services.printing import printers
from services.programme.pricing import PricedCart
from services.sale import session as sale_session
from services.sale.checkout import Cart, SaleResult, Tender
from services.sale.session import Notice, Outcome, SaleOrder, SaleSession
from services.opening import first_day
from services.shop import catalogue
from services.shop import settings as shop
from services.shop import staff as auth
from services.shop import training
from services.core.messages import _
from ui import operations
from ui.files import save_path
from ui.authorise import ManagerPinDialog, authorise
from ui.cart_table import CartModel
from ui.errors import user_message
from ui.formatting import Formatter, mask_card, role_name
from ui.lock_screen import LockScreen
from ui.training_marks import TrainingMarks, banner as training_banner, title_mark
from ui.member_dialogs import FindMemberDialog, MemberFormDialog
from ui.member_panel import MemberPanel
from ui.occasion_dialog import occasion_line
from ui.offer_panel import OfferPanel
from ui.pay_dialog import PayDialog
from ui.return_dialog import ReturnDialog
from ui.sale_dialogs import DiscountDialog, ParkedDialog, ProductPickerDialog, QuantityDialog, RedeemDialog
from ui.sync_status import SyncStatus
from ui.scanner import ScanDetector
from ui.totals_panel import CompletionPanel, TotalsPanel
from ui.widgets import KeyButton, MessageBar, question

log = logging.getLogger("loyaltill.ui")

# The points' daily run under way, for the program rather than one window: a
# window rebuilt by new settings must not start a second run beside it.
_period = {"running": False}


class CashierWindow(QMainWindow):
    member_found = Signal(object)  # Member
    sale_completed = Signal(object)  # SaleResult
    sale_failed = Signal(object)  # the exception: nothing was written, the sale is still on screen
    panels_redrawn = Signal()  # after every redraw: what tests and the bench wait on
    shop_changed = Signal()  # the owner saved the shop's settings: the window is rebuilt (ui.app.reopen_window)
    period_ran = Signal(object)  # PeriodRun: the points' daily run finished in the background

    def __init__(self, staff: Staff, resources: Path, scanner: ScanDetector | None = None,
                 session: SaleSession | None = None,
                 writer: Callable[[SaleOrder], SaleResult] = sale_session.complete,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__()
        self.now = clock  # naive UTC, as stored; the screen shows it in the shop's time zone
        self.staff = staff
        self.resources = resources
        self.info = shop.shop_info()
        self.till = shop.local_till()
        self.fmt = Formatter(self.info.currency, self.info.locale, self.info.time_zone)
        self.session = session or SaleSession(staff, self.info.card_prefix)
        self.session.card_prefix = self.info.card_prefix  # a sale kept across a rebuild reads the new prefix
        self.rebuilding = False  # set by ui.app.reopen_window: closing then waits for nothing
        self.writer = writer  # writes a sale on a worker thread (tests pass a slow or failing one)
        self.replace_box: QMessageBox | None = None  # the open "another card" question
        self.cancel_box: QMessageBox | None = None  # the open "cancel this sale?" question
        self._replace_candidate: Member | None = None
        self.dialog: QDialog | None = None
        self.import_wizard: QDialog | None = None  # not modal: the till sells while an import runs
        self.report_sources: object | None = None  # where the Reports page counts (None: the services; tests: fakes)
        self.pin_dialog: ManagerPinDialog | None = None
        self.busy = False  # a sale is being written
        self.printing = False  # a receipt is on its way to the printer
        self._waiting_scans: list[str] = []  # scanned while a sale was being written
        self.setWindowTitle(_("LoyalTill — %1").replace("%1", self.info.name))
        self._build()
        self._build_training_and_lock()
        self._shortcuts()
        self.scanner = scanner or ScanDetector(self, prefix=self.info.scan_prefix, suffix=self.info.scan_suffix)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.scanner)
        self.scanner.code_scanned.connect(self.on_scan)
        self.offers.follow(self)
        from ui.feedback_asker import attach_feedback  # NPS and CSAT after payment: the customer's screen or a strip
        self.feedback_asker = attach_feedback(self)
        self.redraw(self.session.reprice())

    # What the session holds, under the names the window has always used.
    @property
    def cart(self) -> Cart:
        return self.session.cart

    @property
    def priced(self) -> PricedCart | None:
        return self.session.priced

    @property
    def rules(self):  # -> Rules
        return self.session.rules

    @property
    def last_sale(self) -> SaleResult | None:
        return self.session.last_sale

    @property
    def current_key(self) -> str | None:
        return self.session.current_key

    @current_key.setter
    def current_key(self, key: str | None) -> None:
        self.session.current_key = key

    # --- layout ---------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget(self)
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 10, 10, 6)
        outer.setSpacing(8)
        columns = QHBoxLayout()
        columns.setSpacing(10)
        outer.addLayout(columns, 1)

        left = QVBoxLayout()
        left.setSpacing(6)
        self.input = QLineEdit(central)
        self.input.setObjectName("ScanInput")
        self.input.setPlaceholderText(_("Scan or type barcode, name, SKU — Enter adds"))
        self.input.returnPressed.connect(lambda: self._act(self.enter_text))
        self.input.installEventFilter(self)
        left.addWidget(self.input)
        self.message = MessageBar(central)
        left.addWidget(self.message)
        self.empty_hint = QLabel(central)  # what to do next on an empty sale screen (a new shop's first)
        self.empty_hint.setObjectName("Empty")
        self.empty_hint.setWordWrap(True)
        left.addWidget(self.empty_hint)
        self.model = CartModel(self.fmt)
        self.table = QTableView(central)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().setDefaultSectionSize(38)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(CartModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.ensurePolished()
        # A weighed line's quantity whole ("0,347 kg"), not cut to "0,34…".
        qty_width = max(56, self.table.fontMetrics().horizontalAdvance(self.fmt.weight(88_888)) + 20)
        for column, width in ((CartModel.QTY, qty_width), (CartModel.PRICE, 110), (CartModel.DISCOUNT, 110),
                              (CartModel.SUM, 120), (CartModel.WHY, 250)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.clicked.connect(self._row_clicked)
        self.table.doubleClicked.connect(lambda _: self._act(self.change_qty))
        left.addWidget(self.table, 1)
        self.offers = OfferPanel(central)  # the member's personal offers, Alt+1..3 (hooked in __init__)
        left.addWidget(self.offers)
        left.addLayout(self._quick_keys(central))
        columns.addLayout(left, 1)

        right_box = QWidget(central)
        right_box.setFixedWidth(430)
        right = QVBoxLayout(right_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(8)
        self.member_panel = MemberPanel(self.fmt, right_box)
        self.member_panel.setMinimumHeight(300)
        right.addWidget(self.member_panel, 1)
        self.right_stack = QStackedWidget(right_box)
        self.totals = TotalsPanel(self.fmt, right_box)
        self.completion = CompletionPanel(self.fmt, right_box)
        self.completion.receipt_pdf_requested.connect(self.save_receipt_pdf)
        self.completion.receipt_print_requested.connect(lambda sale_id: self._act(self.print_receipt, sale_id))
        self.completion.dismissed.connect(lambda: self._act(self.next_customer))
        self.right_stack.addWidget(self.totals)
        self.right_stack.addWidget(self.completion)
        right.addWidget(self.right_stack)
        self.pay_button = KeyButton(_("Pay"), "F12 · Ctrl+Enter", right_box, role="pay")
        self.pay_button.setMinimumHeight(86)
        self.pay_button.clicked.connect(lambda: self._act(self.pay))
        right.addWidget(self.pay_button)
        columns.addWidget(right_box)

        outer.addLayout(self._function_keys(central))
        self._status_bar()

    def _quick_keys(self, parent: QWidget) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(6)
        self.quick_buttons: list[KeyButton] = []
        for index, product in enumerate(catalogue.quick_keys()[:12]):
            button = KeyButton(f"{product.name}\n{self.fmt.money(product.price)}", "", parent, role="quick")
            button.setMinimumHeight(64)
            button.setToolTip(product.name)
            button.clicked.connect(lambda _=False, code=product.barcode: self._act(self.add_product, code))
            grid.addWidget(button, index // 6, index % 6)
            self.quick_buttons.append(button)
        return grid

    def _function_keys(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.buttons: dict[str, KeyButton] = {}
        specs: list[tuple[str, str, str, Callable[[], None], str]] = [
            ("find", _("Find member"), "F2", self.find_member, ""),
            ("new", _("New member"), "F3", self.new_member, ""),
            ("qty", _("Quantity"), "F4", self.change_qty, ""),
            ("remove", _("Remove line"), "Del", self.remove_line, ""),
            ("redeem", _("Redeem points"), "F5", self.redeem_points, ""),
            ("gift", _("Gift for points"), "Ctrl+G", self.take_gift, ""),  # services.programme.rewards
            ("park", _("Park sale"), "F6", self.park, ""),
            ("recall", _("Recall sale"), "F7", self.recall, ""),
            ("discount", _("Discount (manager)"), "F8", self.manual_discount, "manager"),
            ("return", _("Return (manager)"), "F9", self.open_return, "manager"),
            ("escape", _("Clear member / cancel"), "Esc", self.escape, ""),
            ("void", _("Cancel sale"), "Ctrl+Del", self.cancel_sale, ""),
            ("more", _("More…"), "F10", self.show_more, ""),
        ]
        for name, caption, key, slot, role in specs:
            button = KeyButton(caption, key, parent, role=role)
            button.setMinimumHeight(64)
            button.clicked.connect(lambda _=False, s=slot: self._act(s))
            row.addWidget(button)
            self.buttons[name] = button
        return row

    def _shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], None]]] = [
            ("F2", self.find_member), ("F3", self.new_member), ("F4", self.change_qty),
            ("Del", self.remove_line), ("F5", self.redeem_points), ("F6", self.park), ("F7", self.recall),
            ("F8", self.manual_discount), ("F9", self.open_return), ("F12", self.pay),
            ("Ctrl+Return", self.pay), ("Ctrl+Enter", self.pay), ("Esc", self.escape),
            ("Ctrl+Del", self.cancel_sale), ("F10", self.show_more), ("Ctrl+P", self.print_last_receipt),
            ("F11", self.sign_out), ("Ctrl+L", self.lock), ("Ctrl+O", self.record_occasion), ("Ctrl+G", self.take_gift),
        ]
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda s=slot: self._act(s))

    def _status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.status_shop = QLabel(self.info.name, bar)
        self.status_till = QLabel(_("Till %1").replace("%1", self.till.code), bar)
        self.status_staff = QLabel(f"{self.staff.name} · {role_name(self.staff.role)}", bar)
        self.status_sync = SyncStatus(bar)
        from ui.backup_dialog import DailyBackup

        self.daily_backup = DailyBackup(self)  # today's backup, in the background
        self.status_sync.zone = self.info.zone  # "balances as of" in the shop's time
        self.status_sync.render()
        self.clock = QLabel(bar)
        for label in (self.status_shop, self.status_till, self.status_staff):
            bar.addWidget(label)
        bar.addPermanentWidget(self.status_sync)
        bar.addPermanentWidget(self.clock)
        self._tick()
        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start(1000)

    def _tick(self) -> None:
        self.clock.setText(self.fmt.clock(self.now()))  # the shop's time zone, not the PC's

    # --- every action goes through here ------------------------------------------

    def _act(self, action: Callable[..., object], *args: object, over_dialog: bool = False) -> None:
        """Run a cashier's action: clear the last message, redraw what it changed,
        say an InputError, report a bug."""
        if not over_dialog and self._open_dialog() is not None:
            return
        if self.lock_screen.locked:  # the sale is hidden behind the sign-in: no key reaches it
            return
        if self.busy:
            QApplication.beep()
            self.say(_("Still saving the last sale: wait a moment."), "warn")
            return
        self.message.clear()
        try:
            outcome = action(*args)
            if isinstance(outcome, Outcome):
                self.redraw(outcome)
        except InputError as exc:
            self.say(user_message(exc), "error")
        except Exception as exc:  # a bug: log it, keep the sale on screen
            operations.show_failure(self, exc)
        finally:
            if self._open_dialog() is None and not self.lock_screen.locked:
                self.input.setFocus()

    def say(self, text: str, kind: str = "info") -> None:
        self.message.show_message(text, kind)

    def _open_dialog(self) -> QWidget | None:
        widget = QApplication.activeModalWidget()
        return widget if widget is not None and widget is not self else None

    def _show(self, dialog: QDialog, on_accept: Callable[[], object] | None = None) -> QDialog:
        self.dialog = dialog
        if on_accept is not None:
            dialog.accepted.connect(lambda: self._act(on_accept))
        dialog.finished.connect(lambda _: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.input.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """In the input line: Del on an empty line removes the cart line, arrows move in the cart."""
        if obj is self.input and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Delete and not self.input.text():
                self._act(self.remove_line)
                return True
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.model.lines:
                row = self.model.row_of(self.current_key or "")
                row = row + (1 if event.key() == Qt.Key.Key_Down else -1)
                self.current_key = self.model.key_at(max(0, min(len(self.model.lines) - 1, row)))
                self._select_current()
                return True
        return super().eventFilter(obj, event)

    # --- drawing what changed ---------------------------------------------------------

    def redraw(self, outcome: Outcome) -> None:
        """Redraw the panels the outcome names, say its notice, ask its question."""
        if outcome.cart or outcome.member:
            self.right_stack.setCurrentWidget(self.totals)
        if outcome.cart:
            self._close_stale_dialogs()
            priced = self.priced
            self.model.set_priced(priced if self.cart.lines else None)
            self.totals.show_priced(priced)
            self._select_current()
            self._draw_empty_hint()
        if outcome.member or outcome.cart:
            self._draw_member()
        if outcome.notice is not None:
            self.say(self.notice_text(outcome.notice), outcome.notice.kind)
            if outcome.notice.code == "member":
                if isinstance(self.dialog, RedeemDialog) and self.dialog.isVisible():
                    self.dialog.reject()  # it showed the previous member's points
                self.member_found.emit(self.cart.member)
        if outcome.open_return is not None:
            self.open_return(outcome.open_return)
        if outcome.choose_product:
            picker = ProductPickerDialog(self.fmt, list(outcome.choose_product), self)
            qty = outcome.qty
            self._show(picker, lambda: self.add_product(picker.chosen().barcode, qty) if picker.chosen() else None)
        if outcome.replace_member is not None:
            self._ask_replace_member(outcome.replace_member)
        if isinstance(self.dialog, PayDialog) and self.dialog.isVisible() and self.cart.lines:
            self.dialog.set_to_pay(self.session.to_pay)  # a card scanned while paying: the new total
        self.panels_redrawn.emit()

    def _draw_empty_hint(self) -> None:
        """An empty sale says what to do next: in a new shop, where products and members come from."""
        if self.cart.lines:
            self.empty_hint.hide()
            return
        if not first_day.has_products():
            text = _("This shop has no products yet. The owner adds them under More… (F10) → Catalogue, or brings "
                     "a list from a file under More… (F10) → Import; then scan a barcode here.")
        elif not first_day.has_members():
            text = _("Scan a product to start a sale. No members yet: F3 registers the first customer, "
                     "with a card from the pack or a number the till gives.")
        else:
            text = _("Scan a product or a loyalty card to start a sale.")
        self.empty_hint.setText(text)
        self.empty_hint.show()

    def _close_stale_dialogs(self) -> None:
        """A scan changed the sale under a dialog that was opened for the sale as
        it was (a line's quantity, "cancel this sale?"): it closes, unanswered,
        rather than act on what is no longer on screen."""
        for dialog in (self.dialog, self.cancel_box):
            if isinstance(dialog, (QuantityDialog, QMessageBox)) and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected if isinstance(dialog, QuantityDialog)
                            else QMessageBox.StandardButton.No)

    def _draw_member(self) -> None:
        member = self.cart.member
        panel = self.member_panel
        if member is None:
            panel.show_member(None)
        else:
            summary = self.session.member_summary()
            if panel.summary is not summary:
                panel.show_member(summary, self.session.max_redeem, self.rules.point_value)
                panel.show_occasion(occasion_line(member, self.fmt, self.fmt.shop_now(self.now()).date()))
            else:
                panel.set_max_redeem(self.session.max_redeem, self.rules.point_value)
        panel.show_after_sale(self.priced if self.cart.lines else None)

    def notice_text(self, notice: Notice) -> str:
        """The session's notices in the cashier's words."""
        p = notice.params
        texts: dict[str, Callable[[], str]] = {
            "added": lambda: _("Added: %1 (now %2)").replace("%1", str(p["name"])).replace("%2", str(p["qty"])),
            "removed": lambda: _("Removed: %1").replace("%1", str(p["name"])),
            "coupon": lambda: _("Coupon %1: %2").replace("%1", str(p["code"])).replace("%2", str(p["name"])),
            "member": lambda: _("Member: %1").replace("%1", str(p["name"])),
            "member_removed": lambda: _("Member removed from this sale."),
            "member_left_sale": lambda: _("The member was erased or is no longer on this till: the sale is without them."),
            "reward_taken": lambda: _("Gift: %1 for %2.").replace("%1", str(p["name"]))
            .replace("%2", self.fmt.points(int(p["points"]))),
            "redeem_set": lambda: _("%1 will pay part of the bill.").replace("%1", self.fmt.points(int(p["points"]))),
            "manual_discount": lambda: _("Manual discount %1 applied.").replace("%1", self.fmt.percent(int(p["bp"]))),
            "parked": lambda: _("Sale parked. F7 brings it back."),
            "handed_over_parked": lambda: _("%1's sale was parked: F7 brings it back.").replace("%1", str(p["name"])),
            "recalled": lambda: _("Parked sale recalled."),
            "recalled_coupon_dropped": lambda: _("Parked sale recalled; coupon no longer valid: %1.")
            .replace("%1", str(p["coupons"])),
            "cancelled": lambda: _("Sale cancelled."),
            "nothing_found": lambda: _("Nothing found for “%1”.").replace("%1", str(p["text"])),
            "card_misread": lambda: _("Card misread (wrong check digit): scan it again."),
            "points_reset": lambda: user_message(p["error"]) + " " + _("Points to use were reset."),  # type: ignore[arg-type]
        }
        return texts[notice.code]()

    def _select_current(self) -> None:
        row = self.model.row_of(self.current_key or "")
        if row < 0 and self.model.lines:
            row = len(self.model.lines) - 1
            self.current_key = self.model.key_at(row)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _row_clicked(self, index: object) -> None:
        self.current_key = self.model.key_at(self.table.currentIndex().row())

    # --- scans and typing -----------------------------------------------------------

    def on_scan(self, code: str) -> None:
        """A code from the scanner; none is dropped.  An open dialog that takes
        scans gets them (cards only if it takes cards: finding or registering a
        member).  Otherwise the code goes on the sale under whatever dialog is
        open — the payment dialog then shows the new total; only a receipt
        waits for the dialog to close.  While a sale is being written, scans
        wait for it."""
        if self.busy:
            self._waiting_scans.append(code)
            return
        if self.lock_screen.locked:  # nobody is signed in: a scan goes on no one's sale
            QApplication.beep()
            return
        dialog = self._open_dialog()
        if dialog is None:
            self._act(self.handle_code, code)
            return
        kind = members.scan_kind(code, self.info.card_prefix).kind
        taker = self._scan_taker(dialog, kind)
        if taker is not None:
            try:
                taker.take_scan(code)  # type: ignore[attr-defined]
            except Exception as exc:
                operations.show_failure(taker, exc)
            return
        if kind == "receipt":
            QApplication.beep()
            self.say(_("Close the open window first, then scan the receipt again."), "warn")
            return
        self._act(self.handle_code, code, over_dialog=True)

    @staticmethod
    def _scan_taker(dialog: QWidget, kind: str) -> QWidget | None:
        """The open dialog, or the one under it (a PIN box over a return), that
        takes this scan: any code if it takes scans, a card only if it takes cards."""
        widget: QWidget | None = dialog
        while widget is not None:
            if hasattr(widget, "take_scan") and (kind != "card" or getattr(widget, "takes_cards", False)):
                return widget
            widget = widget.parentWidget()
        return None

    def handle_code(self, code: str, qty: int = 1) -> Outcome:
        return self.session.scan(code, qty)

    def enter_text(self) -> Outcome:
        text = self.input.text()
        self.input.clear()
        return self.session.enter(text)

    # --- the sale -----------------------------------------------------------------

    def add_product(self, barcode: str, qty: int = 1) -> None:
        self.redraw(self.session.add_product(barcode, qty))

    def attach_member(self, member: Member) -> Outcome:
        return self.session.attach_member(member)

    def _ask_replace_member(self, member: Member) -> None:
        """Another member's card while one is on the sale: replace only when the
        cashier says so.  More cards while the question is open change whom it
        asks about; the answer acts on the member on the sale at that moment."""
        self._replace_candidate = member
        if self.replace_box is not None and self.replace_box.isVisible():
            self.replace_box.setText(self._replace_question(member))
            return
        parent = self._open_dialog() or self
        box = question(_("Another card"), self._replace_question(member), parent)

        def answered(button: int) -> None:
            candidate, self._replace_candidate = self._replace_candidate, None
            if button == QMessageBox.StandardButton.Yes and candidate is not None:
                self._act(lambda: self.session.attach_member(candidate, replace=True), over_dialog=True)
            elif self.cart.member is not None:
                self.say(_("%1 stays on this sale.").replace("%1", self.cart.member.name), "info")

        box.finished.connect(answered)
        box.open()
        self.replace_box = box

    def _replace_question(self, member: Member) -> str:
        current = self.cart.member
        return _("%1 is on this sale. Put %2 on it instead?").replace(
            "%1", current.name if current else "").replace("%2", member.name)

    def change_qty(self) -> None:
        line = self.session.current_line()
        dialog = QuantityDialog(line.name, line.qty, self)
        self._show(dialog, lambda: self.session.set_qty(line.key, dialog.value()))

    def remove_line(self) -> Outcome:
        return self.session.remove_line()

    def redeem_points(self) -> None:
        if self.cart.member is None:
            raise InputError("redeem_no_member")
        max_points = self.session.max_redeem
        if not max_points:
            self.say(_("No points can be used on this sale."), "warn")
            return
        dialog = RedeemDialog(self.fmt, self.cart.member.balance, max_points, self.cart.redeem or max_points,
                              self.rules.point_value, self.rules.redeem_step, self)
        self._show(dialog, lambda: self.session.set_redeem(dialog.value()))

    def take_gift(self) -> None:
        """Ctrl+G: the member's gifts for points (the product just scanned first, if it is one)."""
        from ui.rewards_ui import GiftDialog

        if self.cart.member is None:
            raise InputError("reward_no_member")
        dialog = GiftDialog(self.session, self.fmt, self)
        self._show(dialog, dialog.take)

    def set_redeem(self, points: int) -> None:
        self.redraw(self.session.set_redeem(points))

    def manual_discount(self) -> None:
        if self.cart.is_empty():
            raise InputError("sale_empty")
        dialog = DiscountDialog(self.cart.manual_discount_bp, self)
        self._show(dialog, lambda: self.set_manual_discount(dialog.value_bp()))

    def set_manual_discount(self, bp: int) -> None:
        self.pin_dialog = authorise(
            self, "manual_discount", lambda who: self.session.set_manual_discount(bp, who),
            self.redraw, lambda text: self.say(text, "error"),
        )

    def park(self) -> Outcome:
        return self.session.park()

    def recall(self) -> None:
        waiting = self.session.parked()
        if not waiting:
            self.say(_("No parked sales."), "info")
            return
        dialog = ParkedDialog(self.fmt, waiting, self)

        def take() -> Outcome | None:
            chosen = dialog.chosen()
            return self.session.recall(chosen.id) if chosen is not None else None

        self._show(dialog, take)

    def escape(self) -> Outcome | None:
        if self.input.text():
            self.input.clear()
        elif self.right_stack.currentWidget() is self.completion:
            self.next_customer()
        elif self.cart.member is not None:
            return self.session.drop_member()
        return None

    def cancel_sale(self) -> None:
        if self.session.is_empty():
            return
        box = question(_("Cancel sale"), _("Cancel this sale and clear the screen?"), self)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self._act(self.session.cancel)

        box.finished.connect(answered)
        box.open()
        self.cancel_box = box

    def add_coupon(self, code: str) -> None:
        self.redraw(self.session.add_coupon(code))

    def open_programme(self) -> None:
        from ui.programme_dialog import ProgrammeDialog

        auth.require(self.staff, "edit_rules")
        dialog = ProgrammeDialog(self.staff, self.fmt, self)
        dialog.programme_published.connect(lambda _: self._programme_changed())
        self._show(dialog)

    def _programme_changed(self) -> None:
        self.redraw(self.session.programme_changed())

    # --- members --------------------------------------------------------------------

    def find_member(self) -> None:
        dialog = FindMemberDialog(self.fmt, self)
        dialog.member_found.connect(lambda member: self._act(self.attach_member, member))
        dialog.edit_requested.connect(lambda member: QTimer.singleShot(0, lambda: self._act(self.edit_member, member)))
        dialog.new_requested.connect(lambda: QTimer.singleShot(0, lambda: self._act(self.new_member)))
        self._show(dialog)

    def new_member(self) -> None:
        dialog = MemberFormDialog(self.staff, None, self)
        dialog.member_saved.connect(lambda member: self._act(self._registered, member))
        self._show(dialog)

    def _registered(self, member: Member) -> Outcome:
        outcome = self.attach_member(member)
        if outcome.replace_member is None:
            card = members.active_card(member)
            self.redraw(outcome)
            self.say(_("Welcome, %1! Card %2.").replace("%1", member.name).replace("%2", card.number if card else ""), "ok")
            return Outcome()
        return outcome

    def edit_member(self, member: Member | None = None) -> None:
        member = member or self.cart.member
        if member is None:
            raise InputError("no_member")
        dialog = MemberFormDialog(self.staff, member, self)

        def saved(updated: Member) -> None:
            if self.cart.member is not None and self.cart.member.id == updated.id:
                self._act(lambda: self.session.member_changed(updated), over_dialog=True)
            else:
                self._act(self.attach_member, updated)

        def adjusted(updated: Member) -> None:
            # The member dialog stays open: redraw under it.
            if self.cart.member is not None and self.cart.member.id == updated.id:
                self.redraw(self.session.member_changed(updated))

        dialog.member_saved.connect(saved)
        dialog.balance_adjusted.connect(adjusted)
        self._show(dialog)

    # --- paying and returns -------------------------------------------------------

    def pay(self) -> None:
        self.redraw(self.session.price_for_payment())  # under the programme in force now; refuses an empty sale
        dialog = PayDialog(self.fmt, self.session.to_pay, self)
        self._show(dialog, lambda: self.complete(dialog.tenders()))

    def complete(self, tenders: list[Tender]) -> None:
        """Write the sale on a worker thread, from a frozen copy of it; the
        screen stays live, and scans made meanwhile wait for it."""
        order = self.session.order(tenders)
        self.busy = True
        self.say(_("Saving the sale…"), "info")
        operations.run(self, lambda: self.writer(order), self._sale_saved, self._sale_failed,
                       after=self._not_busy)

    def _not_busy(self) -> None:
        self.busy = False

    def _sale_failed(self, exc: BaseException) -> None:
        self.redraw(self.session.failed())  # nothing was written: the balance as it is now
        self._take_waiting_scans(None)  # the sale is still open: they go on it
        operations.show_failure(self, exc)  # said last, so no waiting scan's message hides it
        self.input.setFocus()
        self.sale_failed.emit(exc)

    def _sale_saved(self, result: object) -> None:
        assert isinstance(result, SaleResult)
        self.redraw(self.session.finished(result))
        self.completion.show_result(result)
        self.right_stack.setCurrentWidget(self.completion)
        done = _("Sale %1 complete. Change %2.").replace("%1", result.receipt_no).replace(
            "%2", self.fmt.money(result.change))
        if result.next_coupon:
            done += " " + _("Next-visit coupon on the receipt: %1.").replace("%1", result.next_coupon)
        if result.member_left:
            done += " " + self.notice_text(Notice("member_left_sale"))
        self.say(done, "warn" if result.member_left else "ok")
        self.sale_completed.emit(result)
        if printers.printer_settings().auto_print:
            self.print_receipt(result.sale_id)
        self._take_waiting_scans(result)

    def _take_waiting_scans(self, saved: SaleResult | None) -> None:
        """Scans made while a sale was being written.  Goods go on the sale on
        screen: the next one if it was saved, the same one if it failed.  A card
        goes on the failed sale, not on the next one (it was most likely the
        paying customer's, too late for the saved sale).  A receipt is not opened
        over the result: the cashier scans it again.  Whatever was held back is
        said, with the change again after a saved sale."""
        waiting, self._waiting_scans = self._waiting_scans, []
        kinds = [(code, members.scan_kind(code, self.info.card_prefix).kind) for code in waiting]
        cards = [code for code, kind in kinds if kind == "card"]
        receipts = [code for code, kind in kinds if kind == "receipt"]
        for code, kind in kinds:
            if kind not in ("card", "receipt") or (kind == "card" and saved is None):
                self.on_scan(code)
        held: list[str] = []
        if saved is not None and cards:
            held.append(_("Card %1 was scanned while sale %2 was being saved: that sale is saved without it. "
                          "Scan the card again if it is the next customer's.")
                        .replace("%1", mask_card(cards[-1])).replace("%2", saved.receipt_no))
        if receipts:
            held.append(_("A receipt was scanned while the sale was being saved: scan it again."))
        if saved is not None and (held or waiting):
            done = _("Sale %1 complete. Change %2.").replace("%1", saved.receipt_no).replace(
                "%2", self.fmt.money(saved.change))
            self.say(" ".join([done, *held]), "warn" if held else "ok")
        elif held:
            self.say(" ".join(held), "warn")

    def next_customer(self) -> None:
        self.right_stack.setCurrentWidget(self.totals)

    def save_receipt_pdf(self, sale_id: str) -> None:
        receipt = self.last_sale.receipt_no if self.last_sale else "receipt"
        path = save_path(self, _("Save receipt PDF"), f"{receipt}.pdf", "PDF (*.pdf)")
        if path:
            self._act(self.write_receipt, sale_id, Path(path))

    def write_receipt(self, sale_id: str, path: Path) -> None:
        from services.printing.receipts import write_receipt_pdf

        write_receipt_pdf(sale_id, path, self.resources, printers.printer_settings().width)
        self.say(_("Receipt saved: %1").replace("%1", str(path)), "ok")

    # --- printing ---------------------------------------------------------------------

    def print_receipt(self, sale_id: str) -> None:
        """Print on a worker thread; the sale is on disk already, whatever the printer says."""
        settings = printers.printer_settings()
        if settings.kind == "none":
            self.say(_("No receipt printer is set up: use “Save receipt PDF”, or set a printer up under More… (F10)."),
                     "warn")
            return
        from ui.printing import print_receipt  # Qt's print support loads on first use, not at start-up

        if self.printing:
            self.say(_("Still printing the last receipt: wait a moment."), "warn")
            return
        self.printing = True
        self.completion.print.setEnabled(False)
        self.say(_("Printing the receipt…"), "info")
        resources = self.resources

        def over() -> None:
            self.printing = False
            self.completion.print.setEnabled(True)

        def printed(receipt_no: object) -> None:
            self.say(_("Receipt %1 printed.").replace("%1", str(receipt_no)), "ok")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, InputError):
                self.say(user_message(exc) + " " + _("The sale is saved; reprint it from Receipts (F10)."), "error")
            else:
                operations.show_failure(self, exc)

        operations.run(self, lambda: print_receipt(sale_id, resources, settings), printed, failed, after=over)

    def print_last_receipt(self) -> None:
        if self.last_sale is None:
            self.say(_("No sale yet on this screen: find older receipts under More… (F10)."), "warn")
            return
        self.print_receipt(self.last_sale.sale_id)

    def show_more(self) -> None:
        menu = QMenu(self)
        if auth.may(self.staff, "view_figures"):  # the owner's first question: does the programme pay?
            menu.addAction(_("Reports: figures, customers, who is slipping away…"), lambda: self._act(self.open_reports))
            menu.addSeparator()
        if auth.may(self.staff, "view_reminders"):  # whom to call: occasions, birthdays, overdue visits
            menu.addAction(_("Reminders: whom to contact…"), lambda: self._act(self.open_reminders))
        if auth.may(self.staff, "run_campaigns"):  # greetings and offers, with each member's consent
            menu.addAction(_("Campaigns: greetings, offers, lists for sending…"), lambda: self._act(self.open_campaigns))
        menu.addAction(_("Receipts: reprint, save, return…"), lambda: self._act(self.open_receipts))
        menu.addAction(_("Membership cards…"), lambda: self._act(self.open_cards))
        menu.addAction(_("Receipt printer…"), lambda: self._act(self.open_printer_settings))
        if auth.may(self.staff, "edit_catalogue"):  # products, categories, scales, labels
            menu.addAction(_("Catalogue…"), lambda: self._act(self.open_catalogue))
        if auth.may(self.staff, "edit_rules"):  # the owner's programme: rules, promotions, what-if
            menu.addAction(_("Loyalty programme (owner)…"), lambda: self._act(self.open_programme))
        if auth.may(self.staff, "shop_settings"):  # the owner's backups and restore
            menu.addAction(_("Backups and restore (owner)…"), lambda: self._act(self.open_backups))
        if auth.may(self.staff, "import_data") and not training.is_training():  # a practice copy's import would vanish
            menu.addAction(_("Import members, catalogue or history (owner)…"), lambda: self._act(self.open_import))
        if auth.may(self.staff, "shop_settings"):
            menu.addAction(_("Shop settings (owner)…"), lambda: self._act(self.open_settings))
            menu.addAction(_("Getting started: the first day's checklist…"), lambda: self._act(self.open_first_day))
        if auth.may(self.staff, "manage_staff"):  # the key the hub trusts the owner's changes by
            menu.addAction(_("Owner's signing key…"), lambda: self._act(self.open_owner_key))
        self._staff_menu(menu)
        if auth.may(self.staff, "read_audit"):  # who did what sensitive: returns, discounts, wrong PINs…
            menu.addAction(_("Audit log (owner)…"), lambda: self._act(self.open_audit_log))
        if auth.may(self.staff, "handle_complaints"):  # what customers said after paying, complaints to follow up
            from ui.feedback_page import open_feedback_page
            menu.addAction(_("Feedback & complaints…"), lambda: self._act(open_feedback_page, self))
        button = self.buttons["more"]
        menu.popup(button.mapToGlobal(button.rect().topLeft()))
        self.more_menu = menu

    def pause_background(self) -> None:
        """No sync, daily backup or points run starts (a restore is replacing the file)."""
        self.status_sync.stop()
        self.daily_backup.stop()
        if getattr(self, "_period_timer", None) is not None:
            self._period_timer.stop()

    def resume_background(self) -> None:
        self.status_sync.stopped = False
        self.status_sync.timer.start(1_000)
        self.daily_backup.timer.start(self.daily_backup.timer.interval())
        if getattr(self, "_period_timer", None) is not None:
            self._period_timer.start(self.PERIOD_CHECK_MS)

    def open_import(self, kind: str = "members") -> None:
        """The owner's import wizard, not modal: sales go on under it while an import runs."""
        from ui.import_wizard import ImportWizard

        auth.require(self.staff, "import_data")
        if training.is_training():
            raise InputError("import_in_training")
        wizard = self.import_wizard
        if isinstance(wizard, ImportWizard):  # one at a time: the open one comes forward
            if wizard.page() == "what" and not wizard.running:
                wizard.set_kind(kind)
            wizard.show()
            wizard.raise_()
            wizard.activateWindow()
            return
        wizard = ImportWizard(self.staff, self, kind=kind)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open_requested.connect(lambda what: QTimer.singleShot(0, lambda: self._act(
            self.open_catalogue if what == "catalogue" else self.find_member)))
        wizard.import_finished.connect(lambda _outcome: self.redraw(self.session.reprice()))
        wizard.finished.connect(lambda _result: self._import_closed(wizard))
        self.import_wizard = wizard
        wizard.show()

    def _import_closed(self, wizard: QDialog) -> None:
        if self.import_wizard is wizard:
            self.import_wizard = None

    def _put_import_away(self) -> None:
        """The till locks or its person signs out: the owner's wizard is not left to the next
        person.  An import under way goes on, hidden; its summary waits for the owner."""
        wizard = self.import_wizard
        if wizard is None:
            return
        if getattr(wizard, "running", "") == "import":
            wizard.hide()
        else:
            wizard.reject()

    def _put_reports_away(self) -> None:
        """The till locks or its person signs out: the owner's figures are not left on screen
        for whoever comes next (a count under way ends unseen)."""
        from ui.reports_page import ReportsDialog

        if isinstance(self.dialog, ReportsDialog):
            for child in self.dialog.findChildren(QDialog):  # a segment's list, a member's profile
                child.reject()
            self.dialog.reject()

    def _import_running(self) -> bool:
        return self.import_wizard is not None and getattr(self.import_wizard, "running", "") == "import"

    def open_reports(self) -> None:
        """The owner's and manager's figures; counted on workers, so sales go on meanwhile."""
        from ui.reports_page import ReportsDialog

        auth.require(self.staff, "view_figures")
        self._show(ReportsDialog(self.staff, self.fmt, self.resources, self, clock=self.now,
                                 sources=self.report_sources))  # type: ignore[arg-type]

    def record_occasion(self) -> None:
        """Ctrl+O: an occasion for the member on the sale (or of the sale just completed), Enter saves."""
        from ui.occasion_dialog import OccasionDialog

        member = self.session.occasion_member()
        if member is None:
            raise InputError("occasion_no_member")
        dialog = OccasionDialog(member, self.fmt.shop_now(self.now()).date(), lambda kind, month, day, year, whom: (
            self.session.record_occasion(kind, month, day, year=year, for_whom=whom)), self)
        self._show(dialog, lambda: self._occasion_recorded(member))

    def _occasion_recorded(self, member: Member) -> None:
        self.say(_("Occasion recorded for %1.").replace("%1", member.name), "ok")
        if self.cart.member is not None:
            self.member_panel.show_occasion(occasion_line(self.cart.member, self.fmt, self.fmt.shop_now(self.now()).date()))

    def open_reminders(self) -> None:
        from ui.reminders_page import RemindersDialog

        self._show(RemindersDialog(self.staff, self.fmt, self, clock=self.now))
    def open_campaigns(self) -> None:
        from ui.campaigns_page import CampaignsDialog

        self._show(CampaignsDialog(self.staff, self.fmt, self, now=self.now))

    def open_audit_log(self) -> None:
        from ui.audit_page import AuditLogDialog

        self._show(AuditLogDialog(self.staff, self.fmt, self))

    def open_backups(self) -> None:
        from ui.backup_dialog import BackupsDialog

        self._show(BackupsDialog(self.staff, self))

    def open_first_day(self) -> None:
        """The new shop's checklist; each step's screen opens from it, and the list comes back when it closes."""
        from ui.first_day import FirstDayDialog

        auth.require(self.staff, "shop_settings")
        openers: dict[str, Callable[[], None] | None] = {
            "shop": self.open_settings,
            "products": getattr(self, "open_catalogue", None),  # the catalogue page, where this build has it
            "products_import": lambda: self.open_import("catalogue"),
            "members": lambda: self.open_import("members"),
            "staff": getattr(self, "open_staff", None),
            "programme": self.open_programme,
            "cards": self.open_cards,
            "first_sale": None,
        }
        dialog = FirstDayDialog(openers, self)
        dialog.step_opened.connect(lambda key: QTimer.singleShot(0, lambda: self._first_day_step(key, openers)))
        self._show(dialog)

    def _first_day_step(self, key: str, openers: dict[str, Callable[[], None] | None]) -> None:
        opener = openers.get(key)
        if opener is None:  # the first sale: the sale screen itself
            self.say(_("Scan a product or type its name; F3 registers the customer as a member; F12 takes the money."),
                     "info")
            self.input.setFocus()
            return
        self._act(opener)
        shown = self.import_wizard if key in ("products_import", "members") else self.dialog
        if shown is not None:
            # With the window as the timer's context: a window closed meanwhile opens nothing.
            shown.finished.connect(lambda _: QTimer.singleShot(0, self, lambda: self._act(self.open_first_day)))

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        auth.require(self.staff, "shop_settings")
        dialog = SettingsDialog(self.staff, self.fmt, self.now, self)
        # After the dialog's slot has returned and the dialog closed: the window is then rebuilt.
        dialog.settings_saved.connect(lambda _changed: (dialog.accept(), QTimer.singleShot(0, self.shop_changed.emit)))
        dialog.period_ran.connect(self.period_ran.emit)
        self._show(dialog)

    # --- the points' daily run ----------------------------------------------------------

    PERIOD_CHECK_MS = 15 * 60 * 1000  # how often the window asks whether today's run is still to come

    def start_period_job(self) -> None:
        """Run the period job now if today's is due, then check every quarter of an hour
        (daily while the till is open); always in the background, never in a sale's way."""
        self._period_timer = QTimer(self)
        self._period_timer.timeout.connect(self.run_period_if_due)
        self._period_timer.start(self.PERIOD_CHECK_MS)
        self.run_period_if_due()

    @property
    def period_running(self) -> bool:
        return _period["running"]

    def run_period_if_due(self) -> bool:
        from services.programme import period

        if _period["running"] or self.busy or not period.is_due(self.now()):
            return False  # a sale being written goes first: the next check runs it
        if not self.session.is_empty() or self._open_dialog() is not None or (
                self.dialog is not None and self.dialog.isVisible()):
            return False  # a sale on screen or a dialog open: the next check, when the cashier is free
        _period["running"] = True
        now = self.now()
        window = self

        def failed(exc: BaseException) -> None:
            log.error("the points' daily run failed", exc_info=(type(exc), exc, exc.__traceback__))
            if isinstance(exc, InputError):
                return  # e.g. no programme yet: nothing to run, said on the settings page
            operations.show_failure(window if shiboken6.isValid(window) else QApplication.instance(), exc)

        def ran(result: object) -> None:
            if shiboken6.isValid(window):
                window.period_ran.emit(result)

        def over() -> None:
            _period["running"] = False

        # Owned by the application, not the window: a window rebuilt meanwhile (new
        # settings) neither waits for the run nor starts a second one, and the flag
        # above is cleared whichever window is on screen when it ends.
        operations.run(QApplication.instance(), lambda: period.run(now), ran, failed, after=over)
        return True

    def open_receipts(self, ref: str = "") -> None:
        from ui.print_dialogs import ReceiptsDialog

        dialog = ReceiptsDialog(self.fmt, self.resources, ref, self)
        dialog.return_requested.connect(lambda no: self._act(self.open_return, no))
        self._show(dialog)

    def open_cards(self) -> None:
        from ui.print_dialogs import CardsDialog

        auth.require(self.staff, "print_cards")
        self._show(CardsDialog(self.staff, self.resources, self))

    def open_owner_key(self) -> None:
        from ui.owner_key_dialog import OwnerKeyDialog

        auth.require(self.staff, "manage_staff")
        self._show(OwnerKeyDialog(self.staff, self))
    def open_catalogue(self) -> None:
        from ui.catalogue_dialogs import CatalogueDialog

        auth.require(self.staff, "edit_catalogue")
        self._show(CatalogueDialog(self.staff, self.fmt, self.resources, self))

    def open_printer_settings(self) -> None:
        from ui.print_dialogs import PrinterSettingsDialog

        auth.require(self.staff, "printer_settings")
        self._show(PrinterSettingsDialog(self.staff, self))

    def open_return(self, ref: str = "") -> None:
        dialog = ReturnDialog(self.fmt, self.staff, ref, self)
        dialog.return_completed.connect(self._returned)
        self._show(dialog)

    def _returned(self, result: object) -> None:
        self.redraw(self.session.member_changed() if self.cart.member is not None else self.session.reprice())
        self.say(_("Return done: give back %1.").replace("%1", self.fmt.money(result.refund)), "ok")  # type: ignore[attr-defined]

    # --- closing ------------------------------------------------------------------------

    def closeEvent(self, event) -> None:  # noqa: N802
        """Close without cutting work in half: a sale, a print or a sync under
        way is waited for (bounded), then the scanner lets go of the keyboard."""
        self.status_sync.stop()
        self.daily_backup.stop()
        if self._import_running():  # its chunk under way is finished; a second run brings the rest
            self.import_wizard.stop.set()  # type: ignore[union-attr]
        if operations.in_flight() and not self.rebuilding:  # a rebuild: the jobs touch no widget, let them run
            self.say(_("Finishing the work under way…"), "info")
            operations.wait_for_all(operations.SHUTDOWN_WAIT_MS)
        if training.is_training():  # the practice copy goes; the next start opens the real shop
            training.leave()
            self.training_marks.switch(False)
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)
        super().closeEvent(event)

    # --- who is at the till: sign out, lock, training (issue 11) ---------------------------

    def _build_training_and_lock(self) -> None:
        # Above the member panel: the screen's height is spoken for on a 1366x768 till.
        column = self.member_panel.parentWidget()
        self.training_banner = training_banner(column)
        self.training_banner.setWordWrap(True)
        layout = column.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.training_banner)
        self.status_training = QLabel(_("TRAINING"), self.statusBar())
        self.status_training.setObjectName("Offline")
        self.statusBar().addPermanentWidget(self.status_training)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.training_marks = TrainingMarks(app)
        self.lock_screen = LockScreen(self, self.info.name)
        self.lock_screen.signed_in.connect(self.unlock)
        self._show_training(training.is_training())

    def _staff_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        if auth.may(self.staff, "manage_staff") and not training.is_training():  # changes there would vanish
            menu.addAction(_("Staff (owner)…"), lambda: self._act(self.open_staff))
        if training.is_training():
            menu.addAction(_("Leave training mode"), lambda: self._act(self.leave_training))
        elif auth.may(self.staff, "start_training"):
            menu.addAction(_("Training mode…"), lambda: self._act(self.start_training))
        menu.addAction(_("Cashier's guide (PDF)…"), lambda: self._act(self.open_guide))
        menu.addAction(_("Lock the till") + "\tCtrl+L", lambda: self._act(self.lock))
        menu.addAction(_("Sign out / change cashier") + "\tF11", lambda: self._act(self.sign_out))

    def _show_training(self, on: bool) -> None:
        room = self.training_banner.heightForWidth(self.member_panel.parentWidget().width()) + 8
        self.member_panel.setMinimumHeight(300 - room if on else 300)  # the window keeps its height
        self.training_banner.setVisible(on)
        self.status_training.setVisible(on)
        self.status_sync.setVisible(not on)
        title = _("LoyalTill — %1").replace("%1", self.info.name)
        self.setWindowTitle(title_mark() + title if on else title)
        self.training_marks.switch(on)

    def lock(self) -> None:
        """Hide the till behind the sign-in; the sale waits for whoever comes back
        (the same person finds it; anyone else gets it parked, see unlock)."""
        from services.journal import authority

        authority.forget()  # a locked till signs nothing for the chain until the owner's PIN again
        self._put_import_away()
        self._put_reports_away()
        note = ""
        if self.cart.lines:
            note = _("The sale is kept: it comes back on screen when %1 signs in.").replace("%1", self.staff.name)
        self.lock_screen.lock(_("Till locked"), note, training.is_training())

    def sign_out(self) -> None:
        """The cashier leaves the till: a sale on the counter is parked (F7 brings it back)."""
        from services.journal import authority

        authority.forget()  # an owner's signing key leaves memory with them
        self._put_import_away()
        self._put_reports_away()
        parked = bool(self.cart.lines)
        if parked:
            self.redraw(self.session.park())
        else:
            self.redraw(self.session.cancel())
        self.right_stack.setCurrentWidget(self.totals)
        note = _("The sale on the counter was parked: F7 brings it back.") if parked else ""
        self.lock_screen.lock(_("Signed out: %1").replace("%1", self.staff.name), note, training.is_training())

    def unlock(self, person: Staff, practise: bool) -> None:
        """Someone signed in on the lock screen: they act with their own role."""
        outcome = self.session.hand_over(person)
        self.set_staff(person)
        self.redraw(outcome)
        wizard = self.import_wizard
        if wizard is not None and wizard.isHidden() and getattr(wizard, "actor", None) == person:
            wizard.show()  # the owner is back: their import's progress or summary
        if outcome.notice is None:
            self.say(_("Welcome, %1.").replace("%1", person.name), "ok")
        if practise:
            self._act(self._enter_training)
        self.input.setFocus()

    def set_staff(self, person: Staff) -> None:
        self.staff = person
        self.status_staff.setText(f"{person.name} · {role_name(person.role)}")

    def start_training(self) -> None:
        auth.require(self.staff, "start_training")
        self._enter_training()

    def _enter_training(self) -> None:
        """Switch to a fresh copy of the shop.  A sale on the counter is parked
        in the real shop first, and comes back there after training."""
        if training.is_training():
            raise InputError("training_nested")
        if self._import_running():  # training swaps the database under the import's next chunk
            raise InputError("import_running")
        operations.wait_for_all(operations.SHUTDOWN_WAIT_MS)  # no worker writes the real file meanwhile
        if self.cart.lines:
            self.session.park()
        self.status_sync.stop()
        training.start()
        self._reopen()
        self.say(_("Training mode: practise sales, cards, points and returns. Nothing here reaches the shop's "
                   "figures or the hub. More… (F10) → Leave training mode."), "warn")

    def leave_training(self) -> None:
        """Back to the real shop; the practice copy and its sale are thrown away."""
        if not training.is_training():
            return
        if self._import_running():
            raise InputError("import_running")
        operations.wait_for_all(operations.SHUTDOWN_WAIT_MS)
        training.leave()
        self._reopen()
        self.status_sync.resume()
        self.say(_("Training mode ended: this is the real shop again."), "ok")

    def _reopen(self) -> None:
        """The database under the window changed (training or back): read everything again."""
        from models.schema import Staff as StaffRow

        self.info = shop.shop_info()
        self.till = shop.local_till()
        person = StaffRow.get_or_none(StaffRow.id == self.staff.id) or self.staff
        self.set_staff(person)
        self.session = SaleSession(person, self.info.card_prefix)
        self.right_stack.setCurrentWidget(self.totals)
        self._show_training(training.is_training())
        self.redraw(self.session.reprice())
        self.status_sync.render()

    def open_staff(self) -> None:
        from ui.staff_page import StaffDialog

        dialog = StaffDialog(self.staff, self)
        dialog.staff_changed.connect(self._staff_changed)
        self._show(dialog)

    def _staff_changed(self) -> None:
        from models.schema import Staff as StaffRow

        me = StaffRow.get_or_none(StaffRow.id == self.staff.id)
        if me is not None:
            self.set_staff(me)
            self.session.staff = me

    def open_guide(self) -> None:
        from ui.guide_dialog import GuideDialog

        self._show(GuideDialog(self.resources, self))
