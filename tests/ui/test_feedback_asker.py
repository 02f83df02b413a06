"""Feedback after payment (ui/feedback_asker.py, ui/customer_display.py): the cashier's strip
asks, its buttons or Alt+digit answer (plain keys stay the till's), Esc skips, a new scan
dismisses it and goes on the next sale; with a second screen the customer answers on their
own display."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from models.schema import Card, Feedback, Member, Product, Sale
from services.members.registry import active_card
from services.reach import feedback
from tests.ui.helpers import scan, type_slowly
from ui.pay_dialog import PayDialog

SHOTS = Path("/tmp/shots5")


def products(count: int = 2) -> list[Product]:
    return list(Product.select().where(Product.weighed == False).order_by(Product.barcode).limit(count))  # noqa: E712


def a_member() -> tuple[Member, str]:
    member = Member.select().join(Card).where(Card.status == "active").order_by(Member.balance.desc()).first()
    return member, active_card(member).number


def sell(qtbot, window, card: str | None = None) -> Sale:
    """Scan (a card and) two products, pay in cash; the sale as written."""
    if card:
        scan(qtbot, window.input, card, scanner=window.scanner)
    for product in products():
        scan(qtbot, window.input, product.barcode, scanner=window.scanner)
    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog)
    pay.cash.setText(str(-(-pay.to_pay // 100_000) * 1000))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    return Sale.get(Sale.receipt_no == window.last_sale.receipt_no)


def alt(widget, digits: str, *, let_go: bool = True) -> None:
    """Hold Alt, press the digits, let Alt go (as a cashier answers on the strip).  QTest's
    keyClick presses and lets go of the modifier around each key, so the events go by hand."""
    held = Qt.KeyboardModifier.AltModifier
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Alt, held))
    for digit in digits:
        key = getattr(Qt.Key, f"Key_{digit}")
        for kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, held, digit))
    if let_go:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Alt, Qt.KeyboardModifier.NoModifier))


def test_after_a_sale_the_strip_asks_and_alt_digits_answer(qtbot, window):
    asker = window.feedback_asker
    assert asker.display is None  # one (offscreen) screen: the cashier's strip asks
    sale = sell(qtbot, window)
    assert asker.strip.isVisible() and asker.asking() == "nps"
    assert "recommend" in asker.strip.question.text() and "Alt" in asker.strip.keys.text()
    assert asker.strip.geometry().bottom() <= window.table.geometry().bottom() + 2  # over the cart, not the keys
    alt(window.input, "8")
    assert asker.asking() == "csat" and "visit" in asker.strip.question.text()
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        alt(window.input, "4")
    assert not asker.strip.isVisible() and window.input.text() == ""  # the keys answered, nothing was typed
    row = Feedback.get_by_id(saved.args[0])
    assert (row.nps, row.csat, row.source, row.sale_id, row.cashier_id) == (8, 4, "till", sale.id, window.staff.id)


def test_the_cashier_clicks_the_answers_on_the_strip_and_keeps_the_keyboard(qtbot, window):
    asker = window.feedback_asker
    sell(qtbot, window)
    focus = QApplication.focusWidget()
    shown = [v for v, b in asker.strip.buttons.items() if b.isVisibleTo(asker.strip)]
    assert shown == list(range(11))
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in [*asker.strip.buttons.values(), asker.strip.skip])
    qtbot.mouseClick(asker.strip.buttons[10], Qt.MouseButton.LeftButton)
    assert asker.asking() == "csat" and asker.pending["nps"] == 10
    assert [v for v, b in asker.strip.buttons.items() if b.isVisibleTo(asker.strip)] == [1, 2, 3, 4, 5]
    assert QApplication.focusWidget() is focus  # a click does not take the keyboard from where it was
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        qtbot.mouseClick(asker.strip.buttons[3], Qt.MouseButton.LeftButton)
    row = Feedback.get_by_id(saved.args[0])
    assert (row.nps, row.csat, row.source) == (10, 3, "till") and not asker.strip.isVisible()


def test_the_strips_skip_button(qtbot, window):
    asker = window.feedback_asker
    sell(qtbot, window)
    qtbot.mouseClick(asker.strip.skip, Qt.MouseButton.LeftButton)
    assert not asker.strip.isVisible() and asker.asking() is None and Feedback.select().count() == 0


def test_plain_keys_stay_the_tills_while_the_strip_asks(qtbot, window):
    """Digits, Enter: the scan field's as always, whichever question is up; no answer is made up."""
    asker = window.feedback_asker
    sell(qtbot, window)
    type_slowly(qtbot, window.input, "1", scanner=window.scanner)
    qtbot.keyClick(window.input, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.input, Qt.Key.Key_Return)  # empty: nothing to add
    assert asker.asking() == "nps" and asker.pending["nps"] is None and window.input.text() == ""
    alt(window.input, "7")
    for digit in "0123456789":
        type_slowly(qtbot, window.input, digit, scanner=window.scanner)
    assert window.input.text() == "0123456789" and asker.asking() == "csat"


