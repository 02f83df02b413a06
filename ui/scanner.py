"""Telling a USB barcode scanner from a person at the keyboard.

A wedge scanner "types" 8–14 digits a few milliseconds apart and then Enter.
Digits are held back while they arrive fast; a fast burst ended by Enter is
a scan (the keys are swallowed and `code_scanned` is emitted), anything else
is handed back, unchanged, to the widget it was meant for. Optional prefix
and suffix characters from the shop's settings mark a scan whatever the timing.

Every judgement of time reads `clock` (milliseconds; the real monotonic clock
by default), so a test passes a fake one and no result depends on how fast
the machine is.  The timer that gives held keys back after a quiet spell only
wakes the detector up: whether the spell is over is asked of the clock.
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


def monotonic_ms() -> float:
    return time.monotonic() * 1000


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
        clock: Callable[[], float] = monotonic_ms,
    ) -> None:
        super().__init__(parent)
        self.gap_ms = gap_ms
        self.min_length = min_length
        self.max_length = max_length
        self.prefix = prefix
        self.suffix = suffix
        self.clock = clock
        self.enabled = True
        self._held: list[HeldKey] = []
        self._last = 0.0
        self._in_prefixed_scan = False
        self._suffix_seen = 0  # how much of the suffix has arrived after a fast burst
        self._swallow_release: set[int] = set()
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.give_back_if_quiet)

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
        fast = bool(self._held) and now - self._last <= self.gap_ms
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
        if plain and text.isdigit() and len(text) == 1 and not self._suffix_seen:
            if self._held and not fast:
                self._give_back()
            if len(self._held) >= self.max_length:
                self._give_back()
            self._hold(obj, event)
            return True
        digits = len(self._held) - self._suffix_seen
        burst = fast and self.min_length <= digits <= self.max_length
        if burst and self.suffix and text and text == self.suffix[self._suffix_seen : self._suffix_seen + 1]:
            self._hold(obj, event)
            self._suffix_seen += 1
            if self._suffix_seen == len(self.suffix):
                self._emit("".join(k.text for k in self._held[:digits]))
            return True
        if event.key() in ENTER_KEYS and burst and self._suffix_seen in (0, len(self.suffix)):
            self._swallow_release.add(event.key())
            self._emit("".join(k.text for k in self._held[:digits]))
            return True
        self._give_back()
        return False

    def _on_prefixed(self, obj: QObject, event: QKeyEvent, text: str) -> bool:
        """After the prefix's first character: the whole prefix, the code, then
        the suffix (or Enter).  A prefix that does not match is given back."""
        held = "".join(k.text for k in self._held)
        if event.key() in ENTER_KEYS:
            self._swallow_release.add(event.key())
            code = held[len(self.prefix):]
            if held.startswith(self.prefix) and code:
                self._emit(code)
            else:
                self._give_back()
            return True
        if not text:
            return False
        self._hold(obj, event)
        held += text
        if len(held) <= len(self.prefix) and not self.prefix.startswith(held):
            self._give_back()  # not our scanner's prefix after all
            return True
        if self.suffix and len(held) > len(self.prefix) + len(self.suffix) and held.endswith(self.suffix):
            self._emit(held[len(self.prefix) : -len(self.suffix)])
        return True

    # --- holding and giving back ------------------------------------------

    def _hold(self, obj: QObject, event: QKeyEvent) -> None:
        self._held.append(HeldKey(obj, event.key(), event.modifiers(), event.text()))
        self._swallow_release.add(event.key())
        self._wake_in(self._quiet_ms())

    def _quiet_ms(self) -> float:
        """How long after the last key the held ones go back: a prefixed scan may be
        slow (a cordless scanner), so it gets a full second."""
        return 1000 if self._in_prefixed_scan else self.gap_ms

    def _wake_in(self, ms: float) -> None:
        self._timer.start(max(int(ms) + 1, 1))

    def give_back_if_quiet(self) -> None:
        """Give the held keys back if no key came for the quiet spell, by the clock.
        The timer calls this; a test that moves a fake clock calls it itself."""
        if not self._held:
            return
        left = self._last + self._quiet_ms() - self.clock()
        if left < 0:
            self._give_back()
        elif not self._timer.isActive():
            self._wake_in(left)  # woken early (or the clock is a fake that has not moved)

    def _emit(self, code: str) -> None:
        self._timer.stop()
        self._held.clear()
        self._in_prefixed_scan = False
        self._suffix_seen = 0
        self.code_scanned.emit(code)

    def _give_back(self) -> None:
        """Replay held keys, in order, to the widgets they were meant for."""
        self._timer.stop()
        held, self._held = self._held, []
        self._in_prefixed_scan = False
        self._suffix_seen = 0
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
