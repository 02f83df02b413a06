"""Issue 11's must-show: from an empty file to a first sale with a member, through the window only.

The till starts as ui/app.py starts it on a missing file (start_till: the first run's
"New shop" form, the sign-in, the window, the first day's checklist). From there the
owner works only with widgets — clicks, typed text, keys, and codes from the fake
scanner (tests/ui/helpers.py) — to add a category, a product with a barcode, a
weighed product with a PLU and a cashier; signs out (F11); the cashier signs in on the
lock screen, registers a member (F3), scans the product and a scale's label and takes
the money (F12). No service is called to do a step; the database is only read, at
the end, to check what the screens did.

Each screen is saved to /tmp/shots/firstsale/ (LOYALTILL_SHOTS overrides; empty to
skip), and the steps a new owner takes are counted and printed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QTabWidget, QWidget

from services.core.messages import _
from tests.ui.conftest import RESOURCES, _close
from tests.ui.helpers import fake_scanner, scan, type_slowly, type_text

SHOTS = Path(os.environ.get("LOYALTILL_SHOTS", "/tmp/shots/firstsale"))

BREAD = ("Хлеб бородинский", "89,90", 8990)
APPLES = ("Яблоки голден", "189,90", 18990, 42)  # per kg, PLU 42
GRAMS = 742  # 0.742 kg x 189.90 = 140.9058 -> 140.91
CASHIER = ("Ольга", "4821")
MEMBER = ("Анна Смирнова", "+7 999 123-45-67")


def ean13(body: str) -> str:
    """body (12 digits) + its check digit, worked here, not by the till's code."""
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd + 3 * even) % 10) % 10)


BREAD_CODE = ean13("460123456789")


class Steps:
    """What a new owner does, counted: screens seen, and actions (a click, a field typed, a key, a scan)."""

    def __init__(self) -> None:
        self.screens: list[str] = []
        self.actions = 0

    def screen(self, widget: QWidget, name: str) -> None:
        self.screens.append(name)
        if str(SHOTS):
            SHOTS.mkdir(parents=True, exist_ok=True)
            QApplication.processEvents()
            widget.grab().save(str(SHOTS / f"{len(self.screens):02d}-{name}.png"))

    def act(self, count: int = 1) -> None:
        self.actions += count


def button(parent: QWidget, text: str) -> QPushButton:
    """The visible button whose caption starts with `text` (in the shop's language)."""
    found = [b for b in parent.findChildren(QPushButton) if b.text().startswith(text) and b.isVisible()]
    assert len(found) == 1, f"{text!r}: {[b.text() for b in parent.findChildren(QPushButton)]}"
    return found[0]


def back_to(qtbot, window: QWidget) -> None:
    """The window is active again once its dialogs have closed, as a desktop's window manager
    makes it; the offscreen platform leaves no window active, and window shortcuts (F3, F11,
    F12) need one."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.input.setFocus()


def when_shown(kind: type, action: Callable[[QWidget], None], failures: list[BaseException]) -> QTimer:
    """Run `action` on the window of `kind` once it is on screen (a modal's exec() is
    waiting for it). A failed action closes the window, so exec() returns and the
    test fails with the action's error rather than hanging."""
    timer = QTimer()
    timer.setInterval(10)

    def look() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if not shown:
            return
        timer.stop()
        try:
            action(shown[0])
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            failures.append(exc)
            shown[0].reject()  # type: ignore[attr-defined]

    timer.timeout.connect(look)
    timer.start()
    return timer


