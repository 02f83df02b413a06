import sqlite3

import peewee
import pytest

from models import DatabaseTooNew, db, make_database, open_database
from models.migrations import LATEST, MIGRATIONS, migrate, schema_version


def test_new_database_is_at_latest(empty_db):
    assert schema_version(db.obj) == LATEST


def test_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
        conn.execute("CREATE TABLE something_new (x)")
    with pytest.raises(DatabaseTooNew, match="newer LoyalTill"):
        open_database(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["something_new"]


def test_file_is_copied_before_migrating(tmp_path):
    path = tmp_path / "till.db"
    database = make_database(path)
    database.connect()
    migrate(database, path)  # version LATEST
    database.execute_sql("CREATE TABLE marker (x)")
    added = []

    def m_next(d):
        d.execute_sql("ALTER TABLE marker ADD COLUMN y")
        added.append(True)

    found = migrate(database, path, MIGRATIONS + [m_next])
    assert found == LATEST and added == [True]
    assert schema_version(database) == LATEST + 1
    backup = tmp_path / f"till.db.v{LATEST}.bak"
    assert backup.exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert [r[1] for r in conn.execute("PRAGMA table_info(marker)")] == ["x"]
    database.close()


def test_failed_migration_leaves_version(tmp_path):
    path = tmp_path / "till.db"
    database = make_database(path)
    database.connect()
    migrate(database, path)

    def broken(d):
        d.execute_sql("CREATE TABLE half (x)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(database, path, MIGRATIONS + [broken])
    assert schema_version(database) == LATEST
    assert database.execute_sql("SELECT COUNT(*) FROM sqlite_master WHERE name='half'").fetchone()[0] == 0
    database.close()


def test_an_interrupted_demo_is_recognised(empty_db, resources):
    from services.demo.builder import build_demo
    from services.core.errors import InputError
    from services.shop.settings import set_setting

    class Cut(Exception):
        pass

    def cut_off(stage, done, total):
        if stage == "members":
            raise Cut

    with pytest.raises(Cut):
        build_demo(resources, members=30, products=20, sales=50, progress=cut_off)
    with pytest.raises(InputError, match="interrupted") as caught:
        build_demo(resources, members=30, products=20, sales=50)
    assert caught.value.code == "demo_interrupted"
    set_setting("demo_state", "complete")
    with pytest.raises(InputError, match="already has a shop"):
        build_demo(resources, members=30, products=20, sales=50)


# Columns today's models have that a version-1 table lacked: the demo builder
# writes them, so they are added for the build and dropped again (as V2_MODELS' tables are).
LATER_COLUMNS = (
    ("till", "store_id", "BLOB"),
    ("member", "email", "TEXT"), ("member", "note", "TEXT NOT NULL DEFAULT ''"),
    ("member", "origin", "TEXT NOT NULL DEFAULT ''"), ("member", "external_ref", "TEXT"),
    ("sale", "imported", "INTEGER NOT NULL DEFAULT 0"),
    ("sale", "points_rewarded", "INTEGER NOT NULL DEFAULT 0"), ("sale_line", "reward_id", "BLOB"),
    ("sale_line", "reward_points", "INTEGER NOT NULL DEFAULT 0"),
    ("sale_return", "points_unrewarded", "INTEGER NOT NULL DEFAULT 0"),
    ("member", "erased_at", "DATETIME"),
)


def _add_later_columns(database) -> None:
    for table, column, kind in LATER_COLUMNS:
        database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}')


def _drop_later_columns(database) -> None:
    for table, column, _kind in LATER_COLUMNS:
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def _builder_columns(database, add: bool) -> None:
    """Today's demo builder writes schema 9's columns and tables (weighed goods,
    product codes); a v1 till had none, so they are added for the build and
    taken away again (the older tables of V2_MODELS are handled the same way)."""
    from models.schema import CATALOGUE_MODELS

    columns = (("product", "weighed", "INTEGER NOT NULL DEFAULT 0"), ("product", "plu", "INTEGER"),
               ("sale_line", "grams", "INTEGER"), ("sale_line", "price_per_kg", "INTEGER"))
    if add:
        database.create_tables(CATALOGUE_MODELS)
        for table, column, kind in columns:
            database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}')
        return
    for model in CATALOGUE_MODELS:
        database.execute_sql(f'DROP TABLE "{model._meta.table_name}"')
    for table, column, _ in columns:
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def test_a_version_1_till_upgrades_and_keeps_its_data(tmp_path, resources):
    """A till built by schema 1 (the demo shop with sales), then opened by this
    version: the new tables appear, every row stays, and it sells on."""
    from models.migrations import MIGRATIONS
    from services.demo.builder import build_demo
    from services.programme.rules import default_rules

    path = tmp_path / "v1.db"
    database = make_database(path)
    db.initialize(database)
    database.connect()
    migrate(database, path, MIGRATIONS[:1])
    assert schema_version(database) == 1
    tables_v1 = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "sale_loyalty" not in tables_v1
    # Fill it as a v1 till would have: everything but the new tables.
    from models.schema import V2_MODELS

    database.create_tables(V2_MODELS)  # the demo builder writes them; dropped again below
    _add_later_columns(database)
    _add_later_staff_columns(database)
    _builder_columns(database, add=True)
    build_demo(resources, members=30, products=20, sales=120, seed=2, rules=default_rules())
    _builder_columns(database, add=False)
    _drop_later_columns(database)
    for model in V2_MODELS:
        database.execute_sql(f'DROP TABLE "{model._meta.table_name}"')
    _drop_later_staff_columns(database)
    counts = {t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
              for t in ("sale", "sale_line", "ledger_entry", "member", "rule_set")}
    balances = database.execute_sql('SELECT SUM(balance) FROM "member"').fetchone()[0]
    database.close()
    db.initialize(None)

    reopened = open_database(path)
    try:
        assert schema_version(reopened) == LATEST == len(MIGRATIONS) > 3
        assert (tmp_path / "v1.db.v1.bak").exists()
        for table, count in counts.items():
            assert reopened.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count
        assert reopened.execute_sql('SELECT SUM(balance) FROM "member"').fetchone()[0] == balances
        tables = {r[0] for r in reopened.execute_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"sale_loyalty", "coupon_redemption", "issued_coupon", "pending_points", "event_bonus", "referral"} <= tables
        from services.programme import rules as rules_service
        from services.programme import whatif

        result = whatif.simulate(rules_service.active_rules())  # old sales have no loyalty row: still replayed
        assert result.simulated.sales == counts["sale"]
        assert result.simulated.points_issued == result.actual.points_issued
    finally:
        reopened.close()
        db.initialize(None)


