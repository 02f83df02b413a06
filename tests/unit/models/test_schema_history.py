"""Migrations are history: a till written by schema 1 upgrades to exactly the
schema a new till gets, and a new till's schema is what the models declare.

The version-1 till is a frozen artefact (data/till_v1.sql), not rebuilt from
today's code, so a change to an old step, or a model changed without a step,
shows up here as a named table and column.
"""
from __future__ import annotations

import ast
import hashlib
import sqlite3
from pathlib import Path

import peewee
import pytest

from models import db, open_database
from models.migration_steps import (
    m0001_initial, m0002_loyalty_records, m0003_sync, m0004_audit, m0005_authority, m0011_stores,
)
from models.migrations import LATEST, schema_version
from models.schema import ALL_MODELS
from tests.unit.models.sqlite_shape import differences

ROOT = Path(__file__).resolve().parents[3]
V1_DUMP = Path(__file__).with_name("data") / "till_v1.sql"
DISAGREE = (
    "The models and the migration steps disagree (a model changed without a new step, or a step without its model);"
    " add a step at the end of models/migrations.py, never edit a released one"
)


def _close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(None)


def _load_v1(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_DUMP.read_text())
    conn.close()
    return path


def _rows(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of the given tables, as the given columns (a later step may add some)."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: sorted(conn.execute(f'SELECT {", ".join(f"[{c}]" for c in names)} FROM "{table}"').fetchall(), key=repr)
            for table, names in columns.items()
        }
    finally:
        conn.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A new till's file, as open_database makes it."""
    path = tmp_path / "fresh.db"
    open_database(path)
    _close()
    return path


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    """The frozen version-1 till, opened (and so upgraded) by this version."""
    path = _load_v1(tmp_path / "till_v1.db")
    open_database(path)
    _close()
    return path


@pytest.fixture
def declared(tmp_path: Path) -> Path:
    """What today's models would create: the target every step must add up to."""
    path = tmp_path / "models.db"
    database = peewee.SqliteDatabase(str(path))
    with database.bind_ctx(ALL_MODELS):
        database.create_tables(ALL_MODELS)
    database.close()
    return path


def test_the_frozen_till_is_at_version_1(tmp_path):
    path = _load_v1(tmp_path / "v1.db")
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "sale" in tables and "member" in tables
        assert "sale_loyalty" not in tables and "synced_row" not in tables
    finally:
        conn.close()


def test_a_version_1_till_upgrades_to_the_schema_of_a_new_one(upgraded, fresh, tmp_path):
    conn = sqlite3.connect(upgraded)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    finally:
        conn.close()
    assert (tmp_path / "till_v1.db.v1.bak").exists()
    diffs = differences(upgraded, fresh, "version-1 till upgraded", "new till", column_order=True)
    assert not diffs, "An upgraded till differs from a new one:\n  " + "\n  ".join(diffs)


def test_a_new_till_has_the_schema_the_models_declare(fresh, declared):
    diffs = differences(declared, fresh, "models", "new till")
    assert not diffs, f"{DISAGREE}:\n  " + "\n  ".join(diffs)


def test_every_row_of_a_version_1_till_survives_the_upgrade(tmp_path):
    path = _load_v1(tmp_path / "till_v1.db")
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    columns = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    conn.close()
    before = _rows(path, columns)
    assert before["sale"] and before["member"] and before["sale_return"] and before["outbox"]

    database = open_database(path)
    try:
        assert schema_version(database) == LATEST
        assert database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        unsent = database.execute_sql("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
        assert unsent == len(before["outbox"])
    finally:
        _close()
    assert _rows(path, columns) == before


def test_a_difference_is_named_by_table_and_column(fresh, tmp_path):
    """The comparison can fail, and says where: a column, an index and a check
    the other file lacks."""
    changed = tmp_path / "changed.db"
    with sqlite3.connect(fresh) as src, sqlite3.connect(changed) as dst:
        src.backup(dst)
    with sqlite3.connect(changed) as conn:
        conn.execute('ALTER TABLE "sale" ADD COLUMN "mutation_note" TEXT NOT NULL DEFAULT \'\'')
        conn.execute('DROP INDEX "member_phone"')
        conn.execute('CREATE TABLE "staff_note" ("id" INTEGER NOT NULL PRIMARY KEY, "body" TEXT CHECK (length(body) < 200))')
    conn.close()
    diffs = differences(changed, fresh, "models", "new till")
    assert """table "sale", column "mutation_note" -- models: TEXT NOT NULL DEFAULT ''; new till: (none)""" in diffs
    assert 'table "member", index "member_phone" -- models: (none); new till: (phone)' in diffs
    assert 'table "staff_note" -- models: present; new till: (none)' in diffs
    assert len(diffs) == 3


def test_a_check_constraint_and_a_column_type_are_compared(tmp_path):
    left, right = tmp_path / "left.db", tmp_path / "right.db"
    with sqlite3.connect(left) as conn:
        conn.execute("CREATE TABLE t (a INTEGER NOT NULL CHECK (a > 0), b TEXT)")
    conn.close()
    with sqlite3.connect(right) as conn:
        conn.execute("CREATE TABLE t (a INTEGER NOT NULL CHECK (a >= 0), b BLOB)")
    conn.close()
    diffs = differences(left, right, "models", "new till")
    assert 'table "t", column "b" -- models: TEXT; new till: BLOB' in diffs
    assert 'table "t", check a > 0 -- models: present; new till: (none)' in diffs
    assert 'table "t", check a >= 0 -- models: (none); new till: present' in diffs
    assert len(diffs) == 3


# sha256 of each released step's statements. A step is history: if this fails,
# put the old text back and make the change a new step.
RELEASED_STEPS = {
    m0001_initial: "f5ef9dfa868c735b09a91da1c97a550efc4e810fb350695cffe1a42840f8eefd",
    m0002_loyalty_records: "8e964c0d51f8852ee0c423d659a52a71276e80541ebf252461e3f20b2957ac17",
    m0003_sync: "73ee9c3cf7090ec13551aa1a60cfc099ae2cf33f58d7f73cc71815cd2e15a66b",
    m0004_audit: "67c90b6f4ca961f3ea9db91160928d9af1a1a24a6c6070b1969c3c529a12e9f5",
    m0011_stores: "f247302f751e64c350e9997353c98f999329ff542db71e006ed76721316c0630",
    m0005_authority: "78dcf25c9d22c2655b5ac885c03488bc283af8f5ada1d3bf1ec1fd16b836a780",
}


@pytest.mark.parametrize("step", list(RELEASED_STEPS), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_a_released_step_is_never_edited(step):
    digest = hashlib.sha256("\n".join(step.STATEMENTS).encode()).hexdigest()
    assert digest == RELEASED_STEPS[step], f"{step.__name__} was edited; released steps are frozen, add a new one"


def test_migrations_import_no_model_class():
    """A step built from model classes would change whenever a model does."""
    files = [ROOT / "models" / "migrations.py", *sorted((ROOT / "models" / "migration_steps").glob("*.py"))]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n == "models.schema" or n == "models" or n == "models.hub" for n in names), (
                f"{file.name} imports {names}"
            )
