"""Staff page, sign out / lock / switch cashier, training mode, the guide — through the window."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton

from models import db
from models.schema import ParkedSale, Sale, Staff
from services.journal import audit
from services.shop import staff as auth
from services.shop import training
from services.shop.settings import shop_info
from tests.ui.conftest import RESOURCES
from tests.ui.helpers import fake_scanner, type_slowly
from ui.staff_page import StaffDialog


@pytest.fixture
def owner_win(qtbot, app_styled, shop_db):
    from ui.cashier import CashierWindow

    info = shop_info()
    win = CashierWindow(auth.login("111111"), RESOURCES, scanner=fake_scanner(prefix=info.scan_prefix, suffix=info.scan_suffix))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if training.is_training():
        training.leave()
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)


def more_items(window) -> list[str]:
    window.show_more()
    items = [a.text() for a in window.more_menu.actions()]
    window.more_menu.close()
    return items


# Whose PIN is whose: the sign-in asks for the person first, then checks one PIN (argon2) in the background.
PIN_OWNERS = {"111111": "owner", "222222": "manager", "3333": "cashier"}


def sign_in(qtbot, window, pin: str, name: str | None = None) -> None:
    login = window.lock_screen.login
    assert login is not None and window.lock_screen.locked
    person = (Staff.get(Staff.name == name) if name else
              Staff.get(Staff.role == PIN_OWNERS[pin]) if pin in PIN_OWNERS else None)
    if person is not None:
        login.choose(str(person.id))
    type_slowly(qtbot, login.pad.field, pin, scanner=window.scanner)
    with qtbot.waitSignal(_either(login), timeout=10_000):
        login.pad.submitted.emit(pin)


def _either(login):
    """One signal for 'the PIN was checked', whichever way it went."""
    from PySide6.QtCore import QObject, Signal

    class Checked(QObject):
        done = Signal()

    relay = Checked(login)
    login.signed_in.connect(lambda *_: relay.done.emit())
    login.refused.connect(lambda *_: relay.done.emit())
    return relay.done


def add_two_items(window) -> None:
    for button in window.quick_buttons[:2]:
        button.click()
    assert len(window.cart.lines) == 2


def test_the_staff_page_is_the_owners_alone(window, owner_win):
    assert not any("Staff" in text for text in more_items(window))
    assert any("Staff" in text for text in more_items(owner_win))
    window._act(window.open_staff)  # reached another way: refused, in words
    assert window.dialog is None and "owner" in window.message.text()


def test_the_owner_adds_a_cashier_who_then_signs_in(qtbot, owner_win):
    owner_win._act(owner_win.open_staff)
    page = owner_win.dialog
    assert isinstance(page, StaffDialog)
    form = page.add()
    form.name.setText("Ana Popescu")
    form.role.setCurrentIndex(0)
    type_slowly(qtbot, form.pin, "4821", scanner=owner_win.scanner)
    type_slowly(qtbot, form.again, "4812", scanner=owner_win.scanner)
    form.ok.click()
    assert form.isVisible() and "differ" in form.error.text()  # two PINs that differ: nothing saved
    form.again.setText("4821")
    form.ok.click()
    assert not form.isVisible()
    assert "Ana Popescu" in [p.name for p in page.people] and "Ana Popescu" in page.message.text()
    assert audit.entries(action="staff_added")[0].target == "Ana Popescu"
    page.accept()
    owner_win._act(owner_win.sign_out)
    sign_in(qtbot, owner_win, "4821", name="Ana Popescu")
    assert not owner_win.lock_screen.locked
    assert owner_win.staff.name == "Ana Popescu" and owner_win.session.staff.name == "Ana Popescu"
    assert "Ana Popescu" in owner_win.status_staff.text()
    assert not any("Staff" in text for text in more_items(owner_win))  # a cashier now: her own role


def test_the_page_refuses_to_leave_the_shop_without_an_owner(qtbot, owner_win):
    owner_win._act(owner_win.open_staff)
    page = owner_win.dialog
    me = next(i for i, p in enumerate(page.people) if p.id == owner_win.staff.id)
    page.table.selectRow(me)
    form = page.change_role()
    form.role.setCurrentIndex(1)
    form.ok.click()
    assert form.isVisible() and "only owner" in form.error.text()
    assert Staff.get_by_id(owner_win.staff.id).role == "owner"


def test_disable_asks_first_and_the_person_can_no_longer_sign_in(qtbot, owner_win):
    owner_win._act(owner_win.open_staff)
    page = owner_win.dialog
    cashier = auth.login("3333")
    page.select_name(cashier.name)
    page.toggle()
    box = page.form
    assert isinstance(box, QMessageBox)
    box.done(QMessageBox.StandardButton.Yes)
    assert not Staff.get_by_id(cashier.id).active and "disabled" in page.message.text()
    with pytest.raises(Exception):
        auth.login("3333")


def test_lock_keeps_the_sale_for_the_same_person(qtbot, window):
    add_two_items(window)
    lines = [line.key for line in window.cart.lines]
    qtbot.keyClick(window, Qt.Key.Key_L, modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.lock_screen.locked and window.lock_screen.geometry() == window.rect()
    window._act(window.pay)  # keys do not reach the hidden sale
    assert window.dialog is None
    sign_in(qtbot, window, "0000")
    assert window.lock_screen.locked and window.lock_screen.login.error.text()
    window.lock_screen.login.pad.clear()
    sign_in(qtbot, window, "3333")
    assert not window.lock_screen.locked
    assert [line.key for line in window.cart.lines] == lines and ParkedSale.select().count() == 0


def test_another_person_at_a_locked_till_gets_an_empty_screen_and_the_sale_is_parked(qtbot, window):
    add_two_items(window)
    parked = ParkedSale.select().count()
    window._act(window.lock)
    sign_in(qtbot, window, "222222")
    assert window.staff.role == "manager" and window.session.staff.role == "manager"
    assert window.cart.lines == [] and ParkedSale.select().count() == parked + 1
    assert "F7" in window.message.text()
    # and the manager acts as a manager: a discount needs no other PIN
    add_two_items(window)
    window.set_manual_discount(500)
    assert window.cart.manual_discount_bp == 500 and window.pin_dialog is None


def test_sign_out_parks_the_sale_and_shows_the_sign_in(qtbot, window):
    add_two_items(window)
    parked = ParkedSale.select().count()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.lock_screen.locked and ParkedSale.select().count() == parked + 1
    assert window.cart.lines == []
    assert "Signed out" in window.lock_screen.heading.text()


def test_training_from_the_window_marks_every_screen_and_leaves_the_real_file_alone(qtbot, owner_win):
    real = Path(db.obj.database)
    sales = Sale.select().count()
    assert any("Training" in text for text in more_items(owner_win))
    owner_win._act(owner_win.start_training)
    assert training.is_training() and owner_win.training_banner.isVisible()
    assert owner_win.windowTitle().startswith("TRAINING")
    add_two_items(owner_win)
    owner_win._act(owner_win.pay)
    pay = owner_win.dialog
    assert pay.windowTitle().startswith("TRAINING") and pay.findChild(QLabel, "TrainingBanner") is not None
    pay.all_card()
    with qtbot.waitSignal(owner_win.sale_completed, timeout=10_000):
        pay.accept()
    assert Sale.select().count() == sales + 1
    assert any("Leave training" in text for text in more_items(owner_win))
    owner_win._act(owner_win.leave_training)
    assert not training.is_training() and Path(db.obj.database) == real
    assert not owner_win.training_banner.isVisible() and Sale.select().count() == sales
    assert not owner_win.windowTitle().startswith("TRAINING")


def test_a_cashier_chooses_training_at_the_sign_in(qtbot, window):
    assert not any("Training mode" in text for text in more_items(window))  # not from the window
    window._act(window.sign_out)
    window.lock_screen.training.setChecked(True)
    sign_in(qtbot, window, "3333")
    assert training.is_training() and window.training_banner.isVisible()
    window._act(window.lock)
    assert window.lock_screen.banner.isVisible() and not window.lock_screen.training.isVisible()
    sign_in(qtbot, window, "3333")
    window._act(window.leave_training)
    assert not training.is_training()


def test_the_guide_is_saved_from_the_window(qtbot, window, tmp_path):
    window._act(window.open_guide)
    dialog = window.dialog
    dialog.language.setCurrentIndex(1)  # Română
    path = tmp_path / "guide.pdf"
    dialog.save(path)
    qtbot.waitUntil(lambda: "guide.pdf" in dialog.message.text(), timeout=10_000)
    assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("people", [3, 7])
def test_the_lock_card_holds_every_name_and_the_whole_pad(qtbot, window, people):
    owner = auth.first_of_role("owner")
    for index in range(people - Staff.select().where(Staff.active == True).count()):  # noqa: E712
        auth.hire(owner, f"Alexandra-Maria Popescu-Rusu {index + 1}", "cashier", f"{4821 + index}")
    assert len(auth.signable_staff()) == people
    window._act(window.lock)
    login = window.lock_screen.login
    card = window.lock_screen.card
    qtbot.waitUntil(lambda: login.isVisible())

    def inside(widget) -> bool:
        top_left = widget.mapTo(card, widget.rect().topLeft())
        bottom_right = widget.mapTo(card, widget.rect().bottomRight())
        return card.rect().contains(top_left) and card.rect().contains(bottom_right)

    ok = next(b for b in login.pad.findChildren(QPushButton) if b.text() in ("OK", "ОК"))
    keys = [b for b in login.pad.findChildren(QPushButton) if b.text() in ("3", "6", "9")]
    assert len(login.buttons) == people and len(keys) == 3
    assert all(inside(widget) for widget in [ok, *keys, *login.buttons.values()])
    assert window.rect().contains(card.geometry())  # and the card is on the screen
