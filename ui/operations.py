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

import itertools
import logging
from typing import Callable

import shiboken6


from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from services.core.errors import InputError
from services.core.storage import close_thread_connection
from ui.errors import report_bug, user_message

log = logging.getLogger("loyaltill.ui")

SHUTDOWN_WAIT_MS = 15_000  # closing waits this long at most for a sale, a print or a sync to finish

_pool: QThreadPool | None = None
_relay: "_Relay | None" = None
_in_flight = 0


class _Relay(QObject):
    """One object, on the UI thread, that every job's outcome comes back through.

    (A QObject per job, deleted from its own slot, crashed once a test's nested
    event loop ended inside that slot.)  A job's callbacks are kept here by its
    number until its outcome lands; an owner that has gone meanwhile (a closed
    dialog) is not called."""

    landed = Signal(int, object, object)  # job, result, exception

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, tuple[QObject, Callable[[object], None], Callable[[BaseException], None]]] = {}
        self.numbers = itertools.count(1)
        self.landed.connect(self._deliver)  # queued: emitted on a pool thread, delivered here

    @Slot(int, object, object)
    def _deliver(self, job: int, result: object, exc: object) -> None:
        global _in_flight
        _in_flight -= 1
        owner, finish, fail = self.waiting.pop(job)
        if not shiboken6.isValid(owner):
            if isinstance(exc, BaseException):
                log.error("background job failed after its window closed", exc_info=(type(exc), exc, exc.__traceback__))
            return
        if isinstance(exc, BaseException):
            fail(exc)
        else:
            finish(result)


def _thread_pool() -> tuple[QThreadPool, _Relay]:
    global _pool, _relay
    if _pool is None or _relay is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)  # a sale, a print, a sync and an owner's report at once
        _relay = _Relay()
    return _pool, _relay


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self.number = number
        self.work = work
        self.relay = relay

    def run(self) -> None:  # on a pool thread
        try:
            result = self.work()
        except BaseException as exc:  # handed to the UI thread, which decides what it is
            self.relay.landed.emit(self.number, None, exc)
        else:
            self.relay.landed.emit(self.number, result, None)
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
    pool, relay = _thread_pool()

    def finish(result: object) -> None:
        if after is not None:
            after()
        if success is not None:
            success(result)

    def fail(exc: BaseException) -> None:
        if after is not None:
            after()
        (failure or (lambda e: show_failure(owner, e)))(exc)

    number = next(relay.numbers)
    relay.waiting[number] = (owner, finish, fail)
    _in_flight += 1
    pool.start(_Job(number, work, relay))


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
