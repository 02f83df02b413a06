"""The e2e fixtures: one demo shop file built by the real program, copied per test."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# The demo's PINs (`demo --json` prints them); the tests act as the owner unless they say otherwise.
OWNER_PIN, MANAGER_PIN, CASHIER_PIN = "111111", "222222", "3333"


OWNER_NAME = "Анна Владимировна"


def run(*args: str, check: bool = True, pin: str | None = OWNER_PIN,
        staff: str | None = OWNER_NAME) -> subprocess.CompletedProcess:
    """main.py with LOYALTILL_PIN set to `pin` (None: no PIN at all) and LOYALTILL_STAFF
    naming the person (the owner by default: one PIN check instead of one per person)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOYALTILL_PIN", "LOYALTILL_STAFF")}
    if "--pin" in args:  # the test names the person by their PIN: no default person beside it
        pin = None
    if pin is not None:
        env["LOYALTILL_PIN"] = pin
        if staff is not None and (pin == OWNER_PIN or staff != OWNER_NAME):
            env["LOYALTILL_STAFF"] = staff
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=300,
                         env=env)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in ("sale", "sale_line", "payment", "ledger_entry", "outbox", "member", "sale_return")
        } | {"balance": conn.execute('SELECT SUM(balance) FROM "member"').fetchone()[0]}


@pytest.fixture(scope="session")
def shop_file(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("e2e") / "shop.db"
    out = run("demo", "--db", str(path), "--members", "80", "--products", "40", "--sales", "400", "--seed", "3", "--json",
              pin=None)  # building the demo acts for nobody
    info = json.loads(out.stdout)
    assert info["members"] == 80 and info["products"] == 40 and info["sales"] == 400
    assert len(info["sample_cards"]) == 10 and len(info["sample_products"]) == 10
    assert info["pins"] == {"owner": OWNER_PIN, "manager": MANAGER_PIN, "cashier": CASHIER_PIN}
    assert "sales" in out.stderr  # the progress bar went to stderr
    return path, info


@pytest.fixture
def shop(shop_file, tmp_path) -> tuple[Path, dict]:
    path, info = shop_file
    copy = tmp_path / "shop.db"
    shutil.copy(path, copy)
    return copy, info
