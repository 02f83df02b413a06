"""`main.py staff`: add, disable, list with the role of the --pin given; bad input one line, exit 2."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.e2e.conftest import run


def staff_rows(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, role, active FROM staff ORDER BY name").fetchall()


def test_the_owner_adds_and_disables_and_the_new_person_sells(shop):
    path, _info = shop
    added = json.loads(run("staff", "add", "--name", "Ana", "--role", "cashier", "--new-pin", "4821",
                           "--db", str(path), "--pin", "1111", "--json").stdout)
    assert added == {"name": "Ana", "role": "cashier", "active": True}
    listed = json.loads(run("staff", "list", "--db", str(path), "--pin", "4821", "--json").stdout)["staff"]
    assert {"name": "Ana", "role": "cashier", "active": True} in listed
    gone = json.loads(run("staff", "disable", "--name", "Ana", "--db", str(path), "--pin", "1111", "--json").stdout)
    assert gone["active"] is False
    refused = run("staff", "list", "--db", str(path), "--pin", "4821", "--json", check=False)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1


@pytest.mark.parametrize("args, says", [
    (["add", "--name", "Ion", "--role", "cashier", "--new-pin", "5050", "--pin", "2222"], "owner"),  # a manager
    (["add", "--name", "Ion", "--role", "cashier", "--new-pin", "12", "--pin", "1111"], "PIN"),
    (["add", "--name", "Ion", "--role", "boss", "--new-pin", "5050", "--pin", "1111"], "role"),
    (["disable", "--name", "Nobody", "--pin", "1111"], "Nobody"),
    (["list", "--pin", "9999"], "PIN"),
    (["add", "--name", "Ion", "--role", "cashier", "--new-pin", "5050"], "--pin"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(shop, args, says):
    path, _info = shop
    before = staff_rows(path)
    out = run("staff", *args, "--db", str(path), "--json", check=False)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and says in out.stderr, out.stderr
    assert out.stdout == "" and staff_rows(path) == before
