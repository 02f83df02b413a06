"""The catalogue page: a manager adds a product in the window, the till sells it."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

SHOTS = Path("/tmp/shots/catalogue")


@pytest.fixture
def empty_shop(qapp, empty_db):
    from services.programme import rules
    from services.shop import staff as auth
    from services.shop.settings import configure_shop

    from services.core import messages

    configure_shop("Лавка у дома", "RUB", "ru")
    manager = auth.add_staff("Мария", "manager", "222222")
    rules.publish(rules.default_rules())
    before = messages.language()
    messages.set_language("ru")  # a Russian shop: the page speaks Russian
    yield manager
    messages.set_language(before)


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_an_empty_catalogue_says_what_to_do_and_a_product_is_added(qtbot, app_styled, empty_shop, resources):
    from services.shop import catalogue
    from services.sale.checkout import Cart
    from ui.catalogue_dialogs import CatalogueDialog, ProductDialog
    from ui.formatting import Formatter

    page = CatalogueDialog(empty_shop, Formatter("RUB", "ru_RU"), resources)
    qtbot.addWidget(page)
    page.resize(1366 - 100, 768 - 100)
    page.show()
    assert page.empty.isVisible() and page.table.rowCount() == 0
    assert page.windowTitle() == "Каталог" and "Добавьте первый товар" in page.empty.text()
    shot(page, "catalogue-empty.png")
    dialog = ProductDialog(empty_shop, page.fmt, None, page)
    qtbot.addWidget(dialog)
    dialog.name.setText("Хлеб Бородинский")
    dialog.category.setCurrentText("Хлеб")
    dialog.price.setText("64,90")
    dialog.generate()
    assert dialog.codes.count() == 1 and dialog.codes.item(0).text().startswith("20")
    dialog.weighed.setChecked(True)
    dialog.show()
    shot(dialog, "product-dialog.png")
    dialog.weighed.setChecked(False)
    dialog.saved.connect(lambda item: page.refresh())
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert page.table.rowCount() == 1 and not page.empty.isVisible()
    assert page.table.item(0, 0).text() == "Хлеб Бородинский" and page.table.item(0, 1).text() == "Хлеб"
    shot(page, "catalogue-one-product.png")
    cart = Cart()
    cart.add_barcode(catalogue.products()[0].barcode)
    assert cart.lines[0].unit_price == 6490


def test_a_bad_barcode_is_said_in_the_dialog_and_nothing_is_saved(qtbot, app_styled, empty_shop, resources):
    from services.shop import catalogue
    from ui.catalogue_dialogs import ProductDialog
    from ui.formatting import Formatter

    dialog = ProductDialog(empty_shop, Formatter("RUB", "ru_RU"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Молоко")
    dialog.category.setCurrentText("Молочное")
    dialog.price.setText("89,90")
    dialog.new_code.setText("4601234567890")
    dialog.add_code()
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.message.label.text()), timeout=5000)
    assert "должна быть 3" in dialog.message.label.text() and catalogue.products() == []
    shot(dialog, "product-dialog-error.png")


def test_the_label_sheet_is_saved_through_the_shops_own_file_dialog(qtbot, app_styled, shop_db, resources, tmp_path,
                                                                    monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from services.shop import staff as auth
    from ui import files
    from ui.catalogue_dialogs import CatalogueDialog
    from ui.formatting import Formatter

    monkeypatch.setattr(files, "_last_folder", "")  # the folder saved into here is not the next test's start
    page = CatalogueDialog(auth.first_of_role("manager"), Formatter("RUB", "ru_RU"), resources)
    qtbot.addWidget(page)
    page.show()
    seen: list[tuple[bool, bool]] = []

    def answer() -> None:  # the dialog is modal: look at it, then save into tmp_path
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, answer)
            return
        seen.append((dialog.testOption(QFileDialog.Option.DontUseNativeDialog),  # ui.files: the shop's language
                     Path(dialog.directory().absolutePath()) == Path(files.start_folder())))
        dialog.selectFile(str(tmp_path / "labels.pdf"))
        dialog.accept()

    QTimer.singleShot(0, answer)
    page.print_labels()  # returns once the dialog is answered; the sheet is written in the background
    assert seen == [(True, True)]
    qtbot.waitUntil(lambda: (tmp_path / "labels.pdf").exists(), timeout=10_000)


def test_price_history_calls_the_creation_the_first_price(qtbot, app_styled, shop_db):
    from services.shop import catalogue
    from services.shop import staff as auth
    from ui.catalogue_dialogs import ProductDialog
    from ui.formatting import Formatter

    manager = auth.first_of_role("manager")
    item = catalogue.add_product(manager, catalogue.ProductForm(name="Pâine", price=750, category="Pâine",
                                                                barcodes=("4841234567893",)))
    catalogue.update_product(manager, item.id, catalogue.ProductForm(name="Pâine", price=800, category="Pâine",
                                                                     barcodes=("4841234567893",)))
    dialog = ProductDialog(manager, Formatter("MDL", "en_GB"), catalogue.product(item.id))
    qtbot.addWidget(dialog)
    rows = [dialog.history.item(i).text() for i in range(dialog.history.count())]
    assert len(rows) == 2 and "→" in rows[0] and "first price" in rows[1] and "→" not in rows[1]
