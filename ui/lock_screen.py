"""The locked till: the whole window hidden behind the sign-in until a PIN.

It embeds the sign-in (ui.login.LoginDialog, as a plain widget), so whatever
the sign-in asks — a PIN, or a person then a PIN — the lock asks the same.
Whoever signs in acts with their own role; what happens to a sale on the
counter is the window's decision (CashierWindow.unlock).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QMainWindow, QVBoxLayout, QWidget

from models.schema import Staff
from services.core.messages import _
from ui.login import LoginDialog


class LockScreen(QWidget):
    signed_in = Signal(object, bool)  # the Staff who signed in, whether they chose training

    def __init__(self, window: QMainWindow, shop_name: str) -> None:
        super().__init__(window)
        self.shop_name = shop_name
        self.login: LoginDialog | None = None
        self.setObjectName("LockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel(_("TRAINING — practice only: nothing here counts"), self)
        self.banner.setObjectName("TrainingBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.banner)
        outer.addStretch(1)
        self.card = QFrame(self)
        self.card.setObjectName("LockCard")
        self.card.setMinimumWidth(440)  # as wide as the sign-in inside needs (lock())
        self.card_layout = QVBoxLayout(self.card)
        self.card_layout.setContentsMargins(24, 20, 24, 20)
        self.heading = QLabel(self.card)
        self.heading.setObjectName("Big")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        self.note = QLabel(self.card)
        self.note.setObjectName("Muted")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.training = QCheckBox(_("Practise in training mode"), self.card)
        self.training.setToolTip(_("Practise in training mode (a copy of the shop; nothing counts)"))
        self.card_layout.addWidget(self.heading)
        self.card_layout.addWidget(self.note)
        self.card_layout.addWidget(self.training)
        row = QVBoxLayout()
        row.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addLayout(row)
        outer.addStretch(2)
        window.installEventFilter(self)
        self.hide()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.parent() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def lock(self, heading: str, note: str, training_now: bool) -> LoginDialog:
        """Cover the window and ask for a PIN; returns the sign-in (tests drive it)."""
        if self.login is not None:
            self.login.deleteLater()
        self.heading.setText(heading)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.banner.setVisible(training_now)
        self.training.setChecked(False)
        self.training.setVisible(not training_now)
        login = LoginDialog(self.shop_name, self.card)
        login.setWindowFlags(Qt.WindowType.Widget)
        login.layout().setContentsMargins(0, 8, 0, 0)
        login.accepted.connect(lambda: self._signed_in(login))
        self.card_layout.insertWidget(2, login)
        self.login = login
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        login.show()
        login.setMinimumHeight(login.sizeHint().height())
        # As wide as the sign-in needs (its row of names, its pad), never wider than the window;
        # the note wraps, so the card is as tall as its lines need at that width.
        margins = self.card_layout.contentsMargins()
        wide = max(440, login.minimumWidth(), login.minimumSizeHint().width(), login.sizeHint().width()) \
            + margins.left() + margins.right()
        width = min(wide, self.parentWidget().width())
        self.card.setFixedWidth(width)
        self.card.setMinimumHeight(self.card_layout.totalHeightForWidth(width))
        login.pad.clear()
        return login

    def _signed_in(self, login: LoginDialog) -> None:
        person: Staff | None = login.staff
        if person is None:
            return
        practise = not self.training.isHidden() and self.training.isChecked()
        self.hide()
        self.signed_in.emit(person, practise)

    @property
    def locked(self) -> bool:
        return self.isVisible()
