"""The cashier's window end to end: scans, members, points, payment, returns, manager PINs."""
from __future__ import annotations

import peewee
import pytest
from PySide6.QtCore import Qt

from models.schema import Card, LedgerEntry, Member, Product, Sale, SaleLine, SaleReturn
from services.members.cards import ean13_check_digit
from services.programme.ledger import ledger_balance
from services.members.registry import active_card
from services.core.money import percent
from tests.ui.helpers import KeyRecorder, scan, type_slowly
from ui.authorise import ManagerPinDialog
from ui.pay_dialog import PayDialog
from ui.return_dialog import ReturnDialog
from ui.sale_dialogs import DiscountDialog, RedeemDialog


def richest_member() -> tuple[Member, str]:
    member = (Member.select().join(Card).where(Card.status == "active")
              .order_by(Member.balance.desc()).first())
    return member, active_card(member).number


def plain_products(count: int) -> list[Product]:
    """Products that take discounts and points, in a fixed order."""
    return list(Product.select().order_by(Product.barcode).limit(count))


def test_scanned_card_then_products_points_and_payment(qtbot, window):
    member, card = richest_member()
    balance_before = ledger_balance(member.id)
    assert balance_before > 100

    window.table.setFocus()
    recorder = KeyRecorder()
    window.table.installEventFilter(recorder)
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        scan(qtbot, window.table, card, scanner=window.scanner)
    assert window.member_panel.name.text() == member.name
    assert window.member_panel.balance.text() == window.fmt.points(balance_before)
    assert recorder.texts == [], "the scanner's digits reached the focused table"
    assert window.input.text() == ""

    products = plain_products(2)
    for product in products:
        scan(qtbot, window.table, product.barcode, scanner=window.scanner)
    scan(qtbot, window.table, products[0].barcode, scanner=window.scanner)
    assert [(l.barcode, l.qty) for l in window.cart.lines] == [(products[0].barcode, 2), (products[1].barcode, 1)]
    assert recorder.texts == []
    subtotal = 2 * products[0].price + products[1].price
    assert window.priced.subtotal == subtotal

    window.buttons["redeem"].click()
    dialog = window.dialog
    assert isinstance(dialog, RedeemDialog)
    max_points = window.priced.max_redeem
    assert 0 < max_points <= balance_before
    qtbot.mouseClick(dialog.max_button, Qt.MouseButton.LeftButton)
    assert dialog.spin.value() == max_points
    qtbot.keyClick(dialog.spin, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.cart.redeem == max_points
    to_pay = subtotal - window.priced.discount - max_points * window.rules.point_value
    assert window.totals.total.text() == window.fmt.money(to_pay)

    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog)
    assert pay.to_pay == to_pay
    cash = -(-to_pay // 100_000) * 100_000  # a 1000 note (or more)
    pay.cash.setText(str(cash // 100))
    assert pay.due.text().endswith(window.fmt.money(cash - to_pay))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)

    sale = Sale.get(Sale.receipt_no == window.last_sale.receipt_no)
    assert sale.member_id == member.id
    assert sale.points_redeemed == max_points
    assert sale.paid_money == to_pay
    ledger_now = ledger_balance(member.id)
    assert ledger_now == balance_before - max_points + sale.points_earned
    assert Member.get_by_id(member.id).balance == ledger_now
    earned = LedgerEntry.select(peewee.fn.SUM(LedgerEntry.delta)).where(
        (LedgerEntry.sale == sale) & (LedgerEntry.kind == "earn")).scalar()
    assert sale.points_earned == earned > 0
    panel = window.completion
    assert window.right_stack.currentWidget() is panel
    assert panel.paid.text() == window.fmt.money(to_pay)
    assert panel.change.text() == window.fmt.money(cash - to_pay)
    assert panel.earned.text() == "+" + window.fmt.points(earned)
    assert panel.redeemed.text() == window.fmt.points(max_points)
    assert panel.balance.text() == window.fmt.points(ledger_now)
    assert window.cart.is_empty() and window.cart.member is None


def test_slow_typing_into_the_input_keeps_every_key(qtbot, window):
    product = plain_products(1)[0]
    window.input.setFocus()
    with qtbot.assertNotEmitted(window.scanner.code_scanned):
        type_slowly(qtbot, window.input, product.barcode, scanner=window.scanner)
    assert window.input.text() == product.barcode
    qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert [l.barcode for l in window.cart.lines] == [product.barcode]
    assert window.input.text() == ""


def test_a_short_fast_burst_is_typing_not_a_scan(qtbot, window):
    window.input.setFocus()
    with qtbot.assertNotEmitted(window.scanner.code_scanned):
        scan(qtbot, window.input, "1234", scanner=window.scanner)  # four fast digits then Enter: too short for a code
    assert window.cart.is_empty()
    assert "1234" in window.message.text()  # it was searched for, as typed


def test_card_with_a_bad_check_digit_says_misread(qtbot, window):
    _member, card = richest_member()
    bad = card[:12] + str((int(card[12]) + 1) % 10)
    window.table.setFocus()
    scan(qtbot, window.table, bad, scanner=window.scanner)
    assert window.message.kind() == "error"
    assert "misread" in window.message.text()
    assert window.cart.member is None
    assert window.member_panel.empty.isVisible()


def test_unknown_card_is_explained(qtbot, window):
    body = window.info.card_prefix + "9990000001"
    unknown = body + str(ean13_check_digit(body))
    scan(qtbot, window.table, unknown, scanner=window.scanner)
    assert window.message.kind() == "error"
    assert unknown in window.message.text()
    assert window.cart.member is None


def test_return_through_the_dialog_needs_a_manager(qtbot, window):
    sale = (Sale.select().where(Sale.member.is_null(False) & (Sale.points_earned > 0)
                                & (Sale.points_redeemed == 0))
            .order_by(Sale.receipt_no).first())
    lines = list(SaleLine.select().where(SaleLine.sale == sale).order_by(SaleLine.position))
    balance_before = ledger_balance(sale.member_id)

    window.input.setText(sale.receipt_no)
    qtbot.keyClick(window.input, Qt.Key.Key_Return)
    dialog = window.dialog
    assert isinstance(dialog, ReturnDialog)
    assert dialog.table.rowCount() == len(lines)
    qtbot.mouseClick(dialog.whole_button, Qt.MouseButton.LeftButton)
    assert [s.value() for s in dialog.spins] == [l.qty for l in lines]
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    pin = dialog.pin_dialog
    assert isinstance(pin, ManagerPinDialog)
    assert SaleReturn.select().count() == 0
    qtbot.keyClicks(pin.pad.field, "222222")
    with qtbot.waitSignal(dialog.return_completed, timeout=10_000) as signal:
        qtbot.keyClick(pin.pad.field, Qt.Key.Key_Return)
    result = signal.args[0]
    ret = SaleReturn.get(SaleReturn.sale == sale)
    assert ret.refund == sale.paid_money == result.refund
    assert ret.authorised_by.role in ("manager", "owner")
    assert ledger_balance(sale.member_id) == balance_before - sale.points_earned == result.balance
    assert window.fmt.money(ret.refund) in dialog.result.text()
    assert not dialog.return_button.isEnabled()  # nothing left to return


def test_an_imported_receipt_says_so_when_found_not_at_return(qtbot, window):
    sale = Sale.select().order_by(Sale.receipt_no).first()
    Sale.update(imported=True).where(Sale.id == sale.id).execute()
    window.input.setText(sale.receipt_no)
    qtbot.keyClick(window.input, Qt.Key.Key_Return)
    dialog = window.dialog
    assert isinstance(dialog, ReturnDialog)
    assert dialog.table.rowCount() == 0 and not dialog.return_button.isEnabled()
    assert sale.receipt_no in dialog.error.text() and "old system" in dialog.error.text()


def test_manual_discount_needs_a_manager_pin(qtbot, window):
    product = plain_products(1)[0]
    window.add_product(product.barcode)
    window.buttons["discount"].click()
    dialog = window.dialog
    assert isinstance(dialog, DiscountDialog)
    dialog.spin.setValue(10)
    dialog.accept()
    pin = window.pin_dialog
    assert isinstance(pin, ManagerPinDialog) and pin.isVisible()
    qtbot.keyClicks(pin.pad.field, "3333")  # the cashier's own PIN is not enough: only managers' are tried
    with qtbot.waitSignal(pin.refused, timeout=10_000):
        qtbot.keyClick(pin.pad.field, Qt.Key.Key_Return)
    assert pin.isVisible() and pin.error.text() == "Wrong PIN."
    assert window.cart.manual_discount_bp == 0
    qtbot.keyClicks(pin.pad.field, "222222")
    with qtbot.waitSignal(pin.authorised, timeout=10_000):
        qtbot.keyClick(pin.pad.field, Qt.Key.Key_Return)
    assert not pin.isVisible()
    assert window.cart.manual_discount_bp == 1000
    assert window.cart.manual_authoriser.role == "manager"
    off = percent(product.price, 1000)
    assert window.totals.discount.text() == "−" + window.fmt.money(off)
    assert window.totals.total.text() == window.fmt.money(product.price - off)
    assert "manager" in window.model.data(window.model.index(0, window.model.WHY))


def test_park_and_recall(qtbot, window):
    products = plain_products(2)
    for product in products:
        window.add_product(product.barcode)
    window.buttons["park"].click()
    assert window.cart.is_empty()
    window.buttons["recall"].click()
    shown = window.dialog.list.item(0).text()
    assert "2 items" in shown and window.fmt.money(sum(p.price for p in products)) in shown
    window.dialog.accept()
    assert sorted(l.barcode for l in window.cart.lines) == sorted(p.barcode for p in products)


def test_scan_during_registration_fills_the_card_field(qtbot, window):
    body = window.info.card_prefix + "0010000999"
    fresh = body + str(ean13_check_digit(body))
    window.buttons["new"].click()
    form = window.dialog
    form.name.setFocus()
    qtbot.keyClicks(form.name, "Ivan Test")
    scan(qtbot, form.name, fresh, scanner=window.scanner)
    assert form.name.text() == "Ivan Test"
    assert form.card.text() == fresh
    form.phone.setText("+7 999 000-11-22")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    member = Member.get(Member.name == "Ivan Test")
    assert active_card(member).number == fresh
    assert member.phone == "+79990001122"
    assert window.cart.member.id == member.id
    assert window.member_panel.name.text() == "Ivan Test"


def test_find_member_by_phone_in_another_format(qtbot, window):
    member, _card = richest_member()
    window.buttons["find"].click()
    dialog = window.dialog
    national = "8" + member.phone[2:]  # +7999… written as 8999…
    type_slowly(qtbot, dialog.query, national, gap_ms=60, scanner=window.scanner)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert window.cart.member.id == member.id


@pytest.mark.parametrize("language, caption", [("ru", "Оплата"), ("ro", "Plată")])
def test_translations_load(qtbot, app_styled, cashier, language, caption):
    from tests.ui.conftest import RESOURCES
    from ui.app import install_translator
    from ui.cashier import CashierWindow

    assert install_translator(app_styled, RESOURCES, language)
    try:
        win = CashierWindow(cashier, RESOURCES)
        qtbot.addWidget(win)
        assert win.pay_button.caption.text() == caption
    finally:
        install_translator(app_styled, RESOURCES, "en")


def test_receipt_pdf_of_the_sale_just_paid(qtbot, window, tmp_path):
    product = plain_products(1)[0]
    window.add_product(product.barcode)
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):  # written on a worker thread
        window.dialog.accept()
    assert window.completion.change.text() == window.fmt.money(0)
    target = tmp_path / "receipt.pdf"
    window._act(window.write_receipt, window.completion.sale_id, target)
    assert target.read_bytes()[:4] == b"%PDF"
    assert window.message.kind() == "ok"
    window._act(window.write_receipt, window.completion.sale_id, tmp_path / "missing" / "dir" / "r.pdf")
    assert window.message.kind() == "error"  # a folder that is not there: a message, never a crash
    assert window.message.text().startswith("Cannot write the receipt there")


def test_points_adjustment_needs_a_manager_and_shows_at_once(qtbot, window):
    from ui.member_dialogs import MemberFormDialog

    member, card = richest_member()
    before = ledger_balance(member.id)
    scan(qtbot, window.table, card, scanner=window.scanner)
    window.edit_member()
    dialog = window.dialog
    assert isinstance(dialog, MemberFormDialog)
    dialog.adjust_points.setValue(-40)
    dialog.adjust_reason.setText("double points by mistake")
    dialog.adjust_button.click()
    pin = dialog.pin_dialog
    assert isinstance(pin, ManagerPinDialog) and pin.isVisible()
    qtbot.keyClicks(pin.pad.field, "222222")
    with qtbot.waitSignal(pin.authorised, timeout=10_000):
        qtbot.keyClick(pin.pad.field, Qt.Key.Key_Return)
    assert ledger_balance(member.id) == before - 40 == Member.get_by_id(member.id).balance
    entry = LedgerEntry.select().where(LedgerEntry.member == member.id).order_by(LedgerEntry.created_at.desc()).first()
    assert (entry.kind, entry.delta, entry.note) == ("adjust", -40, "double points by mistake")
    assert entry.staff.role == "manager"
    assert window.member_panel.balance.text() == window.fmt.points(before - 40)
    assert str(before - 40) in dialog.error.text()


@pytest.mark.parametrize("typed", ["inf", "NaN", "1e30", "99999999999", "12,3,4"])
def test_nonsense_in_the_cash_field_is_not_an_amount(qtbot, window, typed):
    window.add_product(plain_products(1)[0].barcode)
    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog)
    pay.cash.setText(typed)  # typed fast, digits would read as a scan
    assert pay.due.text() == pay.tr("Not an amount")
    qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    assert pay.isVisible() and pay.error.text() == pay.tr("Not an amount")
    assert window.last_sale is None


