"""Work that touches the disk, off the UI thread (Anki's "operations").

`run_in_background(owner, work, done, failed)` runs `work()` on Qt's thread
pool; `done(result)` or `failed(exception)` then run on the UI thread, as
slots of `owner`.  The till's database gives each thread its own connection
(peewee keeps connections per thread), so a sale being written never blocks
the screen from repainting.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Outcome(QObject):
    finished = Signal(object)
    raised = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], object], outcome: _Outcome) -> None:
        super().__init__()
        self.work = work
        self.outcome = outcome

    def run(self) -> None:  # on a pool thread
        try:
            result = self.work()
        except BaseException as exc:  # handed to the UI thread, which decides what it is
            self.outcome.raised.emit(exc)
        else:
            self.outcome.finished.emit(result)


def run_in_background(
    owner: QObject,
    work: Callable[[], object],
    done: Callable[[object], None],
    failed: Callable[[BaseException], None],
) -> None:
    outcome = _Outcome(owner)  # lives on the UI thread: its signals arrive there, queued

    def finish(result: object) -> None:
        outcome.deleteLater()
        done(result)

    def fail(exc: BaseException) -> None:
        outcome.deleteLater()
        failed(exc)

    outcome.finished.connect(finish)
    outcome.raised.connect(fail)
    QThreadPool.globalInstance().start(_Job(work, outcome))
