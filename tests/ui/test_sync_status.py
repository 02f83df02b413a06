"""The sync indicator: runs sync off the UI thread, shows online/offline, waiting ops, last sync, backs off."""
from __future__ import annotations

import datetime as dt
import threading

from services.core.errors import InputError
from services.sync.client import SyncError, SyncResult, SyncState
from ui import sync_status
from ui.sync_status import SyncStatus


class FakeTill:
    def __init__(self) -> None:
        self.state = SyncState(connected=True, pending=7, last_ok=None)
        self.fail: InputError | None = None
        self.threads: list[int] = []
        self.release = threading.Event()
        self.release.set()

    def work(self) -> SyncResult:
        self.threads.append(threading.get_ident())
        self.release.wait(5)
        if self.fail:
            raise self.fail
        self.state = SyncState(connected=True, pending=0, last_ok=dt.datetime(2026, 11, 23, 6, 30))
        return SyncResult(pushed=7, pulled=3, pending=0)


def test_sync_now_runs_off_the_ui_thread_and_shows_online(qtbot):
    till = FakeTill()
    till.release.clear()
    widget = SyncStatus(work=till.work, read_state=lambda: till.state, start=False)
    qtbot.addWidget(widget)
    widget.show()
    assert "7" in widget.label.text() and widget.button.isVisible()
    results = []
    widget.synced.connect(results.append)
    with qtbot.waitSignal(widget.synced, timeout=10_000):
        widget.sync_now()
        assert widget.running and not widget.button.isEnabled()  # the screen is back at once, sync still going
        till.release.set()
    assert results == [SyncResult(pushed=7, pulled=3, pending=0)]
    assert till.threads and till.threads[0] != threading.main_thread().ident
    assert widget.online and widget.button.isEnabled()
    assert widget.label.objectName() == "Online" and "0" in widget.label.text()
    assert widget.timer.isActive() and widget.timer.interval() == sync_status.EVERY_MS


def test_an_unreachable_hub_shows_offline_with_the_message_and_backs_off(qtbot):
    till = FakeTill()
    till.fail = SyncError("sync_unreachable")
    widget = SyncStatus(work=till.work, read_state=lambda: till.state, start=False)
    qtbot.addWidget(widget)
    waits = []
    for _ in range(3):
        with qtbot.waitSignal(widget.sync_failed, timeout=10_000):
            widget.sync_now()
        waits.append(widget.timer.interval())
    assert waits == [5_000, 10_000, 20_000]
    assert widget.label.objectName() == "Offline" and "7" in widget.label.text()
    assert "hub cannot be reached" in widget.label.toolTip()


def test_a_wrong_token_says_so(qtbot):
    till = FakeTill()
    till.fail = SyncError("sync_unauthorised")
    widget = SyncStatus(work=till.work, read_state=lambda: till.state, start=False)
    qtbot.addWidget(widget)
    messages = []
    widget.sync_failed.connect(messages.append)
    with qtbot.waitSignal(widget.sync_failed, timeout=10_000):
        widget.sync_now()
    assert len(messages) == 1 and "token" in messages[0] and widget.online is False
    assert "refuses this till's token" in widget.label.text()  # on the bar, not only in a tooltip
    assert not widget.timer.isActive()  # no retries: a revoked token does not mend itself


def test_a_till_without_a_hub_says_it_works_alone_not_offline_and_has_no_button(qtbot):
    state = SyncState(connected=False, pending=3, last_ok=None)
    widget = SyncStatus(work=lambda: None, read_state=lambda: state, start=False)
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.button.isVisible()
    text = widget.label.text()
    assert "this till only" in text.lower() and "offline" not in text.lower()
    assert widget.label.objectName() != "Offline"  # not the warning colour
    widget.sync_now()
    assert not widget.running