def test_a_scan_while_a_sale_is_written_waits_for_the_next_sale(qtbot, window):
    """The sale being written is a frozen copy; a product scanned meanwhile is
    not dropped: it goes on the next customer's sale once the write is done."""
    products = plain_products(2)
    window.add_product(products[0].barcode)
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        window.dialog.accept()
        assert window.busy
        window.on_scan(products[1].barcode)  # arrives before the write has finished
        assert [l.barcode for l in window.cart.lines] == [products[0].barcode]  # the sale being saved is untouched
    assert not window.busy
    assert [(pl.line.barcode, pl.line.qty) for pl in window.last_sale.priced.lines] == [(products[0].barcode, 1)]  # not the waiting scan
    assert [l.barcode for l in window.cart.lines] == [products[1].barcode]  # ... but on the next one
    scan(qtbot, window.table, products[0].barcode, scanner=window.scanner)
    assert [l.barcode for l in window.cart.lines] == [products[1].barcode, products[0].barcode]


def test_points_spent_elsewhere_meanwhile_stop_the_sale_with_a_message(qtbot, window):
    """Another till used the points between the scan and the payment: the sale is
    refused, nothing is written, the cart stays, and the real balance shows."""
    from services.members import registry as member_service
    from models.schema import Staff

    member, card = richest_member()
    scan(qtbot, window.table, card, scanner=window.scanner)
    window.add_product(plain_products(1)[0].barcode)
    window.set_redeem(window.priced.max_redeem)
    wanted = window.cart.redeem
    assert wanted > 0
    manager = Staff.get(Staff.role == "manager")
    member_service.adjust_balance(Member.get_by_id(member.id), -(ledger_balance(member.id) - 1), "spent at till 2", actor=manager)
    sales_before = Sale.select().count()
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_failed, timeout=10_000):
        window.dialog.accept()
    assert not window.busy and Sale.select().count() == sales_before
    assert window.message.kind() == "error" and "this member has 1" in window.message.text()
    assert window.cart.redeem == 0  # reset: the cashier asks the customer again
    assert window.cart.lines and window.cart.member.balance == 1 == ledger_balance(member.id)
    assert window.member_panel.balance.text() == window.fmt.points(1)


