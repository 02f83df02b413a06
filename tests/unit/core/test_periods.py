"""A period is said once, on the ground floor: the till's figures and the hub's count over the same one,
and the hub gets it without loading the till's settings."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zoneinfo
from pathlib import Path

from hypothesis import given, strategies as st

from services.core.periods import Period, day_in
from services.insights import basis

ROOT = Path(__file__).resolve().parents[3]
CHISINAU = zoneinfo.ZoneInfo("Europe/Chisinau")


def test_the_figures_period_is_the_grounds_own():
    assert basis.Period is Period  # `from services.insights.basis import Period` keeps working


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(1, 800))
def test_the_period_before_has_the_same_length_and_ends_the_day_before(end, days):
    period = Period.ending(end, days)
    before = period.previous()
    assert (period.days, before.days) == (days, days)
    assert before.end == period.start - dt.timedelta(days=1)


def test_a_period_ending_before_it_starts_is_refused():
    try:
        Period(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    except ValueError:
        return
    raise AssertionError("a period ending before its first day was made")


def test_the_day_at_an_instant_is_the_zones():
    assert day_in(dt.datetime(2026, 6, 30, 21, 0), CHISINAU) == dt.date(2026, 7, 1)  # midnight in summer (+3)
    assert day_in(dt.datetime(2026, 6, 30, 20, 59), CHISINAU) == dt.date(2026, 6, 30)
    assert day_in(dt.datetime(2026, 6, 30, 20, 59), CHISINAU) == basis.today(dt.datetime(2026, 6, 30, 20, 59), CHISINAU)


def test_the_hub_loads_neither_the_tills_settings_nor_its_insights():
    code = ("import sys, services.hub.app, services.hub.figures, services.hub.figures_access\n"
            "print(sorted(m for m in sys.modules if m.startswith(('services.shop', 'services.insights'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
