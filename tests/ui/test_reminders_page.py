"""An occasion recorded at the till with two keys (Ctrl+O, Enter), linked to the sale once it
is paid and shown on the member panel; the Reminders page (More…, manager and owner only)
lists it, "Contacted…" takes it off, a double-click opens the member."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.schema import Card, Member, Occasion, Product, Sale
from services.core.errors import PermissionDenied
from services.members.registry import active_card
from services.reach import contacts
from services.shop import staff as auth
from tests.ui.helpers import scan
from tests.ui.test_owner_screens import _more_items
from ui.occasion_dialog import OccasionDialog, occasion_line
from ui.pay_dialog import PayDialog

REMINDERS = "Reminders: whom to contact…"


def _member_with_card() -> tuple[Member, str]:
    member = (Member.select().join(Card).where(Card.status == "active")
              .order_by(Member.created_at).first())
    return member, active_card(member).number


def _today(window) -> dt.date:
    return window.fmt.shop_now(window.now()).date()


def _pay(qtbot, window) -> None:
    window.pay_button.click()
    pay = window.dialog
    assert isinstance(pay, PayDialog)
    pay.cash.setText(str(-(-pay.to_pay // 100_000) * 1000))
    with qtbot.waitSignal(window.sale_completed, timeout=10_000):
        qtbot.keyClick(pay.cash, Qt.Key.Key_Return)


def _open_reminders(qtbot, window):
    from ui.reminders_page import RemindersDialog

    window._act(window.open_reminders)
    dialog = window.dialog
    assert isinstance(dialog, RemindersDialog)
    if not dialog.rows and dialog.status.text() in ("", "Counting…"):
        with qtbot.waitSignal(dialog.counted, timeout=20_000):
            pass
    return dialog


def test_an_occasion_recorded_with_two_keys_is_linked_to_the_sale_and_on_the_reminders(qtbot, window):
    member, card = _member_with_card()
    with qtbot.waitSignal(window.member_found, timeout=10_000):
        scan(qtbot, window.table, card, scanner=window.scanner)
    product = Product.select().order_by(Product.barcode).first()
    scan(qtbot, window.table, product.barcode, scanner=window.scanner)
    assert window.member_panel.occasion.isHidden()  # none yet

    qtbot.keyClick(window.input, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = window.dialog
    assert isinstance(dialog, OccasionDialog)
    today = _today(window)
    assert dialog.kind.currentData() == "friend_birthday" and dialog.date.text() == f"{today:%d.%m}"
    qtbot.keyClick(dialog.for_whom, Qt.Key.Key_Return)  # the second key: saved as it stands
    assert not dialog.isVisible()
    recorded = Occasion.get(Occasion.member == member.id)
    assert (recorded.kind, recorded.month, recorded.day, recorded.sale_id) == ("friend_birthday", today.month,
                                                                              today.day, None)
    assert window.member_panel.occasion.isVisible()
    assert window.member_panel.occasion.text().startswith(f"friend's birthday {today:%d.%m}")
    assert window.message.kind() == "ok" and member.name in window.message.text()

    _pay(qtbot, window)
    sale = Sale.get(Sale.receipt_no == window.last_sale.receipt_no)
    assert Occasion.get_by_id(recorded.id).sale_id == sale.id  # linked once written
    line = occasion_line(member, window.fmt, today)
    assert product.name in line and window.fmt.money(sale.total) in line

    # After the sale, on the empty counter: another occasion for the same member, a date typed.
    window.activateWindow()  # the pay dialog had the focus (offscreen, nobody gives it back)
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window.input, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    second = window.dialog
    assert isinstance(second, OccasionDialog), window.message.text()
    second.kind.setCurrentIndex(second.kind.findData("anniversary"))
    second.date.setText("31.04")
    qtbot.keyClick(second.for_whom, Qt.Key.Key_Return)
    assert second.isVisible() and "does not exist" in second.error.text()  # said here, not closed
    later = today + dt.timedelta(days=5)
    second.date.setText(f"{later:%d.%m}")
    second.for_whom.setText("parents")
    qtbot.keyClick(second.for_whom, Qt.Key.Key_Return)
    assert not second.isVisible()
    assert Occasion.get(Occasion.for_whom == "parents").sale_id == sale.id

    # The cashier has no Reminders; the manager finds them under More… and sees both.
    assert REMINDERS not in _more_items(window)
    window._act(window.open_reminders)
    assert window.message.kind() == "error" and window.dialog is None
    window.set_staff(auth.first_of_role("manager"))
    assert REMINDERS in _more_items(window)
    page = _open_reminders(qtbot, window)
    mine = [(r.kind, r.for_whom, r.day) for r in page.rows if r.member_id == str(member.id)]
    assert ("occasion", "", today) in mine and ("occasion", "parents", later) in mine
    row = next(i for i, r in enumerate(page.rows) if r.kind == "occasion" and r.for_whom == "parents")
    assert page.table.item(row, 1).text() == member.name
    assert product.name in page.table.item(row, 2).text()  # what was bought for it
    assert page.table.item(row, 3).text() == (member.phone or "—")

    # Contacted…: the outcome is logged and the reminder leaves the list for this year.
    page.table.selectRow(row)
    assert page.contacted_button.isEnabled()
    contact = page.contact(row)
    contact.outcome.setCurrentIndex(contact.outcome.findData("bought"))
    contact.note.setText("ordered lilies")
    with qtbot.waitSignal(page.counted, timeout=20_000):
        contact.accept()
    assert [c.outcome for c in contacts.of_member(member.id)] == ["bought"]
    assert not any(r.for_whom == "parents" for r in page.rows)
    left = next(i for i, r in enumerate(page.rows) if r.kind == "occasion" and r.member_id == str(member.id))
    assert "ordered lilies" in page.table.item(left, 6).text()  # the member's last contact on the other one
    with qtbot.waitSignal(page.counted, timeout=20_000):
        page.show_contacted.setChecked(True)
    assert any(r.for_whom == "parents" and r.contacted for r in page.rows)

    # A double-click opens the member.
    profile = page.open_member(left)
    assert profile is not None and profile.windowTitle() == member.name
    with qtbot.waitSignal(profile.view.shown, timeout=20_000):  # their profile, counted on a worker
        pass
    profile.reject()


def test_the_page_is_refused_to_a_cashier(qtbot, app_styled, shop_db):
    from ui.formatting import Formatter
    from ui.reminders_page import RemindersDialog

    with pytest.raises(PermissionDenied):
        RemindersDialog(auth.first_of_role("cashier"), Formatter("RUB", "ru_RU"))


def test_a_long_list_shows_its_first_rows_and_says_how_many_there_are(qtbot, app_styled, shop_db):
    from services.reach import reminders
    from ui.formatting import Formatter
    from ui.reminders_page import RemindersDialog

    start = dt.date(2026, 12, 1)
    many = [reminders.Reminder("birthday", f"00000000-0000-0000-0000-{n:012d}", f"Member {n}", None, None,
                               start, f"00000000-0000-0000-0000-{n:012d}") for n in range(RemindersDialog.SHOWN + 20)]
    asked = []

    def due(days, *, now, sources, contacted):
        asked.append((days, tuple(sources), contacted))
        return reminders.Due(many, start, start + dt.timedelta(days=days), ["no_fit"])

    page = RemindersDialog(auth.first_of_role("manager"), Formatter("RUB", "ru_RU"), due=due)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=10_000)
    assert page.table.rowCount() == RemindersDialog.SHOWN
    status = page.status.text()
    assert f"Reminders: {RemindersDialog.SHOWN + 20}," in status and f"The first {RemindersDialog.SHOWN}" in status
    assert "No lifetime fit" in status
    assert asked == [(14, ("occasion", "birthday", "overdue", "lapsing"), False)]
    with qtbot.waitSignal(page.counted, timeout=10_000):
        page.sources["overdue"].setChecked(False)
    assert asked[-1] == (14, ("occasion", "birthday", "lapsing"), False)


def test_days_typed_digit_by_digit_are_counted_once(qtbot, app_styled, shop_db):
    from services.reach import reminders
    from ui.formatting import Formatter
    from ui.reminders_page import RemindersDialog

    asked = []

    def due(days, *, now, sources, contacted):
        asked.append(days)
        return reminders.Due([], dt.date(2026, 12, 1), dt.date(2026, 12, 1) + dt.timedelta(days=days), [])

    page = RemindersDialog(auth.first_of_role("owner"), Formatter("RUB", "ru_RU"), due=due)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.status.text().startswith("Reminders: 0"), timeout=10_000)  # the first shown
    with qtbot.waitSignal(page.counted, timeout=10_000):
        page.days.setValue(3)
        page.days.setValue(30)
    assert asked == [14, 30] and not page.typing.isActive()  # 3 was never counted, nothing more waits


def test_an_occasion_is_changed_and_removed_from_the_page(qtbot, app_styled, shop_db):
    from models.schema import utcnow
    from services.reach import occasions
    from ui.formatting import Formatter
    from ui.reminders_page import RemindersDialog

    member, _card = _member_with_card()
    fmt = Formatter("RUB", "ru_RU")
    soon = fmt.shop_now(utcnow()).date() + dt.timedelta(days=3)
    made = occasions.add(member, "name_day", soon.month, soon.day, for_whom="Ira")
    page = RemindersDialog(auth.first_of_role("manager"), fmt)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: any(r.source_id == str(made.id) for r in page.rows), timeout=20_000)
    row = next(i for i, r in enumerate(page.rows) if r.source_id == str(made.id))
    page.table.selectRow(row)
    assert page.occasion_button.isEnabled()
    dialog = page.change_occasion(row)
    assert (dialog.kind.currentData(), dialog.date.text(), dialog.for_whom.text()) == (
        "name_day", f"{soon:%d.%m}", "Ira")
    dialog.for_whom.setText("Irina")
    dialog.date.setText(f"{soon + dt.timedelta(days=1):%d.%m}.1990")
    with qtbot.waitSignal(page.counted, timeout=20_000):
        dialog.accept()
    changed = occasions.get(made.id)
    assert (changed.for_whom, changed.day, changed.year) == ("Irina", (soon + dt.timedelta(days=1)).day, 1990)
    row = next(i for i, r in enumerate(page.rows) if r.source_id == str(made.id))
    dialog = page.change_occasion(row)
    from PySide6.QtWidgets import QPushButton

    remove = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Remove occasion")
    with qtbot.waitSignal(page.counted, timeout=20_000):
        remove.click()
    assert dialog.removed
    assert not any(r.source_id == str(made.id) for r in page.rows) and occasions.of_member(member) == []