def test_a_v1_database_upgrades_to_sync_keeping_its_data(tmp_path, resources):
    """A till from before sync: its sales, members and unsent outbox survive, and the sync table appears."""
    from models.migrations import MIGRATIONS as ALL
    from services.demo.builder import build_demo

    path = tmp_path / "v1.db"
    database = make_database(path)
    db.initialize(database)
    database.connect()
    migrate(database, path, ALL[:1])
    assert schema_version(database) == 1
    from models.schema import V2_MODELS

    database.create_tables(V2_MODELS)  # the demo builder writes them; a v1 till had none
    _add_later_columns(database)
    _add_later_staff_columns(database)
    _builder_columns(database, add=True)
    build_demo(resources, members=20, products=10, sales=30, seed=3)
    _builder_columns(database, add=False)
    _drop_later_columns(database)
    for model in V2_MODELS:
        database.execute_sql(f'DROP TABLE "{model._meta.table_name}"')
    _drop_later_staff_columns(database)
    database.execute_sql("INSERT INTO outbox (op_id, kind, payload, created_at) VALUES (x'00112233445566778899aabbccddeeff', 'sale', '{}', '2026-01-01')")
    before = {t: database.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("sale", "member", "ledger_entry", "outbox")}
    database.close()
    db.initialize(None)

    upgraded = open_database(path)
    try:
        assert schema_version(upgraded) == LATEST
        after = {t: upgraded.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in before}
        assert after == before and before["sale"] == 30
        assert upgraded.execute_sql("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0] == before["outbox"]
        assert upgraded.execute_sql("SELECT name FROM sqlite_master WHERE name = 'synced_row'").fetchone()
        assert (tmp_path / "v1.db.v1.bak").exists()
    finally:
        upgraded.close()
        db.initialize(None)


# Today's demo builder writes what later schemas added to a v1 table (an
# owner's signing key, schema 5) and signs what it governs (row_signature):
# added for the build, dropped again so the file is a v1 till's.
_LATER_STAFF_COLUMNS = ("sign_key", "key_salt")


def _add_later_staff_columns(database):
    from models.schema import RowSignature

    for column in _LATER_STAFF_COLUMNS:
        database.execute_sql(f'ALTER TABLE "staff" ADD COLUMN "{column}" TEXT')
    database.create_tables([RowSignature])


def _drop_later_staff_columns(database):
    for column in _LATER_STAFF_COLUMNS:
        database.execute_sql(f'ALTER TABLE "staff" DROP COLUMN "{column}"')
    database.execute_sql('DROP TABLE "row_signature"')


def _till_v1(path):
    """The frozen version-1 till (tests/unit/models/data/till_v1.sql), not yet upgraded."""
    from pathlib import Path

    with sqlite3.connect(path) as conn:
        conn.executescript((Path(__file__).with_name("data") / "till_v1.sql").read_text())
    conn.close()
    return path


def test_a_step_may_rebuild_a_table_other_tables_point_at(tmp_path):
    """playhouse.migrate rebuilds a table on SQLite to add a NOT NULL column:
    that drops a table sales and cards point at, which foreign keys forbid
    unless migrate() lifts them for the step."""
    from playhouse.migrate import SqliteMigrator
    from playhouse.migrate import migrate as run_operations

    def m_nickname(d):
        run_operations(SqliteMigrator(d).add_column("member", "nickname", peewee.TextField(default="")))

    path = _till_v1(tmp_path / "till.db")
    database = make_database(path)
    database.connect()
    members = database.execute_sql("SELECT id FROM member").fetchall()
    sales = database.execute_sql("SELECT COUNT(*) FROM sale WHERE member_id IS NOT NULL").fetchone()[0]
    assert members and sales
    migrate(database, path, MIGRATIONS + [m_nickname])
    assert schema_version(database) == LATEST + 1
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("SELECT id, nickname FROM member").fetchall() == [(m[0], "") for m in members]
    assert database.execute_sql("SELECT COUNT(*) FROM sale WHERE member_id IS NOT NULL").fetchone()[0] == sales
    database.close()


def test_a_step_leaving_rows_pointing_nowhere_is_undone(tmp_path):
    path = _till_v1(tmp_path / "till.db")
    database = make_database(path)
    database.connect()
    migrate(database, path)
    members = database.execute_sql("SELECT COUNT(*) FROM member").fetchone()[0]

    def m_forget_members(d):
        d.execute_sql("DELETE FROM member")  # cards and sales still point at them

    with pytest.raises(peewee.IntegrityError, match=rf"migration {LATEST + 1} left a row of \w+ .* pointing at no row of member"):
        migrate(database, path, MIGRATIONS + [m_forget_members])
    assert schema_version(database) == LATEST
    assert database.execute_sql("SELECT COUNT(*) FROM member").fetchone()[0] == members > 0
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    database.close()
