"""The period job on its schedule: release pending points, expire old ones, review tiers.

`main.py period` and the window both run it through here, so the owner sees
when it last ran, and with what result, whichever started it.  The window
runs it at start and then daily; `is_due` says whether today's run (the
shop's day, in its time zone) is still to come.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.programme.loyalty import close_period
from services.programme.rules import active_rules
from services.shop.settings import get_setting, local_time, set_setting
from services.core.storage import write_transaction

LAST_RUN = "period_last_run"


@dataclass(frozen=True)
class PeriodRun:
    at: dt.datetime  # UTC, naive as stored
    released: int
    expired: int
    tier_changes: int


def run(now: dt.datetime) -> PeriodRun:
    """Close the period as of `now` (naive UTC) and remember the run."""
    done = close_period(active_rules(now), now)
    result = PeriodRun(now, done.released, done.expired, done.tier_changes)
    with write_transaction():
        set_setting(LAST_RUN, {"at": now.isoformat(), "released": result.released, "expired": result.expired,
                               "tier_changes": result.tier_changes})
    return result


def last_run() -> PeriodRun | None:
    value = get_setting(LAST_RUN)
    if not value:
        return None
    return PeriodRun(dt.datetime.fromisoformat(value["at"]), int(value["released"]), int(value["expired"]),
                     int(value["tier_changes"]))


def is_due(now: dt.datetime) -> bool:
    """True when it has not run yet on the shop's today."""
    last = last_run()
    return last is None or local_time(last.at).date() < local_time(now).date()
