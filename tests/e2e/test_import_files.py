"""`main.py import`: files written the way Excel, 1C and an old loyalty system
write them, each with the traps owners' files hold; every trap named in the
report with its row and field, nothing else lost; the same file twice
changes nothing; a killed import run again completes; an old card scanned
at the till finds its member with the imported balance."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from services.members.cards import ean13_check_digit
from tests.e2e.conftest import OWNER_NAME, OWNER_PIN, ROOT, run


def ean13(first12: str) -> str:
    return first12 + str(ean13_check_digit(first12))


FOREIGN_CARD = ean13("460700123456")  # another system's EAN-13, a foreign prefix
EAN8_CARD = "96385074"  # an EAN-8 card of the old system
LONG_NAME = "Я" * 300


def members_1c_file(path: Path) -> Path:
    """cp1251, `;`, CRLF, Russian headers, a title line above them as 1C writes."""
    rows = [
        "Выгрузка клиентов на 01.12.2026;;;;;;",
        "ФИО;Телефон;Дата рождения;Номер карты;Баланс;Согласие на рассылку;Примечание",
        f'Иванов Иван Иванович;8 (916) 123-45-67;05.03.1985;{FOREIGN_CARD};1 234;да;"постоянный; любит ""сыр"""',
        "Петрова Мария;+7 916 765 43 21;31.02.1990;;50;нет;",  # a date that does not exist
        ";;;;;;",  # a blank row
        f'Сидоров Пётр;9161112233;;{EAN8_CARD};"150,00";нет;"строка 1\r\nстрока 2"',  # decimal comma, a line break
        '=HYPERLINK("http://x.example");+7 (916) 000-11-22;;;0;нет;',  # a formula: kept as text
        "Иванов Иван Иванович;+79161234567;05.03.1985;;;да;",  # the same phone again: merged
        f"{LONG_NAME};89160001111;;;10;нет;",  # over-long
        "Кузнецова Ольга;телефон не дала;01.01.1970;;5;нет;",  # not a phone
    ]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    return path


def history_bom_file(path: Path) -> Path:
    """UTF-8 with BOM, `,`, CRLF, Romanian headers; one row per receipt line."""
    rows = [
        "Nr. bon,Data,Card,Telefon,Suma,Cantitate,Produs",
        f'B-1,12.10.2026 10:15,{FOREIGN_CARD},,"1 234,50",1,Pâine albă',
        f"B-1,12.10.2026 10:15,{FOREIGN_CARD},,100,2,Lapte",  # a second line of the same receipt
        "B-2,13.10.2026,,+37369123456,0,1,Pungă",  # zero amount, a customer the till does not know
        "B-3,29.02.2023,,,50,1,Apă",  # a date that does not exist
        ",,,,,,",  # blank
        'B-4,14.10.2026,,,"=cmd|\' /C calc\'!A0",1,x',  # an amount that is a formula: not a number
        "B-5,15.10.2026,,,75,1,=SUM(A1:A2)",  # an item name that looks like a formula: kept as text
    ]
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


