"""The owner's audit log page: reached from More…, filtered, newest first, in the shop's language."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.schema import utcnow
from services.core import messages
from services.core.errors import InputError, PermissionDenied
from services.journal import audit
from services.shop import staff as auth
from tests.ui.test_owner_screens import _more_items, owner_window  # noqa: F401 (a fixture)
from ui.formatting import Formatter

SHOTS = Path("/tmp/shots/pins")


def some_entries():
    now = utcnow()
    manager = auth.first_of_role("manager")
    audit.record("return", manager, target="T01-000042", now=now - dt.timedelta(hours=3), refund=8990, cashier="Ольга")
    audit.record("manual_discount", manager, target="T01-000043", now=now - dt.timedelta(hours=2), percent_bp=1000,
                 discount=899)
    with pytest.raises(InputError):
        auth.login("000000", auth.first_of_role("owner"), now=now - dt.timedelta(hours=1))
    return manager


def test_only_the_owner_finds_the_audit_log(window, owner_window):  # noqa: F811
    from ui.audit_page import AuditLogDialog

    assert "Audit log (owner)…" not in _more_items(window)
    with pytest.raises(PermissionDenied):
        AuditLogDialog(window.staff, window.fmt)
    assert "Audit log (owner)…" in _more_items(owner_window)
    owner_window.open_audit_log()
    assert isinstance(owner_window.dialog, AuditLogDialog)


def test_the_log_filters_and_shows_newest_first(qtbot, app_styled, shop_db):
    from ui.audit_page import AuditLogDialog

    manager = some_entries()
    dialog = AuditLogDialog(auth.first_of_role("owner"), Formatter("RUB", "en_GB"))
    qtbot.addWidget(dialog)
    actions = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    assert actions == ["Wrong PIN", "Manual discount", "Return"]
    assert "refund: " in dialog.table.item(2, 5).text() and "89.90" in dialog.table.item(2, 5).text()
    dialog.person.setCurrentIndex(dialog.person.findData(manager.name))
    assert dialog.table.rowCount() == 2
    dialog.action.setCurrentIndex(dialog.action.findData("return"))
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 3).text() == "T01-000042"
    dialog.person.setCurrentIndex(0)
    dialog.action.setCurrentIndex(0)
    dialog.use_dates.setChecked(True)
    dialog.since.setDate(dialog.until.date().addDays(-40))
    dialog.until.setDate(dialog.until.date().addDays(-35))  # a window with nothing in it
    assert dialog.table.rowCount() == 0 and dialog.count.text() == "Entries shown: 0"


def test_the_log_speaks_russian(qtbot, app_styled, shop_db):
    from ui.audit_page import AuditLogDialog

    some_entries()
    messages.set_language("ru")
    try:
        dialog = AuditLogDialog(auth.first_of_role("owner"), Formatter("RUB", "ru_RU"))
        qtbot.addWidget(dialog)
        dialog.resize(1366, 700)
        dialog.show()
        qtbot.waitExposed(dialog)
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / "audit_log_ru.png"))
        texts = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
        assert texts and all(text.isascii() is False for text in texts)
        assert dialog.windowTitle() != "Audit log"
    finally:
        messages.set_language("en")
