"""`main.py segment export` and `main.py campaign ...` on the demo shop: the consenting members with a
phone are written, the rest counted by why, the log kept, the role of the PIN decides."""
from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, run


def _consenting_with_phone(path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        total = conn.execute("SELECT COUNT(*) FROM member WHERE name <> ''").fetchone()[0]
        yes = conn.execute("SELECT COUNT(*) FROM member WHERE name <> '' AND marketing_consent = 1"
                           " AND COALESCE(phone, '') <> ''").fetchone()[0]
        no_phone = conn.execute("SELECT COUNT(*) FROM member WHERE name <> '' AND marketing_consent = 1"
                                " AND COALESCE(phone, '') = ''").fetchone()[0]
    return total, yes, no_phone


def test_segment_export_writes_only_consenting_members_and_logs_them(shop, tmp_path):
    path, _ = shop
    total, yes, no_phone = _consenting_with_phone(path)
    assert 0 < yes < total  # the demo has members who said no
    out = tmp_path / "sms.csv"
    result = json.loads(run("segment", "export", "--db", str(path), "--segment", "all", "--channel", "sms",
                            "--out", str(out), "--json", pin=MANAGER_PIN, staff=None).stdout)
    assert result["exported"] == yes and result["skipped_no_address"] == no_phone
    assert result["skipped_no_consent"] == total - yes - no_phone and result["skipped_frequency"] == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert len(rows) == yes + 1 and all(row[2].startswith("+") for row in rows[1:])
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM message_log WHERE label = 'export' AND channel = 'sms'").fetchone()[0] == yes
        # one member now allows one message in 30 days: the next export leaves them out
        member_id = conn.execute("SELECT member_id FROM message_log LIMIT 1").fetchone()[0]
        conn.execute("INSERT INTO reach_preference (id, member_id, preferred_channel, max_per_30d, source, staff_name,"
                     " created_at) VALUES (randomblob(16), ?, NULL, 1, 'till', '', '2000-01-01 00:00:00')", [member_id])
    again = json.loads(run("segment", "export", "--db", str(path), "--segment", "all", "--channel", "sms",
                           "--out", str(tmp_path / "again.xlsx"), "--json").stdout)
    assert again["exported"] == yes - 1 and again["skipped_frequency"] == 1

    refused = run("segment", "export", "--db", str(path), "--segment", "all", "--channel", "sms", "--out",
                  str(tmp_path / "c.csv"), "--json", pin=CASHIER_PIN, staff=None, check=False)
    assert refused.returncode == 2 and "manager" in refused.stderr and not (tmp_path / "c.csv").exists()
    bad = run("segment", "export", "--db", str(path), "--segment", "all", "--channel", "sms", "--out",
              str(tmp_path / "x.pdf"), check=False)
    assert bad.returncode == 2 and ".csv or .xlsx" in bad.stderr


def test_campaign_create_export_report(shop, tmp_path):
    path, _ = shop
    db = str(path)
    refused = run("campaign", "create", "--db", db, "--name", "NY", "--kind", "new_year", "--template",
                  "Hi {firstname}", check=False)
    assert refused.returncode == 2 and "{firstname}" in refused.stderr and "{first_name}" in refused.stderr
    made = json.loads(run("campaign", "create", "--db", db, "--name", "New Year", "--kind", "new_year", "--template",
                          "{first_name}, с Новым годом! У вас {points} баллов.", "--json").stdout)
    assert made["segment"] == "all" and made["preview"].startswith("Анна, с Новым годом!")
    listed = json.loads(run("campaign", "list", "--db", db, "--json").stdout)["campaigns"]
    assert [c["id"] for c in listed] == [made["id"]]
    sent = json.loads(run("campaign", "export", "--db", db, "--campaign", made["id"], "--out",
                          str(tmp_path / "ny.csv"), "--json").stdout)
    assert sent["exported"] == _consenting_with_phone(path)[1] and sent["coupons"] == 0
    report = json.loads(run("campaign", "report", "--db", db, "--campaign", made["id"], "--json").stdout)
    assert report["sent"] == sent["exported"] and report["redeemed"] == 0 and report["cost"] == 0


def test_consent_shown_withdrawn_and_granted_by_a_cashier(shop, tmp_path):
    path, info = shop
    db = str(path)
    for card in info["sample_cards"]:  # a member who consented to something (the demo's differ by its day)
        shown = json.loads(run("consent", "--db", db, "--card", card, "--json", pin=CASHIER_PIN, staff=None).stdout)
        if any(c["granted"] for c in shown["channels"].values()):
            break
    else:
        pytest.fail("no sample member consented to anything")
    assert set(shown["channels"]) == {"sms", "email", "call", "messenger"} and shown["written"] == 0
    gone = json.loads(run("consent", "--db", db, "--card", card, "--withdraw", "all", "--json",
                          pin=CASHIER_PIN, staff=None).stdout)
    assert not any(c["granted"] for c in gone["channels"].values())
    assert all(c["source"] == "cli" for c in gone["channels"].values() if c["at"]) and gone["history"]
    back = json.loads(run("consent", "--db", db, "--card", card, "--grant", "sms,call", "--prefer", "call", "--max", "2",
                          "--source", "form", "--json", pin=CASHIER_PIN, staff=None).stdout)
    assert back["written"] == 2 and back["channels"]["sms"]["granted"] and back["channels"]["call"]["source"] == "form"
    assert (back["preferred"], back["max_per_30d"]) == ("call", 2)
    bad = run("consent", "--db", db, "--card", card, "--grant", "fax", check=False)
    assert bad.returncode == 2 and "sms, email, call, messenger" in bad.stderr
    with sqlite3.connect(path) as conn:
        flag = conn.execute("SELECT m.marketing_consent FROM member m JOIN card c ON c.member_id = m.id"
                            " WHERE c.number = ?", [card]).fetchone()[0]
    assert flag == 1  # sms granted again: the offers flag follows
