"""The owner's two buttons on a member (services/reach/privacy.py): export everything
held about them to a folder (JSON + PDF), or erase their personal data for good,
confirmed by typing the number of one of their cards."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from models.schema import Card, Member, Staff
from services.core.errors import InputError
from services.core.messages import _
from services.reach import privacy, privacy_files
from ui import operations
from ui.errors import user_message


def resources_of(widget: QWidget | None) -> Path:
    """The program's resources: the window's (its `resources`), else beside the program as main.py finds them."""
    while widget is not None:
        found = getattr(widget, "resources", None)
        if isinstance(found, Path):
            return found
        widget = widget.parentWidget()
    return Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1])) / "resources"


class PrivacyRow(QWidget):
    """The two buttons, for the member dialog; `said` carries what to show under them."""

    said = Signal(str)
    erased = Signal(object)  # the Member, anonymised

    def __init__(self, staff: Staff, member: Member, parent: QWidget | None = None,
                 choose_folder: Callable[[QWidget], str] | None = None) -> None:
        super().__init__(parent)
        self.staff, self.member = staff, member
        self.choose_folder = choose_folder or (
            lambda owner: QFileDialog.getExistingDirectory(owner, _("Folder for the member's personal data")))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.export_button = QPushButton(_("Export personal data…"), self)
        self.export_button.setToolTip(_("Everything held about this member, as a JSON file and a PDF (owner)"))
        self.export_button.clicked.connect(self.export)
        self.erase_button = QPushButton(_("Erase personal data…"), self)
        self.erase_button.setObjectName("Danger")
        self.erase_button.setToolTip(_("Anonymise this member for good; their sales stay for the books (owner)"))
        self.erase_button.clicked.connect(self.ask_erase)
        row.addWidget(self.export_button)
        row.addStretch(1)
        row.addWidget(self.erase_button)
        self.erase_button.setEnabled(not privacy.is_erased(member))

    def export(self) -> None:
        folder = self.choose_folder(self)
        if not folder:
            return
        member, staff, resources = self.member, self.staff, resources_of(self)
        number = _card_numbers(member)[-1:] or [str(member.id)]
        target = Path(folder) / f"personal-data-{number[0]}"

        def work() -> object:
            data = privacy.export(member, actor=staff)
            return privacy_files.write_export(data, target, resources)

        def done(paths: object) -> None:
            json_path, pdf_path = paths  # type: ignore[misc]
            self.said.emit(_("Personal data saved: %1 and %2").replace("%1", str(json_path)).replace("%2", pdf_path.name))

        self.export_button.setEnabled(False)
        operations.run(self, work, done, self._failed, after=lambda: self.export_button.setEnabled(True))

    def ask_erase(self) -> None:
        self.confirm = EraseDialog(self.member, self)
        self.confirm.accepted.connect(self.erase)
        self.confirm.open()

    def erase(self) -> None:
        member, staff = self.member, self.staff

        def work() -> object:
            privacy.erase(member, actor=staff)
            return Member.get_by_id(member.id)

        def done(fresh: object) -> None:
            self.member = fresh  # type: ignore[assignment]
            self.said.emit(_("Personal data erased. The sales stay in the books under “%1”.").replace("%1", privacy.erased_name()))
            self.erased.emit(fresh)

        def failed(exc: BaseException) -> None:
            self.erase_button.setEnabled(True)
            self._failed(exc)

        self.erase_button.setEnabled(False)
        operations.run(self, work, done, failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):
            self.said.emit(user_message(exc))
        else:
            operations.show_failure(self, exc)


def _card_numbers(member: Member) -> list[str]:
    return [c.number for c in Card.select().where(Card.member == member.id).order_by(Card.created_at)]


class EraseDialog(QDialog):
    """The second question: the erasure cannot be undone, so the owner types a card number of the
    member (or scans the card)."""

    takes_cards = True

    def __init__(self, member: Member, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Erase personal data"))
        self.setMinimumWidth(520)
        self.numbers = set(_card_numbers(member))
        layout = QVBoxLayout(self)
        text = QLabel(_(
            "This erases %1's name, phone, e-mail, birthday, note and consent for good, on every till of the chain. "
            "Their cards are blocked and their points balance goes to zero. Their sales, returns and points "
            "history stay in the books under “%2”. This cannot be undone."
        ).replace("%1", member.name).replace("%2", privacy.erased_name()), self)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(QLabel(_("To confirm, type the number of the member's card:"), self))
        self.typed = QLineEdit(self)
        self.typed.setMaxLength(20)
        self.typed.setPlaceholderText(_("Card number"))
        self.typed.textChanged.connect(self._typed)
        layout.addWidget(self.typed)
        row = QHBoxLayout()
        cancel = QPushButton(_("Cancel"), self)
        cancel.setDefault(True)
        cancel.clicked.connect(self.reject)
        self.erase_button = QPushButton(_("Erase for good"), self)
        self.erase_button.setObjectName("Danger")
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.accept)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.erase_button)
        layout.addLayout(row)
        self.typed.setFocus()
        margins = layout.contentsMargins()
        text.setMinimumHeight(text.heightForWidth(self.minimumWidth() - margins.left() - margins.right()))

    def _typed(self, text: str) -> None:
        self.erase_button.setEnabled(text.strip() in self.numbers)

    def take_scan(self, code: str) -> None:
        self.typed.setText(code)
