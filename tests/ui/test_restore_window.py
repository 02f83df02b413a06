"""Restore from the window, and the window's start check (review of issue 10, item 4)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from models import db
from models.schema import Setting
from services.care import backup
from services.core.storage import StorageError, write_transaction
from services.journal import continuity
from services.shop import staff as auth

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _mark(key: str) -> None:
    with write_transaction():
        Setting.insert(key=key, value='"x"').on_conflict_replace().execute()


def _has(path: Path, key: str) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM setting WHERE key = ?", (key,)).fetchone()[0] == 1


@pytest.fixture
def page(qtbot, app_styled, shop_db, tmp_path):
    from ui.backup_dialog import BackupsDialog

    restarted: list[bool] = []
    dialog = BackupsDialog(auth.login("111111"), on_restored=lambda: restarted.append(True))
    dialog.restarted = restarted
    qtbot.addWidget(dialog)
    dialog.resize(1000, 420)
    dialog.show()
    saved = tmp_path / "saved.loyaltill-backup"
    backup.backup_now(saved)
    _mark("sold_after_the_backup")
    dialog.saved = saved
    return dialog


def test_a_restore_from_the_window_asks_naming_the_till_then_the_window_writes_into_the_restored_file(page, qtbot):
    live = backup.live_path()
    page.confirm_restore(page.saved)
    qtbot.waitUntil(lambda: page.restore_box is not None and page.restore_box.isVisible(), timeout=20_000)
    question = page.restore_box.text()
    assert "saved.loyaltill-backup" in question and "T01" in question
    out = Path("/tmp/shots/datafix")
    out.mkdir(parents=True, exist_ok=True)
    page.restore_box.grab().save(str(out / "restore_question.png"))
    with qtbot.waitSignal(page.restore_finished, timeout=30_000) as finished:
        page.restore_box.button(QMessageBox.StandardButton.Yes).click()
    assert finished.args[0].kept_aside
    assert Path(db.obj.database) == live
    assert Setting.get_or_none(Setting.key == "sold_after_the_backup") is None  # the backup's moment
    _mark("sold_after_the_restore")
    assert _has(live, "sold_after_the_restore")
    assert page.restarted == []
    page.restored_box.button(QMessageBox.StandardButton.Ok).click()
    assert page.restarted == [True]


def test_a_failed_restore_leaves_the_window_on_its_own_file(page, qtbot, monkeypatch):
    live = backup.live_path()

    def disk_full(*args, **kwargs):
        raise StorageError("storage_full")

    monkeypatch.setattr(continuity, "renumber_unsent", disk_full)
    with qtbot.waitSignal(page.restore_finished, timeout=30_000) as finished:
        page.confirm_restore(page.saved, ask=False)
    assert isinstance(finished.args[0], StorageError)
    assert page.bar.property("kind") == "error" and page.bar.label.text()
    assert Path(db.obj.database) == live
    _mark("sold_after_the_failed_restore")
    assert _has(live, "sold_after_the_failed_restore") and _has(live, "sold_after_the_backup")
    assert page.restarted == [] and page.restore_button.isEnabled()


def test_a_file_that_is_not_a_backup_is_refused_in_the_background(page, qtbot, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a till")
    with qtbot.waitSignal(page.restore_finished, timeout=10_000):
        page.confirm_restore(pdf)
    assert "not a LoyalTill backup" in page.bar.label.text() and page.restore_box is None


def _answer_the_box(seen: list[str]) -> None:
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        seen.append(box.text())
        box.done(0)
    else:
        QTimer.singleShot(20, lambda: _answer_the_box(seen))


@pytest.mark.parametrize("trouble", ["damaged", "demo"])
def test_the_window_refuses_a_damaged_file_or_a_half_built_demo(qtbot, app_styled, demo_template, tmp_path, trouble):
    import shutil

    from services.core import messages
    from ui.app import open_shop

    till = tmp_path / "till.db"
    shutil.copy(demo_template, till)
    with sqlite3.connect(till) as conn:
        if trouble == "demo":
            conn.execute("INSERT OR REPLACE INTO setting(key, value) VALUES ('demo_state', '\"building\"')")
        else:
            conn.execute("UPDATE setting SET value = CAST(X'22d7ff22' AS TEXT) WHERE key = 'shop_name'")
    seen: list[str] = []
    QTimer.singleShot(0, lambda: _answer_the_box(seen))
    try:
        assert open_shop(QApplication.instance(), till, RESOURCES, False) is False
    finally:
        messages.set_language("en")
    assert len(seen) == 1
    assert db.obj is None or Path(db.obj.database) != till  # never opened for writing
    if trouble == "damaged":
        assert till.with_name("till.db.damaged").exists()


def test_typing_a_phone_in_find_member_searches_in_the_background(qtbot, app_styled, shop_db):
    from models.schema import Member
    from services.shop.settings import shop_info
    from ui.formatting import Formatter
    from ui.member_dialogs import FindMemberDialog
    from ui import operations

    member = Member.select().where(Member.phone.is_null(False)).first()
    info = shop_info()
    dialog = FindMemberDialog(Formatter(info.currency, info.locale, info.time_zone))
    qtbot.addWidget(dialog)
    dialog.query.setText(member.phone[-4:])
    dialog._debounce.stop()
    dialog.search_in_background()
    assert operations.in_flight() == 1 and dialog.results == []  # the screen's thread did not search
    with qtbot.waitSignal(dialog.searched, timeout=10_000):
        pass
    assert member.id in {m.id for m in dialog.results}
