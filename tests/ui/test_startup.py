"""First run: the demo shop or a new shop, and the screenshot script."""
from __future__ import annotations


from PySide6.QtGui import QImage

import models
from models.schema import Member, Sale
from services.shop import staff as auth
from services.programme import rules
from services.shop import settings as shop
from tests.ui.conftest import RESOURCES, _close


def test_demo_flag_builds_the_demo_into_an_empty_database(qtbot, app_styled, tmp_path):
    from ui.app import open_shop

    try:
        assert open_shop(app_styled, tmp_path / "new.db", RESOURCES, demo=True)
        assert shop.is_set_up()
        assert Member.select().count() == 500 and Sale.select().count() == 3000
        assert auth.login("222222", auth.first_of_role("manager")).role == "manager"
    finally:
        _close()


def test_new_shop_form_creates_shop_owner_and_rules(qtbot, app_styled, tmp_path):
    from ui.first_run import FirstRunDialog

    models.open_database(tmp_path / "mine.db")
    try:
        dialog = FirstRunDialog(RESOURCES)
        qtbot.addWidget(dialog)
        dialog.pages.setCurrentIndex(1)
        dialog.shop_name.setText("La Maria")
        dialog.currency.setCurrentText("MDL")
        dialog.language.setCurrentIndex(dialog.language.findData("ro"))
        dialog.owner_name.setText("Maria")
        dialog.card_prefix.setValue(25)
        dialog.address.setText("Chișinău, str. Ștefan cel Mare 1")
        dialog.pin.setText("4321")
        dialog.pin_again.setText("4321")
        dialog.make_shop()
        assert dialog.error.text() == "This PIN must have 6 to 8 digits."  # an owner's
        dialog.pin.setText("654321")
        dialog.pin_again.setText("654312")
        dialog.make_shop()
        assert dialog.error.text() == "The two PINs differ."
        assert not shop.is_set_up()
        dialog.pin_again.setText("654321")
        dialog.make_shop()
        assert dialog.result() == dialog.DialogCode.Accepted
        info = shop.shop_info()
        assert (info.name, info.currency, info.language, info.region) == ("La Maria", "MDL", "ro", "MD")
        assert info.card_prefix == "25"  # the owner's range: new cards are 25…
        assert info.address == "Chișinău, str. Ștefan cel Mare 1"  # printed on receipts
        assert auth.login("654321", auth.first_of_role("owner")).role == "owner"
        assert rules.active_rules().earn_bp == rules.default_rules().earn_bp
    finally:
        _close()


def test_screenshot_script_renders_the_window(qtbot, app_styled, tmp_path):
    from tests.ui.screenshot import render

    try:
        out = render(tmp_path / "cashier.png", "en")
    finally:
        _close()
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)


def test_a_file_that_is_not_a_till_database_gets_a_message(qtbot, app_styled, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.app import open_shop

    wrong = tmp_path / "notes.db"
    wrong.write_text("shopping list\n")
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(20, close_box)
    assert open_shop(app_styled, wrong, RESOURCES, demo=False) is False
    assert seen and "notes.db" in seen[0] and "--db" in seen[0]
    assert wrong.read_text() == "shopping list\n"