def test_a_new_shop_reaches_its_first_sale_with_a_member_through_the_window(qtbot, app_styled, tmp_path):
    from services.care import lock
    from services.core import messages
    from ui.app import install_translator, start_till
    from ui.first_run import FirstRunDialog
    from ui.login import LoginDialog

    path = tmp_path / "till.db"
    assert not path.exists()
    steps = Steps()
    failures: list[BaseException] = []

    def new_shop_form(dialog: QWidget) -> None:
        assert isinstance(dialog, FirstRunDialog)
        steps.screen(dialog, "first-run-choice")
        qtbot.mouseClick(button(dialog, _("New shop")), Qt.MouseButton.LeftButton)
        steps.act()
        assert dialog.language.currentData() == "en"  # the PC's language (offscreen: English) until chosen
        dialog.language.setCurrentIndex(dialog.language.findData("ru"))  # a Russian shop
        assert dialog.currency.currentText() == "RUB"
        assert dialog.card_prefix.value() == 27
        for field, text in ((dialog.shop_name, "Продукты у дома"), (dialog.address, "Москва, ул. Ленина 1"),
                            (dialog.owner_name, "Мария"), (dialog.pin, "123456"), (dialog.pin_again, "123456")):
            type_text(qtbot, field, text)
            steps.act()
        steps.screen(dialog, "first-run-new-shop")
        qtbot.keyClick(dialog.pin_again, Qt.Key.Key_Return)  # "Create shop" is the default button
        steps.act()
        assert not dialog.error.text(), dialog.error.text()

    def no_third_pin(dialog: QWidget) -> None:  # the owner typed the PIN twice on the form: signed in already
        failures.append(AssertionError("the new shop's owner was asked to sign in again"))
        dialog.reject()

    drivers = [when_shown(FirstRunDialog, new_shop_form, failures)]

    def next_driver() -> None:  # a sign-in once the form is gone would be a third PIN
        drivers.append(when_shown(LoginDialog, no_third_pin, failures))

    QTimer.singleShot(0, next_driver)
    scanner = fake_scanner()
    window = None
    try:
        window = start_till(app_styled, path, RESOURCES, demo=False, scanner=scanner)
        for timer in drivers:
            timer.stop()
        if failures:
            raise failures[0]
        from ui.cashier import CashierWindow

        assert isinstance(window, CashierWindow), window
        qtbot.waitExposed(window)  # closed below with every other window the till opened
        _first_day(qtbot, window, scanner, steps)
    finally:
        for widget in QApplication.topLevelWidgets():
            widget.close()
            widget.deleteLater()
        qtbot.wait(1)
        messages.set_language("en")
        install_translator(QApplication.instance(), RESOURCES, "en")
        _close()
        lock.release(path)
    print(f"\nfirst sale with a member: {len(steps.screens)} screens, {steps.actions} actions "
          f"(clicks, fields typed, keys, scans)")


