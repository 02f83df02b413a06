"""`main.py privacy export|erase`: the owner's, on a demo shop's real file."""
from __future__ import annotations

import json
import sqlite3
import subprocess

from tests.e2e.conftest import MANAGER_PIN, run

ERASED_RU = "Удалённый участник"  # the demo shop speaks Russian: the erased name is written in it


def _member(path, card: str) -> dict:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute('SELECT m.* FROM member m JOIN card c ON c.member_id = m.id WHERE c.number = ?',
                           (card,)).fetchone()
        return dict(row)


def _books(path) -> tuple:
    with sqlite3.connect(path) as conn:
        return (
            conn.execute("SELECT count(*), sum(total), sum(paid_money), sum(points_earned), sum(points_redeemed) FROM sale").fetchone(),
            conn.execute("SELECT count(*), sum(gross), sum(discount) FROM sale_line").fetchone(),
            conn.execute("SELECT count(*), sum(amount) FROM payment").fetchone(),
            conn.execute("SELECT count(*), sum(refund) FROM sale_return").fetchone(),
        )


def _file_texts(path) -> str:
    """Every text and blob of every table, one string (the whole file's contents as read)."""
    parts = []
    with sqlite3.connect(path) as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "ignore")
                    if isinstance(value, str):
                        parts.append(value)
    return "\n".join(parts)


def test_export_then_erase_a_demo_member(shop, tmp_path):
    path, info = shop
    db = str(path)
    with sqlite3.connect(path) as conn:  # a member whose name no other member shares (the demo repeats some)
        unique = {n for (n,) in conn.execute("SELECT name FROM member GROUP BY name HAVING count(*) = 1")}
    card = next(c for c in info["sample_cards"] if _member(path, c)["name"] in unique)
    member = _member(path, card)
    personal = [s for s in (member["name"], member["phone"], member["email"]) if s]
    assert member["name"] and member["phone"] and all(s in _file_texts(path) for s in personal)

    out = json.loads(run("privacy", "export", "--db", db, "--card", card, "--out", str(tmp_path / "export.json"),
                         "--json").stdout)
    assert out["json"] == str(tmp_path / "export.json") and out["pdf"] == str(tmp_path / "export.pdf")
    data = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    assert data["member"]["name"] == member["name"] and data["balance"]["points"] == member["balance"] == out["balance"]
    assert len(data["sales"]) == out["sales"] > 0
    text = subprocess.run(["pdftotext", str(tmp_path / "export.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert member["name"] in text and data["sales"][0]["receipt_no"] in text

    books = _books(path)
    refused = run("privacy", "erase", "--db", db, "--card", card, "--json", pin=MANAGER_PIN, check=False)
    assert refused.returncode == 2 and "owner" in refused.stderr
    assert _member(path, card)["name"] == member["name"]

    erased = json.loads(run("privacy", "erase", "--db", db, "--card", card, "--json").stdout)
    assert erased["member_id"] == data["member"]["id"] and erased["points_zeroed"] == member["balance"]
    assert _books(path) == books
    contents = _file_texts(path)
    assert [s for s in personal if s in contents] == []
    after = _member(path, card)
    assert after["name"] == ERASED_RU and after["phone"] is None and after["erased_at"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT sum(delta) FROM ledger_entry WHERE member_id = ?", (bytes.fromhex(
            data["member"]["id"].replace("-", "")),)).fetchone()[0] == 0
        actions = [r[0] for r in conn.execute(
            "SELECT action FROM audit_entry WHERE action LIKE 'personal_data_%' ORDER BY created_at")]
    assert actions == ["personal_data_exported", "personal_data_erased"]

    again = run("privacy", "erase", "--db", db, "--card", card, "--json", check=False)
    assert again.returncode == 2 and "already been erased" in again.stderr
    # The (now blocked) card still finds whose record it was: the export says it is erased.
    later = json.loads(run("privacy", "export", "--db", db, "--card", card, "--out", str(tmp_path / "later"),
                           "--json").stdout)
    assert later["pdf"] == str(tmp_path / "later.pdf") and later["balance"] == 0
    assert ERASED_RU in (tmp_path / "later.json").read_text(encoding="utf-8")
    unknown = run("privacy", "export", "--db", db, "--card", "2999999999994", "--json", check=False)
    assert unknown.returncode == 2
