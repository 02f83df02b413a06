"""Driving the till the way a scanner and a cashier do."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

DIGIT_KEYS = {str(d): getattr(Qt.Key, f"Key_{d}") for d in range(10)}


def scan(qtbot, widget: QWidget, code: str, gap_ms: int = 10) -> None:
    """Type `code` as a USB wedge scanner does: fast digits, then Enter."""
    for digit in code:
        qtbot.keyClick(widget, DIGIT_KEYS[digit])
        qtbot.wait(gap_ms)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    qtbot.wait(gap_ms)


def type_slowly(qtbot, widget: QWidget, text: str, gap_ms: int = 90) -> None:
    for char in text:
        if char in DIGIT_KEYS:
            qtbot.keyClick(widget, DIGIT_KEYS[char])
        else:
            qtbot.keyClicks(widget, char)
        qtbot.wait(gap_ms)


class KeyRecorder(QObject):
    """Counts the key presses that actually reach a widget."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            self.texts.append(event.text())
        return False
