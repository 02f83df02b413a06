"""A manager's PIN for what a cashier may not do alone.

The services decide who may do what (PermissionDenied "needs_role"); the UI
only asks for a PIN and tries again with `authoriser=`.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from models.schema import Staff
from services.shop import staff as auth
from services.core.errors import InputError, PermissionDenied
from services.core.messages import _
from ui import operations
from ui.errors import report_bug, user_message
from ui.pin_pad import PinPad

T = TypeVar("T")


def action_name(action: str) -> str:
    table = {
        "return": _("a return"),
        "manual_discount": _("a manual discount"),
        "adjust_balance": _("a balance adjustment"),
        "block_card": _("blocking a card"),
    }
    return table.get(action, action)


class ManagerPinDialog(QDialog):
    authorised = Signal(object)  # the Staff who gave the PIN
    refused = Signal(str)  # what the dialog said (a wrong PIN, a role too low, sign-in locked)

    def __init__(self, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action = action
        self.staff: Staff | None = None
        self.checking = False
        self.setWindowTitle(_("Manager's PIN"))
        layout = QVBoxLayout(self)
        text = QLabel(_("%1 needs a manager's PIN.").replace("%1", action_name(action).capitalize()), self)
        text.setObjectName("Big")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.pad = PinPad(self)
        self.pad.submitted.connect(self.check)
        layout.addWidget(self.pad)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        layout.addWidget(self.error)

    def check(self, pin: str) -> None:
        """The PIN is tried against managers and owners only, in the background (each try
        costs a good part of a second: services/shop/staff.py)."""
        if self.checking or not pin:
            return
        self.checking = True
        self.pad.setEnabled(False)
        self.error.setText(_("Checking…"))
        operations.run(self, lambda: auth.login(pin, at_least="manager"), self._found, self._refused,
                       after=self._done)

    def _done(self) -> None:
        self.checking = False
        self.pad.setEnabled(True)

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, InputError):
            operations.show_failure(self, exc)
            return
        self.error.setText(user_message(exc))
        self.pad.clear()
        self.refused.emit(self.error.text())

    def _found(self, person: object) -> None:
        assert isinstance(person, Staff)
        if not auth.may(person, self.action):
            self.error.setText(_("%1 may not authorise this.").replace("%1", person.name))
            self.pad.clear()
            self.refused.emit(self.error.text())
            return
        self.staff = person
        self.accept()
        self.authorised.emit(person)


def authorise(
    parent: QWidget,
    action: str,
    attempt: Callable[[Staff | None], T],
    done: Callable[[T], None],
    failed: Callable[[str], None],
) -> ManagerPinDialog | None:
    """Run attempt(None); if a manager is needed, ask for a PIN and run attempt(manager).

    Returns the PIN dialog when one was opened (tests drive it).
    """

    def run(authoriser: Staff | None) -> bool:
        try:
            result = attempt(authoriser)
        except PermissionDenied as exc:
            if exc.code == "needs_role" and authoriser is None:
                return False
            failed(user_message(exc))
        except InputError as exc:
            failed(user_message(exc))
        except Exception as exc:  # a bug: keep the till running
            report_bug(parent, exc)
        else:
            done(result)
        return True

    if run(None):
        return None
    dialog = ManagerPinDialog(action, parent)
    dialog.authorised.connect(lambda person: run(person))
    dialog.open()
    return dialog
