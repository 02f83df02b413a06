"""Shared fixtures: a fresh database per test, copied from one built per session."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import db, open_database  # noqa: E402


def _close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo shop, built once; tests get a copy.  It runs the standard
    programme (no timed promotions), so what a test sees does not depend on
    the hour it runs at; tests/unit/test_whatif.py builds the demo's own."""
    from services.demo.builder import build_demo
    from services.programme.rules import default_rules

    path = tmp_path_factory.mktemp("template") / "demo.db"
    database = open_database(path)
    build_demo(RESOURCES, members=60, products=60, sales=300, seed=1, rules=default_rules())
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path):
    """An open copy of the demo shop."""
    path = tmp_path / "till.db"
    shutil.copy(demo_template, path)
    open_database(path)
    yield path
    _close()


@pytest.fixture(autouse=True)
def _owner_key_forgotten():
    """An owner's signing key held in memory (services.journal.authority) never
    outlives the test that signed the owner in."""
    yield
    from services.journal import authority

    authority.forget()


@pytest.fixture
def empty_db(tmp_path: Path):
    path = tmp_path / "empty.db"
    open_database(path)
    yield path
    _close()


@pytest.fixture
def shop(empty_db: Path):
    """A configured shop with no history: owner 1111, manager 2222, cashier 3333."""
    from services.shop import staff as auth
    from services.programme import rules
    from services.shop.settings import configure_shop

    configure_shop("Test shop", "RUB", "ru")
    staff = {
        "owner": auth.add_staff("Owner", "owner", "1111"),
        "manager": auth.add_staff("Manager", "manager", "2222"),
        "cashier": auth.add_staff("Cashier", "cashier", "3333"),
    }
    rules.publish(rules.default_rules())
    return staff


@pytest.fixture
def resources() -> Path:
    return RESOURCES
