"""The status bar's sync indicator: online or offline, operations waiting,
the last successful sync, and a "Sync now" button; a till with no hub says
only that it works alone (it is not offline: there is nothing to reach).

Sync runs on a worker thread (ui.worker), every minute when it works and
with a growing pause (5 s doubling to 5 min) while the hub cannot be reached,
so the cashier's screen never waits for the network.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from services.sync import client as sync
from services.core.errors import InputError
from services.core.messages import _
from ui.errors import user_message
from ui import operations

log = logging.getLogger("loyaltill.ui.sync")

EVERY_MS = 60_000
FIRST_RETRY_MS = 5_000
LONGEST_RETRY_MS = 300_000


class SyncStatus(QWidget):
    synced = Signal(object)  # SyncResult
    sync_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, work: Callable[[], object] = sync.run_sync,
                 read_state: Callable[[], sync.SyncState] = sync.state, start: bool = True) -> None:
        super().__init__(parent)
        self._work = work
        self._read_state = read_state
        self.online: bool | None = None  # not known until the first try
        self.error = ""
        self.running = False
        self.refused = False  # the hub said 401: the owner must issue a new token
        self._retry_ms = FIRST_RETRY_MS
        self.stopped = False  # the window is closing: no more tries
        self.label = QLabel(self)
        self.label.setObjectName("Offline")
        self.button = QPushButton(_("Sync now"), self)
        self.button.setObjectName("SyncNow")
        self.button.clicked.connect(self.sync_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.render()
        if start and self._read_state().connected:
            self.timer.start(1_000)

    def render(self) -> None:
        state = self._read_state()
        self.button.setVisible(state.connected)
        last = self._when(state.last_ok)
        if not state.connected:  # a shop with one till and no hub: nothing is missing, nothing to warn about
            self.label.setObjectName("Alone")
            self.label.setText(_("This till only (no hub)"))
        elif self.online:
            self.label.setObjectName("Online")
            self.label.setText("● " + _("Online · %1 waiting · last sync %2").replace("%1", str(state.pending)).replace("%2", last))
        elif self.refused:
            self.label.setObjectName("Offline")
            self.label.setText("● " + _("The hub refuses this till's token · %1 waiting").replace("%1", str(state.pending)))
        else:
            self.label.setObjectName("Offline")
            self.label.setText("● " + _("Offline · %1 waiting · balances as of %2").replace("%1", str(state.pending)).replace("%2", last))
        self.label.setToolTip(self.error)
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)

    zone: dt.tzinfo | None = None  # set by the window from the shop's settings

    def _when(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return _("never")
        zone = self.zone  # the shop's clock, as on the receipts (None: the PC's)
        local = moment.replace(tzinfo=dt.timezone.utc).astimezone(zone)
        if local.date() == dt.datetime.now(zone).date():
            return local.strftime("%H:%M")
        return local.strftime("%d.%m %H:%M")

    def stop(self) -> None:
        """No further tries (the window is closing); one under way finishes."""
        self.stopped = True
        self.timer.stop()

    def resume(self) -> None:
        """Try again after a stop (the till came back from training mode)."""
        self.stopped = False
        self.render()
        if self._read_state().connected:
            self.timer.start(1_000)

    def sync_now(self) -> None:
        if self.stopped or self.running or not self._read_state().connected:
            return
        self.running = True
        self.timer.stop()
        self.button.setEnabled(False)
        operations.run(self, self._work, self._done, self._failed)

    def _done(self, result: object) -> None:
        self.running, self.online, self.error, self.refused = False, True, "", False
        self.button.setEnabled(True)
        self._retry_ms = FIRST_RETRY_MS
        self.render()
        self.synced.emit(result)
        if not self.stopped:
            self.timer.start(EVERY_MS)

    def _failed(self, exc: BaseException) -> None:
        self.running, self.online = False, False
        self.button.setEnabled(True)
        if isinstance(exc, InputError):
            self.error = user_message(exc)
        else:  # a bug: logged with its traceback; the till keeps selling
            log.error("sync failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.error = _("Sync failed unexpectedly; the details are in the till's log.")
        self.refused = isinstance(exc, InputError) and exc.code == "sync_unauthorised"
        self.render()
        self.sync_failed.emit(self.error)
        if self.refused or self.stopped:
            return  # a revoked or wrong token does not mend itself: no retries until "Sync now"
        self.timer.start(self._retry_ms)
        self._retry_ms = min(self._retry_ms * 2, LONGEST_RETRY_MS)
