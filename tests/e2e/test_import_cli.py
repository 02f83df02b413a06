"""`main.py import` as a script runs it: what is refused before any row is read, in one line,
with nothing changed.  (The engines' own runs are in the tests of each engine.)"""
from __future__ import annotations

from tests.e2e.conftest import CASHIER_PIN, counts, run
from tests.unit.imports import owners_files as owners


def test_refusals_are_one_line_and_change_nothing(shop, tmp_path):
    path, _ = shop
    db = str(path)
    before = counts(path)
    cards = str(owners.one_c_members(tmp_path / "карты.csv"))
    cases = [
        (("import", "members", "--db", db, str(tmp_path / "missing.csv"), "--json"), "no file"),
        (("import", "members", "--db", db, cards, "--map", "Телефон=", "--map", "Номер карты=", "--json"),
         "No column is mapped to card / phone"),
        (("import", "members", "--db", db, cards, "--map", "ФИО=price", "--json"), "is not a field"),
        (("import", "members", "--db", db, cards, "--encoding", "utf-8", "--json"), "is not written in utf-8 (line 1)"),
        (("import", "history", "--db", db, cards, "--json"), "No column is mapped to date"),
        (("import", "catalogue", "--db", db, cards, "--duplicates", "skip", "--json"), "--duplicates is for members"),
    ]
    for args, says in cases:
        out = run(*args, check=False)
        assert out.returncode == 2 and says in out.stderr and out.stderr.count("\n") == 1, (args, out.stderr)
    cashier = run("import", "members", "--db", db, cards, "--json", check=False, pin=CASHIER_PIN, staff=None)
    assert cashier.returncode == 2 and "owner" in cashier.stderr.lower()
    assert counts(path) == before
