"""Scans that arrive while something else is on screen: a sale being written, a
question, a dialog opened for the sale as it was.  None is dropped or misplaced."""
from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QMessageBox

from models.schema import Card, Member, Product, Sale
from services.core.errors import InputError
from services.members.cards import receipt_code
from services.members.registry import active_card
from services.sale import session as sale_session
from tests.ui.conftest import RESOURCES
from tests.ui.helpers import fake_scanner
from ui.sale_dialogs import QuantityDialog


def member_with_card(*not_ids) -> tuple[Member, str]:
    member = (Member.select().join(Card).where((Card.status == "active") & Member.id.not_in(list(not_ids)))
              .order_by(Member.balance.desc()).first())
    return member, active_card(member).number


def products(count: int) -> list[Product]:
    return list(Product.select().order_by(Product.barcode).limit(count))


def window_with(qtbot, cashier, writer):
    from ui.cashier import CashierWindow

    window = CashierWindow(cashier, RESOURCES, scanner=fake_scanner(), writer=writer)
    qtbot.addWidget(window)
    window.show()
    return window


def held_writer(release: threading.Event, fail: bool = False):
    def write(order):
        release.wait(5)  # still writing while the scans come in
        if fail:
            raise InputError("redeem_hub_refused", points=0)
        return sale_session.complete(order)

    return write


def test_the_reason_a_sale_failed_stays_on_screen_after_the_scans_that_waited(qtbot, app_styled, cashier):
    release = threading.Event()
    window = window_with(qtbot, cashier, held_writer(release, fail=True))
    first, second = products(2)
    window.add_product(first.barcode)
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_failed, timeout=10_000):
        window.dialog.accept()
        window.on_scan(second.barcode)
        release.set()
    assert [l.barcode for l in window.cart.lines] == [first.barcode, second.barcode]  # it waited, then joined the sale
    assert window.message.kind() == "error" and "0" in window.message.text()


def test_a_receipt_scanned_while_saving_is_not_opened_over_the_result(qtbot, app_styled, cashier):
    release = threading.Event()
    window = window_with(qtbot, cashier, held_writer(release))
    first, second = products(2)
    old = Sale.select().order_by(Sale.created_at).first()
    window.add_product(first.barcode)
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        window.dialog.accept()
        window.on_scan(receipt_code(old.till.number, int(old.receipt_no.split("-")[1])))
        window.on_scan(second.barcode)
        release.set()
    assert window.dialog is None or not window.dialog.isVisible()
    assert [l.barcode for l in window.cart.lines] == [second.barcode]  # the goods are on the next sale
    text = window.message.text()
    assert window.message.kind() == "warn" and window.last_sale.receipt_no in text
    assert window.fmt.money(window.last_sale.change) in text


def test_the_same_card_again_while_paying_keeps_the_points(qtbot, window):
    member, card = member_with_card()
    window.scanner.code_scanned.emit(card)
    window.add_product(products(1)[0].barcode)
    window.set_redeem(window.priced.max_redeem)
    points = window.cart.redeem
    assert points > 0
    window.pay_button.click()
    pay = window.dialog
    before = pay.to_pay
    window.scanner.code_scanned.emit(card)  # read twice, or scanned again at the terminal
    assert window.cart.redeem == points and pay.to_pay == before and pay.isVisible()


def test_a_quantity_dialog_closes_when_a_scan_changes_the_sale_under_it(qtbot, window):
    product = products(1)[0]
    window.add_product(product.barcode)
    window.buttons["qty"].click()
    asked = window.dialog
    assert isinstance(asked, QuantityDialog) and asked.isVisible()
    window.scanner.code_scanned.emit(product.barcode)
    assert window.cart.lines[0].qty == 2 and not asked.isVisible()  # its 1 can no longer overwrite the 2


def test_cancel_this_sale_is_not_answered_for_goods_scanned_under_the_question(qtbot, window):
    first, second = products(2)
    window.add_product(first.barcode)
    window.buttons["void"].click()
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox) and box is window.cancel_box
    window.scanner.code_scanned.emit(second.barcode)
    assert not box.isVisible() and len(window.cart.lines) == 2


def test_a_recall_asks_before_the_parked_member_replaces_the_card_on_the_counter(qtbot, window):
    a, a_card = member_with_card()
    b, b_card = member_with_card(a.id)
    window.scanner.code_scanned.emit(a_card)
    window.add_product(products(1)[0].barcode)
    window._act(window.park)
    window.scanner.code_scanned.emit(b_card)  # the next customer's card on the empty counter
    window._act(lambda: window.session.recall(window.session.parked()[0].id))
    assert window.cart.member.id == a.id  # the parked sale came back with its member...
    box = window.replace_box
    assert box is not None and box.isVisible() and b.name in box.text()  # ...and B is not dropped unasked
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        box.done(QMessageBox.StandardButton.Yes)
    assert window.cart.member.id == b.id


def test_a_card_under_a_pin_box_over_the_member_form_goes_to_the_form(qtbot, window):
    from PySide6.QtWidgets import QDialog

    from ui.member_dialogs import MemberFormDialog

    window.new_member()
    form = window.dialog
    assert isinstance(form, MemberFormDialog)
    over = QDialog(form)  # e.g. a manager's PIN asked from the form
    over.open()
    member, card = member_with_card()
    window.scanner.code_scanned.emit(card)
    assert window.cart.member is None and form.card.text() == card
    over.reject()
