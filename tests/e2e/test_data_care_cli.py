"""backup / restore / check on the command line, and the findings of issue 10
about damaged files and half-built demos: one sentence, nothing written."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.conftest import counts, run


def _flip_text_in_table(path: Path, table: str) -> None:
    """Damage one string the way a flipped byte does: valid pages, invalid UTF-8."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if table == "setting":
            conn.execute("UPDATE setting SET value = CAST(X'22d7ff22' AS TEXT) WHERE key = 'shop_name'")
        else:
            conn.execute(f"UPDATE {table} SET name = CAST(X'd7ff41' AS TEXT) WHERE rowid = (SELECT MIN(rowid) FROM {table})")
    conn.close()


def _wreck_pages(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    for i in range(4096 * 4, len(data), 1531):
        data[i] ^= 0xFF
    path.write_bytes(data)


def test_backup_check_and_restore_on_the_command_line(shop, tmp_path):
    path, info = shop
    out = tmp_path / "monday.loyaltill-backup"
    made = json.loads(run("backup", "--db", str(path), "--out", str(out), "--json").stdout)
    assert made["ok"] and made["check"]["integrity"] == ["ok"] and out.exists()
    before = counts(out)
    run("sell", "--db", str(path), "--card", info["sample_cards"][0], "--item", info["sample_products"][0])
    assert counts(path)["sale"] == before["sale"] + 1
    checked = json.loads(run("check", "--db", str(path), "--json").stdout)
    assert checked["ok"] and checked["balances"] == 0 and checked["outbox"]["continuous"]
    restored = json.loads(run("restore", "--db", str(path), str(out), "--json").stdout)
    assert counts(path)["sale"] == before["sale"]
    aside = Path(restored["kept_aside"])
    assert aside.exists() and counts(aside)["sale"] == before["sale"] + 1  # kept, with the later sale
    # The restored till does not print the receipt number the later sale had.
    sold = json.loads(run("sell", "--db", str(path), "--item", info["sample_products"][0], "--json").stdout)
    with sqlite3.connect(aside) as conn:
        used = {r[0] for r in conn.execute("SELECT receipt_no FROM sale")}
    assert sold["receipt_no"] not in used


def test_restore_refuses_what_is_not_a_sound_till_backup(shop, tmp_path):
    path, _ = shop
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 5000)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (t TEXT)")
    conn.close()
    damaged = tmp_path / "damaged.loyaltill-backup"
    run("backup", "--db", str(path), "--out", str(damaged))
    _wreck_pages(damaged)
    before = counts(path)
    for offered, words in ((pdf, "not a LoyalTill backup"), (other, "not a LoyalTill backup"), (damaged, "damaged")):
        out = run("restore", "--db", str(path), str(offered), check=False)
        assert out.returncode == 2, out.stderr
        lines = [line for line in out.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in out.stderr
    assert counts(path) == before and not list(tmp_path.glob("shop.db.before-restore-*"))


def test_a_damaged_text_is_one_sentence_and_nothing_is_written(shop):
    path, info = shop
    _flip_text_in_table(path, "setting")
    before = counts(path)
    for args in (["sell", "--item", info["sample_products"][0]], ["period"], ["member", "--card", info["sample_cards"][0]]):
        out = run(args[0], "--db", str(path), *args[1:], check=False)
        assert out.returncode == 2 and "Traceback" not in out.stderr and "UnicodeDecodeError" not in out.stderr
        assert "is damaged" in out.stderr and "Restore the latest backup" in out.stderr
    assert counts(path) == before


def test_damage_met_later_is_one_sentence_and_the_file_is_not_written_again(shop):
    path, info = shop
    _flip_text_in_table(path, "member")  # not read at start: met when the member is looked up
    with sqlite3.connect(path) as conn:
        card = conn.execute("SELECT number FROM card WHERE member_id = (SELECT id FROM member WHERE rowid = "
                            "(SELECT MIN(rowid) FROM member)) LIMIT 1").fetchone()
    conn.close()
    if card is None:
        return
    out = run("member", "--db", str(path), "--card", card[0], check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr and "is damaged" in out.stderr
    before = counts(path)
    out = run("sell", "--db", str(path), "--item", info["sample_products"][0], check=False)
    assert out.returncode == 2 and "is damaged" in out.stderr
    assert counts(path) == before


def test_pages_damaged_anywhere_in_a_small_till_are_refused_before_any_write(shop):
    path, info = shop
    _wreck_pages(path)
    out = run("sell", "--db", str(path), "--item", info["sample_products"][0], check=False)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "damaged" in out.stderr or "not a till database" in out.stderr
    checked = run("check", "--db", str(path), "--json", check=False)
    assert checked.returncode == 1 and json.loads(checked.stdout)["integrity"] != ["ok"]


def test_a_half_built_demo_is_refused_by_every_command(shop):
    path, info = shop
    with sqlite3.connect(path) as conn:  # what a demo killed half-way leaves
        conn.execute("UPDATE setting SET value = '\"building\"' WHERE key = 'demo_state'")
    conn.close()
    before = counts(path)
    for args in (["sell", "--item", info["sample_products"][0]], ["period"], ["return", "--sale", "T01-000001"]):
        out = run(args[0], "--db", str(path), *args[1:], check=False)
        assert out.returncode == 2 and "interrupted" in out.stderr, out.stderr
    assert counts(path) == before
