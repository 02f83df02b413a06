"""`main.py bench`'s scan-to-shown probe: the real cashier window, wedge scans, a stopwatch.

Run as `python -m ui.scan_probe --db PATH --cards N1,N2,...` (offscreen). It
opens the till's window as its first cashier, and for each card types the
digits into the scan line the way a USB scanner does, then times from the
Enter key event to the member panel painted.  The baseline, in the same
process: the same keys into a bare window whose Enter sets a label's text,
timed to that label painted.  Prints one JSON object: the seconds of each.

Tooling, not the product: only the bench runs it, and no product module
imports it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow, QVBoxLayout, QWidget

ROOT = Path(__file__).resolve().parents[1]


class PaintWatch(QObject):
    """Says when a widget has been sent a paint event."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def _keys(target: QWidget, digits: str) -> None:
    for digit in digits:
        key = getattr(Qt.Key, f"Key_{digit}")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, digit))


def _enter_until_painted(app: QApplication, target: QWidget, watch: PaintWatch) -> float:
    """Send Enter; seconds until the watched widget has painted (bounded)."""
    watch.painted = False
    start = time.perf_counter()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"))
    while not watch.painted:
        app.processEvents()
        if time.perf_counter() - start > 5:
            raise RuntimeError("the panel was not painted within 5 s")
    return time.perf_counter() - start


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def time_till(app: QApplication, db_path: Path, cards: list[str]) -> list[float]:
    import models
    from services.shop import settings as shop
    from services.shop import staff as auth
    from ui.app import install_translator
    from ui.cashier import CashierWindow
    from ui.style import apply_style

    models.open_database(db_path)
    apply_style(app)
    install_translator(app, ROOT / "resources", shop.shop_info().language)
    staff = auth.first_of_role("cashier") or auth.first_of_role("owner")
    window = CashierWindow(staff, ROOT / "resources")
    window.resize(1366, 768)
    window.show()
    _settle(app)
    watch = PaintWatch(window.member_panel)
    samples = []
    for number in cards:
        window.input.setFocus()
        _keys(window.input, number)
        samples.append(_enter_until_painted(app, window.input, watch))
        if window.cart.member is None:
            raise RuntimeError(f"card {number} did not put a member on the sale: {window.message.text()}")
        window._act(window.session.drop_member)  # the next card is a new customer's, not a replacement
        _settle(app)
    window.close()
    return samples


def time_bare(app: QApplication, cards: list[str]) -> list[float]:
    """The same keys into a bare window: Qt's own cost of taking keys and painting a panel."""
    window = QMainWindow()
    body = QWidget(window)
    layout = QVBoxLayout(body)
    line = QLineEdit(body)
    panel = QLabel(body)
    layout.addWidget(line)
    layout.addWidget(panel)
    window.setCentralWidget(body)
    scans = []

    def entered() -> None:  # a new text each time (the same card twice must still repaint)
        scans.append(line.text())
        panel.setText(f"{len(scans)}: {scans[-1]}")
        line.clear()

    line.returnPressed.connect(entered)
    window.resize(1366, 768)
    window.show()
    _settle(app)
    watch = PaintWatch(panel)
    samples = []
    for number in cards:
        line.setFocus()
        _keys(line, number)
        samples.append(_enter_until_painted(app, line, watch))
        _settle(app)
    window.close()
    return samples


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ui.scan_probe")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--cards", required=True, help="comma-separated card numbers that belong to members")
    args = parser.parse_args(argv)
    cards = [c for c in args.cards.split(",") if c]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from services.core.errors import InputError
    from ui.errors import user_message

    bare = time_bare(app, cards)
    try:
        ours = time_till(app, args.db, cards)
    except InputError as exc:  # the file cannot open a cashier window (no till set up): one line, not a traceback
        print(user_message(exc), file=sys.stderr)
        return 2
    print(json.dumps({"loyaltill": ours, "bare_qt": bare}))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
