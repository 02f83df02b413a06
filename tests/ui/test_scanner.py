"""The scanner detector alone, with a fake clock: no timing luck involved."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.scanner import ScanDetector


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def press(widget, key, text, clock=None, step=0.0):
    if clock is not None:
        clock.now += step
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))


def type_code(widget, code, clock, step, end=(Qt.Key.Key_Return, "\r")):
    for digit in code:
        press(widget, getattr(Qt.Key, f"Key_{digit}"), digit, clock, step)
    press(widget, end[0], end[1], clock, step)


@pytest.fixture
def make(qtbot):
    """make(**options) -> (detector, clock, edit): a detector on the application,
    removed again after the test."""
    installed = []

    def build(**kw):
        clock = FakeClock()
        detector = ScanDetector(clock=clock, **kw)
        QApplication.instance().installEventFilter(detector)
        installed.append(detector)
        edit = QLineEdit()
        qtbot.addWidget(edit)
        return detector, clock, edit

    yield build
    for detector in installed:
        QApplication.instance().removeEventFilter(detector)


def test_fast_digits_and_enter_are_a_scan(qtbot, make):
    detector, clock, edit = make()
    with qtbot.waitSignal(detector.code_scanned) as signal:
        type_code(edit, "4601442725092", clock, 0.008)
    assert signal.args == ["4601442725092"]
    assert edit.text() == ""


def test_a_pause_makes_it_typing(qtbot, make):
    detector, clock, edit = make()
    with qtbot.assertNotEmitted(detector.code_scanned):
        type_code(edit, "46014427", clock, 0.2)
    assert edit.text() == "46014427"


def test_too_long_is_not_a_code(qtbot, make):
    detector, clock, edit = make()
    with qtbot.assertNotEmitted(detector.code_scanned):
        type_code(edit, "1234567890123456", clock, 0.005)
    assert edit.text() == "1234567890123456"


def test_prefix_marks_a_scan_even_when_slow(qtbot, make):
    detector, clock, edit = make(prefix="#")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        press(edit, Qt.Key.Key_NumberSign, "#", clock, 0)
        type_code(edit, "12345", clock, 0.3)
    assert signal.args == ["12345"]
    assert edit.text() == ""


def test_suffix_ends_a_fast_scan(qtbot, make):
    detector, clock, edit = make(suffix="$")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        type_code(edit, "4601442725092", clock, 0.005, end=(Qt.Key.Key_Dollar, "$"))
    assert signal.args == ["4601442725092"]


def _keys(text):
    names = {"]": "Key_BracketRight", "$": "Key_Dollar", "!": "Key_Exclam", "#": "Key_NumberSign"}
    for ch in text:
        yield getattr(Qt.Key, names.get(ch, f"Key_{ch.upper()}")), ch


def test_a_prefix_of_several_characters_is_stripped_whole(qtbot, make):
    detector, clock, edit = make(prefix="]C")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        for key, ch in _keys("]C"):
            press(edit, key, ch, clock, 0.2)
        type_code(edit, "4601442725092", clock, 0.2)
    assert signal.args == ["4601442725092"]
    assert edit.text() == ""


def test_a_prefix_that_does_not_continue_is_typing(qtbot, make):
    detector, clock, edit = make(prefix="]C")
    for key, ch in _keys("]x"):
        press(edit, key, ch, clock, 0.2)
    assert edit.text() == "]x"


def test_a_suffix_of_several_characters_ends_the_scan_and_leaks_nothing(qtbot, make):
    detector, clock, edit = make(suffix="$!")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        for digit in "4601442725092":
            press(edit, getattr(Qt.Key, f"Key_{digit}"), digit, clock, 0.005)
        for key, ch in _keys("$!"):
            press(edit, key, ch, clock, 0.005)
    assert signal.args == ["4601442725092"]
    assert edit.text() == ""


def test_prefix_and_suffix_together(qtbot, make):
    detector, clock, edit = make(prefix="]C", suffix="$!")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        for key, ch in _keys("]C"):
            press(edit, key, ch, clock, 0.01)
        for digit in "2700100000013":
            press(edit, getattr(Qt.Key, f"Key_{digit}"), digit, clock, 0.01)
        for key, ch in _keys("$!"):
            press(edit, key, ch, clock, 0.01)
    assert signal.args == ["2700100000013"]
    assert edit.text() == ""
