"""services.imports.pool: a worker process reads what this process would
read, in the file's order; without a worker the rows are read here."""
from __future__ import annotations

import functools
import os

import pytest

from models.schema import Sale, SaleLine
from services.imports import history, pool
from tests.unit.imports.historykit import run

pytestmark = pytest.mark.usefixtures("programme_since_2000")


def _square_and_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def test_every_item_comes_back_in_order_the_later_ones_read_by_a_worker(monkeypatch):
    monkeypatch.setattr(pool, "cores", lambda: 2)
    got = list(pool.in_order(_square_and_pid, range(50), first=5, batch=4, ahead=2))
    assert [item for item, _ in got] == list(range(50))
    assert [result[0] for _, result in got] == [n * n for n in range(50)]
    here = {pid for _, (_, pid) in got[:5]}
    there = {pid for _, (_, pid) in got[5:]}
    assert here == {os.getpid()} and os.getpid() not in there and len(there) == 1


def test_one_core_reads_everything_here(monkeypatch):
    monkeypatch.setattr(pool, "cores", lambda: 1)
    got = list(pool.in_order(_square_and_pid, range(20), first=2, batch=4))
    assert [r for _, r in got] == [(n * n, os.getpid()) for n in range(20)]


def _fails(item: int) -> int:
    raise ValueError(f"a bug at {item}")


def test_a_bug_in_the_worker_is_raised_not_hidden(monkeypatch):
    monkeypatch.setattr(pool, "cores", lambda: 2)
    with pytest.raises(ValueError, match="a bug at 0"):
        list(pool.in_order(_fails, range(10), first=0, batch=4))


def test_a_worker_that_cannot_start_leaves_the_reading_here(monkeypatch):
    class NoWorker:
        def __init__(self, *args, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr(pool, "cores", lambda: 2)
    monkeypatch.setattr(pool, "ProcessPoolExecutor", NoWorker)
    got = list(pool.in_order(_square_and_pid, range(10), first=0, batch=4))
    assert [r for _, r in got] == [(n * n, os.getpid()) for n in range(10)]


def _history_rows() -> list[dict[str, str]]:
    rows = []
    for n in range(40):
        rows.append({"receipt": f"R{n}", "date": f"{1 + n % 28:02d}.05.2024", "time": "10:15", "amount": f"{n},50",
                     "card": f"30000{n % 7}", "phone": "8 999 000-00-0" + str(n % 10) if n % 3 == 0 else ""})
        rows.append({"receipt": f"R{n}", "amount": "5", "qty": "0,5" if n % 4 else "2"})
    rows += [{"date": "31.02.2024", "amount": "1"}, {"date": "01.04.2024", "amount": "x"},
             {"date": "01.04.2024", "amount": "1", "item": "=HYPERLINK(\"x\")"}, {}]
    return rows


def _outcome(out) -> tuple:
    return (out.rows, out.imported, out.skipped, out.receipts, out.members_created,
            [(e.row, e.field, e.error.code, e.error.params) for e in out.errors],
            [(w.row, w.field, w.error.code, w.error.params) for w in out.warnings])


def _sales() -> list[tuple]:
    return sorted((s.receipt_no, s.total, str(s.created_at), s.card_number, s.lines.count()) for s in Sale.select())


def test_a_history_read_by_a_worker_imports_what_one_read_here_does(shop, monkeypatch):
    here = run(_history_rows(), shop, dry_run=True)
    monkeypatch.setattr(pool, "cores", lambda: 2)
    monkeypatch.setattr(history, "POOL_AFTER", 3)
    monkeypatch.setattr(history.pool, "in_order", functools.partial(pool.in_order, batch=5, ahead=2))
    there = run(_history_rows(), shop, dry_run=True)
    assert _outcome(there) == _outcome(here)
    assert any(e[2] == "import_date_bad" for e in _outcome(there)[5])  # errors cross the process whole
    assert _outcome(there)[6]  # and so do warnings
    real = run(_history_rows(), shop)
    assert _outcome(real)[:5] == _outcome(here)[:5]
    assert Sale.select().count() == here.receipts and SaleLine.select().count() > Sale.select().count()
    assert _sales()  # written as read


def test_a_stop_while_the_worker_reads_ahead_counts_only_what_was_done(shop, monkeypatch):
    monkeypatch.setattr(pool, "cores", lambda: 2)
    monkeypatch.setattr(history, "POOL_AFTER", 2)
    monkeypatch.setattr(history.pool, "in_order", functools.partial(pool.in_order, batch=4, ahead=3))
    stops = iter([False, True])
    first = run(_history_rows(), shop, should_stop=lambda: next(stops))
    assert first.stopped and first.receipts == 4 and first.rows < 12
    second = run(_history_rows(), shop)
    assert second.skipped == 8 and Sale.select().count() == 4 + second.receipts
