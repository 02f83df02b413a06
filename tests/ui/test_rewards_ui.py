"""Gifts for points in the window: the owner sets one up in the programme's Gifts tab;
the cashier scans the member and the product, takes it as a gift with Ctrl+G, and the
customer pays for the rest."""
from __future__ import annotations

from PySide6.QtCore import Qt

from models.schema import Card, Category, LedgerEntry, Member, Product, Reward, Sale
from services.members.registry import active_card
from services.programme import rewards
from services.programme.ledger import ledger_balance
from services.shop import staff as auth
from tests.ui.helpers import scan, type_slowly
from tests.ui.test_owner_screens import owner_window  # noqa: F401  (a fixture)
from ui.pay_dialog import PayDialog
from ui.programme_dialog import ProgrammeDialog
from ui.rewards_ui import GiftDialog, RewardsTab


def richest_member() -> tuple[Member, str]:
    member = (Member.select().join(Card).where(Card.status == "active")
              .order_by(Member.balance.desc()).first())
    return member, active_card(member).number


def test_the_owner_adds_a_gift_in_the_programme(qtbot, owner_window):  # noqa: F811
    product = Product.select().join(Category).where(~Category.loyalty_excluded).order_by(Product.barcode).first()
    owner_window._act(owner_window.open_programme)
    dialog = owner_window.dialog
    assert isinstance(dialog, ProgrammeDialog)
    index = next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "Gifts for points")
    dialog.tabs.setCurrentIndex(index)
    tab = dialog.tabs.widget(index)
    assert isinstance(tab, RewardsTab) and tab.table.rowCount() == 0
    item = tab.add()
    type_slowly(qtbot, item.form.editor("product"), product.barcode, scanner=owner_window.scanner)
    item.form.editor("points").setValue(40)
    item.form.editor("per_member").setText("2")
    item.try_accept()
    assert not item.isVisible(), item.error.text()
    reward = Reward.get()
    assert (reward.product_id, reward.points, reward.per_member, reward.stock) == (product.id, 40, 2, None)
    assert tab.table.rowCount() == 1 and tab.table.item(0, 0).text() == product.name
    assert "2 per member" in tab.table.item(0, 3).text()
    # A mistake is said in the form, and nothing is added.
    again = tab.add()
    again.form.editor("product").setText(product.barcode)
    again.try_accept()
    assert again.isVisible() and "already a gift" in again.error.text() and Reward.select().count() == 1
    again.reject()
    dialog.reject()


def test_scan_member_and_product_take_it_as_a_gift_with_the_key_and_pay(qtbot, window):
    member, card = richest_member()
    gift, paid = list(Product.select().join(Category).where(~Product.weighed & ~Category.loyalty_excluded)
                      .order_by(Product.barcode).limit(2))
    points = max(member.balance // 3, 1)
    rewards.add(gift.barcode, points, actor=auth.first_of_role("owner"))
    before = ledger_balance(member.id)
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        scan(qtbot, window.table, card, scanner=window.scanner)
    scan(qtbot, window.table, paid.barcode, scanner=window.scanner)
    scan(qtbot, window.table, gift.barcode, scanner=window.scanner)
    qtbot.keyClick(window.input, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, GiftDialog)
    assert dialog.chosen().reward.barcode == gift.barcode and dialog.ok.isEnabled()  # the scanned product first
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    lines = {(l.barcode, l.unit_price, l.reward_points) for l in window.cart.lines}
    assert lines == {(paid.barcode, paid.price, 0), (gift.barcode, 0, points)}
    row = window.model.row_of(next(l.key for l in window.cart.lines if l.reward_id))
    assert window.model.index(row, window.model.SUM).data() == window.fmt.money(0)
    assert "gift for" in window.model.index(row, window.model.WHY).data()
    assert "Gift:" in window.message.text()

    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog)
    pay.cash.setText(str(-(-pay.to_pay // 100)))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    sale = Sale.get(Sale.receipt_no == window.last_sale.receipt_no)
    assert sale.points_rewarded == points and sale.total == paid.price - sale.discount
    entry = LedgerEntry.get((LedgerEntry.sale == sale.id) & (LedgerEntry.kind == "reward"))
    assert entry.delta == -points
    moved = sum(e.delta for e in LedgerEntry.select().where(LedgerEntry.sale == sale.id))
    after = Member.get_by_id(member.id).balance
    assert after == ledger_balance(member.id) == before + moved and after >= 0


def test_the_key_without_a_member_says_to_scan_the_card(qtbot, window):
    qtbot.keyClick(window.input, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.dialog is None and window.message.kind() == "error"
    assert "card" in window.message.text()
