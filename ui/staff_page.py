"""The owner's staff page: who works at the till, with what role; add, rename,
change a role, reset a PIN, disable and enable.

Who may do it, and that the shop keeps an owner, is decided by
services.shop.staff (every change audited there); this page lays it out and
says the answer.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.errors import InputError
from services.core.messages import _
from services.shop import staff as auth
from ui.errors import user_message
from ui.formatting import role_name
from ui.widgets import MessageBar, question


def _pin_field(parent: QWidget) -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(8)
    field.setPlaceholderText(_("digits only"))
    return field


def _role_box(parent: QWidget, current: str = "cashier") -> QComboBox:
    box = QComboBox(parent)
    for role in auth.ROLES:
        box.addItem(role_name(role), role)
    box.setCurrentIndex(auth.ROLES.index(current))
    return box


class _Form(QDialog):
    """A small form whose OK runs `save` and stays open, saying why, when it is refused."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        self.outer.addWidget(self.error)
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("Primary")
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        self.outer.addWidget(buttons)

    def save(self) -> None:
        raise NotImplementedError

    def _try(self) -> None:
        try:
            self.save()
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        self.accept()


class AddStaffDialog(_Form):
    def __init__(self, actor: Staff, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a person"), parent)
        self.actor = actor
        self.person: Staff | None = None
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("as on the receipt, e.g. Maria P."))
        self.role = _role_box(self)
        self.pin = _pin_field(self)
        self.again = _pin_field(self)
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Role"), self.role)
        self.form.addRow(_("PIN"), self.pin)
        self.form.addRow(_("PIN again"), self.again)
        hint = QLabel(_("Tell the person their PIN yourself; it is never shown again."), self)
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        self.outer.insertWidget(1, hint)

    def save(self) -> None:
        if self.pin.text() != self.again.text():
            raise InputError("pin_mismatch")
        self.person = auth.hire(self.actor, self.name.text(), self.role.currentData(), self.pin.text())


class RenameDialog(_Form):
    def __init__(self, actor: Staff, person: Staff, parent: QWidget | None = None) -> None:
        super().__init__(_("Rename %1").replace("%1", person.name), parent)
        self.actor, self.person = actor, person
        self.name = QLineEdit(person.name, self)
        self.form.addRow(_("Name"), self.name)

    def save(self) -> None:
        self.person = auth.rename(self.actor, self.person, self.name.text())


class RoleDialog(_Form):
    def __init__(self, actor: Staff, person: Staff, parent: QWidget | None = None) -> None:
        super().__init__(_("Role of %1").replace("%1", person.name), parent)
        self.actor, self.person = actor, person
        self.role = _role_box(self, person.role)
        self.form.addRow(_("Role"), self.role)
        hint = QLabel(_("A cashier sells; a manager also authorises returns and discounts; "
                        "the owner also sets the programme, the shop and the staff."), self)
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        self.outer.insertWidget(1, hint)

    def save(self) -> None:
        self.person = auth.change_role(self.actor, self.person, self.role.currentData())


class PinDialog(_Form):
    def __init__(self, actor: Staff, person: Staff, parent: QWidget | None = None) -> None:
        super().__init__(_("New PIN for %1").replace("%1", person.name), parent)
        self.actor, self.person = actor, person
        self.pin = _pin_field(self)
        self.again = _pin_field(self)
        self.form.addRow(_("New PIN"), self.pin)
        self.form.addRow(_("PIN again"), self.again)

    def save(self) -> None:
        if self.pin.text() != self.again.text():
            raise InputError("pin_mismatch")
        self.person = auth.reset_pin(self.actor, self.person, self.pin.text())