def test_a_member_erased_meanwhile_leaves_the_sale_and_the_goods_stay(qtbot, window):
    """The owner erased the customer (here or at another till) between the scan and the
    payment that uses their points: nothing is written, the sale stays without them, and the
    cashier is told to take the payment again."""
    from models.schema import Staff
    from services.reach import privacy

    member, card = richest_member()
    scan(qtbot, window.table, card, scanner=window.scanner)
    window.add_product(plain_products(1)[0].barcode)
    window.set_redeem(window.priced.max_redeem)
    privacy.erase(Member.get_by_id(member.id), actor=Staff.get(Staff.role == "owner"))
    sales_before = Sale.select().count()
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_failed, timeout=10_000):
        window.dialog.accept()
    assert Sale.select().count() == sales_before
    anonymous_before = Sale.select().where(Sale.member.is_null()).count()
    assert window.message.kind() == "error" and "erased" in window.message.text()
    assert window.cart.member is None and window.cart.redeem == 0 and window.cart.lines
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):  # paid again: made without them
        window.pay_button.click()
        window.dialog.all_card()
        window.dialog.accept()
    assert Sale.select().count() == sales_before + 1
    assert Sale.select().where(Sale.member.is_null()).count() == anonymous_before + 1


def gold_member() -> tuple[Member, str]:
    """A member of the Gold tier (3 % off in the standard programme)."""
    member, card = richest_member()
    Member.update(tier="gold").where(Member.id == member.id).execute()
    return Member.get_by_id(member.id), card


