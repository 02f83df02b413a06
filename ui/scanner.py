"""Telling a USB barcode scanner from a person at the keyboard.

A wedge scanner "types" 8–14 digits a few milliseconds apart and then Enter.
Digits are held back while they arrive fast; a fast burst ended by Enter is
a scan (the keys are swallowed and `code_scanned` is emitted), anything else
is handed back, unchanged, to the widget it was meant for. Optional prefix
and suffix characters from the shop's settings mark a scan whatever the timing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


@dataclass
class HeldKey:
    receiver: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    """Application-wide event filter; install with app.installEventFilter()."""

    code_scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        gap_ms: int = 50,
        min_length: int = 8,
        max_length: int = 14,
        prefix: str = "",
        suffix: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.gap = gap_ms / 1000
        self.min_length = min_length
        self.max_length = max_length
        self.prefix = prefix
        self.suffix = suffix
        self.clock = clock
        self.enabled = True
        self._held: list[HeldKey] = []
        self._last = 0.0
        self._in_prefixed_scan = False
        self._swallow_release: set[int] = set()
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_back)

    def set_marks(self, prefix: str, suffix: str) -> None:
        self.prefix, self.suffix = prefix, suffix

    # --- the filter -------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if self._replaying or not self.enabled or not obj.isWidgetType():
            return False  # a QWindow forwards to its focus widget: judge it there
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            if event.key() in self._swallow_release and not event.isAutoRepeat():
                self._swallow_release.discard(event.key())
                return True
            return False
        return self._on_press(obj, event)

    def _on_press(self, obj: QObject, event: QKeyEvent) -> bool:
        now = self.clock()
        text = event.text()
        fast = bool(self._held) and now - self._last <= self.gap
        self._last = now
        if event.isAutoRepeat():
            self._give_back()
            return False
        if self._in_prefixed_scan:
            return self._on_prefixed(obj, event, text)
        if self.prefix and text == self.prefix[:1] and not self._held:
            self._in_prefixed_scan = True
            self._hold(obj, event)
            return True
        plain = event.modifiers() in PLAIN
        if plain and text.isdigit() and len(text) == 1:
            if self._held and not fast:
                self._give_back()
            if len(self._held) >= self.max_length:
                self._give_back()
            self._hold(obj, event)
            return True
        ends_scan = event.key() in ENTER_KEYS or (self.suffix and text == self.suffix[:1])
        if ends_scan and fast and self.min_length <= len(self._held) <= self.max_length:
            self._swallow_release.add(event.key())
            self._emit("".join(k.text for k in self._held))
            return True
        self._give_back()
        return False

    def _on_prefixed(self, obj: QObject, event: QKeyEvent, text: str) -> bool:
        ends = event.key() in ENTER_KEYS or (self.suffix and text == self.suffix[:1])
        if ends:
            self._swallow_release.add(event.key())
            code = "".join(k.text for k in self._held)[len(self.prefix[:1]):]
            if code:
                self._emit(code)
            else:
                self._give_back()
            return True
        if text:
            self._hold(obj, event)
            return True
        return False

    # --- holding and giving back ------------------------------------------

    def _hold(self, obj: QObject, event: QKeyEvent) -> None:
        self._held.append(HeldKey(obj, event.key(), event.modifiers(), event.text()))
        self._swallow_release.add(event.key())
        # A prefixed scan may be slow (a cordless scanner); give it a full second.
        self._timer.start(1000 if self._in_prefixed_scan else int(self.gap * 1000) + 1)

    def _emit(self, code: str) -> None:
        self._timer.stop()
        self._held.clear()
        self._in_prefixed_scan = False
        self.code_scanned.emit(code)

    def _give_back(self) -> None:
        """Replay held keys, in order, to the widgets they were meant for."""
        self._timer.stop()
        held, self._held = self._held, []
        self._in_prefixed_scan = False
        if not held:
            return
        self._replaying = True
        try:
            for key in held:
                if not shiboken6.isValid(key.receiver):
                    continue
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(key.receiver, QKeyEvent(kind, key.key, key.modifiers, key.text))
                self._swallow_release.discard(key.key)
        finally:
            self._replaying = False
