"""Gifts for points from the command line: the owner adds one, a sale takes it for the
member's points, the receipt prints it, a return gives the points back; a cashier may
list gifts but not add them, and a gift over the member's points changes nothing."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pytest

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, counts, run


def member_of(path, card: str) -> dict:
    return json.loads(run("member", "--db", str(path), "--card", card, "--json").stdout)


def test_a_gift_taken_printed_and_brought_back(shop, tmp_path):
    path, info = shop
    card, (paid, gift) = info["sample_cards"][0], info["sample_products"][2:4]
    refused = run("rewards", "add", "--db", str(path), "--barcode", gift, "--points", "10", "--json",
                  pin=CASHIER_PIN, staff=None, check=False)
    assert refused.returncode == 2 and "owner" in refused.stderr
    added = json.loads(run("rewards", "add", "--db", str(path), "--barcode", gift, "--points", "10",
                           "--per-member", "1", "--json").stdout)
    assert (added["barcode"], added["points"], added["per_member"], added["given"]) == (gift, 10, 1, 0)
    listed = json.loads(run("rewards", "list", "--db", str(path), "--json", pin=CASHIER_PIN, staff=None).stdout)
    assert [r["id"] for r in listed["rewards"]] == [added["id"]]

    before = member_of(path, card)
    assert before["balance"] >= 10
    sold = json.loads(run("sell", "--db", str(path), "--card", card, "--item", paid, "--reward", gift,
                          "--pay", "card", "--json", pin=CASHIER_PIN, staff=None).stdout)
    assert sold["points_rewarded"] == 10 and sold["points_redeemed"] == 0
    assert sold["member"]["balance"] == before["balance"] - 10 + sold["points_earned"]
    after = member_of(path, card)
    kinds = sorted((e["kind"], e["delta"]) for e in after["ledger"] if e["sale_id"] == sold["sale_id"])
    assert ("reward", -10) in kinds and sum(e["delta"] for e in after["ledger"]) == after["balance"]

    again = run("sell", "--db", str(path), "--card", card, "--reward", gift, "--json", pin=CASHIER_PIN, staff=None,
                check=False)
    assert again.returncode == 2 and "at most 1 per member" in again.stderr

    if shutil.which("pdftotext"):
        pdf = tmp_path / "r.pdf"
        run("receipt", "--db", str(path), "--sale", sold["receipt_no"], "--out", str(pdf), "--json")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "подарок за баллы: 10" in text and "из них на подарки" in text and "−10" in text

    back = json.loads(run("return", "--db", str(path), "--sale", sold["receipt_no"], "--item", gift, "--json",
                          pin=MANAGER_PIN, staff=None).stdout)
    assert back["points_unrewarded"] == 10 and back["refund"] == 0
    assert back["member"]["balance"] == sold["member"]["balance"] + 10


def test_a_gift_over_the_points_changes_nothing(shop):
    path, info = shop
    card, gift = info["sample_cards"][1], info["sample_products"][4]
    balance = member_of(path, card)["balance"]
    run("rewards", "add", "--db", str(path), "--barcode", gift, "--points", str(balance + 1), "--json")
    before = counts(path)
    out = run("sell", "--db", str(path), "--card", card, "--reward", gift, "--json", pin=CASHIER_PIN, staff=None,
              check=False)
    assert out.returncode == 2 and f"costs {balance + 1} points" in out.stderr
    assert counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sale WHERE points_rewarded > 0").fetchone()[0] == 0


@pytest.mark.parametrize("args,message", [
    (["sell"], "--item or --reward"),
    (["rewards", "add", "--barcode", "{p}", "--points", "0"], "--points"),
    (["rewards", "add", "--barcode", "{p}", "--points", "5", "--stock", "many"], "--stock"),
])
def test_bad_reward_arguments_exit_2(shop, args, message):
    path, info = shop
    args = [a.replace("{p}", info["sample_products"][0]) for a in args]
    out = run(*args[:2], "--db", str(path), *args[2:], check=False) if args[0] == "rewards" else \
        run(args[0], "--db", str(path), *args[1:], check=False)
    assert out.returncode == 2 and message in out.stderr