def test_a_card_scanned_while_paying_goes_on_the_sale_and_the_dialog_shows_the_new_total(qtbot, window):
    member, card = gold_member()
    product = plain_products(1)[0]
    window.add_product(product.barcode)
    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog) and pay.isVisible()
    before = pay.to_pay
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        window.scanner.code_scanned.emit(card)  # the customer remembered the card at the last moment
    assert window.cart.member is not None and window.cart.member.id == member.id
    assert pay.isVisible() and window.dialog is pay  # still paying
    assert pay.to_pay == window.priced.to_pay == before - percent(before, 300)
    assert pay.total.text() == window.fmt.money(pay.to_pay)
    pay.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        pay.accept()
    sale = Sale.get_by_id(window.last_sale.sale_id)
    assert sale.member_id == member.id and sale.paid_money == pay.to_pay and sale.points_earned > 0


def test_goods_scanned_while_paying_go_on_the_sale_and_the_total_follows(qtbot, window):
    products = plain_products(2)
    window.add_product(products[0].barcode)
    window.pay_button.click()
    pay = window.dialog
    window.scanner.code_scanned.emit(products[1].barcode)  # one more item from the basket
    assert [l.barcode for l in window.cart.lines] == [products[0].barcode, products[1].barcode]
    assert pay.isVisible() and pay.to_pay == window.priced.to_pay == products[0].price + products[1].price


