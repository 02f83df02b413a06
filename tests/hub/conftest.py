"""Hub tests run against a real PostgreSQL named by LOYALTILL_TEST_PG_DSN
(.ci/run starts a throwaway cluster and sets it).  In CI a missing database
fails the tests; on a machine without PostgreSQL they are skipped, saying why."""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from models import db, open_database

DSN_VAR = "LOYALTILL_TEST_PG_DSN"


def _pg_dsn() -> str:
    dsn = os.environ.get(DSN_VAR)
    if not dsn:
        reason = f"{DSN_VAR} is not set: hub tests need PostgreSQL (bash .ci/run starts one)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return dsn


@pytest.fixture
def pg_dsn() -> str:
    return _pg_dsn()


def reset_hub_schema(dsn: str) -> None:
    import psycopg2

    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    conn.close()


@pytest.fixture
def hub(pg_dsn: str) -> Iterator[object]:
    """An empty hub database, migrated and bound (models.hub.hub_db)."""
    from models.hub import hub_db, open_hub

    reset_hub_schema(pg_dsn)
    database = open_hub(pg_dsn, max_connections=8)
    yield database
    database.close_all()
    hub_db.initialize(None)


@pytest.fixture
def hub_http(hub: object) -> Iterator[object]:
    """The hub's app in process (FastAPI's TestClient is an httpx.Client)."""
    from fastapi.testclient import TestClient

    from services.hub.app import create_app

    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def enrol(hub: object):
    from models.hub import hub_db
    from services.hub import auth

    def add(name: str) -> tuple[str, str]:
        with hub_db.connection_context():
            till, token = auth.add_till(name)
        return str(till.id), token
    return add


@contextlib.contextmanager
def on_till(path: Path) -> Iterator[None]:
    """Make `path` the open till database for the block (one till at a time in process)."""
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    open_database(path)
    try:
        yield
    finally:
        db.obj.close()
        db.initialize(None)


def owner_key_of(path: Path) -> str:
    """The public signing key of the shop's owner in a till file (what
    `main.py owner-key` prints; reading the column needs no PIN)."""
    from models.schema import Staff

    with on_till(path):
        return Staff.select().where(Staff.role == "owner").first().sign_key


def trust_owner_of(path: Path) -> str:
    """The hub's admin trusts the owner of the shop in `path` (`hub trust-owner`)."""
    from models.hub import hub_db
    from services.hub import governance

    key = owner_key_of(path)
    with hub_db.connection_context():
        governance.trust(key, name="owner")
    return key


@pytest.fixture
def shop_file(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "first.db"
    shutil.copy(demo_template, path)
    return path


def client(http, token):
    from services.sync import client as sync

    return sync.HubClient("http://testserver", token, http=http)


@pytest.fixture
def joined(shop_file, tmp_path, hub_http, enrol):
    """A shop (the demo) synced to the hub, and a second till that joined empty."""
    from services.sync import client as sync

    _, a_token = enrol("A")
    _, b_token = enrol("B")
    trust_owner_of(shop_file)
    second = tmp_path / "second.db"
    with on_till(shop_file):
        sync.configure("http://testserver", a_token)
        sync.sync_once(client(hub_http, a_token))
    with on_till(second):
        sync.configure("http://testserver", b_token)
        sync.sync_once(client(hub_http, b_token))
    return shop_file, second, a_token, b_token
