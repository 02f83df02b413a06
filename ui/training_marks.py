"""How the window shows training mode: a banner on every screen.

The cashier's window has its own banner (CashierWindow); while training, every
dialog that opens gets "TRAINING" in its title, an orange frame, and the
banner at its top when its layout is a column, so no screen of the practice
shop can be mistaken for the real one.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QBoxLayout, QDialog, QLabel, QWidget

from services.core.messages import _

MARK = "TrainingBanner"


def banner(parent: QWidget) -> QLabel:
    label = QLabel(_("TRAINING — practice only: nothing here counts"), parent)
    label.setObjectName(MARK)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def title_mark() -> str:
    return _("TRAINING") + " · "


class TrainingMarks(QObject):
    """An application event filter, installed while training, removed after."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.on = False

    def switch(self, on: bool) -> None:
        if on and not self.on:
            self.app.installEventFilter(self)
        elif self.on and not on:
            self.app.removeEventFilter(self)
        self.on = on

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and isinstance(obj, QDialog) and obj.isWindow():
            mark(obj)
        return False


def mark(dialog: QDialog) -> None:
    if dialog.property("training_marked"):
        return
    dialog.setProperty("training_marked", True)
    if not dialog.windowTitle().startswith(title_mark()):
        dialog.setWindowTitle(title_mark() + dialog.windowTitle())
    dialog.setStyleSheet(dialog.styleSheet() + "\nQDialog { border: 4px solid #dd6b20; }")
    layout = dialog.layout()
    if isinstance(layout, QBoxLayout) and layout.direction() == QBoxLayout.Direction.TopToBottom:
        layout.insertWidget(0, banner(dialog))