@pytest.mark.parametrize("keys, nps", [(["10"], 10), (["1"], 1), (["0"], 0), (["9"], 9), (["1", "0"], 1), ("click1", 1)])
def test_ten_one_and_the_rest(qtbot, window, keys, nps):
    """Alt held: 1 0 is 10; Alt let go after the 1 is 1 (a later Alt+0 is then no CSAT).
    "click1": QTest's Alt+1, through Qt's shortcut map (the offers' Alt+1 does not take it)."""
    asker = window.feedback_asker
    sell(qtbot, window)
    if keys == "click1":
        qtbot.keyClick(window.input, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        keys = []
    for held in keys:
        alt(window.input, held)
    assert asker.asking() == "csat" and asker.pending["nps"] == nps
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        qtbot.keyClick(window.input, Qt.Key.Key_Escape)  # no CSAT: the NPS answer is kept
    assert (Feedback.get_by_id(saved.args[0]).nps, Feedback.get_by_id(saved.args[0]).csat) == (nps, None)


def test_an_alt_1_the_next_scan_cuts_short_is_a_1(qtbot, window):
    asker = window.feedback_asker
    sell(qtbot, window)
    alt(window.input, "1", let_go=False)  # Alt still held: 1, or 10?
    assert asker.pending["nps"] is None and asker.strip.typed.text() == "1…"
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        scan(qtbot, window.input, products(1)[0].barcode, scanner=window.scanner)
    assert (Feedback.get_by_id(saved.args[0]).nps, Feedback.get_by_id(saved.args[0]).csat) == (1, None)
    assert len(window.cart.lines) == 1


def test_a_new_scan_dismisses_the_strip_and_goes_on_the_next_sale(qtbot, window):
    asker = window.feedback_asker
    sell(qtbot, window)
    assert asker.strip.isVisible()
    product = products(1)[0]
    scan(qtbot, window.input, product.barcode, scanner=window.scanner)
    assert not asker.strip.isVisible() and asker.asking() is None
    assert [line.barcode for line in window.cart.lines] == [product.barcode]  # the scan was not eaten
    type_slowly(qtbot, window.input, "7", scanner=window.scanner)  # a digit is typing again
    assert window.input.text() == "7"
    assert Feedback.select().count() == 0  # nothing was answered, nothing kept


def test_an_answer_given_before_the_next_scan_is_kept(qtbot, window):
    asker = window.feedback_asker
    sell(qtbot, window)
    alt(window.input, "6")
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        scan(qtbot, window.input, products(1)[0].barcode, scanner=window.scanner)
    assert (Feedback.get_by_id(saved.args[0]).nps, Feedback.get_by_id(saved.args[0]).csat) == (6, None)
    assert len(window.cart.lines) == 1


def _esc_overridden(window) -> bool:
    """Whether the input line claims Esc before the window's Esc shortcut (Qt asks it first)."""
    event = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    event.ignore()
    QApplication.sendEvent(window.input, event)
    return event.isAccepted()


def test_esc_skips_and_is_not_the_windows_esc(qtbot, window):
    asker = window.feedback_asker
    sell(qtbot, window)
    assert _esc_overridden(window)  # while the strip asks, Esc is the strip's
    qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    assert not asker.strip.isVisible() and Feedback.select().count() == 0
    assert window.right_stack.currentWidget() is window.completion  # the window's Esc did not run as well
    assert not _esc_overridden(window)  # the next Esc is the window's again


def test_the_owner_turns_asking_off_or_to_every_nth_sale(qtbot, window, shop_db):
    from services.shop import staff as auth

    asker = window.feedback_asker
    feedback.set_asking(auth.first_of_role("owner"), enabled=False, every=1)
    sell(qtbot, window)
    assert not asker.strip.isVisible() and asker.asking() is None
    feedback.set_asking(auth.first_of_role("owner"), enabled=True, every=2)
    asked = []
    for _ in range(2):
        sale = sell(qtbot, window)
        asked.append((int(sale.receipt_no.rsplit("-", 1)[1]) % 2 == 0, asker.asking() == "nps"))
        qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    assert [a for a, b in asked] == [b for a, b in asked] and {a for a, _b in asked} == {True, False}


def test_with_a_second_screen_the_customer_answers_on_their_display(qtbot, window):
    asker = window.feedback_asker
    asker.use_display(QRect(window.width(), 0, 1024, 768))  # where a second monitor would be
    display = asker.display
    assert display is not None and display.isVisible() and display.page() == "sale"
    assert not display.isActiveWindow()  # it never takes the keyboard from the cashier
    member, card = a_member()
    scan(qtbot, window.input, card, scanner=window.scanner)
    for product in products():
        scan(qtbot, window.input, product.barcode, scanner=window.scanner)
    assert display.to_pay.text() == window.fmt.money(window.priced.to_pay)  # it follows the sale live
    shown = [display.lines.itemAt(i).widget().text() for i in range(display.lines.count())]
    assert any(products()[0].name in text for text in shown)
    assert "Points left" in display.points.text() and member.name.split()[0] in display.greeting.text()
    window.pay_button.click()
    pay = window.dialog
    pay.cash.setText(str(-(-pay.to_pay // 100_000) * 1000))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    assert display.asking() == "nps" and display.question.text() == "Would you recommend us to a friend?"
    assert sorted(display.nps_row.buttons) == list(range(11))
    assert asker.strip.isVisible() and "their screen" in asker.strip.question.text()
    qtbot.waitUntil(lambda: display.nps_row.buttons[10].width() > 60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert display.grab().save(str(SHOTS / "customer_display_nps.png"))
    type_slowly(qtbot, window.input, "3", scanner=window.scanner)  # the cashier's digits are not the answer
    assert display.asking() == "nps" and window.input.text() == "3"
    window.input.clear()
    qtbot.mouseClick(display.nps_row.buttons[9], Qt.MouseButton.LeftButton)
    assert display.asking() == "csat" and display.question.text() == "How was your visit today?"
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        qtbot.mouseClick(display.csat_row.buttons[5], Qt.MouseButton.LeftButton)
    row = Feedback.get_by_id(saved.args[0])
    assert (row.nps, row.csat, row.source, row.member_id) == (9, 5, "display", member.id)
    assert display.page() == "thanks" and not asker.strip.isVisible()
    scan(qtbot, window.input, products(1)[0].barcode, scanner=window.scanner)  # the next customer
    assert display.page() == "sale" and display.to_pay.text() == window.fmt.money(window.priced.to_pay)


def test_a_display_unplugged_mid_question_hands_it_to_the_strip(qtbot, window):
    asker = window.feedback_asker
    asker.use_display(QRect(window.width(), 0, 1024, 768))
    sell(qtbot, window)
    assert asker.display.asking() == "nps" and "their screen" in asker.strip.question.text()
    asker.use_display(None)
    assert asker.display is None and asker.asking() == "nps" and "recommend" in asker.strip.question.text()
    alt(window.input, "9")
    with qtbot.waitSignal(asker.saved, timeout=10_000) as saved:
        alt(window.input, "5")
    row = Feedback.get_by_id(saved.args[0])
    assert (row.nps, row.csat, row.source) == (9, 5, "till")


def test_the_customer_display_shows_a_gifts_points_before_and_after_payment(qtbot, window):
    """The gift's points are on the customer's screen on their own line, counted in the points
    left while selling, and after payment the balance they see is the real one."""
    from models.schema import Category
    from services.programme import rewards
    from services.shop import staff as auth
    from tests.ui.test_rewards_ui import richest_member
    from ui.rewards_ui import GiftDialog

    asker = window.feedback_asker
    asker.use_display(QRect(window.width(), 0, 1024, 768))
    display = asker.display
    member, card = richest_member()
    gift = (Product.select().join(Category).where(~Product.weighed & ~Category.loyalty_excluded)
            .order_by(Product.barcode).first())
    points = max(member.balance // 4, 1)
    rewards.add(gift.barcode, points, actor=auth.first_of_role("owner"))
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        scan(qtbot, window.input, card, scanner=window.scanner)
    scan(qtbot, window.input, gift.barcode, scanner=window.scanner)
    scan(qtbot, window.input, products(2)[1].barcode, scanner=window.scanner)
    qtbot.keyClick(window.input, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.dialog, GiftDialog)
    qtbot.keyClick(window.dialog.table, Qt.Key.Key_Return)
    gifts = "Gifts for points: " + window.fmt.points(points)
    assert gifts in display.points.text()
    left = member.balance - window.priced.points_spent
    assert "Points left: " + window.fmt.points(left) in display.points.text()
    window.pay_button.click()
    pay = window.dialog
    pay.cash.setText(str(-(-pay.to_pay // 100_000) * 1000))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000) as done:
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    result = done.args[0]
    assert gifts in display.paid_points.text()
    assert result.balance == left + result.priced.points_issued  # what the screen promised, and what was earned
    assert "Your points now: " + window.fmt.points(result.balance) in display.paid_points.text()
    assert window.completion.redeemed.text() == window.fmt.points(result.priced.points_spent)  # the cashier's panel too