def catalogue_xlsx(path: Path) -> Path:
    """An XLSX as Excel saves a 1C price list: numbers as numbers, a blank row, traps."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Наименование", "Штрихкод", "Цена", "Группа", "Весовой"])
    sheet.append(["Сыр Российский", "", 899.9, "Сыры", "да"])  # weighed, no barcode: an in-store code
    sheet.append(["Кефир 1%", "4601234567893; 4601234567801", "89,90", "Молочное", "нет"])  # two codes, wrong 2nd digit
    sheet.append([None, None, None, None, None])
    sheet.append(["Вода", 4605550001116, 49, "Напитки", "нет"])  # a barcode stored as a number
    sheet.append(["=SUM(A1:A3)", "4601234567817", "10", "Разное", "нет"])  # a formula-looking name, typed as text
    sheet.cell(row=sheet.max_row, column=1).data_type = "s"
    sheet.append(["Хлеб", "4601234567824", "-5", "Хлеб", "нет"])  # a negative price
    book.save(path)
    return path


def imported(db: str, kind: str, file: Path, *extra: str) -> dict:
    out = run("import", kind, "--db", db, str(file), *extra, "--json")
    return json.loads(out.stdout)


def problems(report: dict, key: str = "errors") -> dict[int, str]:
    return {p["row"]: f'{p["field"]}: {p["message"]}' for p in report[key]}


def test_a_1c_members_file_every_trap_named_nothing_else_lost(shop, tmp_path):
    path, info = shop
    db = str(path)
    before = sqlite3.connect(path).execute("SELECT COUNT(*) FROM member").fetchone()[0]
    report = imported(db, "members", members_1c_file(tmp_path / "клиенты.csv"), "--errors", str(tmp_path / "rej.csv"))
    assert report["rows"] == 7  # the blank row is not a row; row 6 spans two lines
    errors = problems(report)
    assert set(errors) == {4, 10, 11}, errors  # file rows: the title is row 1, headers row 2
    assert "birthday" in errors[4] and "31.02.1990" in errors[4]
    assert "name" in errors[10] and "300" in errors[10]
    assert "phone" in errors[11]
    warnings = problems(report, "warnings")
    assert 8 in warnings and "name" in warnings[8]  # the formula, kept as text
    assert 9 in warnings  # the repeated phone, merged into row 3's member
    assert report["imported"] == 3 and report["updated"] + report["skipped"] == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM member").fetchone()[0] == before + 3
        name, note = conn.execute("SELECT name, note FROM member WHERE phone = '+79161234567'").fetchone()
        assert name == "Иванов Иван Иванович" and "любит \"сыр\"" in note
        assert conn.execute("SELECT COUNT(*) FROM member WHERE name LIKE '=HYPERLINK%'").fetchone()[0] == 1
        assert conn.execute("SELECT note FROM member WHERE phone = '+79161112233'").fetchone()[0] == "строка 1\nстрока 2"
        for balance, total in conn.execute(
                "SELECT m.balance, (SELECT SUM(delta) FROM ledger_entry e WHERE e.member_id = m.id) FROM member m "
                "WHERE m.origin = 'import'"):
            assert balance == (total or 0)
    rejected = (tmp_path / "rej.csv").read_bytes().decode("cp1251").splitlines()
    assert rejected[0].split(";")[:2] == ["ФИО", "Телефон"] and rejected[0].rstrip().endswith("error") or "ошибка" in rejected[0]
    assert len([line for line in rejected[1:] if line.strip()]) == 3

    # The old cards work at the till as they are, with the imported balances.
    for card, balance in ((FOREIGN_CARD, 1234), (EAN8_CARD, 150)):
        member = json.loads(run("member", "--db", db, "--card", card, "--json").stdout)
        assert member["balance"] == balance
        product = info["sample_products"][0]
        sold = json.loads(run("sell", "--db", db, "--card", card, "--item",
                              product if isinstance(product, str) else product["barcode"], "--json").stdout)
        assert sold["member"]["card"] == card

    # The same file twice changes nothing.
    again = imported(db, "members", tmp_path / "клиенты.csv")
    assert (again["imported"], again["updated"]) == (0, 0) and again["skipped"] == 4


def test_a_bom_history_file_counts_zero_receipts_and_makes_unknown_customers_members(shop, tmp_path):
    path, _ = shop
    db = str(path)
    imported(db, "members", members_1c_file(tmp_path / "m.csv"))
    report = imported(db, "history", history_bom_file(tmp_path / "istoric.csv"))
    assert report["rows"] == 6
    errors = problems(report)
    assert set(errors) == {5, 7}, errors
    assert "29.02.2023" in errors[5] and "amount" in errors[7]
    assert 8 in problems(report, "warnings")  # the formula-looking item, kept
    with sqlite3.connect(path) as conn:
        sales = conn.execute("SELECT receipt_no, total, points_earned, member_id IS NOT NULL FROM sale "
                             "WHERE imported = 1 ORDER BY created_at").fetchall()
        assert [s[1] for s in sales] == [133450, 0, 7500]  # B-1's two lines are one receipt of 1 234,50 + 100
        assert all(s[2] == 0 for s in sales)  # imported sales earn nothing
        stranger = conn.execute("SELECT origin FROM member WHERE phone = '+37369123456'").fetchone()
        assert stranger == ("import",)
        assert conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'sale' AND payload LIKE '%IMP-%'").fetchone()[0] == 0
    again = imported(db, "history", tmp_path / "istoric.csv")
    assert (again["imported"], again["updated"]) == (0, 0)


def test_an_xlsx_price_list_from_1c(shop, tmp_path):
    path, _ = shop
    db = str(path)
    report = imported(db, "catalogue", catalogue_xlsx(tmp_path / "прайс.xlsx"), "--errors", str(tmp_path / "rej.xlsx"))
    assert report["rows"] == 5
    errors = problems(report)
    assert set(errors) == {3, 7}, errors
    assert "barcode" in errors[3] and "4601234567801" in errors[3] and "0" in errors[3]
    assert "price" in errors[7]
    assert 6 in problems(report, "warnings")
    water = json.loads(run("sell", "--db", db, "--item", "4605550001116", "--json").stdout)
    assert water["total"] == 4900
    rejected = openpyxl.load_workbook(tmp_path / "rej.xlsx").active
    assert rejected.max_row == 3  # header + two rejected rows
    assert all(cell.data_type != "f" for row in rejected.iter_rows() for cell in row)


def test_a_killed_import_run_again_completes(shop, tmp_path):
    path, _ = shop
    db = str(path)
    big = tmp_path / "big.csv"
    lines = ["Name;Phone;Card;Balance"] + [
        f"Client {i};+7916{i:07d};{ean13(f'4608{i:08d}')};{i % 500}" for i in range(40_000)
    ]
    big.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    env = {**os.environ, "LOYALTILL_PIN": OWNER_PIN, "LOYALTILL_STAFF": OWNER_NAME}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "import", "members", "--db", db, str(big), "--json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    helpers: set[int] = set()
    try:
        while time.monotonic() < deadline:
            helpers |= import_helpers()
            with sqlite3.connect(path, timeout=30) as conn:
                if conn.execute("SELECT COUNT(*) FROM member WHERE origin = 'import'").fetchone()[0] > 0:
                    break
            assert proc.poll() is None, "the import ended before it could be killed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert helpers, "a file of 40,000 members is planned by a helper process"
    gone = time.monotonic() + 30
    while import_helpers() & helpers and time.monotonic() < gone:
        time.sleep(0.1)
    assert not import_helpers() & helpers, "the helper ends with the import that started it"
    with sqlite3.connect(path) as conn:
        part = conn.execute("SELECT COUNT(*) FROM member WHERE origin = 'import'").fetchone()[0]
        assert 0 < part < 40_000
        # whole rows only: every imported member has their card and their opening balance
        assert conn.execute("SELECT COUNT(*) FROM member m WHERE origin = 'import' AND NOT EXISTS "
                            "(SELECT 1 FROM card c WHERE c.member_id = m.id)").fetchone()[0] == 0
    report = imported(db, "members", big)
    assert report["imported"] == 40_000 - part and report["skipped"] == part and not report["errors"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM member WHERE origin = 'import'").fetchone()[0] == 40_000
        assert conn.execute("SELECT SUM(balance) FROM member WHERE origin = 'import'").fetchone()[0] == \
            sum(i % 500 for i in range(40_000))
        assert conn.execute("SELECT COUNT(*) FROM member m WHERE balance != (SELECT COALESCE(SUM(delta), 0) "
                            "FROM ledger_entry e WHERE e.member_id = m.id)").fetchone()[0] == 0


def import_helpers() -> set[int]:
    """The processes running services.imports.helper now (Linux: /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"services.imports.helper" in command:
                found.add(int(entry.name))
    return found


@pytest.mark.parametrize("bad", ["nothing.csv", "empty.csv"])
def test_a_file_that_is_not_there_or_empty_is_one_clear_line(shop, tmp_path, bad):
    path, _ = shop
    (tmp_path / "empty.csv").write_bytes(b"")
    out = run("import", "members", "--db", str(path), str(tmp_path / bad), "--json", check=False)
    assert out.returncode == 2 and out.stdout == "" and len(out.stderr.strip().splitlines()) == 1
