"""The hub's migrations are history too: a new hub's schema, built by the frozen
steps, is what the hub's models declare, or the test names the difference."""
from __future__ import annotations

import re
from typing import Iterator

import pytest

DECLARED = "declared_by_models"


def _shape(cur, schema: str) -> dict[str, str]:
    """Every column, index and constraint of `schema`, keyed by what it is, as text
    with the schema's own name taken out."""
    def plain(text: object) -> str:
        return re.sub(rf'\b"?(?:{re.escape(schema)}|public)"?\.', "", str(text))

    shape: dict[str, str] = {}
    cur.execute(
        "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_schema = %s", (schema,))
    for table, column, type_, length, nullable, default in cur.fetchall():
        text = type_ + (f"({length})" if length else "") + ("" if nullable == "YES" else " NOT NULL")
        shape[f'table "{table}", column "{column}"'] = text + (f" DEFAULT {plain(default)}" if default else "")
    cur.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s", (schema,))
    for table, index, definition in cur.fetchall():
        shape[f'table "{table}", index "{index}"'] = plain(definition)
    cur.execute(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k"
        " JOIN pg_class c ON c.oid = k.conrelid WHERE k.connamespace = %s::regnamespace", (schema,))
    for table, name, definition in cur.fetchall():
        shape[f'table "{table}", constraint "{name}"'] = plain(definition)
    return shape


def _differences(cur, left: str, right: str, left_name: str, right_name: str) -> list[str]:
    a, b = _shape(cur, left), _shape(cur, right)
    return [
        f"{key} -- {left_name}: {a.get(key, '(none)')}; {right_name}: {b.get(key, '(none)')}"
        for key in sorted(a.keys() | b.keys()) if a.get(key) != b.get(key)
    ]


@pytest.fixture
def declared(hub, pg_dsn: str) -> Iterator[object]:
    """What today's hub models would create, in a schema of its own beside the
    migrated hub's `public`; yields an open psycopg2 cursor."""
    import psycopg2

    from models.hub import HUB_MODELS, HubSchema, make_hub_database

    conn = psycopg2.connect(pg_dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f'DROP SCHEMA IF EXISTS "{DECLARED}" CASCADE; CREATE SCHEMA "{DECLARED}"')
    database = make_hub_database(pg_dsn, max_connections=1)
    try:
        with database.connection_context():
            database.execute_sql(f'SET search_path TO "{DECLARED}"')
            models = [*HUB_MODELS, HubSchema]
            with database.bind_ctx(models):
                database.create_tables(models)
            database.execute_sql("SET search_path TO DEFAULT")
        database.close_all()
        yield cur
    finally:
        cur.execute(f'DROP SCHEMA IF EXISTS "{DECLARED}" CASCADE')
        conn.close()


@pytest.mark.hub
def test_a_new_hub_has_the_schema_the_models_declare(declared):
    diffs = _differences(declared, DECLARED, "public", "models", "new hub")
    assert not diffs, (
        "The hub's models and its migration steps disagree; add a step at the end of"
        " models.hub.HUB_MIGRATIONS, never edit a released one:\n  " + "\n  ".join(diffs)
    )


@pytest.mark.hub
def test_a_hub_schema_difference_is_named(declared):
    """The comparison can fail, and says where."""
    declared.execute(f'ALTER TABLE "{DECLARED}"."hub_till" ADD COLUMN "note" TEXT NOT NULL DEFAULT \'\'')
    declared.execute(f'DROP INDEX "{DECLARED}"."hold_sale_id"')
    diffs = _differences(declared, DECLARED, "public", "models", "new hub")
    assert diffs == [
        'table "hold", index "hold_sale_id" -- models: (none); new hub: CREATE INDEX hold_sale_id ON hold USING btree (sale_id)',
        """table "hub_till", column "note" -- models: text NOT NULL DEFAULT ''::text; new hub: (none)""",
    ]


def test_the_released_hub_step_is_never_edited():
    """Runs without PostgreSQL: the text alone."""
    import hashlib

    from models.hub_steps import h0001_initial

    text = "\n".join((h0001_initial.VERSION_TABLE, *h0001_initial.STATEMENTS))
    assert hashlib.sha256(text.encode()).hexdigest() == "831c85b14be805db89bcfba4baae1e8f13e19af3a2d31066105febd40e418285", (
        "models/hub_steps/h0001_initial.py was edited; released steps are frozen, add a new one"
    )
