"""A till file holding a trigger, table, index or view LoyalTill never makes is
refused: by `check` (reported), `restore` (refused) and the start check."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from models import db
from models.migrations import LATEST
from services.care import backup, check, restore
from services.core.errors import InputError

PROMOTE = ("CREATE TRIGGER promote AFTER INSERT ON sale BEGIN "
           "UPDATE staff SET role = 'owner'; END")


def _add(path, sql):
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    conn.close()


def test_a_fresh_and_a_demo_till_hold_nothing_unknown(demo_db):
    assert check.full(demo_db).unknown_schema == [] and check.quick(demo_db).ok
    # The expectation is the frozen steps' own work: every version has its tables.
    assert ("table", "sale", "sale") in check.expected_objects(LATEST)
    assert not any(kind in ("trigger", "view") for kind, _, _ in check.expected_objects(LATEST))


@pytest.mark.parametrize("sql, named", [
    (PROMOTE, "trigger promote on sale"),
    ("CREATE VIEW everyone AS SELECT * FROM staff", "view everyone"),
    ("CREATE TABLE extra (x)", "table extra"),
    ("CREATE INDEX sneaky ON staff (role)", "index sneaky on staff"),
])
def test_check_reports_what_loyaltill_never_makes(demo_db, sql, named):
    db.obj.execute_sql(sql)
    report = check.full(demo_db)
    assert not report.ok and report.unknown_schema == [named] and report.problems() == ["schema"]
    assert check.quick(demo_db).unknown_schema == [named]


def test_a_backup_with_a_promoting_trigger_is_not_restored(demo_db, tmp_path):
    crafted = tmp_path / "crafted.loyaltill-backup"
    backup.backup_now(crafted)
    _add(crafted, PROMOTE)
    db.obj.close()
    before = demo_db.read_bytes()
    with pytest.raises(InputError) as refused:
        restore.restore(demo_db, crafted)
    assert refused.value.code == "restore_unknown_schema"
    assert "trigger promote on sale" in refused.value.params["names"]
    assert demo_db.read_bytes() == before
    assert not list(tmp_path.glob("till.db.before-restore-*"))


def test_the_start_check_refuses_a_live_file_with_an_unknown_trigger(demo_db, tmp_path):
    db.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.obj.close()
    live = tmp_path / "live.db"
    shutil.copy(demo_db, live)
    check.refuse_unsafe_file(live)  # as it is: opens
    _add(live, PROMOTE)
    with pytest.raises(InputError) as refused:
        check.refuse_unsafe_file(live)
    assert refused.value.code == "file_unknown_schema"
