"""The owner's and manager's Reminders (More… → Reminders): whom to contact in the next N days
and with what — occasions, birthdays, overdue visits, members whose P(alive) fell — with their
phone, a suggested offer and the last contact; "Contacted…" writes the outcome into the
contact log (services.reach.contacts), which takes the reminder off for that date.

The list is counted on a worker (services.reach.reminders.due: a few SQL passes, one over the
visits), so the till's screen stays live; this page only lays it out and words it.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from models.schema import Staff, utcnow
from services.core.errors import InputError
from services.core.messages import _
from services.reach import contacts, reminders
from services.reach.reminders import Reminder
from services.shop import staff as auth
from ui import operations
from ui.errors import user_message
from ui.formatting import Formatter, mask_card
from ui.occasion_dialog import kind_name


def source_name(source: str) -> str:
    return {"occasion": _("Occasions"), "birthday": _("Birthdays"), "overdue": _("Overdue visits"),
            "lapsing": _("Slipping away (P(alive))")}.get(source, source)


def channel_name(channel: str) -> str:
    return {"call": _("call"), "sms": _("SMS"), "email": _("e-mail"), "messenger": _("messenger"),
            "in_person": _("in person"), "other": _("other")}.get(channel, channel)


def outcome_name(outcome: str) -> str:
    return {"reached": _("reached"), "no_answer": _("no answer"), "declined": _("declined"),
            "bought": _("bought"), "other": _("other")}.get(outcome, outcome)


def what_text(r: Reminder, fmt: Formatter) -> str:
    """What the reminder is about, in a line or two."""
    if r.kind == "occasion":
        text = kind_name(r.occasion_kind) + (f" — {r.for_whom}" if r.for_whom else "")
        if r.last_bought is not None and r.last_bought.names:
            text += "\n" + _("bought %1: %2, %3").replace("%1", fmt.date(r.last_bought.day)).replace(
                "%2", ", ".join(r.last_bought.names[:3])).replace("%3", fmt.money(r.last_bought.total))
        return text
    if r.kind == "birthday":
        return _("Their birthday")
    if r.kind == "overdue":
        return _("Usually every %1 days; %2 days overdue").replace(
            "%1", f"{r.usual_interval_days:g}").replace("%2", str(r.overdue_days))
    return _("P(alive) %1 %; last visit %2").replace("%1", f"{(r.p_alive or 0) * 100:.0f}").replace(
        "%2", fmt.date(r.day))


def contact_text(last: contacts.LastContact | None, fmt: Formatter) -> str:
    if last is None:
        return "—"
    text = f"{fmt.date(last.at)} · {channel_name(last.channel)}: {outcome_name(last.outcome)}"
    if last.staff_name:
        text += f" ({last.staff_name})"
    return text + (f"\n{last.note}" if last.note else "")


class ContactDialog(QDialog):
    """The outcome of contacting the member about one reminder."""

    def __init__(self, reminder: Reminder, staff: Staff, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__(parent)
        self.reminder, self.staff, self.clock = reminder, staff, clock
        self.setWindowTitle(_("Contacted %1").replace("%1", reminder.name))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        who = QLabel(f"<b>{escape(reminder.name)}</b>" + "".join(
            f" · {escape(part)}" for part in (reminder.phone, mask_card(reminder.card) if reminder.card else "") if part),
            self)
        layout.addWidget(who)
        about = QLabel(escape(f"{source_name(reminder.kind)}: {reminder.suggested_offer}"), self)
        about.setObjectName("Muted")
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.channel = QComboBox(self)
        for channel in contacts.CHANNELS:
            self.channel.addItem(channel_name(channel), channel)
        self.outcome = QComboBox(self)
        for outcome in contacts.OUTCOMES:
            self.outcome.addItem(outcome_name(outcome), outcome)
        self.note = QLineEdit(self)
        self.note.setMaxLength(contacts.NOTE_MAX)
        self.note.setPlaceholderText(_("what was said, what they want"))
        form.addRow(_("How"), self.channel)
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Note"), self.note)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("Warning")
        self.error.hide()
        layout.addWidget(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def accept(self) -> None:
        r = self.reminder
        try:
            contacts.log(r.member_id, channel=self.channel.currentData(), outcome=self.outcome.currentData(),
                         note=self.note.text(), staff=self.staff, source=r.kind, source_id=r.source_id,
                         source_date=r.day, now=self.clock())
        except InputError as exc:
            self.error.setText(user_message(exc))
            self.error.show()
            return
        super().accept()


class RemindersDialog(QDialog):
    counted = Signal(object)  # reminders.Due: a list was counted and shown

    COLUMNS = 7
    SHOWN = 500  # rows on screen: a longer list is narrowed by days or sources (the command line has all)

    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.datetime] | None = None,
                 due: Callable[..., reminders.Due] = reminders.due) -> None:
        super().__init__(parent)
        auth.require(staff, "view_reminders")
        self.staff, self.fmt, self.now, self.due = staff, fmt, clock or utcnow, due
        self.rows: list[Reminder] = []
        self.generation = 0
        self.setWindowTitle(_("Reminders: whom to contact"))
        self.resize(1240, 680)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Days ahead"), self))
        self.days = QSpinBox(self)
        self.days.setRange(0, reminders.MAX_DAYS)
        self.days.setValue(reminders.DEFAULT_DAYS)
        filters.addWidget(self.days)
        self.sources: dict[str, QCheckBox] = {}
        for source in reminders.SOURCES:
            box = QCheckBox(source_name(source), self)
            box.setChecked(True)
            box.toggled.connect(self.refresh)
            self.sources[source] = box
            filters.addWidget(box)
        self.show_contacted = QCheckBox(_("Also those contacted"), self)
        self.show_contacted.toggled.connect(self.refresh)
        filters.addWidget(self.show_contacted)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setHorizontalHeaderLabels([_("When"), _("Who"), _("What"), _("Phone"), _("Card"),
                                              _("Suggested offer"), _("Last contact")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (2, 5, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_member(index.row()))
        self.table.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setObjectName("Muted")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.contacted_button = QPushButton(_("Contacted…"), self)
        self.contacted_button.setEnabled(False)
        self.contacted_button.clicked.connect(lambda: self.contact(self.table.currentRow()))
        self.member_button = QPushButton(_("Open member"), self)
        self.member_button.setEnabled(False)
        self.member_button.clicked.connect(lambda: self.open_member(self.table.currentRow()))
        self.occasion_button = QPushButton(_("Change occasion…"), self)
        self.occasion_button.setEnabled(False)
        self.occasion_button.clicked.connect(lambda: self.change_occasion(self.table.currentRow()))
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.contacted_button)
        buttons.addWidget(self.member_button)
        buttons.addWidget(self.occasion_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.typing = QTimer(self)  # the days typed digit by digit: counted once they settle
        self.typing.setSingleShot(True)
        self.typing.setInterval(400)
        self.typing.timeout.connect(self.refresh)
        self.days.valueChanged.connect(lambda _value: self.typing.start())
        self.refresh()

    def chosen_sources(self) -> list[str]:
        return [source for source, box in self.sources.items() if box.isChecked()]

    def refresh(self) -> None:
        """Count the list on a worker; an answer to an older question is dropped."""
        self.generation += 1
        generation = self.generation
        days, sources, contacted, now = self.days.value(), self.chosen_sources(), self.show_contacted.isChecked(), self.now()
        self.status.setText(_("Counting…"))

        def landed(found: object) -> None:
            if generation == self.generation:
                self.show_rows(found)  # type: ignore[arg-type]

        def failed(exc: BaseException) -> None:
            if generation != self.generation:
                return
            if isinstance(exc, InputError):
                self.status.setText(user_message(exc))
            else:
                self.status.setText(_("The reminders could not be counted."))
                operations.show_failure(self, exc)

        operations.run(self, lambda: self.due(days, now=now, sources=sources, contacted=contacted), landed, failed)

    def show_rows(self, found: reminders.Due) -> None:
        self.rows = list(found)[:self.SHOWN]
        self.table.setRowCount(len(self.rows))
        for row, r in enumerate(self.rows):
            cells = [self.fmt.date(r.day) if r.kind in ("occasion", "birthday") else source_name(r.kind),
                     r.name, what_text(r, self.fmt), r.phone or "—", mask_card(r.card) if r.card else "—",
                     r.suggested_offer, contact_text(r.last_contact, self.fmt)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if r.contacted:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        said = [_("Reminders: %1, from %2 to %3. Double-click a row to open the member.")
                .replace("%1", str(len(found))).replace("%2", self.fmt.date(found.start))
                .replace("%3", self.fmt.date(found.end))]
        if len(found) > len(self.rows):
            said.append(_("The first %1 are shown: choose fewer days or sources to see the rest.")
                        .replace("%1", str(len(self.rows))))
        said += [reminders.note_text(code) for code in found.notes]
        self.status.setText("\n".join(said))
        self._selected()
        self.counted.emit(found)

    def _selected(self) -> None:
        chosen = 0 <= self.table.currentRow() < len(self.rows) and bool(self.table.selectedItems())
        self.contacted_button.setEnabled(chosen)
        self.member_button.setEnabled(chosen)
        self.occasion_button.setEnabled(chosen and self.rows[self.table.currentRow()].kind == "occasion")

    def contact(self, row: int) -> QDialog | None:
        if not 0 <= row < len(self.rows):
            return None
        dialog = ContactDialog(self.rows[row], self.staff, self, clock=self.now)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.contact_dialog = dialog
        return dialog

    def change_occasion(self, row: int) -> QDialog | None:
        """The occasion's kind, date and whom it is for changed, or the occasion removed."""
        if not 0 <= row < len(self.rows) or self.rows[row].kind != "occasion":
            return None
        from models.schema import Member
        from services.reach import occasions
        from ui.occasion_dialog import OccasionDialog

        r = self.rows[row]
        occasion = occasions.get(r.source_id)
        dialog = OccasionDialog(
            Member.get_by_id(r.member_id), r.day,
            lambda kind, month, day, year, whom: occasions.edit(
                r.source_id, kind=kind, month=month, day=day, year=year, for_whom=whom, now=self.now()),
            self, occasion=occasion, remove=lambda: occasions.remove(r.source_id, now=self.now()))
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.occasion_dialog = dialog
        return dialog

    def open_member(self, row: int) -> QDialog | None:
        if not 0 <= row < len(self.rows):
            return None
        from ui.member_profile import MemberProfileDialog
        from ui.reports_page import Sources

        dialog = MemberProfileDialog(self.rows[row].member_id, self.fmt, Sources(), self.now, self)
        dialog.open()
        self.member_dialog = dialog
        return dialog

    def reminder_at(self, row: int) -> dict[str, Any]:
        return self.rows[row].as_json()
