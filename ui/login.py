"""Who is at the till: a PIN, nothing else."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from models.schema import Staff
from services.shop import staff as auth
from services.core.errors import InputError
from services.core.messages import _
from ui.errors import user_message
from ui.pin_pad import PinPad


class LoginDialog(QDialog):
    def __init__(self, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff: Staff | None = None
        self.setWindowTitle(_("LoyalTill — sign in"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        title = QLabel(shop_name, self)
        title.setObjectName("Big")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
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
        layout.addWidget(self.error)

    def sign_in(self, pin: str) -> None:
        try:
            self.staff = auth.login(pin)
        except InputError as exc:
            self.error.setText(user_message(exc))
            self.pad.clear()
            return
        self.accept()