class StaffDialog(QDialog):
    """The staff page (owner only; the services refuse anyone else)."""

    staff_changed = Signal()

    NAME, ROLE, STATE = range(3)

    def __init__(self, actor: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        auth.require(actor, "manage_staff")
        self.actor = actor
        self.people: list[Staff] = []
        self.form: QDialog | None = None  # the open form (tests drive it)
        self.setWindowTitle(_("Staff"))
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Everyone who signs in at this till. Each change is written to the audit log."), self)
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message = MessageBar(self)
        self.message.hide()  # until there is something to say
        layout.addWidget(self.message)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("Name"), _("Role"), _("Status")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(36)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.ROLE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _: self.rename())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add a person…"), self)
        self.add_button.setObjectName("Primary")
        self.rename_button = QPushButton(_("Rename…"), self)
        self.role_button = QPushButton(_("Change role…"), self)
        self.pin_button = QPushButton(_("Reset PIN…"), self)
        self.toggle_button = QPushButton(_("Disable"), self)
        self.toggle_button.setObjectName("Danger")
        for button, slot in ((self.add_button, self.add), (self.rename_button, self.rename),
                             (self.role_button, self.change_role), (self.pin_button, self.reset_pin),
                             (self.toggle_button, self.toggle)):
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload()

    # --- the list ------------------------------------------------------------------

    def reload(self, select: Staff | None = None) -> None:
        self.people = auth.everyone()
        self.table.setRowCount(len(self.people))
        for row, person in enumerate(self.people):
            you = "  " + _("(you)") if person.id == self.actor.id else ""
            cells = (person.name + you, role_name(person.role), _("active") if person.active else _("disabled"))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not person.active:
                    item.setForeground(QColor("#9aa5b1"))
                self.table.setItem(row, column, item)
        rows = [i for i, p in enumerate(self.people) if select is not None and p.id == select.id]
        self.table.selectRow(rows[0] if rows else 0)
        self._selection_changed()

    def selected(self) -> Staff | None:
        rows = self.table.selectionModel().selectedRows()
        return self.people[rows[0].row()] if rows else None

    def select_name(self, name: str) -> None:
        for row, person in enumerate(self.people):
            if person.name == name:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        person = self.selected()
        for button in (self.rename_button, self.role_button, self.pin_button, self.toggle_button):
            button.setEnabled(person is not None)
        if person is not None:
            self.toggle_button.setText(_("Disable") if person.active else _("Enable"))
            self.toggle_button.setObjectName("Danger" if person.active else "")
            self.toggle_button.style().unpolish(self.toggle_button)
            self.toggle_button.style().polish(self.toggle_button)

    def _say(self, text: str, kind: str) -> None:
        self.message.show_message(text, kind)
        self.message.show()

    # --- the changes ------------------------------------------------------------------

    def _open(self, form: QDialog, done: str) -> QDialog:
        self.form = form

        def saved() -> None:
            person = getattr(form, "person", None)
            self.reload(person)
            self._say(done.replace("%1", person.name if person else ""), "ok")
            self.staff_changed.emit()

        form.accepted.connect(saved)
        form.open()
        return form

    def add(self) -> QDialog:
        return self._open(AddStaffDialog(self.actor, self), _("%1 can sign in now."))

    def rename(self) -> QDialog | None:
        person = self.selected()
        return self._open(RenameDialog(self.actor, person, self), _("Renamed: %1.")) if person else None

    def change_role(self) -> QDialog | None:
        person = self.selected()
        return self._open(RoleDialog(self.actor, person, self), _("Role of %1 changed.")) if person else None

    def reset_pin(self) -> QDialog | None:
        person = self.selected()
        return self._open(PinDialog(self.actor, person, self), _("%1 has a new PIN.")) if person else None

    def toggle(self) -> None:
        person = self.selected()
        if person is None:
            return
        if not person.active:
            self._apply(lambda: auth.enable(self.actor, person), _("%1 can sign in again."))
            return
        if self.actor is not None and person.id == self.actor.id:  # refused before asking, not after
            self._say(user_message(InputError("staff_disable_self")), "error")
            return
        box = question(_("Disable"), _("%1 will no longer be able to sign in. Their sales keep their name. "
                                       "Disable?").replace("%1", person.name), self)
        box.finished.connect(lambda answer: self._apply(lambda: auth.disable(self.actor, person),
                                                        _("%1 is disabled."))
                             if answer == QMessageBox.StandardButton.Yes else None)
        box.open()
        self.form = box

    def _apply(self, change, done: str) -> None:  # type: ignore[no-untyped-def]
        try:
            person = change()
        except InputError as exc:
            self._say(user_message(exc), "error")
            return
        self.reload(person)
        self._say(done.replace("%1", person.name), "ok")
        self.staff_changed.emit()

