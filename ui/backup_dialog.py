"""The owner's page for backups and restore, and the daily backup's timer.

Every backup and check runs through ui.operations (never on the screen's
thread, never blocking a sale).  A restore replaces the file the whole
window works on, so it runs once nothing else is under way, and LoyalTill
closes afterwards to start again on the restored file.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
    QVBoxLayout, QWidget,
)

from models.schema import Staff, utcnow
from services.care import backup, check, restore
from services.core.errors import InputError
from services.core.messages import _
from services.shop import staff as auth
from ui import operations
from ui.errors import user_message
from ui.widgets import MessageBar

log = logging.getLogger("loyaltill.ui.backup")

DAILY_CHECK_MS = 60 * 60 * 1000  # whether today's backup is due: looked at hourly


def _when(text: str | None) -> str:
    if not text:
        return _("never")
    moment = dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).astimezone()
    return moment.strftime("%d.%m.%Y %H:%M")


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
    }
    return _("The check found problems: %1. Restore the latest backup or call support.").replace(
        "%1", "; ".join(words.get(p, p) for p in problems))


class BackupsDialog(QDialog):
    """Last backup, where it is, back up now, a second folder, restore, the check."""

    backup_finished = Signal(object)
    check_finished = Signal(object)

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        auth.require(staff, "shop_settings")
        self.staff = staff
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
        folder = QFileDialog.getExistingDirectory(self, _("Second folder for backups"), self.second.text())
        if folder:
            self.second.setText(folder)
            self.save_folder()

    def save_folder(self) -> None:
        folder = self.second.text().strip()
        if folder and not Path(folder).is_dir():
            self.say(_("That folder is not there now; backups will be copied to it when it is."), "warn")
        backup.set_second_folder(folder, self.staff)
        if not folder or Path(folder).is_dir():
            self.say(_("Saved."), "ok")

    def choose_restore(self) -> None:
        start = str(backup.backup_folder())
        name, _filter = QFileDialog.getOpenFileName(self, _("Restore from a backup"), start,
                                                    _("LoyalTill backups (*.loyaltill-backup *.db);;All files (*)"))
        if name:
            self.confirm_restore(Path(name))

    def confirm_restore(self, file: Path, ask: bool = True) -> bool:
        try:
            restore.inspect_backup(file)
        except InputError as exc:
            self.say(user_message(exc), "error")
            return False
        text = _("Restore %1?\n\nThe till goes back to the moment of that backup: sales made since are not in it "
                 "(the hub keeps those it received). The current file is kept aside, not deleted. "
                 "Receipt and card numbers carry on after the last ones used. LoyalTill closes afterwards; "
                 "start it again.").replace("%1", file.name)
        if ask and QMessageBox.question(self, _("Restore from a backup"), text) != QMessageBox.StandardButton.Yes:
            return False
        if operations.in_flight():
            self.say(_("Wait until the work under way has finished, then restore."), "warn")
            return False
        try:
            result = restore.restore(backup.live_path(), file, staff=self.staff)
        except InputError as exc:
            self.say(user_message(exc), "error")
            return False
        QMessageBox.information(self, _("Restore from a backup"),
                                _("Restored. The previous file is kept as %1. LoyalTill closes now; start it again.")
                                .replace("%1", Path(result.kept_aside or "").name))
        app = QApplication.instance()
        if app is not None:
            app.quit()
        return True


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
