"""`main.py feedback`: a customer's answer typed at the command line, on a real demo file;
bad values refused with one sentence and exit 2, nothing kept; the figures count it."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, run


def _feedback_rows(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute('SELECT nps, csat, text, complaint, status, source FROM "feedback" ORDER BY created_at').fetchall()


def test_an_answer_with_a_card_and_a_complaint(shop):
    db, info = shop
    card = info["sample_cards"][0]
    out = run("feedback", "--db", str(db), "--card", card, "--nps", "4", "--csat", "2", "--text", "Queue too long",
              "--json", pin=CASHIER_PIN, staff=None)
    got = json.loads(out.stdout)
    assert {"id", "member_id", "nps", "csat", "complaint", "status", "text", "sale_id", "cashier_id"} <= set(got)
    assert (got["nps"], got["csat"], got["complaint"], got["status"], got["source"]) == (4, 2, True, "open", "cli")
    with sqlite3.connect(db) as conn:
        member = conn.execute('SELECT lower(hex(member_id)) FROM "card" WHERE number = ?', [card]).fetchone()[0]
        sent = conn.execute('SELECT COUNT(*) FROM "outbox" WHERE kind = \'feedback\'').fetchone()[0]
    assert got["member_id"].replace("-", "") == member and sent == 1
    plain = json.loads(run("feedback", "--db", str(db), "--nps", "10", "--json", pin=CASHIER_PIN, staff=None).stdout)
    assert plain["member_id"] is None and plain["complaint"] is False and plain["csat"] is None
    assert len(_feedback_rows(db)) == 2


def test_an_answer_about_a_sale_takes_its_cashier_once(shop):
    db, _info = shop
    with sqlite3.connect(db) as conn:
        receipt, cashier = conn.execute('SELECT receipt_no, lower(hex(cashier_id)) FROM "sale" WHERE member_id IS NOT NULL'
                                        " AND cashier_id IS NOT NULL LIMIT 1").fetchone()
    got = json.loads(run("feedback", "--db", str(db), "--sale", receipt, "--nps", "9", "--csat", "5", "--json").stdout)
    assert got["cashier_id"].replace("-", "") == cashier and got["member_id"] is not None
    again = run("feedback", "--db", str(db), "--sale", receipt, "--nps", "3", "--json", check=False)
    assert again.returncode == 2 and again.stderr.strip() == f"error: Receipt {receipt} already has the customer's answer."
    kpis = json.loads(run("kpis", "--db", str(db), "--json", pin=MANAGER_PIN, staff=None).stdout)
    assert (kpis["nps"], kpis["nps_answers"], kpis["csat"], kpis["csat_answers"]) == (100.0, 1, 1.0, 1)


@pytest.mark.parametrize("args, says", [
    (["--nps", "11"], "--nps '11': give a whole number from 0 to 10"),
    (["--nps", "-1"], "--nps '-1': give a whole number with the digits 0-9"),
    (["--nps", "7", "--csat", "0"], "--csat '0': give a whole number from 1 to 5"),
    (["--nps", "7", "--csat", "six"], "--csat 'six': give a whole number with the digits 0-9"),
    (["--nps", "7", "--text", "x" * 501], "The customer's words are too long: at most 500 characters."),
    (["--nps", "7", "--complaint"], "A complaint needs the customer's words: write what went wrong."),
    (["--nps", "7", "--card", "2000000000000"], "Card misread"),
    ([], "the following arguments are required: --nps"),
])
def test_bad_values_are_one_sentence_and_exit_2(shop, args, says):
    db, _info = shop
    out = run("feedback", "--db", str(db), *args, "--json", check=False, pin=CASHIER_PIN, staff=None)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and says in out.stderr, out.stderr
    assert _feedback_rows(db) == []


def test_feedback_acts_for_a_person(shop):
    db, _info = shop
    out = run("feedback", "--db", str(db), "--nps", "8", "--json", check=False, pin=None)
    assert out.returncode == 2 and "PIN" in out.stderr
    assert _feedback_rows(db) == []
