"""`main.py segments` and the `profile` of `main.py member`, on a shop whose history came
through `main.py import history` (a zero-amount receipt among it)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, run

CARD = "96385001"  # an old system's card: the import makes its member


def history_file(path: Path, today: dt.date) -> Path:
    def day(back: int) -> str:
        return (today - dt.timedelta(days=back)).strftime("%d.%m.%Y")

    rows = [
        "Nr. bon,Data,Card,Suma,Cantitate,Produs",
        f"S-1,{day(10)} 10:15,{CARD},\"120,50\",2,Pâine",
        f"S-1,{day(10)} 10:15,{CARD},30,1,Lapte",  # the second line of S-1
        f"S-2,{day(3)} 09:00,{CARD},0,1,Pungă",  # zero amount: a receipt and a visit all the same
        f"S-3,{day(3)} 18:30,{CARD},\"49,50\",3,Pâine",  # the same day: one visit
    ]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return path


def test_segments_and_the_member_profile_after_an_imported_history(shop, tmp_path):
    path, _ = shop
    db = str(path)
    today = dt.date.today()  # the shop's clock may be a day off near midnight: checked below
    report = json.loads(run("import", "history", "--db", db, str(history_file(tmp_path / "h.csv", today)),
                            "--json").stdout)
    assert not report["errors"] and report["rows"] == 4

    member = json.loads(run("member", "--db", db, "--card", CARD, "--json").stdout)
    assert {"id", "name", "card", "balance", "ledger"} <= set(member)  # the keys it always had
    profile = member["profile"]
    assert (profile["visits"], profile["receipts"], profile["items"], profile["total"]) == (2, 3, 7, 20000)
    assert profile["avg_check"] == 6667  # 20000 / 3, half up
    assert profile["usual_interval_days"] == 7 and profile["days_since_last"] in (2, 3, 4)
    assert profile["first_visit"] == (today - dt.timedelta(days=10)).isoformat()
    assert [p["name"] for p in profile["top_products"]["by_value"]] == ["Pâine", "Lapte"]  # Pungă brought 0
    assert profile["top_products"]["by_count"][0] == {
        "key": "name:Pâine", "name": "Pâine", "value": 17000, "items": 5, "receipts": 2}

    out = json.loads(run("segments", "--db", db, "--pareto", "--json", pin=MANAGER_PIN, staff=None).stdout)
    assert out["window_days"] == 365 and out["window"]["to"] == out["at"]
    seg = {s["name"]: s for s in out["segments"]}
    assert list(seg) == ["champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
                         "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost", "no_purchases"]
    assert sum(s["members"] for s in seg.values()) == out["members"]
    assert sum(s["revenue"] for s in seg.values()) == out["revenue"] > 0
    assert abs(sum(s["revenue_share"] for s in seg.values()) - 1) < 1e-9
    assert out["pareto"]["revenue"] == out["revenue"] and 0.2 <= out["pareto"]["top20_share"] <= 1

    found = []
    for name, s in seg.items():
        if s["members"]:
            listed = json.loads(run("segments", "--db", db, "--segment", name, "--json").stdout)
            assert len(listed["members_of"]["members"]) == s["members"]
            found += [(name, m) for m in listed["members_of"]["members"] if m["card"] == CARD]
    assert len(found) == 1
    name, mine = found[0]
    assert (mine["frequency"], mine["monetary"], mine["receipts"]) == (2, 20000, 3)
    assert mine["last_visit"] == profile["last_visit"]

    refused = run("segments", "--db", db, "--json", pin=CASHIER_PIN, staff=None, check=False)
    assert refused.returncode == 2 and refused.stderr.startswith("error:") and not refused.stdout
    bad = run("segments", "--db", db, "--at", "2026-02-30", "--json", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
