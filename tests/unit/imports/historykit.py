"""What the history import's tests share: the shop with its programme in force
from long before any imported date, a fixed now, and a run in chunks of two."""
from __future__ import annotations

import datetime as dt

from services.core.storage import Pace, write_transaction
from services.imports import history

NOW = dt.datetime(2026, 12, 1, 12, 0)  # naive UTC, after the fixture's programme takes effect


def programme_since_2000() -> None:
    """The test shop's programme in force from long before any imported date
    (tests/unit/imports/conftest.py's fixture `programme_since_2000`)."""
    from models.schema import RuleSet

    with write_transaction():
        RuleSet.update(effective_from=dt.datetime(2000, 1, 1)).execute()


def quick_pace() -> Pace:
    """Chunks of two receipts, no rests: what a test needs to see chunk edges."""
    return Pace(2, clock=lambda: 0.0, sleep=lambda s: None)


def run(rows, shop, **kw):
    kw.setdefault("now", NOW)
    kw.setdefault("pace", quick_pace())
    records = [(n + 2, cells) for n, cells in enumerate(rows)]
    return history.run(records, actor=kw.pop("actor", shop["owner"]), **kw)
