"""The shop's day of a stored UTC time, found in SQL, against zoneinfo in Python."""
from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo

from hypothesis import given, settings, strategies as st

from services.insights.basis import Period, local_day_sql, offset_changes, stamp, utc_span

CHISINAU = zoneinfo.ZoneInfo("Europe/Chisinau")
LO = dt.datetime(2019, 1, 1)
HI = dt.datetime(2027, 1, 1)


def test_period_before_has_the_same_length_and_ends_the_day_before():
    p = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert p.days == 31
    assert p.previous() == Period(dt.date(2026, 1, 29), dt.date(2026, 2, 28))


def test_offsets_change_twice_a_year_in_moldova():
    changes = offset_changes(LO, HI, CHISINAU)
    assert len(changes) == 1 + 2 * 8
    # 29 March 2026: 02:00 local (00:00 UTC) the clocks go to +03:00
    assert (dt.datetime(2026, 3, 29, 0, 0), dt.timedelta(hours=3)) in changes


def test_span_of_a_day_is_its_local_midnights():
    assert utc_span(Period(dt.date(2026, 7, 1), dt.date(2026, 7, 1)), CHISINAU) == (
        "2026-06-30 21:00:00", "2026-07-01 21:00:00")


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=LO, max_value=HI - dt.timedelta(seconds=1)))
def test_local_day_in_sql_is_the_day_on_the_shops_clock(when):
    sql = local_day_sql("t", LO, HI, CHISINAU)
    got = sqlite3.connect(":memory:").execute(f"SELECT {sql} FROM (SELECT ? AS t)", (str(when),)).fetchone()[0]
    assert got == when.replace(tzinfo=dt.timezone.utc).astimezone(CHISINAU).date().isoformat()
    assert stamp(when) <= str(when)
