"""Fixtures for the UI tests: a fresh copy of a small demo shop per test, offscreen Qt."""
from __future__ import annotations

import logging
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from models import db  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def _close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(None)


@pytest.fixture
def shop_db(demo_db: Path):
    """An open copy of the small demo shop (built once in tests/conftest.py)."""
    return db.obj


@pytest.fixture(autouse=True)
def no_bugs_logged(caplog: pytest.LogCaptureFixture):
    """A bug the UI caught and reported still fails the test."""
    caplog.set_level(logging.ERROR, logger="loyaltill.ui")
    yield
    bugs = [r for r in caplog.records if r.name == "loyaltill.ui" and r.levelno >= logging.ERROR]
    assert not bugs, "the UI reported a bug: " + "\n".join(r.getMessage() + str(r.exc_info) for r in bugs)


@pytest.fixture
def app_styled(qapp):
    from ui.style import apply_style

    apply_style(qapp)
    return qapp


@pytest.fixture
def cashier(shop_db):
    from services.shop import staff as auth

    return auth.first_of_role("cashier")


@pytest.fixture
def window(qtbot, app_styled, cashier):
    from services.shop.settings import shop_info
    from tests.ui.helpers import fake_scanner
    from ui.cashier import CashierWindow

    info = shop_info()
    win = CashierWindow(cashier, RESOURCES, scanner=fake_scanner(prefix=info.scan_prefix, suffix=info.scan_suffix))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.input.setFocus()
    yield win
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():  # dialogs a test left open
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)
