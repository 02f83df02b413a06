"""`main.py reminders`: an occasion recorded in the demo shop's file comes out as JSON with its
member, card, phone and suggested offer; a cashier is refused; a bad --days changes nothing."""
from __future__ import annotations

import datetime as dt
import json

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, run


def _record_occasion(db, days_ahead: int) -> dict:
    """An occasion `days_ahead` days from today for the demo's first member with a phone, written
    the way the till writes it (services.reach.occasions), then the file closed."""
    from models import db as handle, open_database
    from models.schema import Member, utcnow
    from services.insights import basis
    from services.reach import occasions

    open_database(db)
    try:
        member = Member.select().where(Member.phone.is_null(False)).order_by(Member.created_at).first()
        day = basis.today(utcnow()) + dt.timedelta(days=days_ahead)
        row = occasions.add(member, "friend_birthday", day.month, day.day, for_whom="Marina")
        return {"member_id": str(member.id), "name": member.name, "phone": member.phone, "day": day,
                "occasion_id": str(row.id)}
    finally:
        handle.obj.close()
        handle.initialize(None)


def test_reminders_lists_an_occasion_as_json(shop):
    db, _info = shop
    wanted = _record_occasion(db, 10)
    got = json.loads(run("reminders", "--db", str(db), "--json", pin=MANAGER_PIN, staff=None).stdout)
    assert got["days"] == 14 and dt.date.fromisoformat(got["to"]) - dt.date.fromisoformat(got["from"]) == dt.timedelta(14)
    mine = [r for r in got["reminders"] if r["kind"] == "occasion"]
    assert len(mine) == 1
    r = mine[0]
    assert (r["member_id"], r["name"], r["phone"], r["for_whom"]) == (
        wanted["member_id"], wanted["name"], wanted["phone"], "Marina")
    assert r["date"] == wanted["day"].isoformat() and r["card"] and r["suggested_offer"]
    assert r["last_contact"] is None
    assert set(r) >= {"kind", "member_id", "name", "card", "phone", "date", "for_whom", "last_bought",
                      "suggested_offer", "last_contact"}
    assert [n["code"] for n in got["notes"]] == ["no_fit"]  # no lifetime fit kept in a fresh demo
    only = json.loads(run("reminders", "--db", str(db), "--days", "9", "--source", "occasion", "--json",
                          pin=MANAGER_PIN, staff=None).stdout)
    assert only["reminders"] == [] and only["notes"] == []  # 10 days ahead is past 9
    human = run("reminders", "--db", str(db), "--source", "occasion", pin=MANAGER_PIN, staff=None).stdout
    assert wanted["name"] in human and "1 reminders" in human


def test_reminders_needs_a_manager_and_a_sane_number_of_days(shop):
    db, _info = shop
    refused = run("reminders", "--db", str(db), "--json", pin=CASHIER_PIN, staff=None, check=False)
    assert refused.returncode == 2 and refused.stdout == "" and "manager" in refused.stderr
    for bad in ("-1", "400", "x"):
        out = run("reminders", "--db", str(db), "--days", bad, "--json", pin=MANAGER_PIN, staff=None, check=False)
        assert out.returncode == 2 and "--days" in out.stderr
