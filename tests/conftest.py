"""Shared fixtures: a fresh database per test, copied from one built per session."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import db, open_database  # noqa: E402

# The till's key (it seals the hub token, services/sync/sealed.py) goes to a scratch
# file, never the tester's own config folder; e2e runs of main.py inherit it.
os.environ.setdefault("LOYALTILL_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="loyaltill-key-")) / "till.key"))

# The PINs of the `shop` fixture and the demo (owners and managers need 6 digits).
PINS = {"owner": "111111", "manager": "222222", "cashier": "3333"}


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


@pytest.fixture(scope="session")
def shop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configured shop with no history, built once: each PIN hash costs ~0.4 s
    (argon2id, services/shop/staff.py), so tests copy the file instead."""
    from services.shop import staff as auth
    from services.programme import rules
    from services.shop.settings import configure_shop

    path = tmp_path_factory.mktemp("shop") / "shop.db"
    database = open_database(path)
    configure_shop("Test shop", "RUB", "ru")
    auth.add_staff("Owner", "owner", PINS["owner"])
    auth.add_staff("Manager", "manager", PINS["manager"])
    auth.add_staff("Cashier", "cashier", PINS["cashier"])
    rules.publish(rules.default_rules())
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _close()
    return path


@pytest.fixture
def shop(shop_template: Path, empty_db: Path):
    """A configured shop with no history: owner 111111, manager 222222, cashier 3333
    (in the `empty_db` file, so a test may ask for both)."""
    from models.schema import Staff

    _close()
    for extra in ("-wal", "-shm"):
        Path(f"{empty_db}{extra}").unlink(missing_ok=True)
    shutil.copy(shop_template, empty_db)
    open_database(empty_db)
    return {person.role: person for person in Staff.select()}


@pytest.fixture
def resources() -> Path:
    return RESOURCES
