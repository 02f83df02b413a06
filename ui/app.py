"""Start-up of the till's window, one step after another.

main.py calls run_window(); nothing here runs at import time.
"""
from __future__ import annotations

import gc
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

import models
from services.shop import settings as shop
from services.core.startup import STARTUP_PROBE
from services.core.errors import InputError
from services.core.exitcodes import ExitCode
from services.core import messages
from services.core.messages import _
from ui.errors import report_bug, user_message
from ui import operations
from ui.style import apply_style

if TYPE_CHECKING:
    from ui.cashier import CashierWindow
    from ui.scanner import ScanDetector

log = logging.getLogger("loyaltill.ui")


def install_translator(app: QApplication, resources: Path, language: str) -> bool:
    """The window's language: LoyalTill's catalogue (services.core.messages) and Qt's own
    texts (standard buttons); False if the catalogue for `language` is missing."""
    messages.set_language(language)
    for old in getattr(app, "_loyaltill_translators", []):
        app.removeTranslator(old)
    app._loyaltill_translators = []  # type: ignore[attr-defined]
    if messages.language() == "en":
        return True
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        app._loyaltill_translators.append(qt)  # type: ignore[attr-defined]
    return messages.words().loaded


def system_language() -> str:
    name = QLocale.system().name()[:2]
    return name if name in ("ru", "ro") else "en"


def _excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """A bug that escaped a slot: log it and say so, but keep the till running."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)  # type: ignore[arg-type]
        return
    report_bug(QApplication.activeWindow(), exc)


@dataclass(frozen=True)
class OpenedShop:
    """The shop is open; `owner` when it was made just now ("New shop"): the owner who
    typed their PIN twice on that form is signed in, not asked a third time."""

    owner: object | None = None


def open_shop(app: QApplication, db_path: Path, resources: Path, demo: bool) -> OpenedShop | bool:
    """Open the database and make sure it holds a shop; False if the person gave up.

    The start check runs first, as on the command line: a damaged file or a
    half-built demo is refused with its sentence, and nothing is written to it.
    The window then holds the till's lock (services.care.lock), so a restore
    from elsewhere refuses while it is open."""
    from services.care import check, lock

    if Path(db_path).is_file():
        try:
            check.refuse_unsafe_file(Path(db_path))
        except InputError as exc:
            install_translator(app, resources, system_language())  # the file's own language cannot be read
            QMessageBox.critical(None, _("LoyalTill"), user_message(exc))
            return False
    try:
        models.open_database(db_path)
    except models.DatabaseTooNew as exc:
        text = _("This database was written by a newer LoyalTill (schema %1; this program knows up to %2). "
                 "Update LoyalTill to open it.")
        QMessageBox.critical(None, _("LoyalTill"), text.replace("%1", str(exc.found)).replace("%2", str(exc.known)))
        return False
    except models.DatabaseUnusable as exc:
        text = _("%1 cannot be used as the till's database (%2). Choose another file with --db.")
        QMessageBox.critical(None, _("LoyalTill"), text.replace("%1", str(exc.path)).replace("%2", exc.reason))
        return False
    lock.hold(Path(db_path))  # a second window on the same file opens as before; only a restore asks
    if shop.is_set_up():
        return OpenedShop()
    install_translator(app, resources, system_language())
    if demo:
        from ui.first_run import build_demo_with_progress

        try:
            build_demo_with_progress(resources)
        except InputError as exc:
            QMessageBox.warning(None, _("LoyalTill"), user_message(exc))
            return False
        return OpenedShop()
    from ui.first_run import FirstRunDialog

    first = FirstRunDialog(resources, language=system_language())
    if first.exec() != QDialog.DialogCode.Accepted:
        return False
    return OpenedShop(owner=first.owner)


def _probe_staff() -> object:
    from services.shop import staff as auth

    return auth.first_of_role("cashier") or auth.first_of_role("manager") or auth.first_of_role("owner")


def reopen_window(old: "CashierWindow", resources: Path) -> "CashierWindow":  # noqa: F821
    """The owner changed the shop's settings: the window is built again in the shop's
    language, currency, time zone and scanner settings, with the same person signed in
    and the sale on screen kept; no restart."""
    from ui.cashier import CashierWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    info = shop.shop_info()
    install_translator(app, resources, info.language)
    session = None if old.session.is_empty() else old.session
    new = CashierWindow(old.staff, resources, session=session, writer=old.writer, clock=old.now)
    new.setGeometry(old.geometry())
    new.shop_changed.connect(lambda: reopen_window(new, resources))
    app._loyaltill_window = new  # type: ignore[attr-defined]  # the window lives as long as the till
    if getattr(old, "_period_timer", None) is not None:
        new.start_period_job()
    new.setWindowState(old.windowState())
    new.show()
    old.rebuilding = True  # its jobs touch no widget: the new window does not wait for them
    old.close()
    old.deleteLater()
    new.say(_("Settings saved."), "ok")
    return new


def run_window(db_path: Path, resources: Path, demo: bool) -> int:
    """The whole till: database, first run, sign-in, the cashier's window; the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("LoyalTill")
    apply_style(app)
    sys.excepthook = _excepthook
    window = start_till(app, Path(db_path), Path(resources), demo)
    if not isinstance(window, QWidget):
        return window
    probe = bool(os.environ.get(STARTUP_PROBE))
    gc.freeze()  # the window lives as long as the till: collections skip it (see main.py)
    if probe:
        # `main.py bench`: say when the window has painted and takes input, then leave.
        QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
    code = app.exec()
    # Closing the window waited for work under way; a quit from elsewhere did not.
    operations.wait_for_all(operations.SHUTDOWN_WAIT_MS)
    models.db.close()
    from services.care import lock

    lock.release(Path(db_path))
    return code


