"""The cashier's offer panel: a scanned member's three offers, applied with Alt+1..3."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.schema import Card, Member, Product, utcnow
from services.members.registry import active_card
from services.reach import baskets
from tests.ui.helpers import scan
from ui import operations
from tests.unit.reach.offerkit import issue_coupon, programme_with_campaign, sell


@pytest.fixture
def history(shop_db, cashier):
    """The demo's richest member buys the first product every 7 days (last 20 days ago, so due);
    others buy it with the second one; she holds a campaign's coupon."""
    now = utcnow()
    programme_with_campaign(since=now - dt.timedelta(minutes=1))
    member = (Member.select().join(Card).where(Card.status == "active").order_by(Member.balance.desc()).first())
    due, companion = list(Product.select().where(Product.weighed == False).order_by(Product.barcode).limit(2))  # noqa: E712
    for back in (34, 27, 20):
        sell([due.barcode], now - dt.timedelta(days=back), cashier, member)
    for n in range(12):
        sell([due.barcode, companion.barcode], now - dt.timedelta(days=40 + n), cashier)
    issue_coupon(member, "AUTUMN77", now + dt.timedelta(days=10), created_at=now - dt.timedelta(days=1))
    baskets.refresh(now=now, force=True)
    return {"member": member, "card": active_card(member).number, "due": due, "companion": companion}


@pytest.fixture
def till(history, window):
    window.session.programme_changed()  # the campaign published after the window opened
    return window


def test_scan_a_member_see_three_offers_and_apply_them_with_their_keys(qtbot, till, history):
    panel = till.offers
    assert not panel.isVisible()
    with qtbot.waitSignal(panel.offers_shown, timeout=10_000) as shown:
        scan(qtbot, till.input, history["card"], scanner=till.scanner)
    found = shown.args[0]
    assert panel.isVisible()
    assert sorted(s.kind for s in found) == ["companion", "coupon", "due"]
    by_kind = {s.kind: (i, s) for i, s in enumerate(found)}
    assert by_kind["due"][1].barcode == history["due"].barcode
    assert "every ~7 days; last 20 days ago" in by_kind["due"][1].text
    assert by_kind["companion"][1].barcode == history["companion"].barcode
    assert by_kind["coupon"][1].coupon == "AUTUMN77"
    assert [row.text.text() for row in panel.rows] == [s.text for s in found]
    assert [row.key.text().split(" · ")[0] for row in panel.rows] == ["Alt+1", "Alt+2", "Alt+3"]

    # Its key puts the due product on the sale; the offer shows done and its key does nothing more.
    index = by_kind["due"][0]
    with qtbot.waitSignal(panel.offer_applied, timeout=2_000):
        qtbot.keyClick(till.input, getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.AltModifier)
    assert [(line.barcode, line.qty) for line in till.cart.lines] == [(history["due"].barcode, 1)]
    assert not panel.rows[index].isEnabled() and panel.rows[index].key.text().startswith("✓ ")
    qtbot.keyClick(till.input, getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.AltModifier)
    assert [(line.barcode, line.qty) for line in till.cart.lines] == [(history["due"].barcode, 1)]

    # The coupon's key presents the coupon: the campaign's discount is on the bill.
    index = by_kind["coupon"][0]
    qtbot.keyClick(till.input, getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.AltModifier)
    assert [c.code for c in till.cart.coupons] == ["AUTUMN77"]
    assert till.priced.discount >= history["due"].price // 10
    # The companion's row is clicked.
    index = by_kind["companion"][0]
    qtbot.mouseClick(panel.rows[index], Qt.MouseButton.LeftButton)
    assert [line.barcode for line in till.cart.lines] == [history["due"].barcode, history["companion"].barcode]

    # The member dropped: the offers go, and their keys do nothing.
    qtbot.keyClick(till.input, Qt.Key.Key_Escape)
    assert till.cart.member is None
    assert not panel.isVisible()
    qtbot.keyClick(till.input, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert len(till.cart.lines) == 2


def test_offers_landing_for_a_member_no_longer_on_the_sale_are_dropped(qtbot, till, history):
    panel = till.offers
    panel.member_scanned(history["member"])
    till.session.drop_member()
    till.redraw(till.session.reprice())  # dropped before the worker answered
    assert operations.in_flight() >= 1
    qtbot.waitUntil(lambda: operations.in_flight() == 0, timeout=10_000)
    assert not panel.isVisible() and all(row.suggestion is None for row in panel.rows)
    # The same member scanned again gets their offers.
    with qtbot.waitSignal(panel.offers_shown, timeout=10_000):
        scan(qtbot, till.input, history["card"], scanner=till.scanner)
    assert panel.isVisible()
