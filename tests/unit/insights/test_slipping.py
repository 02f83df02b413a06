"""Who is slipping away: the best customers' P(alive), expected visits and CLV, counted for all of
them at once, are what the lifetime model gives each member on their own (lifetime.member_outlook);
the least likely to be alive come first; the best customers are chosen by their revenue counted in
plain Python over the raw rows."""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from models.schema import Member
from services.insights import lifetime, slipping
from tests.unit.imports.historykit import NOW, programme_since_2000
from tests.unit.insights.insightkit import import_history, raw_receipts


@pytest.fixture
def history_shop(shop):
    """60 customers of an old program over a year, each with a rate of their own; half stop coming."""
    programme_since_2000()
    rng = random.Random(3)
    rows = []
    start = dt.datetime(2025, 12, 1, 12, 0)
    for n in range(60):
        day, last = start + dt.timedelta(days=rng.randrange(30)), start + dt.timedelta(days=rng.randrange(60, 360))
        if n % 2:
            last = NOW
        while day < last:
            rows.append({"receipt": f"R{len(rows)}", "date": day.strftime("%d.%m.%Y %H:%M"),
                         "amount": f"{rng.randrange(100, 5000)},00", "customer_ref": f"C{n}",
                         "customer_name": f"Покупатель {n}"})
            day += dt.timedelta(days=1 + int(rng.expovariate(1 / 9)))
    import_history(rows, shop)
    return shop


def test_the_best_customers_least_likely_alive_first(history_shop):
    fit = lifetime.fit(NOW.date() - dt.timedelta(days=1), now=NOW)
    assert fit.model is not None
    rows = slipping.slipping(fit, pool=20, limit=20)
    spent: dict = defaultdict(int)
    for receipt in raw_receipts():
        if receipt.member_id is not None and receipt.local.date() <= fit.at:
            spent[receipt.member_id] += receipt.value
    best = sorted(spent, key=lambda m: -spent[m])[:20]
    assert {row["id"] for row in rows} == {str(m) for m in best}
    assert [row["p_alive"] for row in rows] == sorted(row["p_alive"] for row in rows)
    for row in rows:
        member = Member.get_by_id(row["id"])
        assert row["value"] == spent[member.id]
        alone = lifetime.member_outlook(member, fit)
        assert row["p_alive"] == pytest.approx(alone["p_alive"], abs=1e-4)
        assert row["expected_visits_90d"] == pytest.approx(alone["expected_visits_90d"], abs=1e-3)
        assert row["clv"] == alone["clv"] or (fit.spend is None and row["clv"] is None)
    assert rows[0]["p_alive"] < 0.5 < rows[-1]["p_alive"]  # some stopped coming, some did not


def test_nothing_without_a_model(shop):
    fit = lifetime.fit(NOW.date(), now=NOW)
    assert fit.model is None and slipping.slipping(fit) == []
