"""An occasion recorded at the till in two keystrokes (Ctrl+O, then Enter), and the member
panel's line about the nearest one (services.reach.occasions does the work).

The dialog opens prefilled — a friend's birthday, today's date (a present is most often
bought on the day or just before), nobody named — so Enter alone records it; the cashier
may change the kind, type another date ("12.12" or "12.12.1990") and whom it is for.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from models.schema import Member, Occasion
from services.core.errors import InputError
from services.core.messages import _
from services.reach import occasions
from ui.errors import user_message
from ui.formatting import Formatter

SHORTCUT = "Ctrl+O"
_DATE = re.compile(r"\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*(?:[./-]\s*(\d{4}))?\s*")


def kind_name(kind: str) -> str:
    return {
        "friend_birthday": _("friend's birthday"),
        "relative_birthday": _("relative's birthday"),
        "anniversary": _("anniversary"),
        "name_day": _("name day"),
        "other": _("other occasion"),
    }.get(kind, kind)


def parse_date(text: str) -> tuple[int, int, int | None]:
    """'12.12' / '12.12.1990' (day first) -> (month, day, year or None); InputError otherwise."""
    found = _DATE.fullmatch(text or "")
    if not found:
        raise InputError("occasion_date")
    day, month, year = int(found.group(1)), int(found.group(2)), found.group(3)
    occasions.check_date(month, day, int(year) if year else None)
    return month, day, int(year) if year else None


def day_month(day: dt.date | Occasion) -> str:
    return f"{day.day:02d}.{day.month:02d}"


def occasion_line(member: Member, fmt: Formatter, today: dt.date) -> str:
    """'friend's birthday 12.12 — last year: bouquet, 1,250 ₽' for the member's nearest occasion
    ('' when they have none)."""
    found = occasions.nearest(member, today)
    if found is None:
        return ""
    occasion, day = found
    what = kind_name(occasion.kind) + (f" ({occasion.for_whom})" if occasion.for_whom else "")
    text = f"{what} {day_month(day)}"
    bought = occasions.what_was_bought(occasion, today=today)
    if bought is not None and bought.names:
        goods = ", ".join(bought.names[:2]) + ("…" if len(bought.names) > 2 else "")
        if bought.source == "last_year" or (day - bought.day).days >= 300:
            said = _("%1 — last year: %2, %3")
        else:
            said = _("%1 — bought: %2, %3")
        text = said.replace("%1", text).replace("%2", goods).replace("%3", fmt.money(bought.total))
    return text


class OccasionDialog(QDialog):
    """Kind, date, for whom; Enter saves through `save(kind, month, day, year, for_whom)`.
    A date that does not exist is said here and the dialog stays open."""

    def __init__(self, member: Member, today: dt.date,
                 save: Callable[[str, int, int, int | None, str], Occasion], parent: QWidget | None = None, *,
                 occasion: Occasion | None = None, remove: Callable[[], None] | None = None) -> None:
        """`occasion`: one to change (its values shown); `remove`: offered as a button when given."""
        super().__init__(parent)
        self.save = save
        self.saved: Occasion | None = None
        self.removed = False
        self.setWindowTitle(_("Occasion for %1").replace("%1", member.name))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        hint = QLabel(_("A date that matters to %1. The Reminders list brings it up two weeks before it comes round "
                        "again, with what was bought today.").replace("%1", member.name), self)
        hint.setWordWrap(True)
        hint.setObjectName("Muted")
        layout.addWidget(hint)
        form = QFormLayout()
        self.kind = QComboBox(self)
        for kind in occasions.KINDS:
            self.kind.addItem(kind_name(kind), kind)
        self.date = QLineEdit(day_month(today), self)
        self.date.setPlaceholderText(_("day.month or day.month.year"))
        self.for_whom = QLineEdit(self)
        self.for_whom.setMaxLength(occasions.FOR_WHOM_MAX)
        self.for_whom.setPlaceholderText(_("e.g. Marina, mother, colleagues"))
        if occasion is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(occasion.kind)))
            self.date.setText(day_month(occasion) + (f".{occasion.year}" if occasion.year else ""))
            self.for_whom.setText(occasion.for_whom)
        form.addRow(_("Occasion"), self.kind)
        form.addRow(_("Date"), self.date)
        form.addRow(_("For whom"), self.for_whom)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("Warning")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Save (Enter)"))
        ok.setObjectName("Primary")
        ok.setDefault(True)
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        if remove is not None:
            gone = box.addButton(_("Remove occasion"), QDialogButtonBox.ButtonRole.DestructiveRole)
            gone.setAutoDefault(False)
            gone.clicked.connect(lambda: self._remove(remove))
        layout.addWidget(box)
        self.for_whom.setFocus()

    def _remove(self, remove: Callable[[], None]) -> None:
        try:
            remove()
        except InputError as exc:
            self.error.setText(user_message(exc))
            self.error.show()
            return
        self.removed = True
        super().accept()

    def accept(self) -> None:
        try:
            month, day, year = parse_date(self.date.text())
            self.saved = self.save(self.kind.currentData(), month, day, year, self.for_whom.text())
        except InputError as exc:
            self.error.setText(user_message(exc))
            self.error.show()
            self.date.setFocus()
            return
        super().accept()