def test_a_card_scanned_in_the_receipts_window_goes_on_the_sale(qtbot, window):
    from ui.print_dialogs import ReceiptsDialog

    member, card = richest_member()
    window.add_product(plain_products(1)[0].barcode)
    window.open_receipts()
    assert isinstance(window.dialog, ReceiptsDialog) and window.dialog.isVisible()
    window.scanner.code_scanned.emit(card)
    assert window.cart.member is not None and window.cart.member.id == member.id
    assert window.dialog.ref.text() == ""  # not taken for a receipt number


def test_a_card_scanned_while_the_sale_is_saved_is_not_put_on_the_next_sale(qtbot, window):
    member, card = richest_member()
    window.add_product(plain_products(1)[0].barcode)
    window.pay_button.click()
    window.dialog.all_card()
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        window.dialog.accept()
        window.on_scan(card)  # the customer remembered the card a moment too late
    assert window.last_sale.card is None and window.cart.member is None
    assert window.message.kind() == "warn" and window.last_sale.receipt_no in window.message.text()
    assert window.fmt.money(window.last_sale.change) in window.message.text()


def test_a_second_card_asks_before_it_replaces_the_member(qtbot, window):
    from PySide6.QtWidgets import QApplication, QMessageBox

    first, first_card = richest_member()
    second = (Member.select().join(Card).where((Card.status == "active") & (Member.id != first.id)).first())
    second_card = active_card(second).number
    window.add_product(plain_products(1)[0].barcode)
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        window.scanner.code_scanned.emit(first_card)
    window.scanner.code_scanned.emit(second_card)
    box = window.replace_box
    assert box.isVisible() and second.name in box.text() and first.name in box.text()
    assert window.cart.member.id == first.id  # nothing changes until the cashier answers
    box.done(QMessageBox.StandardButton.No)
    assert window.cart.member.id == first.id and window.member_panel.name.text() == first.name
    window.scanner.code_scanned.emit(second_card)
    asked = window.replace_box
    third = (Member.select().join(Card).where((Card.status == "active") & Member.id.not_in([first.id, second.id])).first())
    window.scanner.code_scanned.emit(second_card)  # scanned again while the question is open
    window.scanner.code_scanned.emit(active_card(third).number)  # ... and then another card
    assert window.replace_box is asked and asked.isVisible()  # one question, now about the last card
    assert third.name in asked.text() and len([w for w in QApplication.topLevelWidgets()
                                               if isinstance(w, QMessageBox) and w.isVisible()]) <= 1
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        asked.done(QMessageBox.StandardButton.Yes)
    assert window.cart.member.id == third.id and window.member_panel.name.text() == third.name


def test_closing_the_window_waits_for_the_sale_being_written(qtbot, app_styled, cashier):
    """A sale under way when the window closes is finished, not cut in half."""
    import threading

    from services.sale import session as sale_session
    from tests.ui.conftest import RESOURCES
    from tests.ui.helpers import fake_scanner
    from ui.cashier import CashierWindow

    release = threading.Event()

    def slow_writer(order):
        release.wait(5)  # the disk is slow today: the write is still under way when the window closes
        return sale_session.complete(order)

    window = CashierWindow(cashier, RESOURCES, scanner=fake_scanner(), writer=slow_writer)
    qtbot.addWidget(window)
    before = Sale.select().count()
    window.add_product(plain_products(1)[0].barcode)
    window.pay_button.click()
    window.dialog.all_card()
    window.dialog.accept()
    assert window.busy
    threading.Timer(0.2, release.set).start()
    window.close()  # returns once the sale is on disk
    assert release.is_set() and Sale.select().count() == before + 1
