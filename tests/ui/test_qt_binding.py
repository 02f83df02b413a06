"""The Qt binding itself keeps Python's reference counts straight.

PySide6 6.12.0 dropped a reference to None on every call of a method that
returns nothing (setFocus, processEvents, ...): on Python 3.11, where None is
not immortal, a till aborted ("deallocating None") after some thousands of
scans.  pyproject.toml keeps that release out; this test says why if it
comes back.
"""
import sys

from PySide6.QtWidgets import QLineEdit


def test_calls_that_return_nothing_keep_none_alive(qtbot):
    line = QLineEdit()
    qtbot.addWidget(line)
    before = sys.getrefcount(None)
    for _ in range(2000):
        line.setFocus()
        line.clear()
    assert sys.getrefcount(None) > before - 1000
