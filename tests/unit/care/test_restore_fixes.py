"""The review's findings on restore and backups (issue 10, item 4): the handle
bound back to the till's file, a window's lock, tills sharing a folder, an
unreadable replaced file, a scripted backup, paths with # ? %."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from models import db, open_database
from models.schema import Sale, Setting, Staff, Till
from services.care import backup, check, lock, restore
from services.core.errors import InputError
from services.core.storage import StorageError, write_transaction
from services.journal import continuity
from services.members import registry as members

NOW = dt.datetime(2026, 11, 28, 20, 0)


def _owner() -> Staff:
    return Staff.select().where(Staff.role == "owner").first()


def _write_marker(key: str) -> None:
    with write_transaction():
        Setting.insert(key=key, value='"written"').on_conflict_replace().execute()


def _has(path: Path, key: str) -> bool:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM setting WHERE key = ?", (key,)).fetchone()[0] == 1


def test_after_a_restore_the_handle_is_on_the_till_file_not_the_staging_one(demo_db, tmp_path):
    saved = tmp_path / "b.loyaltill-backup"
    backup.backup_now(saved)
    sales = Sale.select().count()
    restore.restore(demo_db, saved)
    assert Path(db.obj.database) == demo_db
    assert Sale.select().count() == sales
    _write_marker("after_restore")
    assert _has(demo_db, "after_restore")
    assert not demo_db.with_name(demo_db.name + ".restoring").exists()


def test_a_failed_restore_leaves_the_handle_on_the_live_file(demo_db, tmp_path, monkeypatch):
    saved = tmp_path / "b.loyaltill-backup"
    backup.backup_now(saved)

    def full(*args, **kwargs):  # the disk fills during the restore's own transaction
        raise StorageError("storage_full")

    monkeypatch.setattr(continuity, "renumber_unsent", full)
    with pytest.raises(StorageError):
        restore.restore(demo_db, saved)
    assert Path(db.obj.database) == demo_db
    _write_marker("after_failed_restore")
    assert _has(demo_db, "after_failed_restore")
    assert not demo_db.with_name(demo_db.name + ".restoring").exists()


def test_restore_refuses_while_another_program_holds_the_till_open(demo_db, tmp_path):
    saved = tmp_path / "b.loyaltill-backup"
    backup.backup_now(saved)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from services.care import lock; "
         f"assert lock.hold(Path({str(demo_db)!r})); print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[3])
    try:
        assert holder.stdout.readline().strip() == "held"
        assert lock.held_elsewhere(demo_db)
        with pytest.raises(InputError) as caught:
            restore.restore(demo_db, saved)
        assert caught.value.code == "restore_till_open"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not lock.held_elsewhere(demo_db)  # the lock went with the process
    restore.restore(demo_db, saved)


def test_this_process_own_lock_does_not_stop_its_own_restore(demo_db, tmp_path):
    saved = tmp_path / "b.loyaltill-backup"
    backup.backup_now(saved)
    assert lock.hold(demo_db)
    try:
        assert not lock.held_elsewhere(demo_db)
        assert restore.restore(demo_db, saved).kept_aside
    finally:
        lock.release(demo_db)


def test_two_tills_sharing_a_second_folder_keep_their_own_backups(tmp_path):
    from services.shop.settings import configure_shop

    share = tmp_path / "share"
    share.mkdir()
    seconds = []
    for name in ("a", "b"):
        open_database(tmp_path / name / "till.db")
        configure_shop("Shop", "RUB", "ru")  # each its own till id
        with write_transaction():
            Till.update(code=f"T0{name}").where(Till.is_local == True).execute()  # noqa: E712
        backup.set_second_folder(str(share))
        seconds.append(backup.automatic_backup(NOW).second)
        db.close()
    assert seconds[0] != seconds[1] and all(Path(s).exists() for s in seconds)
    facts = [restore.inspect_backup(Path(s)) for s in seconds]
    assert facts[0].till_id != facts[1].till_id and facts[0].till_code == "T0a"
    assert "T0a" in Path(seconds[0]).name


def test_rotation_leaves_another_tills_files_alone(tmp_path):
    today = dt.date(2026, 3, 31)
    for back in range(40):
        day = (today - dt.timedelta(days=back)).isoformat()
        for who in ("T01-aaaaaaaa", "T02-bbbbbbbb"):
            (tmp_path / f"till-{who}-{day}.loyaltill-backup").write_bytes(b"x")
    backup.rotate(tmp_path, today, "T01-aaaaaaaa")
    names = [p.name for p in tmp_path.iterdir()]
    assert sum("T02" in n for n in names) == 40
    assert 7 < sum("T01" in n for n in names) <= 11


def test_automatic_backups_are_named_by_the_shops_date(demo_db):
    with write_transaction():
        Setting.insert(key="time_zone", value='"Asia/Vladivostok"').on_conflict_replace().execute()
    late = dt.datetime(2026, 11, 28, 20, 0)  # UTC evening: already the 29th in Vladivostok
    result = backup.automatic_backup(late)
    assert Path(result.path).name.endswith("-2026-11-29.loyaltill-backup")
    assert not backup.due(late) and backup.due(late + dt.timedelta(days=1))


def test_a_scripted_backup_does_not_cancel_the_daily_one(demo_db, tmp_path):
    assert backup.due(NOW)
    backup.backup_now(tmp_path / "script.loyaltill-backup", now=NOW)
    assert backup.last_backup()["path"].endswith("script.loyaltill-backup")
    assert backup.due(NOW)
    backup.automatic_backup(NOW)
    assert not backup.due(NOW)


def test_an_unreadable_replaced_file_jumps_receipts_and_holds_card_numbers(demo_db, tmp_path):
    saved = tmp_path / "b.loyaltill-backup"
    backup.backup_now(saved)
    receipts = Till.get(Till.is_local == True).receipt_seq  # noqa: E712
    db.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    demo_db.write_bytes(b"\xff" * 8192)
    result = restore.restore(demo_db, saved)
    assert not result.replaced_readable and result.cards_wait_for_sync
    assert result.backup_till and result.backup_shop
    assert json.loads(json.dumps(result.as_json()))["backup_till"] == result.backup_till
    open_database(demo_db)
    assert Till.get(Till.is_local == True).receipt_seq == receipts + restore.RECEIPT_JUMP  # noqa: E712
    with pytest.raises(InputError) as caught:
        members.register("Новый Покупатель", actor=_owner())
    assert caught.value.code == "cards_wait_for_sync"
    with write_transaction():
        continuity.settle_after_restore(continuity.restored_marker()["backup_seq"])
    _, card = members.register("Новый Покупатель", actor=_owner())
    assert card.number


def test_a_readable_replaced_file_issues_cards_at_once(demo_db, tmp_path):
    saved = tmp_path / "b.loyaltill-backup"
    backup.backup_now(saved)
    result = restore.restore(demo_db, saved)
    assert not result.cards_wait_for_sync
    _, card = members.register("Новый Покупатель", actor=_owner())
    assert card.number


def test_a_folder_named_shop_2_backs_up_checks_and_restores(demo_template, tmp_path):
    folder = tmp_path / "Shop #2 50%?"
    folder.mkdir()
    till = folder / "till.db"
    shutil.copy(demo_template, till)
    open_database(till)
    saved = folder / "b.loyaltill-backup"
    assert backup.backup_now(saved).problems == []
    assert check.full(till).ok and check.quick(till).ok
    assert restore.restore(till, saved).kept_aside
    assert Path(db.obj.database) == till
    db.close()


def test_the_start_check_refuses_a_half_built_demo(demo_db):
    with write_transaction():
        Setting.insert(key="demo_state", value='"building"').on_conflict_replace().execute()
    with pytest.raises(InputError) as caught:
        check.refuse_unsafe_file(demo_db)
    assert caught.value.code == "demo_interrupted"


def test_till_own_settings_do_not_travel():
    from services.sync.client import LOCAL_KEYS

    assert {"period_last_run", "backup_last_automatic", "backup_last", "first_day"} <= LOCAL_KEYS
    assert not {"shop_name", "currency", "card_prefix", "time_zone", "language"} & LOCAL_KEYS
