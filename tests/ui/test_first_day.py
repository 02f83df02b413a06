"""A new owner's way: the shop's settings page, the first day's checklist, the points'
daily run on its timer, and the traps a new user fell into (issue 11, items 4-7)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QSpinBox

import models
from models import db
from models.schema import Card, Member, Sale
from services.journal import audit
from services.opening import first_day, new_shop
from services.programme import period
from services.programme import rules as rules_service
from services.shop import staff as auth
from services.shop.settings import shop_info
from tests.ui.helpers import fake_scanner

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    db.initialize(None)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def new_shop_window(qtbot, app_styled, tmp_path):
    """A brand-new Russian shop (no demo), its owner signed in, on a fake clock."""
    models.open_database(tmp_path / "new.db")
    new_shop.create_shop("Продукты у дома", "RUB", "ru", "Мария", "123456", address="Москва, ул. Ленина 1")
    from services.core import messages
    from ui.app import install_translator
    from ui.cashier import CashierWindow

    install_translator(QApplication.instance(), RESOURCES, "ru")
    clock = Clock(dt.datetime(2030, 3, 1, 9, 0))
    win = CashierWindow(auth.first_of_role("owner"), RESOURCES, scanner=fake_scanner(), clock=clock)
    win.fake_clock = clock
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)
    messages.set_language("en")
    install_translator(QApplication.instance(), RESOURCES, "en")
    _close()


def _more_actions(window) -> dict[str, object]:
    window.show_more()
    actions = {a.text(): a for a in window.more_menu.actions()}
    window.more_menu.close()
    return actions


def test_an_empty_new_shop_says_what_to_do_next(new_shop_window):
    window = new_shop_window
    assert window.empty_hint.isVisible()
    assert "нет товаров" in window.empty_hint.text()  # no products: where they come from, in Russian
    from tests.unit.shopkit import add_products

    (code,) = add_products([("Хлеб", 5000, False)])
    window.redraw(window.session.reprice())
    assert "Участников пока нет" in window.empty_hint.text()  # no members: F3
    window.add_product(code)
    assert not window.empty_hint.isVisible()


def test_the_settings_page_saves_audits_and_the_window_comes_back_in_the_new_language(qtbot, new_shop_window, request):
    import threading

    from tests.unit.shopkit import add_products
    from ui import operations
    from ui.app import reopen_window
    from ui.settings_dialog import SettingsDialog

    window = new_shop_window
    rebuilt: list = []
    window.shop_changed.connect(lambda: rebuilt.append(reopen_window(window, RESOURCES)))  # as run_window does
    (code,) = add_products([("Хлеб", 5000, False)])
    window.add_product(code, 2)  # a sale on screen while the owner changes the settings
    release, finished = threading.Event(), threading.Event()
    operations.run(window, lambda: (release.wait(5), finished.set()))  # a slow print or sync under way
    assert "Настройки магазина (владелец)…" in _more_actions(window)
    window.open_settings()
    dialog = window.dialog
    assert isinstance(dialog, SettingsDialog)
    assert "ещё не запускался" in dialog.period_status.text().lower()
    dialog.footer.setPlainText("Возврат в течение 14 дней")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.card_prefix.setValue(25)
    dialog.store_name.setText("Магазин на Арбате")
    with qtbot.waitSignal(window.shop_changed, timeout=5_000):
        dialog.save_button.click()
    assert not finished.is_set()  # the window came back without waiting for the job
    release.set()
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10_000)
    info = shop_info()
    assert (info.language, info.receipt_footer) == ("en", "Возврат в течение 14 дней")
    (entry,) = [e for e in audit.entries(action="settings_changed") if e.target == "shop"]
    assert entry.details["changes"]["language"] == ["ru", "en"] and entry.staff_name == "Мария"
    (new,) = rebuilt
    qtbot.addWidget(new)
    # The old window was deleted by the rebuild (deleteLater, run by the waits above): pytest-qt must not close it again.
    request.node.qt_widgets = [(ref, f) for ref, f in request.node.qt_widgets if ref() is not window]
    assert new is not window and new.staff.name == "Мария"
    assert [(line.name, line.qty) for line in new.cart.lines] == [("Хлеб", 2)]  # the sale is kept
    assert new.session.card_prefix == "25"  # and reads the new card prefix
    assert new.buttons["more"].caption.text() == "More…"  # the new window speaks English, no restart
    assert new.message.text() == "Settings saved." and new.message.kind() == "ok"
    assert "Shop settings (owner)…" in _more_actions(new)
    assert new.fmt.money(0) == "₽0.00"  # not "RUB0.00"


def test_the_period_job_waits_while_a_sale_is_on_screen_and_never_runs_twice(qtbot, new_shop_window):
    from tests.unit.shopkit import add_products

    window = new_shop_window
    (code,) = add_products([("Хлеб", 5000, False)])
    window.add_product(code)
    assert window.run_period_if_due() is False and period.last_run() is None
    window.session.cancel()
    with qtbot.waitSignal(window.period_ran, timeout=10_000):
        assert window.run_period_if_due() is True
        assert window.period_running and window.run_period_if_due() is False  # one run at a time
    assert not window.period_running


def test_settings_a_cashier_cannot_open_and_a_mistake_is_said_in_red(qtbot, new_shop_window):
    from ui.settings_dialog import SettingsDialog

    window = new_shop_window
    cashier = auth.add_staff("Ольга", "cashier", "5555")
    window.staff = cashier
    assert "Настройки магазина (владелец)…" not in _more_actions(window)
    window._act(window.open_settings)
    assert window.message.kind() == "error" and window.dialog is None
    dialog = SettingsDialog(auth.first_of_role("owner"), window.fmt, window.now, window)
    qtbot.addWidget(dialog)
    dialog.time_zone.setCurrentText("Mars/Olympus")
    assert dialog.save() is False
    assert dialog.message.objectName() == "Error" and "Mars/Olympus" in dialog.message.text()
    assert shop_info().time_zone == "Europe/Moscow"


def test_settings_ask_before_unsaved_edits_are_lost(qtbot, new_shop_window):
    window = new_shop_window
    window.open_settings()
    dialog = window.dialog
    dialog.address.setText("Москва, ул. Тверская 5")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.discard_box.isVisible()
    dialog.discard_box.button(QMessageBox.StandardButton.No).click()
    assert dialog.isVisible()
    dialog.address.setText("Москва, ул. Ленина 1")  # back as it was: nothing to lose
    dialog.reject()
    assert not dialog.isVisible()


def test_the_period_job_runs_at_start_and_again_the_next_shop_day(qtbot, new_shop_window):
    window = new_shop_window
    with qtbot.waitSignal(window.period_ran, timeout=10_000) as ran:
        window.start_period_job()
    assert ran.args[0].at == dt.datetime(2030, 3, 1, 9, 0)
    assert period.last_run().at == dt.datetime(2030, 3, 1, 9, 0)
    window.fake_clock.now = dt.datetime(2030, 3, 1, 20, 59)  # 23:59 in Moscow: the same shop day
    assert window.run_period_if_due() is False
    window.fake_clock.now = dt.datetime(2030, 3, 1, 21, 0)  # midnight in Moscow
    with qtbot.waitSignal(window.period_ran, timeout=10_000):
        assert window.run_period_if_due() is True
    window.open_settings()
    assert "01.03.2030" in window.dialog.period_status.text() or "02.03.2030" in window.dialog.period_status.text()
    assert "00:00" in window.dialog.period_status.text()  # shown in the shop's time, not the PC's


def test_the_first_day_checklist_remembers_and_leads_to_each_step(qtbot, new_shop_window):
    from ui.first_day import FirstDayDialog
    from ui.settings_dialog import SettingsDialog

    window = new_shop_window
    assert first_day.is_open()
    window.open_first_day()
    checklist = window.dialog
    assert isinstance(checklist, FirstDayDialog)
    assert checklist.rows["shop"][0].text() == "✓"
    assert "из файла" in checklist.rows["products"][1].text() and "products" in checklist.extras  # a list from a file too
    checklist.rows["products"][2].click()  # opens the catalogue...
    from ui.catalogue_dialogs import CatalogueDialog

    qtbot.waitUntil(lambda: isinstance(window.dialog, CatalogueDialog))
    window.dialog.reject()  # ...and the checklist comes back
    qtbot.waitUntil(lambda: isinstance(window.dialog, FirstDayDialog))
    checklist = window.dialog
    assert checklist.rows["staff"][2] is not None  # the staff page opens from here too
    checklist.rows["staff"][3].click()  # skip staff
    assert checklist.rows["staff"][0].text() == "–"
    assert [s.state for s in first_day.checklist() if s.key == "staff"] == ["skipped"]
    checklist.rows["shop"][2].click()  # opens the settings page...
    qtbot.waitUntil(lambda: isinstance(window.dialog, SettingsDialog))
    window.dialog.reject()  # ...and the checklist comes back when it closes
    qtbot.waitUntil(lambda: isinstance(window.dialog, FirstDayDialog))
    window.dialog.rows["first_sale"][2].click()
    qtbot.waitUntil(lambda: "F3" in window.message.text())
    assert window.dialog is None


def test_programme_editor_asks_before_closing_with_edits_and_says_success_in_green(qtbot, new_shop_window):
    window = new_shop_window
    window.open_programme()
    dialog = window.dialog
    assert dialog.form.values()["name"] == "Стандартная программа"  # named in the shop's language
    dialog.form.editor("earn_bp").setText("7")
    dialog.reject()
    assert dialog.isVisible() and dialog.close_box.isVisible()
    dialog.close_box.button(QMessageBox.StandardButton.No).click()
    assert dialog.isVisible()
    dialog.check()
    assert dialog.problems.objectName() == "Good"
    dialog.save_draft()
    assert dialog.problems.objectName() == "Good" and not dialog.is_dirty()
    dialog.reject()
    assert not dialog.isVisible()


def test_programme_editor_fits_a_1366_screen(qtbot, new_shop_window):
    window = new_shop_window
    window.open_programme()
    assert window.dialog.minimumSizeHint().width() <= 1366 - 40


def test_the_wheel_changes_a_number_only_in_the_box_with_focus(qtbot, new_shop_window):
    window = new_shop_window
    window.open_programme()
    dialog = window.dialog
    box = next(b for b in dialog.form.findChildren(QSpinBox))
    before = box.value()

    def wheel() -> None:
        centre = QPointF(box.rect().center())
        event = QWheelEvent(centre, QPointF(box.mapToGlobal(box.rect().center())), QPoint(0, 0), QPoint(0, 120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(box, event)

    dialog.form.editor("earn_bp").setFocus()
    wheel()
    assert box.value() == before  # scrolling past: unchanged
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    wheel()
    assert box.value() == before + 1


def test_file_dialogs_start_in_documents_and_speak_the_shop_s_language(new_shop_window):
    from ui import files

    dialog = files.file_dialog(new_shop_window, "Сохранить чек", "PDF (*.pdf)", save_as="R-1.pdf")
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.directory().absolutePath() == str(Path(files.documents_folder()).resolve()) != str(Path.cwd())
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "Сохранить"
    assert dialog.labelText(QFileDialog.DialogLabel.FileName) == "Имя файла:"


def test_a_member_is_found_by_the_last_four_digits_of_the_phone(qtbot, new_shop_window):
    from services.members import registry as members
    from ui.member_dialogs import FindMemberDialog

    window = new_shop_window
    member, _card = members.register("Анна Петрова", "+7 999 123-45-67", actor=window.staff)
    dialog = FindMemberDialog(window.fmt, window)
    qtbot.addWidget(dialog)
    assert [m.id for m in members.search("4567")] == [member.id]
    assert Member.select().count() == 1 and Card.select().count() == 1 and Sale.select().count() == 0
    assert rules_service.active_rules().timezone == shop_info().time_zone == "Europe/Moscow"
