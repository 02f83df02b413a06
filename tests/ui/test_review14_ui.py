"""Review of issue 14 at the till: the seams between the feedback strip, the scanner and typing."""
from __future__ import annotations

from PySide6.QtCore import Qt

from models.schema import Feedback
from tests.ui.helpers import type_slowly
from tests.ui.test_feedback_asker import products, sell


def test_a_code_typed_by_hand_after_a_sale_is_not_eaten_by_the_feedback_strip(qtbot, window):
    """A cashier whose scanner cannot read a label types the product's code by hand for the
    next customer, as they always did, while the feedback strip of the last sale still shows.
    The user sees: the first digit becomes that customer's NPS, the second (if 1-5) their CSAT
    and the rest of the code goes in short (digits 0 and 6-9 vanish while CSAT is asked), so
    Enter finds no product - and a made-up answer is kept in the shop's NPS figures."""
    sell(qtbot, window)
    asker = window.feedback_asker
    assert asker.asking() == "nps"
    product = next(p for p in products(5) if len(p.barcode) >= 4)
    type_slowly(qtbot, window.input, product.barcode, scanner=window.scanner)
    assert window.input.text() == product.barcode, "digits of the code typed by hand were eaten by the strip"
    qtbot.keyClick(window.input, Qt.Key.Key_Return)
    qtbot.wait(200)
    assert [line.barcode for line in window.cart.lines] == [product.barcode]
    assert Feedback.select().count() == 0  # nobody answered anything


def test_digits_the_csat_question_cannot_take_are_not_swallowed(qtbot, window):
    """While CSAT (1-5) is asked, the cashier types 7 (a quantity, a PLU): the strip takes
    no answer from it, yet the key is swallowed; the user sees the digit simply vanish."""
    sell(qtbot, window)
    type_slowly(qtbot, window.input, "8", scanner=window.scanner)  # NPS 8
    assert window.feedback_asker.asking() == "csat"
    type_slowly(qtbot, window.input, "7", scanner=window.scanner)
    assert window.input.text() == "7" or window.feedback_asker.asking() is None, "the 7 went nowhere"


def test_the_customer_display_counts_a_gift_for_points_in_the_points_left(qtbot, window):
    """A customer takes a gift for points (Ctrl+G) while watching their own screen (second
    monitor).  The user sees: "Points left: 1 000" while the gift has just taken 333 of them;
    the customer's screen counts only points that paid money off, never the gift's, so it
    promises points the sale will not leave (after payment the real balance is lower)."""
    from PySide6.QtCore import QRect

    from models.schema import Category, Product
    from services.programme import rewards
    from services.shop import staff as auth
    from tests.ui.helpers import scan
    from tests.ui.test_rewards_ui import richest_member
    from ui.rewards_ui import GiftDialog

    asker = window.feedback_asker
    asker.use_display(QRect(window.width(), 0, 1024, 768))
    display = asker.display
    member, card = richest_member()
    gift = (Product.select().join(Category).where(~Product.weighed & ~Category.loyalty_excluded)
            .order_by(Product.barcode).first())
    points = max(member.balance // 3, 1)
    rewards.add(gift.barcode, points, actor=auth.first_of_role("owner"))
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        scan(qtbot, window.table, card, scanner=window.scanner)
    scan(qtbot, window.table, gift.barcode, scanner=window.scanner)
    qtbot.keyClick(window.input, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.dialog, GiftDialog)
    qtbot.keyClick(window.dialog.table, Qt.Key.Key_Return)
    assert window.cart.reward_points() == points  # the gift is on the sale
    left = member.balance - points - window.priced.points_redeemed
    assert ("Points left: " + window.fmt.points(left)) in display.points.text(), display.points.text()
