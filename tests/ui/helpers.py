"""Driving the till the way a scanner and a cashier do.

The scanner detector judges keys by its clock; the window fixtures give it a
`ScanClock` that moves only when these helpers move it, so a scan is fast and
typing is slow however busy the machine is (no key waits on the real clock).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.scanner import ScanDetector

DIGIT_KEYS = {str(d): getattr(Qt.Key, f"Key_{d}") for d in range(10)}


class ScanClock:
    """A fake millisecond clock for ScanDetector(clock=...)."""

    def __init__(self, start_ms: float = 1_000_000.0) -> None:
        self.ms = start_ms

    def __call__(self) -> float:
        return self.ms

    def advance(self, ms: float) -> None:
        self.ms += ms


def fake_scanner(**options) -> ScanDetector:
    """A detector on a ScanClock, for CashierWindow(..., scanner=...)."""
    return ScanDetector(clock=ScanClock(), **options)


def _clock(scanner: ScanDetector) -> ScanClock:
    assert isinstance(scanner.clock, ScanClock), "the window's scanner needs a ScanClock (tests/ui/helpers.fake_scanner)"
    return scanner.clock


def scan(qtbot, widget: QWidget, code: str, *, scanner: ScanDetector, gap_ms: int = 10) -> None:
    """Type `code` as a USB wedge scanner does: digits `gap_ms` apart by the scanner's clock, then Enter."""
    clock = _clock(scanner)
    for digit in code:
        clock.advance(gap_ms)
        qtbot.keyClick(widget, DIGIT_KEYS[digit])
    clock.advance(gap_ms)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    clock.advance(gap_ms)
    scanner.give_back_if_quiet()  # a burst that was not a scan goes back to the widget now


def type_slowly(qtbot, widget: QWidget, text: str, *, scanner: ScanDetector, gap_ms: int = 90) -> None:
    """Type as a person does: keys `gap_ms` apart by the scanner's clock; every key
    reaches the widget before this returns."""
    clock = _clock(scanner)
    for char in text:
        clock.advance(gap_ms)
        if char in DIGIT_KEYS:
            qtbot.keyClick(widget, DIGIT_KEYS[char])
        else:
            type_text(qtbot, widget, char)
    clock.advance(gap_ms)
    scanner.give_back_if_quiet()


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type any text, Cyrillic and Romanian letters too (QTest's keyClicks knows ASCII only):
    a key press and release carrying each character, as a keyboard layout sends them."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


class KeyRecorder(QObject):
    """Counts the key presses that actually reach a widget."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress:
            self.texts.append(event.text())
        return False
