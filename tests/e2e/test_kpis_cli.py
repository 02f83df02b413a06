"""`main.py kpis`: a history imported through `main.py import history`, then the figures
as JSON, equal to the plain computation over the file's rows (tests/unit/insights/figurekit.py)."""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from tests.e2e.conftest import MANAGER_PIN, run
from tests.unit.insights.figurekit import History, check_all


def history_file(path: Path, seed: int = 5) -> Path:
    """Receipts of February to April 2024 (before the demo's own sales): cards of eight
    customers, a phone, nobody's; amounts of zero; a customer twice on one day."""
    rng = random.Random(seed)
    rows = ["Дата;Время;Сумма;Номер карты;Телефон;Покупатель"]
    cards = [f"99000000{n:05d}" for n in range(8)]
    day = dt.date(2024, 2, 1)
    while day <= dt.date(2024, 4, 30):
        for _ in range(rng.randrange(0, 4)):
            amount = rng.choice([0, 0, 150, 9999, 123456, 50])
            roll = rng.random()
            card = rng.choice(cards) if roll < 0.6 else ""
            phone = "+7 916 000-00-01" if 0.6 <= roll < 0.7 else ""
            rows.append(f"{day:%d.%m.%Y};{rng.randrange(8, 22):02d}:{rng.randrange(60):02d};"
                        f"{amount // 100},{amount % 100:02d};{card};{phone};")
        day += dt.timedelta(days=1)
    rows.append("15.03.2024;10:00;10,00;9900000000001;;")  # twice on one day
    rows.append("15.03.2024;18:00;20,00;9900000000001;;")
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return path


def test_kpis_equal_the_plain_computation_after_an_import(shop, tmp_path):
    db, _info = shop
    out = run("import", "history", "--db", str(db), str(history_file(tmp_path / "history.csv")), "--json")
    imported = json.loads(out.stdout)
    assert imported["imported"] > 100 and not imported["errors"]
    got = json.loads(run("kpis", "--db", str(db), "--from", "2024-03-01", "--to", "2024-04-30", "--json",
                         pin=MANAGER_PIN, staff=None).stdout)
    from models import open_database
    from services.insights import basis
    from services.insights.basis import Period

    open_database(db)
    period = Period(dt.date(2024, 3, 1), dt.date(2024, 4, 30))
    check_all(got, History(basis.shop_zone()), period)
    assert got["receipts"] > 50 and got["member_receipts"] > 20 and got["previous"]["receipts"] > 10
    assert got["repeat_rate"] is not None and got["top20_share"] is not None
    assert got["currency"] == "RUB" and got["store"] is None
    # The default period: the 30 days to today, the one before of the same length.
    recent = json.loads(run("kpis", "--db", str(db), "--json", pin=MANAGER_PIN, staff=None).stdout)
    start, end = dt.date.fromisoformat(recent["from"]), dt.date.fromisoformat(recent["to"])
    assert (end - start).days == 29 and recent["receipts"] > 0  # the demo's own recent sales
    assert dt.date.fromisoformat(recent["previous"]["to"]) == start - dt.timedelta(days=1)


def test_kpis_needs_a_manager_and_a_sane_period(shop):
    db, _info = shop
    denied = run("kpis", "--db", str(db), "--json", pin="3333", staff=None, check=False)
    assert denied.returncode == 2 and "manager" in denied.stderr
    backwards = run("kpis", "--db", str(db), "--from", "2024-03-02", "--to", "2024-03-01", "--json", check=False)
    assert backwards.returncode == 2 and "--to" in backwards.stderr
    nowhere = run("kpis", "--db", str(db), "--store", "Nowhere", "--json", check=False)
    assert nowhere.returncode == 2 and "Nowhere" in nowhere.stderr
