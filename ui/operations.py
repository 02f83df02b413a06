"""Work that touches the disk or the network, off the screen's thread (Anki's operations).

`run(owner, work, success, failure, after)` runs `work()` on LoyalTill's own
thread pool; then, on the UI thread, `after()` (always: clear a busy flag),
and `success(result)` or `failure(exc)`.  Without `failure`, the default
path: what the world did (an InputError) is said as one sentence — through
`owner.say(text, "error")` where the owner has it, else a message box —
and anything else is a bug, logged with its traceback and shown as one.

The work gets what it needs as arguments (a frozen copy of the sale, a sale
id), never a widget, and returns a result saying what changed; the panels
redraw from that.  Each job closes its thread's database connection when it
ends, so no connection outlives its work.  `in_flight()` counts the jobs
under way, and `wait_for_all()` lets the window close without cutting a sale,
a print or a sync in half.
"""
from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from services.core.errors import InputError
from services.core.storage import close_thread_connection
from ui.errors import report_bug, user_message

log = logging.getLogger("loyaltill.ui")

SHUTDOWN_WAIT_MS = 15_000  # closing waits this long at most for a sale, a print or a sync to finish

_pool: QThreadPool | None = None
_in_flight = 0


def _thread_pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)  # a sale, a print, a sync and an owner's report at once
    return _pool


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
        finally:
            close_thread_connection()


def show_failure(owner: QObject, exc: BaseException) -> None:
    """The default failure path: a sentence for what the world did, a bug report for the rest."""
    if isinstance(exc, InputError):
        say = getattr(owner, "say", None)
        if callable(say):
            say(user_message(exc), "error")
        else:
            QMessageBox.warning(owner if isinstance(owner, QWidget) else None, "LoyalTill", user_message(exc))
        return
    report_bug(owner if isinstance(owner, QWidget) else None, exc)


def run(
    owner: QObject,
    work: Callable[[], object],
    success: Callable[[object], None] | None = None,
    failure: Callable[[BaseException], None] | None = None,
    after: Callable[[], None] | None = None,
) -> None:
    """Run `work()` in the background; its outcome comes back on the UI thread."""
    global _in_flight
    outcome = _Outcome(owner)  # lives on the UI thread: its signals arrive there, queued

    def settle() -> None:
        global _in_flight
        _in_flight -= 1
        outcome.deleteLater()
        if after is not None:
            after()

    def finish(result: object) -> None:
        settle()
        if success is not None:
            success(result)

    def fail(exc: BaseException) -> None:
        settle()
        (failure or (lambda e: show_failure(owner, e)))(exc)

    outcome.finished.connect(finish)
    outcome.raised.connect(fail)
    _in_flight += 1
    _thread_pool().start(_Job(work, outcome))


def in_flight() -> int:
    """Jobs started whose outcome has not come back to the UI thread yet."""
    return _in_flight


def wait_for_all(timeout_ms: int) -> bool:
    """Block until every job's work has ended (bounded): for closing the window.
    True when nothing is left running."""
    if _pool is None:
        return True
    done = _pool.waitForDone(timeout_ms)
    if not done:
        log.warning("closing with %d background job(s) still running after %d ms", _pool.activeThreadCount(), timeout_ms)
    return done