def start_till(app: QApplication, db_path: Path, resources: Path, demo: bool,
               scanner: ScanDetector | None = None) -> CashierWindow | int:
    """Everything before the event loop, as the till starts: the database, the first
    run on an empty file, the sign-in, the cashier's window on screen (and, for the
    owner of a new shop, the first day's checklist next). The exit code when the
    person gave up. A test drives it whole (tests/ui/test_first_shop_day.py) with
    its own `scanner`."""
    opened = open_shop(app, Path(db_path), Path(resources), demo)
    if not isinstance(opened, OpenedShop):
        return ExitCode.NOT_DONE
    info = shop.shop_info()
    install_translator(app, Path(resources), info.language)

    probe = bool(os.environ.get(STARTUP_PROBE))
    if probe:
        staff = _probe_staff()
    elif opened.owner is not None:  # the new shop's owner, signed in by the form they just filled
        staff = opened.owner
    else:
        from ui.login import LoginDialog

        pins = None
        if shop.get_setting("demo_state") == "complete":  # only the demo's file shows its PINs
            from services.demo.builder import demo_pins

            pins = demo_pins(Path(resources))
        login = LoginDialog(info.name, demo_pins=pins)
        if login.exec() != QDialog.DialogCode.Accepted or login.staff is None:
            return ExitCode.OK
        staff = login.staff
    from ui.cashier import CashierWindow

    window = CashierWindow(staff, Path(resources), scanner=scanner)
    window.resize(1366, 768)
    window.shop_changed.connect(lambda: reopen_window(window, Path(resources)))
    window.show()
    if not probe:
        window.start_period_job()  # the points' daily run: now if due, then daily, in the background
        from services.opening import first_day

        if staff.role == "owner" and first_day.is_open():  # a new shop: the way to its first sale
            QTimer.singleShot(0, lambda: window._act(window.open_first_day))
        from services.journal import continuity

        if not continuity.card_numbers_settled():  # restored over an unreadable file: the hub settles the counters
            QTimer.singleShot(0, window.status_sync.sync_now)
    return window
