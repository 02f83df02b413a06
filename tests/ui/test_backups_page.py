"""The owner's backups page: back up now, the check, a second folder, restore refusals."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.care import backup
from services.shop import staff as auth


@pytest.fixture
def page(qtbot, app_styled, shop_db):
    from ui.backup_dialog import BackupsDialog

    dialog = BackupsDialog(auth.login("1111"))
    qtbot.addWidget(dialog)
    dialog.resize(1000, 420)
    dialog.show()
    return dialog


def test_only_the_owner_opens_the_page(qtbot, app_styled, shop_db):
    from services.core.errors import InputError
    from ui.backup_dialog import BackupsDialog

    with pytest.raises(InputError):
        BackupsDialog(auth.login("2222"))


def test_back_up_now_shows_where_and_the_check(page, qtbot, tmp_path):
    assert backup.last_backup() is None
    with qtbot.waitSignal(page.backup_finished, timeout=20_000):
        page.now_button.click()
    last = backup.last_backup()
    assert last is not None and Path(last["path"]).exists()
    assert last["path"] in page.where.text() and "sound" in page.result.text()
    with qtbot.waitSignal(page.check_finished, timeout=20_000):
        page.check_button.click()
    out = Path("/tmp/shots/data")
    out.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(out / "backups_page.png"))


def test_a_file_that_is_not_a_backup_is_refused_on_the_page(page, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a till")
    assert page.confirm_restore(pdf, ask=False) is False
    assert "not a LoyalTill backup" in page.bar.label.text()


def test_a_second_folder_that_is_not_there_is_saved_with_a_warning(page, tmp_path):
    page.second.setText(str(tmp_path / "usb"))
    page.save_folder()
    assert backup.second_folder() == str(tmp_path / "usb")
    assert page.bar.property("kind") == "warn"
