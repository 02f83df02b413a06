"""The owner's programme screens: edit, check, publish; the next sale follows the new rules."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from models.schema import Card, Category, Member, Product, RuleSet, Sale
from services.shop import staff as auth
from services.programme import rules as rules_service
from services.members.registry import active_card
from services.core.money import percent
from services.programme.pricing import Customer, price_cart
from services.shop.settings import shop_info
from tests.ui.helpers import fake_scanner, type_slowly
from ui.pay_dialog import PayDialog
from ui.programme_dialog import ProgrammeDialog
from ui.programme_forms import FormDialog


@pytest.fixture
def owner_window(qtbot, app_styled, shop_db):
    from ui.cashier import CashierWindow

    info = shop_info()
    win = CashierWindow(auth.login("1111"), __import__("tests.ui.conftest", fromlist=["RESOURCES"]).RESOURCES,
                        scanner=fake_scanner(prefix=info.scan_prefix, suffix=info.scan_suffix))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)


def _set(qtbot, window, edit: QLineEdit, text: str) -> None:
    edit.clear()
    if text.isascii():  # slowly: fast digits are the scanner's (ui.scanner)
        type_slowly(qtbot, edit, text, scanner=window.scanner)
    else:  # QTest cannot type Cyrillic offscreen (it aborts): paste it as a keyboard layout would
        edit.insert(text)


def _more_items(window) -> list[str]:
    window.show_more()
    items = [a.text() for a in window.more_menu.actions()]
    window.more_menu.close()
    return items


def test_only_the_owner_sees_the_programme(window, owner_window):
    assert not any("programme" in text for text in _more_items(window))
    window._act(window.open_programme)  # even if reached another way: refused, in words
    assert window.message.kind() == "error" and "owner" in window.message.text()
    assert window.dialog is None
    assert "Loyalty programme (owner)…" in _more_items(owner_window)


def test_owner_edits_publishes_and_the_next_sale_applies_it(qtbot, owner_window):
    window = owner_window
    old = rules_service.active_rules()
    product = Product.select().join(Category).where(Category.loyalty_excluded == False).order_by(Product.barcode).first()  # noqa: E712
    category = Category.get_by_id(product.category_id).name

    window.show_more()
    entry = next(a for a in window.more_menu.actions() if a.text() == "Loyalty programme (owner)…")
    entry.trigger()
    window.more_menu.close()
    dialog = window.dialog
    assert isinstance(dialog, ProgrammeDialog)
    _set(qtbot, owner_window, dialog.form.editor("earn_bp"), "12,5")
    dialog.tabs.setCurrentIndex(2)  # promotions
    item = dialog.add_promotion()
    assert isinstance(item, FormDialog)
    form = item.form
    _set(qtbot, owner_window, form.editor("code"), "owner10")
    _set(qtbot, owner_window, form.editor("name"), "Owner's 10 %")
    _set(qtbot, owner_window, form.editor("percent"), "10")
    _set(qtbot, owner_window, form.editor("categories"), category)
    item.try_accept()
    assert not item.isVisible()
    assert dialog.promo_table.rowCount() == 1 and dialog.promo_table.item(0, 0).text() == "owner10"

    # A mistake is explained, and nothing is published.
    dialog.tabs.setCurrentIndex(0)
    _set(qtbot, owner_window, dialog.form.editor("max_discount_bp"), "120")
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert "0–100 %" in dialog.problems.text() and RuleSet.select().count() == 1
    _set(qtbot, owner_window, dialog.form.editor("max_discount_bp"), "50")

    dialog.tabs.setCurrentIndex(4)  # preview on an example cart
    assert dialog.preview_model.rowCount() > 0
    assert "owner10" not in dialog.preview_totals.text()

    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert dialog.publish_box.isVisible() and RuleSet.select().count() == 1  # asked first, nothing yet
    with qtbot.waitSignal(dialog.programme_published, timeout=10_000):
        dialog.publish_box.button(QMessageBox.StandardButton.Yes).click()
    stored = rules_service.active_rules()
    assert stored.version == old.version + 1 and stored.earn_bp == 1250
    assert [p.code for p in stored.promotions] == ["owner10"]
    assert json.loads(RuleSet.get(RuleSet.version == stored.version).body)["earn_bp"] == 1250
    dialog.reject()

    member = (Member.select().join(Card).where((Card.status == "active") & (Member.tier == "base")).first())
    window.handle_code(active_card(member).number)
    window.add_product(product.barcode, 2)
    line = window.priced.lines[0]
    assert line.discount == percent(2 * product.price, 1000)
    assert any(r["code"] == "promo_discount" for r in line.reasons)
    assert "Owner's 10 %" in window.model.data(window.model.index(0, window.model.WHY))
    expected = price_cart(window.cart.lines, Customer(tier="base", balance=member.balance), stored)
    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog)
    pay.cash.setText(str(-(-pay.to_pay // 100)))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)
    sale = Sale.get(Sale.receipt_no == window.last_sale.receipt_no)
    assert sale.rule_version == stored.version
    assert sale.discount == expected.discount > 0
    assert sale.points_earned == expected.points_earned
    old_way = price_cart([pl.line for pl in window.last_sale.priced.lines], Customer(tier="base", balance=member.balance), old)
    assert old_way.discount == 0 and old_way.points_earned < sale.points_earned


def test_validation_lists_every_problem(qtbot, owner_window):
    owner_window.open_programme()
    dialog = owner_window.dialog
    dialog.tiers.append(rules_service.Tier("twin", "Twin", 0))
    assert dialog.check() is False
    text = dialog.problems.text()
    assert "overlap" in text and text.count("•") == 1


def test_what_if_runs_on_a_worker_and_exports_csv(qtbot, owner_window, tmp_path):
    from ui.whatif_dialog import WhatIfDialog

    owner_window.open_programme()
    dialog = owner_window.dialog
    _set(qtbot, owner_window, dialog.form.editor("earn_bp"), "10")
    dialog.open_whatif()
    what = dialog.whatif
    assert isinstance(what, WhatIfDialog)
    with qtbot.waitSignal(what.replay_finished, timeout=10_000):
        what.run_button.click()
    result = what.result
    assert result.simulated.points_issued > result.actual.points_issued > 0
    assert result.simulated.discount == result.actual.discount
    assert what.progress.value() == what.progress.maximum() == result.actual.sales
    assert what.table.rowCount() == 8 and what.chart.groups[0][1] == result.simulated.discount
    path = tmp_path / "w.csv"
    what.export_csv(path)
    assert path.read_text().splitlines()[1] == f"sales,{result.simulated.sales},{result.actual.sales},0"


def test_a_coupon_typed_at_the_till_applies_and_is_explained(qtbot, window):
    import dataclasses

    from services.programme.rules import Coupon, Promotion

    current = rules_service.active_rules()
    rules_service.publish(dataclasses.replace(
        current, promotions=(Promotion("c15", "Купон −15 %", "discount", bp=1500, coupon=True),),
        coupons=(Coupon("AUTUMN", "c15"),)))
    window._programme_changed()
    member = Member.select().join(Card).where(Card.status == "active").first()
    window.handle_code(active_card(member).number)
    product = Product.select().join(Category).where(Category.loyalty_excluded == False).order_by(Product.barcode).first()  # noqa: E712
    window.add_product(product.barcode)
    assert window.priced.discount == 0
    window.input.setFocus()
    type_slowly(qtbot, window.input, "autumn", scanner=window.scanner)
    qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert [c.code for c in window.cart.coupons] == ["AUTUMN"]
    assert window.priced.discount == percent(product.price, 1500)
    assert "AUTUMN" in window.message.text()
    assert "Купон −15 %" in window.model.data(window.model.index(0, window.model.WHY))
    type_slowly(qtbot, window.input, "AUTUMN", scanner=window.scanner)
    qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert window.message.kind() == "error" and len(window.cart.coupons) == 1


def test_a_draft_is_kept_apart_and_opened_again(qtbot, owner_window):
    owner_window.open_programme()
    dialog = owner_window.dialog
    assert not dialog.open_draft_button.isEnabled()
    before = rules_service.active_rules()
    dialog.form.editor("earn_bp").setText("9")
    dialog.save_draft()
    assert rules_service.active_rules() == before  # a draft never applies
    assert rules_service.draft_rules().earn_bp == 900
    dialog.form.editor("earn_bp").setText("1")
    dialog.open_draft()
    assert dialog.form.editor("earn_bp").text() == "9"
    assert "draft" in dialog.heading.text()
