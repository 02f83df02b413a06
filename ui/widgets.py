"""Small widgets the till's screens share: the message bar and the key buttons."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QAbstractSpinBox, QHeaderView, QTableWidget, QApplication, QComboBox, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from services.core.messages import _


class MessageBar(QFrame):
    """One line under the input: says what happened, never blocks the queue.

    It clears itself on the cashier's next action.
    """

    KINDS = ("info", "ok", "warn", "error")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBar")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setObjectName("MessageText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        layout.addWidget(self.label)
        self.setMinimumHeight(34)
        self.clear()

    def show_message(self, text: str, kind: str = "info") -> None:
        assert kind in self.KINDS
        self.label.setText(text)
        if self.property("kind") != kind:  # restyling costs more than the text: only when the kind changes
            self.setProperty("kind", kind)
            self.style().unpolish(self)
            self.style().polish(self)

    def clear(self) -> None:
        self.show_message("", "info")

    def text(self) -> str:
        return self.label.text()

    def kind(self) -> str:
        return str(self.property("kind"))


class KeyButton(QPushButton):
    """A touch button that shows its keyboard shortcut in a corner."""

    def __init__(self, caption: str, key: str = "", parent: QWidget | None = None, role: str = "") -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the input line keeps the keyboard
        self.setProperty("role", role)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("KeyCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.key_label = QLabel(key, self)
        self.key_label.setObjectName("KeyHint")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(0)
        layout.addWidget(self.key_label)
        layout.addWidget(self.caption, 1)
        for label in (self.caption, self.key_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.key_label.setVisible(bool(key))

    def set_caption(self, caption: str) -> None:
        self.caption.setText(caption)


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("SectionTitle")
    return label


def field_row(name: str, value: QLabel, parent: QWidget | None = None) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    caption = QLabel(name, row)
    caption.setObjectName("FieldName")
    value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    layout.addWidget(caption)
    layout.addStretch(1)
    layout.addWidget(value)
    return row


def question(title: str, text: str, parent: QWidget) -> QMessageBox:
    """A yes/no question whose answer defaults to No, its buttons in the shop's
    language (Qt ships no Romanian for its own buttons).  The caller connects
    `finished` and opens it."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Yes"))
    box.button(QMessageBox.StandardButton.No).setText(_("No"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


class _WheelGuard(QObject):
    """A number box or a list box takes the mouse wheel only when it has the focus:
    otherwise the wheel scrolls the form, and a value is never changed in passing."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            event.ignore()  # to the scroll area under it
            return True
        return False


_wheel_guard: _WheelGuard | None = None


def guard_wheel(root: QWidget) -> None:
    """Apply the wheel rule to every number box and list box under `root` (call after building it)."""
    global _wheel_guard
    if _wheel_guard is None:
        _wheel_guard = _WheelGuard()
    for box in root.findChildren(QAbstractSpinBox) + root.findChildren(QComboBox):
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a click or Tab gives the focus; the wheel does not
        box.installEventFilter(_wheel_guard)


def fit_to_screen(window: QWidget, margin: int = 40) -> None:
    """No wider or taller than the screen it opens on (a 1366 x 768 till is common)."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    width = min(window.width(), room.width() - margin)
    height = min(window.height(), room.height() - margin)
    window.setMaximumSize(room.width(), room.height())
    window.resize(width, height)


def list_table(parent: QWidget, columns: list[str]) -> QTableWidget:
    """A read-only table of rows, one chosen at a time, its columns sized to their contents."""
    table = QTableWidget(0, len(columns), parent)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
