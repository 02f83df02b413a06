"""Backups, the check, rotation, and a full disk told in one sentence."""
from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

import pytest

from models import db
from models.schema import Member, Sale
from services.care import backup, check
from services.core.errors import InputError
from services.core.storage import StorageError


def test_a_backup_is_a_checked_till_file_and_is_remembered(demo_db, tmp_path):
    out = tmp_path / "copy.loyaltill-backup"
    result = backup.backup_now(out)
    assert result.problems == [] and result.check["integrity"] == ["ok"]
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sale").fetchone()[0] == Sale.select().count()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert backup.last_backup()["path"] == str(out)
    assert not out.with_name(out.name + ".partial").exists()


def test_a_backup_of_a_damaged_till_is_refused_and_leaves_no_file(demo_db, tmp_path):
    db.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.obj.close()
    data = bytearray(demo_db.read_bytes())
    for i in range(8192, len(data), 997):
        data[i] ^= 0xFF
    demo_db.write_bytes(data)
    out = tmp_path / "copy.loyaltill-backup"
    with pytest.raises(InputError) as caught:
        backup.write_backup(demo_db, out)
    assert caught.value.code in ("backup_source_damaged", "backup_write_failed")
    assert not out.exists()


def test_check_finds_a_cached_balance_that_is_not_its_ledger(demo_db):
    assert check.full(demo_db).ok
    member = Member.select().where(Member.balance > 0).first()
    Member.update(balance=member.balance + 7).where(Member.id == member.id).execute()
    report = check.full(demo_db)
    assert not report.ok and report.balances == 1 and report.problems() == ["balances"]
    assert report.balance_examples[0]["cached"] == member.balance + 7


def test_check_finds_a_gap_in_what_waits_for_the_hub(demo_db):
    from services.journal import outbox

    with db.atomic():
        for n in range(3):
            outbox.record("probe", {"n": n})
    assert check.full(demo_db).outbox["continuous"] and check.full(demo_db).outbox["unsent"] >= 3
    db.obj.execute_sql('DELETE FROM "outbox" WHERE seq = (SELECT MAX(seq) - 1 FROM "outbox")')
    report = check.full(demo_db)
    assert report.problems() == ["outbox"]


def test_the_quick_check_finds_an_unreadable_text_in_the_tables_read_first(demo_db):
    assert check.quick(demo_db).ok
    db.obj.execute_sql("UPDATE setting SET value = CAST(X'22d7ff22' AS TEXT) WHERE key = 'shop_name'")
    report = check.quick(demo_db)
    assert not report.ok and "setting" in report.integrity[0]


def test_rotation_keeps_seven_days_and_four_weekly(tmp_path):
    today = dt.date(2026, 3, 31)
    for back in range(60):
        (tmp_path / f"till-{(today - dt.timedelta(days=back)).isoformat()}.loyaltill-backup").write_bytes(b"x")
    (tmp_path / "mine.db").write_bytes(b"not ours")
    removed = backup.rotate(tmp_path, today)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert "mine.db" in kept
    days = sorted(dt.date.fromisoformat(name[5:15]) for name in kept if name.startswith("till-"))
    assert days[-7:] == [today - dt.timedelta(days=n) for n in range(6, -1, -1)]
    assert len(days) == 11 and len(removed) == 49
    older = days[:-7]
    assert len({d.isocalendar()[:2] for d in older}) == 4  # one per week


def test_automatic_backup_is_due_once_a_day_and_a_missing_second_folder_is_a_warning(demo_db, tmp_path):
    now = dt.datetime(2026, 3, 31, 9, 0)
    assert backup.due(now)
    backup.set_second_folder(str(tmp_path / "stick-not-plugged-in"))
    result = backup.automatic_backup(now)
    assert Path(result.path).parent == demo_db.parent / "backups" and Path(result.path).exists()
    assert result.second is None and "stick-not-plugged-in" in result.warnings[0]
    assert not backup.due(now + dt.timedelta(hours=5)) and backup.due(now + dt.timedelta(days=1))
    stick = tmp_path / "stick"
    stick.mkdir()
    backup.set_second_folder(str(stick))
    result = backup.automatic_backup(now + dt.timedelta(days=1))
    assert result.warnings == [] and Path(result.second).parent == stick


def test_a_full_disk_during_a_sale_is_one_sentence_and_nothing_is_half_written(demo_template, tmp_path, capsys):
    """SQLite rolls a transaction back itself on SQLITE_FULL; peewee's own
    ROLLBACK then failed ("no transaction is active") and hid the disk's error."""
    import shutil

    path = tmp_path / "full.db"
    shutil.copy(demo_template, path)
    with sqlite3.connect(path) as conn:
        conn.execute("VACUUM")  # no free pages left: the sale must grow the file
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        sales = conn.execute("SELECT COUNT(*) FROM sale").fetchone()[0]
    pragmas = sys.modules["models.db"].TILL_PRAGMAS
    pragmas["max_page_count"] = pages
    try:
        import main

        code = main.main(["sell", "--db", str(path), "--card", _a_card(path), "--item", _a_barcode(path) + "*3"])
    finally:
        del pragmas["max_page_count"]
        if db.obj is not None and not db.obj.is_closed():
            db.obj.close()
        db.initialize(None)
    assert code == 2
    assert "the disk is full" in capsys.readouterr().err
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sale").fetchone()[0] == sales
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _a_card(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT number FROM card WHERE status = 'active' AND member_id IS NOT NULL LIMIT 1").fetchone()[0]


def _a_barcode(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT barcode FROM product LIMIT 1").fetchone()[0]


def test_the_disk_error_is_found_under_a_failed_rollback():
    inner = sqlite3.OperationalError("database or disk is full")
    try:
        try:
            raise inner
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")
    except sqlite3.OperationalError as outer:
        from services.core.storage import storage_error

        found = storage_error(outer)
    assert isinstance(found, StorageError) and found.code == "storage_full"
