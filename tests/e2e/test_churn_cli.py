"""`main.py churn`: the lifetime fit on a history brought in with `main.py import history`,
kept for `main.py member` when it is today's, refused to a cashier."""
from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from pathlib import Path

from tests.e2e.conftest import CASHIER_PIN, MANAGER_PIN, run


def history_file(path: Path, today: dt.date, customers: int = 40, seed: int = 4) -> dict[str, set[dt.date]]:
    """Receipts of `customers` cards over the last 400 days: each customer comes every few
    weeks, some stop; a few receipts of 0.00. Returns each card's days."""
    rng = random.Random(seed)
    lines = ["date;amount;card"]
    days: dict[str, set[dt.date]] = {}
    for n in range(customers):
        card = f"99000000{n:04d}"
        day = today - dt.timedelta(days=rng.randrange(60, 400))
        gap, stops = rng.randrange(5, 40), rng.random() < 0.3
        while day <= today:
            amount = 0 if rng.random() < 0.05 else rng.randrange(100, 50_000)
            lines.append(f"{day:%d.%m.%Y};{amount // 100},{amount % 100:02d};{card}")
            days.setdefault(card, set()).add(day)
            if stops and rng.random() < 0.2:
                break
            day += dt.timedelta(days=rng.randrange(1, 2 * gap))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return days


def test_churn_after_an_imported_history(tmp_path):
    db = str(tmp_path / "shop.db")
    run("demo", "--db", db, "--members", "0", "--products", "1", "--sales", "0", "--json", pin=None)
    at = dt.date(2026, 11, 30)
    days = history_file(tmp_path / "history.csv", at)
    report = json.loads(run("import", "history", "--db", db, str(tmp_path / "history.csv"), "--json").stdout)
    assert not report["errors"] and report["imported"] == sum(len(d) for d in days.values())

    out = json.loads(run("churn", "--db", db, "--at", at.isoformat(), "--json", pin=MANAGER_PIN).stdout)
    assert (out["at"], out["unit"], out["enough"]) == ("2026-11-30", "days", True), out.get("message")
    assert out["members"] == len(days)
    assert out["repeat_members"] == sum(len(d) > 1 for d in days.values())
    assert all(out[k] > 0 for k in ("r", "alpha", "a", "b"))
    assert set(out["gamma_gamma"]) == {"p", "q", "gamma"}
    summary = out["summary"]
    assert 0 < summary["mean_p_alive"] <= 1 and 0 <= summary["members_p_alive_below_half"] <= len(days)
    assert summary["expected_visits_90d"] > 0 and summary["mean_clv"] > 0
    hold = out["fit"]
    cal_end = at - dt.timedelta(days=90)
    assert hold["actual"] == sum(sum(1 for d in ds if d > cal_end) for ds in days.values() if min(ds) <= cal_end)
    assert out["margin"] == {"percent": 100.0, "source": "default"}

    # A fit for a day before today is shown, not kept: the members' outlook is of today.
    assert out["kept"] is False
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM setting WHERE key = 'lifetime_fit'").fetchone()[0] == 0
    # The owner's look at a member: a shop this small is fitted for today there and then, and kept.
    card = max(days, key=lambda c: len(days[c]))
    member = json.loads(run("member", "--db", db, "--card", card, "--json").stdout)
    assert 0 <= member["p_alive"] <= 1 and member["expected_visits_90d"] >= 0 and member["clv"] >= 0
    assert member["fit_at"] is not None and member["fit_at"] > at.isoformat()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM setting WHERE key = 'lifetime_fit'").fetchone()[0] == 1

    refused = run("churn", "--db", db, "--json", pin=CASHIER_PIN, check=False)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    bad = run("churn", "--db", db, "--at", "30.11.2026", "--json", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
