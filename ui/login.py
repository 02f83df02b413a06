"""Who is at the till: choose your name, then your PIN.

A PIN check costs a good part of a second on purpose (argon2id, see
services/shop/staff.py), so the person says who they are first (one check, not
one per person) and the check runs in the background.  The one who signed in
last is already chosen.  While sign-in is locked after wrong PINs the screen
counts down; an owner or manager whose PIN is shorter than their role's
minimum chooses a new one before going on.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from models.schema import Staff, utcnow
from services.core.errors import InputError
from services.core.messages import _
from services.shop import staff as auth
from ui import operations
from ui.errors import user_message
from ui.formatting import role_name
from ui.pin_pad import PinPad


def locked_text(seconds: int) -> str:
    return user_message(InputError("sign_in_locked", seconds=seconds))


def demo_pins_text(pins: dict[str, str]) -> str:
    return (_("Demo shop: owner %1, manager %2, cashier %3.").replace("%1", pins.get("owner", ""))
            .replace("%2", pins.get("manager", "")).replace("%3", pins.get("cashier", "")))


class LoginDialog(QDialog):
    signed_in = Signal(object)  # the Staff who signed in
    refused = Signal(str)  # what the screen said

    def __init__(self, shop_name: str, parent: QWidget | None = None, *, demo_pins: dict[str, str] | None = None,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__(parent)
        self.staff: Staff | None = None
        self.clock = clock
        self.checking = False
        self.setWindowTitle(_("LoyalTill — sign in"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        title = QLabel(shop_name, self)
        title.setObjectName("Big")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        layout.addWidget(title)

        who = QLabel(_("Who are you?"), self)
        who.setObjectName("Muted")
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(who)
        self.people = auth.signable_staff()
        self.names = QButtonGroup(self)
        self.names.setExclusive(True)
        grid = QGridLayout()
        grid.setSpacing(8)
        last = auth.last_signed_in()
        self.buttons: dict[str, QPushButton] = {}
        for index, person in enumerate(self.people):
            button = QPushButton(f"{person.name}\n{role_name(person.role)}", self)
            button.setObjectName("NameButton")
            button.setCheckable(True)
            metrics = button.fontMetrics()
            widest = max(metrics.horizontalAdvance(line) for line in button.text().splitlines())
            button.setMinimumSize(max(170, widest + 40), 64)  # a long name is never cut
            button.setStyleSheet("QPushButton:checked { background: #0b6e99; color: white; font-weight: bold; }")
            button.clicked.connect(lambda _=False: (self.pad.clear(), self.show_lock()))  # each person's own lock
            self.names.addButton(button, index)
            self.buttons[str(person.id)] = button
            grid.addWidget(button, index // 3, index % 3)
        layout.addLayout(grid)
        chosen = self.buttons.get(last or "") or (self.names.button(0) if self.people else None)
        if chosen is not None:
            chosen.setChecked(True)

        hint = QLabel(_("Enter your PIN"), self)
        hint.setObjectName("Muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        self.pad = PinPad(self)
        self.pad.submitted.connect(self.sign_in)
        layout.addWidget(self.pad)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        if demo_pins:
            demo = QLabel(demo_pins_text(demo_pins), self)
            demo.setObjectName("Muted")
            demo.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(demo)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self.show_lock)
        self.show_lock()

    def chosen(self) -> Staff | None:
        index = self.names.checkedId()
        return self.people[index] if 0 <= index < len(self.people) else None

    def choose(self, person_id: str) -> None:
        self.buttons[person_id].setChecked(True)

    def show_lock(self) -> None:
        """The chosen person's lock countdown, from the database (a restart does not reset it)."""
        wait = auth.seconds_locked(self.clock(), self.chosen())
        self.pad.setEnabled(wait == 0 and not self.checking)
        if wait:
            self.error.setText(locked_text(wait))
            if not self.countdown.isActive():
                self.countdown.start()
        elif self.countdown.isActive():
            self.countdown.stop()
            self.error.clear()
            self.pad.clear()

    def sign_in(self, pin: str) -> None:
        person = self.chosen()
        if self.checking or person is None or not pin:
            return
        self.checking = True
        self.pad.setEnabled(False)
        self.error.setText(_("Checking…"))
        now = self.clock()
        operations.run(self, lambda: auth.login(pin, person, now=now),
                       lambda found: self._signed_in(found, pin), self._refused, after=self._done)

    def _done(self) -> None:
        self.checking = False
        self.pad.setEnabled(True)

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, InputError):
            operations.show_failure(self, exc)
            return
        self.error.setText(user_message(exc))
        self.pad.clear()
        self.show_lock()
        self.refused.emit(self.error.text())

    def _signed_in(self, person: object, pin: str) -> None:
        assert isinstance(person, Staff)
        self.error.clear()
        if auth.pin_too_short(person, pin):
            dialog = NewPinDialog(person, self)
            dialog.pin_changed.connect(lambda: self._accept(person))
            dialog.open()
            self.new_pin_dialog = dialog
            return
        self._accept(person)

    def _accept(self, person: Staff) -> None:
        self.staff = person
        self.signed_in.emit(person)
        self.accept()


class NewPinDialog(QDialog):
    """An owner or manager whose PIN is shorter than their role now needs chooses a new one."""

    pin_changed = Signal()

    def __init__(self, person: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person = person
        self.setWindowTitle(_("A new PIN"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        digits = auth.MIN_DIGITS[person.role]
        text = QLabel(_("%1, your PIN is too short for your role. Choose a new one of %2 to 8 digits.")
                      .replace("%1", person.name).replace("%2", str(digits)), self)
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.pin = QLineEdit(self)
        self.pin_again = QLineEdit(self)
        for field in (self.pin, self.pin_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setMaxLength(auth.MAX_DIGITS)
        form.addRow(_("New PIN"), self.pin)
        form.addRow(_("PIN again"), self.pin_again)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.save)
        layout.addWidget(buttons)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)

    def save(self) -> None:
        pin = self.pin.text().strip()
        if pin != self.pin_again.text().strip():
            self.error.setText(_("The two PINs differ."))
            return
        try:
            auth.check_pin_shape(pin, self.person.role)
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        self.ok.setEnabled(False)
        operations.run(self, lambda: auth.change_pin(self.person, pin), lambda _result: self._saved(),
                       self._failed, after=lambda: self.ok.setEnabled(True))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):
            self.error.setText(user_message(exc))
        else:
            operations.show_failure(self, exc)

    def _saved(self) -> None:
        self.accept()
        self.pin_changed.emit()
