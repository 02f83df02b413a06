"""Feedback & complaints for the owner and managers (ui/feedback_page.py): found under More…,
filtered by status, a complaint opened, a follow-up added and its status moved on."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QApplication

from models.schema import Feedback, Sale
from services.reach import feedback
from services.shop import staff as auth
from ui.feedback_page import FeedbackDialog

SHOTS = Path("/tmp/shots5")


def complaints() -> dict[str, Feedback]:
    sales = list(Sale.select().where(Sale.member.is_null(False)).order_by(Sale.created_at.desc()).limit(3))
    now = dt.datetime(2026, 12, 1, 9, 0)
    return {
        "rude": feedback.record(source="display", nps=2, csat=1, sale=sales[0], now=now,
                                text="The cashier was rude when I asked about the points."),
        "queue": feedback.record(source="till", nps=5, csat=2, sale=sales[1], now=now + dt.timedelta(hours=3),
                                 text="Only one till open, waited 15 minutes."),
        "price": feedback.record(source="cli", nps=6, text="Milk price on the shelf differed from the receipt.",
                                 complaint=True, sale=sales[2], now=now + dt.timedelta(hours=5)),
        "praise": feedback.record(source="cli", nps=10, csat=5, text="Lovely bakery!", now=now),
    }


def test_the_menu_line_is_for_managers_and_owners(qtbot, window):
    window.show_more()
    assert not any("Feedback" in a.text() for a in window.more_menu.actions())
    window.more_menu.close()
    window.staff = auth.first_of_role("manager")
    window.show_more()
    line = next(a for a in window.more_menu.actions() if a.text() == "Feedback & complaints…")
    window.more_menu.close()
    line.trigger()
    assert isinstance(window.dialog, FeedbackDialog) and window.dialog.isVisible()


def test_filter_open_follow_up_and_move_on(qtbot, app_styled, shop_db):
    made = complaints()
    manager = auth.first_of_role("manager")
    feedback.follow_up(manager, made["price"].id, text="Shelf label fixed", status="resolved",
                       now=dt.datetime(2026, 12, 1, 15, 0))
    dialog = FeedbackDialog(manager, _fmt(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = [r["id"] for r in dialog.table.rows]
    assert shown == [str(made["price"].id), str(made["queue"].id), str(made["rude"].id)]  # newest first, no praise
    dialog.filter.setCurrentIndex(dialog.filter.findData("open"))
    assert [r["id"] for r in dialog.table.rows] == [str(made["queue"].id), str(made["rude"].id)]
    dialog.table.selectRow(1)
    assert "rude" in dialog.words.text() and dialog.current["id"] == str(made["rude"].id)
    assert "No follow-up yet" in dialog.story.text()
    assert not dialog.ask.isEnabled()  # asking is the owner's setting
    dialog.note.setPlainText("Called her, apologised; 200 points as a sorry.")
    dialog.new_status.setCurrentIndex(dialog.new_status.findData("in_progress"))
    with qtbot.waitSignal(dialog.followed_up, timeout=10_000):
        dialog.add.click()
    assert Feedback.get_by_id(made["rude"].id).status == "in_progress"
    assert dialog.status.text() == "Follow-up added."
    assert [r["id"] for r in dialog.table.rows] == [str(made["queue"].id)]  # it left the open ones
    dialog.filter.setCurrentIndex(dialog.filter.findData("in_progress"))
    assert [r["id"] for r in dialog.table.rows] == [str(made["rude"].id)]
    assert "Called her" in dialog.story.text() and manager.name in dialog.story.text()
    dialog.resize(1180, 640)
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    assert dialog.grab().save(str(SHOTS / "feedback_complaints.png"))


def test_other_answers_with_words_can_be_treated_as_a_complaint(qtbot, app_styled, shop_db):
    made = complaints()
    remark = feedback.record(source="till", nps=7, text="Could you stock oat milk?", now=dt.datetime(2026, 12, 2))
    dialog = FeedbackDialog(auth.first_of_role("manager"), _fmt(), None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.filter.setCurrentIndex(dialog.filter.findData("remarks"))
    assert [r["id"] for r in dialog.table.rows] == [str(remark.id), str(made["praise"].id)]
    assert dialog.mark.isVisible() and not dialog.add.isVisible()
    with qtbot.waitSignal(dialog.followed_up, timeout=10_000):
        dialog.mark.click()
    assert Feedback.get_by_id(remark.id).status == "open" and "Open" in dialog.status.text()
    assert [r["id"] for r in dialog.table.rows] == [str(made["praise"].id)]


def test_an_empty_follow_up_is_refused_in_a_sentence(qtbot, app_styled, shop_db):
    complaints()
    dialog = FeedbackDialog(auth.first_of_role("owner"), _fmt(), None)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    dialog.new_status.setCurrentIndex(dialog.new_status.findData(dialog.current["status"]))
    dialog.add.click()
    qtbot.waitUntil(lambda: dialog.status.text() != "", timeout=10_000)
    assert dialog.status.text() == "Write what was done, or change the status."


def test_the_owner_sets_asking(qtbot, app_styled, shop_db):
    dialog = FeedbackDialog(auth.first_of_role("owner"), _fmt(), None)
    qtbot.addWidget(dialog)
    assert dialog.ask.isEnabled() and dialog.ask.isChecked() and dialog.every.value() == 1
    dialog.ask.setChecked(True)
    dialog.every.setValue(3)
    dialog.save_asking.click()
    qtbot.waitUntil(lambda: dialog.status.text() == "Saved.", timeout=10_000)
    assert feedback.asking() == feedback.Asking(enabled=True, every=3)


def _fmt():
    from services.shop.settings import shop_info
    from ui.formatting import Formatter

    info = shop_info()
    return Formatter(info.currency, info.locale, info.time_zone)
