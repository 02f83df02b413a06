"""The end-of-period job commits a chunk of members at a time, and a job killed
half-way and run again releases and expires nothing twice."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sqlite3

import pytest

from models.schema import LedgerEntry, Member, PendingPoints
from services.programme import ledger, loyalty
from services.programme import rules as rules_service
from services.programme.rules import Tier, default_rules
from services.sale import checkout
from services.sale.checkout import Cart, Tender
from services.core.storage import Pace
from tests.unit.shopkit import add_member, add_products

NOW = dt.datetime(2030, 11, 25, 12, 0)
MEMBERS = 12
DAY = dt.timedelta(days=1)


class Killed(Exception):
    pass


def paced(size: int, rests: list[float] | None = None) -> Pace:
    """Chunks of `size` members on a clock that never moves (so the size stays), rests recorded."""
    return Pace(size, clock=lambda: 0.0, sleep=(rests if rests is not None else []).append)


@pytest.fixture
def period_shop(shop, empty_db):
    rules_service.publish(dataclasses.replace(
        default_rules(), pending_days=5, expiry_days=30,
        tiers=(Tier("base", "Base", 0), Tier("silver", "Silver", 10000)),
    ), effective_from=NOW - DAY)
    milk = add_products([("Milk", 10000, False)])[0]
    rules = rules_service.active_rules(NOW)
    for i in range(MEMBERS):
        member, _ = add_member(f"Member {i}", shop["cashier"])
        cart = Cart(member=member)
        cart.add_barcode(milk)
        checkout.complete_sale(cart, [Tender("card", cart.price(rules, NOW).to_pay)], cashier=shop["cashier"], now=NOW)
    assert Member.select().where(Member.tier == "silver").count() == MEMBERS
    return empty_db, rules


def _lock_is_free(path) -> bool:
    """Whether a sale on another connection could take the write lock right now, without waiting."""
    with contextlib.closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        other.execute("ROLLBACK")
        return True


def _released_rows(path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as other:
        return other.execute('SELECT COUNT(*) FROM "pending_points" WHERE released_at IS NOT NULL').fetchone()[0]


def test_each_chunk_is_committed_and_a_sale_can_write_between_them(period_shop):
    path, rules = period_shop
    seen: list[tuple[str, int, bool, int]] = []

    def progress(stage: str, done: int) -> None:
        seen.append((stage, done, _lock_is_free(path), _released_rows(path)))

    rests: list[float] = []
    result = loyalty.close_period(rules, NOW + 6 * DAY, pace=paced(5, rests), tier_pace=paced(5, rests),
                                  progress=progress)
    assert result.released == MEMBERS * 5
    release = [s for s in seen if s[0] == "release"]
    assert [s[1] for s in release] == [5, 10, 12]
    # Another connection sees each chunk's work as soon as the callback runs: it was committed.
    assert [s[3] for s in release] == [5, 10, 12]
    assert [s[1] for s in seen if s[0] == "tiers"] == [5, 10, 12]
    assert all(free for _, _, free, _ in seen), seen
    # After each chunk the lock is left free for longer than a waiting sale's longest poll
    # (SQLite's busy handler sleeps up to 100 ms): back to back, chunks would starve it.
    assert len(rests) >= len(seen) and min(rests) > 0.1


def test_the_chunk_size_follows_the_time_a_chunk_takes():
    pace = Pace(100, budget_s=0.2, most=1000)
    pace.adjust(0.05)
    assert pace.size == 200  # a quarter of its budget: twice as many, no more (growth is capped)
    pace.adjust(0.8)
    assert pace.size == 50  # four times its budget: a quarter the size at once (shrinking is not)
    for _ in range(10):
        pace.adjust(0.0001)
    assert pace.size == 1000  # never past `most`
    pace.adjust(1000.0)
    assert pace.size == 1


def test_a_job_killed_half_way_and_run_again_does_nothing_twice(period_shop):
    path, rules = period_shop
    points = sum(p.points for p in PendingPoints.select())

    def kill_after(stage: str, chunks: int):
        calls = []

        def progress(at: str, done: int) -> None:
            if at == stage:
                calls.append(done)
                if len(calls) == chunks:
                    raise Killed
        return progress

    with pytest.raises(Killed):
        loyalty.close_period(rules, NOW + 6 * DAY, pace=paced(5), progress=kill_after("release", 1))
    assert _released_rows(path) == 5
    again = loyalty.close_period(rules, NOW + 6 * DAY, pace=paced(5))
    assert again.released == points - 5 * 5  # the rest only
    assert LedgerEntry.select().where(LedgerEntry.kind == "release").count() == MEMBERS

    later = NOW + 37 * DAY
    with pytest.raises(Killed):
        loyalty.close_period(rules, later, pace=paced(5), progress=kill_after("expire", 2))
    again = loyalty.close_period(rules, later, pace=paced(5))
    assert again.expired == 2 * 5  # the two members of the last chunk
    assert loyalty.close_period(rules, later, pace=paced(5)).expired == 0
    assert -sum(e.delta for e in LedgerEntry.select().where(LedgerEntry.kind == "expire")) == points

    with pytest.raises(Killed):
        loyalty.close_period(rules, NOW + 400 * DAY, pace=paced(5), tier_pace=paced(5), progress=kill_after("tiers", 1))
    assert Member.select().where(Member.tier == "base").count() == 5
    assert loyalty.review_tiers(rules, NOW + 400 * DAY, pace=paced(5)) == MEMBERS - 5
    for member in Member.select():
        assert member.balance == ledger.ledger_balance(member.id) == 0
