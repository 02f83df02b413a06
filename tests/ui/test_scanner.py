"""The scanner detector alone, with a fake clock: no timing luck involved."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.ui.helpers import ScanClock
from ui.scanner import ScanDetector


def press(widget, key, text, clock=None, step=0.0):
    """One key, `step` ms (by the scanner's clock) after the one before."""
    if clock is not None:
        clock.advance(step)
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
        clock = ScanClock()
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
        type_code(edit, "4601442725092", clock, 8)
    assert signal.args == ["4601442725092"]
    assert edit.text() == ""


def test_a_pause_makes_it_typing(qtbot, make):
    detector, clock, edit = make()
    with qtbot.assertNotEmitted(detector.code_scanned):
        type_code(edit, "46014427", clock, 200)
    assert edit.text() == "46014427"


def test_too_long_is_not_a_code(qtbot, make):
    detector, clock, edit = make()
    with qtbot.assertNotEmitted(detector.code_scanned):
        type_code(edit, "1234567890123456", clock, 5)
    assert edit.text() == "1234567890123456"


def test_prefix_marks_a_scan_even_when_slow(qtbot, make):
    detector, clock, edit = make(prefix="#")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        press(edit, Qt.Key.Key_NumberSign, "#", clock, 0)
        type_code(edit, "12345", clock, 300)
    assert signal.args == ["12345"]
    assert edit.text() == ""


def test_suffix_ends_a_fast_scan(qtbot, make):
    detector, clock, edit = make(suffix="$")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        type_code(edit, "4601442725092", clock, 5, end=(Qt.Key.Key_Dollar, "$"))
    assert signal.args == ["4601442725092"]


def _keys(text):
    names = {"]": "Key_BracketRight", "$": "Key_Dollar", "!": "Key_Exclam", "#": "Key_NumberSign"}
    for ch in text:
        yield getattr(Qt.Key, names.get(ch, f"Key_{ch.upper()}")), ch


def test_a_prefix_of_several_characters_is_stripped_whole(qtbot, make):
    detector, clock, edit = make(prefix="]C")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        for key, ch in _keys("]C"):
            press(edit, key, ch, clock, 200)
        type_code(edit, "4601442725092", clock, 200)
    assert signal.args == ["4601442725092"]
    assert edit.text() == ""


def test_a_prefix_that_does_not_continue_is_typing(qtbot, make):
    detector, clock, edit = make(prefix="]C")
    for key, ch in _keys("]x"):
        press(edit, key, ch, clock, 200)
    assert edit.text() == "]x"


def test_a_suffix_of_several_characters_ends_the_scan_and_leaks_nothing(qtbot, make):
    detector, clock, edit = make(suffix="$!")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        for digit in "4601442725092":
            press(edit, getattr(Qt.Key, f"Key_{digit}"), digit, clock, 5)
        for key, ch in _keys("$!"):
            press(edit, key, ch, clock, 5)
    assert signal.args == ["4601442725092"]
    assert edit.text() == ""


def test_prefix_and_suffix_together(qtbot, make):
    detector, clock, edit = make(prefix="]C", suffix="$!")
    with qtbot.waitSignal(detector.code_scanned) as signal:
        for key, ch in _keys("]C"):
            press(edit, key, ch, clock, 10)
        for digit in "2700100000013":
            press(edit, getattr(Qt.Key, f"Key_{digit}"), digit, clock, 10)
        for key, ch in _keys("$!"):
            press(edit, key, ch, clock, 10)
    assert signal.args == ["2700100000013"]
    assert edit.text() == ""


@pytest.mark.parametrize("step, scanned", [(50, True), (51, False)])
def test_the_gap_is_measured_by_the_clock_in_milliseconds(qtbot, make, step, scanned):
    detector, clock, edit = make(gap_ms=50)
    seen = []
    detector.code_scanned.connect(seen.append)
    type_code(edit, "4601442725092", clock, step)
    assert seen == (["4601442725092"] if scanned else [])
    assert edit.text() == ("" if scanned else "4601442725092")


def test_held_digits_go_back_only_when_the_clock_says_the_typing_stopped(qtbot, make):
    detector, clock, edit = make(gap_ms=50)
    for digit in "460":
        press(edit, getattr(Qt.Key, f"Key_{digit}"), digit, clock, 5)
    assert edit.text() == ""  # held: it may be the start of a scan
    clock.advance(50)
    detector.give_back_if_quiet()  # the timer woke up, but by the clock the gap is not over
    assert edit.text() == ""
    clock.advance(1)
    detector.give_back_if_quiet()
    assert edit.text() == "460"


def test_a_prefixed_scan_may_pause_up_to_a_second(qtbot, make):
    detector, clock, edit = make(prefix="#")
    press(edit, Qt.Key.Key_NumberSign, "#", clock, 0)
    press(edit, Qt.Key.Key_4, "4", clock, 10)
    clock.advance(1000)
    detector.give_back_if_quiet()
    assert edit.text() == ""
    clock.advance(1)
    detector.give_back_if_quiet()
    assert edit.text() == "#4"


def test_the_default_clock_is_the_monotonic_clock_in_milliseconds(qtbot):
    import time

    assert abs(ScanDetector().clock() - time.monotonic() * 1000) < 1000