def _first_day(qtbot, window, scanner, steps: Steps) -> None:
    from models.schema import Category, LedgerEntry, Member, Product, Sale, Staff
    from ui.catalogue_dialogs import CatalogueDialog, ProductDialog
    from ui.first_day import FirstDayDialog
    from ui.member_dialogs import MemberFormDialog
    from ui.pay_dialog import PayDialog
    from ui.staff_page import AddStaffDialog, StaffDialog

    assert window.staff.name == "Мария" and window.staff.role == "owner"
    qtbot.waitUntil(lambda: not window.period_running, timeout=10_000)  # the points' run at start
    # The checklist opens by itself for the owner of a new shop, over an empty sale that says what to do.
    qtbot.waitUntil(lambda: isinstance(window.dialog, FirstDayDialog), timeout=5_000)
    assert window.empty_hint.isVisible() and "нет товаров" in window.empty_hint.text()
    steps.screen(window, "window-empty-shop")
    checklist = window.dialog
    assert checklist.rows["shop"][0].text() == "✓"
    steps.screen(checklist, "checklist")

    # --- the catalogue: a category, a product with a barcode, a weighed one -----------------------------
    qtbot.mouseClick(checklist.rows["products"][2], Qt.MouseButton.LeftButton)
    steps.act()
    qtbot.waitUntil(lambda: isinstance(window.dialog, CatalogueDialog), timeout=5_000)
    catalogue = window.dialog
    assert catalogue.empty.isVisible() and "Добавить товар" in catalogue.empty.text()
    steps.screen(catalogue, "catalogue-empty")
    tabs = catalogue.findChild(QTabWidget)
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())  # Categories
    steps.act()
    type_text(qtbot, catalogue.category_name, "Продукты")
    qtbot.mouseClick(button(catalogue, _("Add category")), Qt.MouseButton.LeftButton)
    steps.act(2)
    qtbot.waitUntil(lambda: catalogue.category_list.count() == 1, timeout=5_000)
    steps.screen(catalogue, "catalogue-category")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())  # Products
    steps.act()

    def add_product(name: str, price: str, fill: Callable[[ProductDialog], None], shot: str) -> None:
        qtbot.mouseClick(button(catalogue, _("Add product…")), Qt.MouseButton.LeftButton)
        steps.act()
        qtbot.waitUntil(lambda: isinstance(getattr(catalogue, "product_dialog", None), ProductDialog)
                        and catalogue.product_dialog.isVisible())
        dialog = catalogue.product_dialog
        type_text(qtbot, dialog.name, name)
        type_text(qtbot, dialog.category.lineEdit(), "Продукты")
        type_slowly(qtbot, dialog.price, price, scanner=scanner)
        steps.act(3)
        fill(dialog)
        assert dialog.category.currentText() == "Продукты"
        hint = dialog.new_code.placeholderText()  # the barcode field's hint is read whole
        assert dialog.new_code.fontMetrics().horizontalAdvance(hint) + 30 <= dialog.new_code.width(), hint
        steps.screen(dialog, shot)
        rows = catalogue.table.rowCount()
        qtbot.mouseClick(button(dialog, _("Save")), Qt.MouseButton.LeftButton)
        steps.act()
        qtbot.waitUntil(lambda: catalogue.table.rowCount() == rows + 1, timeout=5_000)
        assert not dialog.isVisible()

    def scan_barcode(dialog: ProductDialog) -> None:
        dialog.new_code.setFocus()
        scan(qtbot, dialog.new_code, BREAD_CODE, scanner=scanner)  # the owner scans the loaf's barcode
        steps.act()
        assert [dialog.codes.item(i).text() for i in range(dialog.codes.count())] == [BREAD_CODE]

    def weighed(dialog: ProductDialog) -> None:
        dialog.weighed.setFocus()
        qtbot.keyClick(dialog.weighed, Qt.Key.Key_Space)
        assert dialog.weighed.isChecked() and dialog.plu.isEnabled()
        dialog.plu.setFocus()
        dialog.plu.selectAll()
        type_slowly(qtbot, dialog.plu, str(APPLES[3]), scanner=scanner)
        steps.act(2)
        assert dialog.plu.value() == APPLES[3]

    add_product(BREAD[0], BREAD[1], scan_barcode, "product-dialog-barcode")
    add_product(APPLES[0], APPLES[1], weighed, "product-dialog-weighed")
    shown = {catalogue.table.item(r, 0).text(): [catalogue.table.item(r, c).text() for c in range(1, 5)]
             for r in range(catalogue.table.rowCount())}
    assert shown[BREAD[0]][2] == BREAD_CODE and shown[BREAD[0]][1] == "89,90 ₽"
    assert "42" in shown[APPLES[0]][3] and "кг" in shown[APPLES[0]][1]
    assert not catalogue.empty.isVisible()
    assert catalogue.table.horizontalHeaderItem(0).text() == "Название"  # a product's, not a person's "Имя"
    steps.screen(catalogue, "catalogue-products")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())  # Scales: the layout as set
    steps.act()
    assert "".join(catalogue.scale_layout.text().split()) == "22PPPPPWWWWWC"
    steps.screen(catalogue, "catalogue-scales")
    qtbot.keyClick(catalogue, Qt.Key.Key_Escape)
    steps.act()

    # --- staff: a cashier -------------------------------------------------------------------------------
    qtbot.waitUntil(lambda: isinstance(window.dialog, FirstDayDialog), timeout=5_000)  # the checklist is back
    checklist = window.dialog
    assert checklist.rows["products"][0].text() == "✓"
    qtbot.mouseClick(checklist.rows["staff"][2], Qt.MouseButton.LeftButton)
    steps.act()
    qtbot.waitUntil(lambda: isinstance(window.dialog, StaffDialog), timeout=5_000)
    page = window.dialog
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    steps.act()
    form = page.form
    assert isinstance(form, AddStaffDialog) and form.role.currentData() == "cashier"
    type_text(qtbot, form.name, CASHIER[0])
    type_slowly(qtbot, form.pin, CASHIER[1], scanner=scanner)
    type_slowly(qtbot, form.again, CASHIER[1], scanner=scanner)
    steps.act(3)
    steps.screen(form, "staff-add-cashier")
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    steps.act()
    assert not form.isVisible(), form.error.text()
    assert CASHIER[0] in page.message.text()
    steps.screen(page, "staff-page")
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    steps.act()
    qtbot.waitUntil(lambda: isinstance(window.dialog, FirstDayDialog), timeout=5_000)
    checklist = window.dialog
    assert checklist.rows["staff"][0].text() == "✓"
    steps.screen(checklist, "checklist-after")
    qtbot.keyClick(checklist, Qt.Key.Key_Escape)  # "Later"
    steps.act()
    qtbot.waitUntil(lambda: window.dialog is None)

    # --- the owner signs out; the cashier signs in on the lock screen -----------------------------------------
    back_to(qtbot, window)
    qtbot.keyClick(window.input, Qt.Key.Key_F11)
    steps.act()
    assert window.lock_screen.locked
    login = window.lock_screen.login
    names = {b.text().split("\n")[0]: b for b in login.buttons.values()}
    assert set(names) == {"Мария", CASHIER[0]}
    qtbot.mouseClick(names[CASHIER[0]], Qt.MouseButton.LeftButton)
    type_slowly(qtbot, login.pad.field, CASHIER[1], scanner=scanner)
    steps.act(2)
    card = window.lock_screen.card
    assert login.geometry().right() <= card.contentsRect().right()  # the names and the keypad are not cut
    assert all(card.rect().contains(b.geometry().translated(login.pos())) for b in names.values())
    steps.screen(window, "lock-screen")
    with qtbot.waitSignal(login.signed_in, timeout=10_000):
        qtbot.keyClick(login.pad.field, Qt.Key.Key_Return)
    steps.act()
    assert not window.lock_screen.locked and window.staff.name == CASHIER[0] and window.staff.role == "cashier"
    assert "F3" in window.empty_hint.text() and window.empty_hint.isVisible()  # no members yet: F3

    # --- a member (F3), the loaf scanned, the apples' scale label scanned, paid (F12) -------------------------
    back_to(qtbot, window)
    qtbot.keyClick(window.input, Qt.Key.Key_F3)
    steps.act()
    qtbot.waitUntil(lambda: isinstance(window.dialog, MemberFormDialog), timeout=5_000)
    member_form = window.dialog
    type_text(qtbot, member_form.name, MEMBER[0])
    type_slowly(qtbot, member_form.phone, MEMBER[1], scanner=scanner)
    steps.act(2)
    steps.screen(member_form, "member-new")
    with qtbot.waitSignal(window.member_found, timeout=5_000):
        qtbot.keyClick(member_form.phone, Qt.Key.Key_Return)  # "Save and add to sale" is the default
    steps.act()
    assert window.cart.member is not None and window.cart.member.name == MEMBER[0]
    assert MEMBER[0] in window.message.text()

    label = ean13(f"22{APPLES[3]:05d}{GRAMS:05d}")
    assert label == "2200042007427"  # 2+0+0+2+0+4 + 3 x (2+0+4+0+7+2) = 53: check digit 7
    back_to(qtbot, window)
    for code in (BREAD_CODE, label):
        scan(qtbot, window.input, code, scanner=scanner)
        steps.act()
    qtbot.waitUntil(lambda: len(window.cart.lines) == 2, timeout=5_000)
    apples_amount = 14091  # 0.742 kg x 189.90 = 140.9058, half up
    total = BREAD[2] + apples_amount
    texts = [[window.model.data(window.model.index(r, c)) for c in range(window.model.columnCount())]
             for r in range(window.model.rowCount())]
    assert any("0,742" in str(cell) for row in texts for cell in row), texts
    assert any("140,91" in str(cell) for row in texts for cell in row), texts
    assert not window.empty_hint.isVisible()
    weight = next(str(cell) for row in texts for cell in row if "0,742" in str(cell))
    qty_column = window.table.columnWidth(1)
    assert window.table.fontMetrics().horizontalAdvance(weight) + 8 <= qty_column, (weight, qty_column)  # not "0,74…"
    steps.screen(window, "sale-weighed-line")

    back_to(qtbot, window)
    qtbot.keyClick(window.input, Qt.Key.Key_F12)
    steps.act()
    qtbot.waitUntil(lambda: isinstance(window.dialog, PayDialog), timeout=5_000)
    pay = window.dialog
    assert pay.to_pay == total and "230,81" in pay.total.text()
    type_slowly(qtbot, pay.cash, "250", scanner=scanner)
    steps.act()
    assert "19,19" in pay.due.text()  # the change
    steps.screen(pay, "payment")
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as done:
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    steps.act()
    result = done.args[0]
    assert window.right_stack.currentWidget() is window.completion
    assert result.receipt_no in window.message.text()
    steps.screen(window, "sale-done-receipt")

    # --- what the screens wrote --------------------------------------------------------------------------
    assert Category.select().count() == 1 and Product.select().count() == 2
    apples = Product.get(Product.name == APPLES[0])
    assert (apples.weighed, apples.plu, apples.price, apples.category.name) == (True, APPLES[3], APPLES[2], "Продукты")
    assert Staff.get(Staff.name == CASHIER[0]).role == "cashier"
    (member,) = Member.select()
    (sale,) = Sale.select()
    assert sale.receipt_no == result.receipt_no and sale.receipt_no
    assert sale.member_id == member.id and sale.cashier.name == CASHIER[0]
    lines = sorted(sale.lines, key=lambda line: line.position)
    assert [(line.name, line.qty, line.unit_price, line.gross, line.grams, line.price_per_kg) for line in lines] == [
        (BREAD[0], 1, BREAD[2], BREAD[2], None, None),
        (APPLES[0], 1, apples_amount, apples_amount, GRAMS, APPLES[2]),
    ]
    assert (sale.subtotal, sale.discount, sale.total, sale.paid_money) == (total, 0, total, total)
    # 5 % of 230.81 in points of 1.00: 11 (floored once for the bill)
    assert sale.points_earned == 11 == sum(line.points_earned for line in lines)
    (entry,) = LedgerEntry.select().where(LedgerEntry.sale == sale)
    assert (entry.member_id, entry.delta, entry.kind) == (member.id, 11, entry.kind) and entry.kind.startswith("earn")
    assert str(sale.points_earned) in window.completion.earned.text()
