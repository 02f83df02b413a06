"""The summary's reads shared out over connections (services.insights.readers): the jobs
run side by side on readers in the main connection's snapshot, and on the main connection
when a reader would not see that snapshot or the caller's writes; the figures read in many
members' ranges at once are the plain computation's."""
from __future__ import annotations

import threading

import pytest

from models.schema import Setting
from services.core.storage import write_transaction
from services.insights import figures, readers
from tests.unit.insights.figurekit import History, check_all
from tests.unit.insights.test_figures import CHISINAU, NOW, PERIOD, _programme_since_2000, history  # noqa: F401  (fixtures)


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(readers.os, "cpu_count", lambda: 2)


def test_two_jobs_run_at_once_on_two_connections(shop, two_cores):
    both = threading.Barrier(2, timeout=30)  # broken unless two jobs wait on it at the same time

    def job(n):
        def run(execute):
            both.wait()
            return execute("SELECT ? + 1", [n]).fetchone()[0], threading.current_thread() is threading.main_thread()
        return run

    with readers.snapshot():
        done, main = readers.run([job(1), job(10)], "SELECT 1", lambda: "main")
    assert main == "main"
    assert [n for n, _ in done] == [2, 11]
    assert sorted(on_main for _, on_main in done) == [False, True]  # one on a reader, one here


def test_a_reader_in_another_snapshot_leaves_its_jobs_here(shop, two_cores):
    def job(execute):
        return threading.current_thread() is threading.main_thread()

    with readers.snapshot():  # random(): never the same on two connections
        done, _ = readers.run([job] * 5, "SELECT random()")
    assert done == [True] * 5


def test_a_jobs_error_reaches_the_caller(shop, two_cores):
    def job(execute):
        return execute("SELECT 1 / 0").fetchone()[0] or 1 // 0

    with readers.snapshot(), pytest.raises(ZeroDivisionError):
        readers.run([job] * 4, "SELECT 1")


def test_the_callers_own_writes_are_seen(shop, two_cores):
    def job(execute):
        return execute("SELECT value FROM setting WHERE key = 'readers_test'").fetchone()

    with write_transaction():
        Setting.insert(key="readers_test", value="uncommitted").execute()
        with readers.snapshot():
            done, _ = readers.run([job] * 3, "SELECT 1")
    assert done == [("uncommitted",)] * 3


def test_figures_read_on_readers_equal_the_plain_computation(history, two_cores, monkeypatch):  # noqa: F811
    opened = []
    real = readers._open
    monkeypatch.setattr(readers, "_open", lambda path, count: opened.extend(real(path, count)) or opened[-count:])
    got = figures.compute(PERIOD, now=NOW)
    assert opened  # the members' pass and the enrolment went to a reader
    check_all(got, History(CHISINAU), PERIOD)
    assert got["top20_share"] is not None and got["previous"]["top20_share"] is not None
