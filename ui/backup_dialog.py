"""The owner's page for backups and restore, and the daily backup's timer.

Every backup, check and restore runs through ui.operations (never on the
screen's thread, never blocking a sale); a backup offered for restore is
inspected once, in the background, and the question names its shop and till.
A restore replaces the file the whole window works on, so it runs once
nothing else is under way, with the window's own background work paused,
and LoyalTill closes afterwards to start again on the restored file.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
    QVBoxLayout, QWidget,
)

from models.schema import Staff, utcnow
from services.care import backup, check, restore
from services.core.errors import InputError
from services.core.messages import _
from services.shop import staff as auth
from services.shop.settings import local_time
from ui import operations
from ui.files import file_dialog, open_path
from ui.errors import user_message
from ui.widgets import MessageBar

log = logging.getLogger("loyaltill.ui.backup")

DAILY_CHECK_MS = 60 * 60 * 1000  # whether today's backup is due: looked at hourly


def _when(text: str | None) -> str:
    if not text:
        return _("never")
    return local_time(dt.datetime.fromisoformat(text)).strftime("%d.%m.%Y %H:%M")  # the shop's clock


def check_summary(report: dict) -> str:
    problems = report.get("problems") or check.CheckReport(**{k: v for k, v in report.items()
                                                               if k in check.CheckReport.__dataclass_fields__}).problems()
    if not problems:
        return _("The till's file is sound: integrity, links, balances and the queue for the hub all check out.")
    words = {
        "integrity": _("the file is damaged"), "foreign_keys": _("some records point at nothing"),
        "balances": _("some members' balances differ from their points history"),
        "outbox": _("the queue for the hub has a gap"), "not_till": _("it is not a till file"),
        "demo_unfinished": _("a demo that never finished building"),
        "schema": _("it holds tables or triggers LoyalTill never makes"),
    }
    return _("The check found problems: %1. Restore the latest backup or call support.").replace(
        "%1", "; ".join(words.get(p, p) for p in problems))


class BackupsDialog(QDialog):
    """Last backup, where it is, back up now, a second folder, restore, the check."""

    backup_finished = Signal(object)
    check_finished = Signal(object)
    restore_finished = Signal(object)  # RestoreResult, an exception, or None (refused or not confirmed)

    def __init__(self, staff: Staff, parent: QWidget | None = None,
                 on_restored: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        auth.require(staff, "shop_settings")
        self.staff = staff
        self.on_restored = on_restored or _quit  # LoyalTill starts again on the restored file
        self.restore_box: QMessageBox | None = None  # the open "restore this backup?" question
        self.restored_box: QMessageBox | None = None
        self.busy = False
        self.setWindowTitle(_("Backups and restore"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(_("LoyalTill backs the till up every day by itself and keeps the last 7 days and 4 weeks. "
                         "Set a second folder (a USB stick, a network share) so a copy survives if this computer does not."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.last = QLabel(self)
        self.last.setWordWrap(True)
        form.addRow(_("Last backup"), self.last)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        form.addRow(_("Where"), self.where)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        form.addRow(_("Check"), self.result)
        folder_row = QHBoxLayout()
        self.second = QLineEdit(backup.second_folder(), self)
        self.second.setPlaceholderText(_("none: only beside the till's file"))
        choose = QPushButton(_("Choose…"), self)
        choose.clicked.connect(self.choose_folder)
        save = QPushButton(_("Save"), self)
        save.clicked.connect(self.save_folder)
        folder_row.addWidget(self.second, 1)
        folder_row.addWidget(choose)
        folder_row.addWidget(save)
        form.addRow(_("Second folder"), folder_row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.now_button = QPushButton(_("Back up now"), self)
        self.now_button.clicked.connect(self.back_up_now)
        self.check_button = QPushButton(_("Check the till's file"), self)
        self.check_button.clicked.connect(self.check_now)
        self.restore_button = QPushButton(_("Restore from a file…"), self)
        self.restore_button.clicked.connect(self.choose_restore)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.accept)
        for button in (self.now_button, self.check_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.bar = MessageBar(self)
        layout.addWidget(self.bar)
        self.redraw()

    def say(self, text: str, kind: str = "info") -> None:
        self.bar.show_message(text, kind)

    def redraw(self) -> None:
        last = backup.last_backup()
        if last is None:
            self.last.setText(_("never"))
            self.where.setText(str(backup.backup_folder()))
            self.result.setText(_("not checked yet"))
            return
        self.last.setText(_when(last.get("at")))
        where = last.get("path", "")
        if last.get("second"):
            where += "\n" + last["second"]
        self.where.setText(where)
        self.result.setText(check_summary(last.get("check") or {}))
        if last.get("warnings"):
            self.say(_("The second folder was not reachable; the backup beside the till was made."), "warn")

    def _busy(self, on: bool) -> None:
        self.busy = on
        for button in (self.now_button, self.check_button, self.restore_button):
            button.setEnabled(not on)

    def back_up_now(self) -> None:
        self._busy(True)
        self.say(_("Backing up…"), "info")
        operations.run(self, lambda: backup.automatic_backup(), success=self._backed_up,
                       failure=self._backup_failed, after=lambda: self._busy(False))

    def _backup_failed(self, exc: BaseException) -> None:
        operations.show_failure(self, exc)
        self.backup_finished.emit(exc)

    def _backed_up(self, result: object) -> None:
        self.redraw()
        if not result.warnings:  # type: ignore[attr-defined]
            self.say(_("Backup made and checked."), "ok")
        self.backup_finished.emit(result)

    def check_now(self) -> None:
        self._busy(True)
        self.say(_("Checking the till's file…"), "info")
        path = backup.live_path()
        operations.run(self, lambda: check.full(path), success=self._checked, after=lambda: self._busy(False))

    def _checked(self, report: object) -> None:
        text = check_summary(report.as_json())  # type: ignore[attr-defined]
        self.result.setText(text)
        self.say(text, "ok" if report.ok else "error")  # type: ignore[attr-defined]
        self.check_finished.emit(report)

    def choose_folder(self) -> None:
        dialog = file_dialog(self, _("Second folder for backups"), "")
        dialog.setFileMode(dialog.FileMode.Directory)
        dialog.setOption(dialog.Option.ShowDirsOnly, True)
        if self.second.text() and Path(self.second.text()).is_dir():
            dialog.setDirectory(self.second.text())
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.selectedFiles():
            self.second.setText(dialog.selectedFiles()[0])
            self.save_folder()

    def save_folder(self) -> None:
        folder = self.second.text().strip()
        if folder and not Path(folder).is_dir():
            self.say(_("That folder is not there now; backups will be copied to it when it is."), "warn")
        backup.set_second_folder(folder, self.staff)
        if not folder or Path(folder).is_dir():
            self.say(_("Saved."), "ok")

    def choose_restore(self) -> None:
        name = open_path(self, _("Restore from a backup"),
                         _("LoyalTill backups (*.loyaltill-backup *.db);;All files (*)"))
        if name:
            self.confirm_restore(Path(name))

    def confirm_restore(self, file: Path, ask: bool = True) -> None:
        """Inspect the file in the background, ask (naming its shop and till),
        then restore in the background; `restore_finished` says how it ended."""
        self._busy(True)
        self.say(_("Checking the backup…"), "info")
        operations.run(self, lambda: restore.inspect_backup(file),
                       success=lambda facts: self._inspected(file, facts, ask),  # type: ignore[arg-type]
                       failure=self._restore_refused, after=lambda: self._busy(False))

    def _restore_refused(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):
            self.say(user_message(exc), "error")
        else:
            operations.show_failure(self, exc)
        self.restore_finished.emit(exc)

    def _inspected(self, file: Path, facts: restore.TillFacts, ask: bool) -> None:
        text = _("Restore %1?\n\nIt is a backup of %2, till %3.\n\nThe till goes back to the moment of that backup: "
                 "sales made since are not in it (the hub keeps those it received). The current file is kept aside, "
                 "not deleted. Receipt and card numbers carry on after the last ones used. LoyalTill closes "
                 "afterwards; start it again.").replace("%1", file.name).replace(
                     "%2", facts.shop_name or "?").replace("%3", restore.describe(facts))
        if not ask:
            self._start_restore(file, facts)
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Restore from a backup"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda answer: self._answered(answer, file, facts))
        self.restore_box = box  # tests answer it
        box.open()

    def _answered(self, answer: int, file: Path, facts: restore.TillFacts) -> None:
        self.restore_box = None
        if answer != QMessageBox.StandardButton.Yes:
            self.say(_("Nothing was restored."), "info")
            self.restore_finished.emit(None)
            return
        self._start_restore(file, facts)

    def _start_restore(self, file: Path, facts: restore.TillFacts) -> None:
        if operations.in_flight():
            self.say(_("Wait until the work under way has finished, then restore."), "warn")
            self.restore_finished.emit(None)
            return
        window = self.parent()
        pause = getattr(window, "pause_background", None)
        if callable(pause):
            pause()
        self._busy(True)
        self.say(_("Restoring the backup…"), "info")
        live = backup.live_path()
        operations.run(self, lambda: restore.restore(live, file, staff=self.staff, inspected=facts),
                       success=self._restored, failure=self._restore_failed, after=lambda: self._busy(False))

    def _restore_failed(self, exc: BaseException) -> None:
        resume = getattr(self.parent(), "resume_background", None)
        if callable(resume):
            resume()  # the till carries on with its own file
        self._restore_refused(exc)

    def _restored(self, result: object) -> None:
        text = _("Restored. The previous file is kept as %1. LoyalTill closes now; start it again.").replace(
            "%1", Path(result.kept_aside or "").name)  # type: ignore[attr-defined]
        self.say(text, "ok")
        box = QMessageBox(QMessageBox.Icon.Information, _("Restore from a backup"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.finished.connect(lambda _answer: self.on_restored())
        self.restored_box = box
        box.open()
        self.restore_finished.emit(result)


def _quit() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()


class DailyBackup:
    """Today's backup, in the background, once a day while the till is open."""

    def __init__(self, owner: QWidget, clock=utcnow) -> None:  # noqa: ANN001
        self.owner = owner
        self.clock = clock
        self.running = False
        self.timer = QTimer(owner)
        self.timer.timeout.connect(self.run_if_due)
        self.timer.start(DAILY_CHECK_MS)
        self.first = QTimer(owner)  # a minute after opening: the start stays quick (owned: dies with the window)
        self.first.setSingleShot(True)
        self.first.timeout.connect(self.run_if_due)
        self.first.start(60_000)

    def stop(self) -> None:
        self.timer.stop()
        self.first.stop()

    def run_if_due(self) -> bool:
        if self.running or not backup.due(self.clock()):
            return False
        self.running = True
        operations.run(self.owner, lambda: backup.automatic_backup(self.clock()), success=self._done,
                       failure=self._failed, after=self._finished)
        return True

    def _finished(self) -> None:
        self.running = False

    def _done(self, result: object) -> None:
        for warning in result.warnings:  # type: ignore[attr-defined]
            log.warning("daily backup: %s", warning)

    def _failed(self, exc: BaseException) -> None:
        # A failed backup never interrupts the cashier: it is logged, and the
        # owner's page shows the last good one.
        log.error("daily backup failed", exc_info=(type(exc), exc, exc.__traceback__))
