"""Feedback & complaints, for the owner and managers (More… (F10); permission
"handle_complaints"): the complaints customers made after paying or that staff typed for
them, filtered by status; one opened with everything said and done about it; a follow-up
(what was done) and its new status.  The owner also says here whether customers are asked
after payment, and after every how many sales (services.reach.feedback).

Reads are a few milliseconds and run inline; writes run in the background (ui.operations).
"""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSpinBox, QSplitter,
    QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.errors import InputError
from services.core.messages import _, pgettext
from services.reach import feedback
from services.shop import staff as auth
from ui import operations
from ui.errors import user_message
from ui.formatting import Formatter
from ui.report_widgets import RowsTable, StatusLine, note


REMARKS = "remarks"  # the filter's choice of the answers with words that are not complaints


def status_name(status: str | None) -> str:
    return {"open": pgettext("complaint", "Open"), "in_progress": pgettext("complaint", "In progress"),
            "resolved": pgettext("complaint", "Resolved")}.get(status or "", "")


def _when(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


class FeedbackDialog(QDialog):
    """The complaints list, one complaint's story, the follow-up form, the asking settings."""

    followed_up = Signal(str)  # the complaint's id, after a follow-up was written

    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        auth.require(staff, "handle_complaints")
        self.staff = staff
        self.fmt = fmt
        self.current: dict[str, Any] | None = None
        self.setWindowTitle(_("Feedback & complaints"))
        self.resize(1180, 720)
        outer = QVBoxLayout(self)
        outer.addWidget(note(_("What customers said after paying: complaints are answers with words the "
                               "customer or the cashier marked as one, or a visit rated 1 or 2 with words. "
                               "Open one, write what was done, move it on."), self))
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show"), self))
        self.filter = QComboBox(self)
        for code, name in ((None, _("All complaints")), *((c, status_name(c)) for c in feedback.STATUSES),
                           (REMARKS, _("Other answers with words"))):
            self.filter.addItem(name, code)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self._asking_box())
        outer.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.table = RowsTable(split)
        self.table.itemSelectionChanged.connect(self._chosen)
        split.addWidget(self.table)
        split.addWidget(self._detail(split))
        split.setSizes([770, 410])
        outer.addWidget(split, 1)
        self.status = StatusLine("Muted", self)
        outer.addWidget(self.status)
        self.refresh()

    # --- the owner's setting ---------------------------------------------------------------------

    def _asking_box(self) -> QWidget:
        box = QFrame(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        current = feedback.asking()
        self.ask = QCheckBox(_("Ask customers after payment"), box)
        self.ask.setChecked(current.enabled)
        self.every = QSpinBox(box)
        self.every.setRange(1, feedback.EVERY_MAX)
        self.every.setValue(current.every)
        self.every.setFixedWidth(80)
        self.every.setToolTip(_("1: after each sale; 3: after every third sale (by the receipt's number)"))
        self.save_asking = QPushButton(_("Save"), box)
        self.save_asking.clicked.connect(self.store_asking)
        every, sales = QLabel(_("after every"), box), QLabel(_("sale (1: each one)"), box)
        for widget in (self.ask, every, self.every, sales, self.save_asking):
            row.addWidget(widget)
            widget.setEnabled(auth.may(self.staff, "shop_settings"))
        if not auth.may(self.staff, "shop_settings"):
            box.setToolTip(_("Only the owner changes whether customers are asked."))
        return box

    def store_asking(self) -> None:
        enabled, every, staff = self.ask.isChecked(), self.every.value(), self.staff
        operations.run(self, lambda: feedback.set_asking(staff, enabled=enabled, every=every),
                       lambda _r: self.status.setText(_("Saved.")), self._failed)

    # --- the list and one complaint --------------------------------------------------------------

    def _detail(self, parent: QWidget) -> QWidget:
        page = QFrame(parent)
        page.setObjectName("Panel")
        layout = QVBoxLayout(page)
        self.heading = QLabel(page)
        self.heading.setObjectName("Big")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.facts = QLabel(page)
        self.facts.setObjectName("Muted")
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.words = QLabel(page)
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setStyleSheet("font-size: 17px; padding: 8px; background: #fffbea; border-radius: 8px;")
        layout.addWidget(self.words)
        self.story = QLabel(page)
        self.story.setWordWrap(True)
        self.story.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.story, 1, Qt.AlignmentFlag.AlignTop)
        self.note_label = QLabel(_("Follow-up: what was done"), page)
        layout.addWidget(self.note_label)
        self.note = QPlainTextEdit(page)
        self.note.setPlaceholderText(_("Called the customer, apologised, gave a coupon…"))
        self.note.setMaximumHeight(90)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        self.status_label = QLabel(_("Status"), page)
        row.addWidget(self.status_label)
        self.new_status = QComboBox(page)
        for code in feedback.STATUSES:
            self.new_status.addItem(status_name(code), code)
        row.addWidget(self.new_status)
        row.addStretch(1)
        self.add = QPushButton(_("Add follow-up"), page)
        self.add.clicked.connect(self.add_follow_up)
        row.addWidget(self.add)
        self.mark = QPushButton(_("Treat as a complaint"), page)
        self.mark.clicked.connect(self.mark_complaint)
        row.addWidget(self.mark)
        layout.addLayout(row)
        self._show_complaint(None)
        return page

    def refresh(self, keep: str | None = None) -> None:
        code = self.filter.currentData()
        rows = feedback.remarks(self.staff) if code == REMARKS else feedback.complaints(self.staff, status=code)
        fmt = self.fmt
        self.table.show_rows(rows, [
            (_("When"), lambda r: _when(r["created_at"]), fmt.date_time, False),
            (_("Status"), lambda r: status_name(r["status"]), str, False),
            (_("Customer"), lambda r: r["member_name"] or _("Not a member"), str, False),
            (_("NPS"), lambda r: r["nps"], _score, True),
            (_("CSAT"), lambda r: r["csat"], _score, True),
            (_("Said"), lambda r: _first_line(r["text"]) or _("(erased)"), str, False),
        ])
        if not rows:
            self.status.setText(_("No complaints here."))
        else:
            self.status.clear()
        chosen = next((i for i, r in enumerate(rows) if r["id"] == keep), 0 if rows else -1)
        if chosen >= 0:
            self.table.selectRow(chosen)
        self._chosen()

    def _chosen(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.table.rows):
            self._show_complaint(None)
            return
        self._show_complaint(feedback.complaint(self.staff, self.table.rows[row]["id"]))

    def _show_complaint(self, item: dict[str, Any] | None) -> None:
        self.current = item
        for widget in (self.note, self.new_status, self.add):
            widget.setEnabled(item is not None)
        complaint = item is None or bool(item["complaint"])
        for widget in (self.note, self.new_status, self.add, self.note_label, self.status_label):
            widget.setVisible(complaint)
        self.mark.setVisible(not complaint)
        if item is None:
            self.heading.setText(_("Choose a complaint on the left."))
            self.facts.setText("")
            self.words.setText("")
            self.words.hide()
            self.story.setText("")
            return
        who = item["member_name"] or _("Not a member")
        self.heading.setText(f"{who} · {status_name(item['status'])}" if item["complaint"] else who)
        facts = [self.fmt.date_time(_when(item["created_at"]))]
        if item["receipt_no"]:
            facts.append(_("receipt %1").replace("%1", item["receipt_no"]))
        if item["cashier_name"]:
            facts.append(_("cashier %1").replace("%1", item["cashier_name"]))
        if item["nps"] is not None:
            facts.append(_("NPS %1").replace("%1", str(item["nps"])))
        if item["csat"] is not None:
            facts.append(_("CSAT %1").replace("%1", str(item["csat"])))
        self.facts.setText(" · ".join(facts))
        self.words.setText(item["text"] or _("(the customer's words were erased with their personal data)"))
        self.words.show()
        lines = []
        for n in item["notes"]:
            head = f"<b>{escape(self.fmt.date_time(_when(n['created_at'])))} · {escape(n['staff_name'])}</b>"
            if n["status"]:
                head += " → " + escape(status_name(n["status"]))
            lines.append(head + (f"<br>{escape(n['text'])}" if n["text"] else ""))
        if not item["complaint"]:
            lines = [escape(_("Not a complaint. If it is one, treat it as one: it is then open until someone "
                              "follows it up."))]
        self.story.setText("<br><br>".join(lines) if lines else escape(_("No follow-up yet.")))
        index = self.new_status.findData(item["status"])
        self.new_status.setCurrentIndex(max(0, index))

    def add_follow_up(self) -> None:
        if self.current is None:
            return
        key, text, status, staff = self.current["id"], self.note.toPlainText(), self.new_status.currentData(), self.staff

        def written(_result: object) -> None:
            self.note.clear()
            self.refresh(keep=key)
            self.status.setText(_("Follow-up added."))
            self.followed_up.emit(key)

        operations.run(self, lambda: feedback.follow_up(staff, key, text=text, status=status), written, self._failed)

    def mark_complaint(self) -> None:
        if self.current is None:
            return
        key, staff = self.current["id"], self.staff

        def marked(_result: object) -> None:
            self.refresh()
            self.status.setText(_("It is a complaint now, under “Open”."))
            self.followed_up.emit(key)

        operations.run(self, lambda: feedback.mark_complaint(staff, key), marked, self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):
            self.status.setText(user_message(exc))
        else:
            operations.show_failure(self, exc)


def _score(value: Any) -> str:
    return "—" if value is None else str(value)


def _first_line(text: str) -> str:
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= 28 else first[:27] + "…"


def open_feedback_page(window: Any) -> None:
    """More… (F10) → Feedback & complaints (ui/cashier.py)."""
    window._show(FeedbackDialog(window.staff, window.fmt, window))
