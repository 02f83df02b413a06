"""The owner's signing key, for the hub's admin to trust once (services.journal.authority)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models.schema import Staff
from services.core.messages import _
from services.journal import authority


class OwnerKeyDialog(QDialog):
    """Shows the key the owner's changes are signed with, and what to do with it."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Owner's signing key"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        about = QLabel(_(
            "Changes to staff, the loyalty programme and the shop's settings reach the other tills only "
            "with your signature. Your key is made from your PIN and is held only while you are signed in."
        ), self)
        about.setWordWrap(True)
        layout.addWidget(about)
        key = authority.unlocked_key() if staff.sign_key == authority.unlocked_key() else None
        self.key = QLineEdit(key or "", self)
        self.key.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.key.setFont(mono)
        self.key.setMinimumWidth(QFontMetrics(mono).horizontalAdvance("W" * 46))  # the whole key, never scrolled
        self.key.setCursorPosition(0)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        self.copy = QPushButton(_("Copy"), self)
        self.copy.clicked.connect(lambda: QApplication.clipboard().setText(self.key.text()))
        row.addWidget(self.copy)
        layout.addLayout(row)
        if key:
            how = _("Give this key once to whoever runs the chain's hub; on the hub's computer they run:") + \
                "\n\nmain.py hub trust-owner --dsn … --key\n" + key
        else:
            how = _("Sign out and sign in again with your PIN to use your key.")
            self.copy.setEnabled(False)
        self.how = QLabel(how, self)
        self.how.setWordWrap(True)
        self.how.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.how)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.accept)
        layout.addWidget(close)
