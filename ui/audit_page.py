"""The owner's audit log: who did what sensitive, when, on which till; newest first.

Filters by action, person and days (the shop's local days).  The entries come
from services.journal.audit; this page only words and lays them out.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.messages import _
from services.journal import audit
from services.shop import staff as auth
from ui.formatting import Formatter

LIMIT = 500


def action_name(action: str) -> str:
    """Each action in the shop's language (the catalogue has one line for each)."""
    names = {
        "return": _("Return"),
        "manual_discount": _("Manual discount"),
        "adjust_balance": _("Points adjusted"),
        "card_blocked": _("Card blocked"),
        "card_unblocked": _("Card unblocked"),
        "staff_added": _("Person added"),
        "staff_changed": _("Person changed"),
        "staff_disabled": _("Person disabled"),
        "pin_changed": _("PIN changed"),
        "role_changed": _("Role changed"),
        "sign_in_failed": _("Wrong PIN"),
        "sign_in_locked": _("Sign-in locked"),
        "rules_published": _("Programme published"),
        "backup_made": _("Backup made"),
        "backup_restored": _("Backup restored"),
        "personal_data_exported": _("Personal data exported"),
        "personal_data_erased": _("Personal data erased"),
        "settings_changed": _("Settings changed"),
        "import": _("Data imported"),
        "messages_exported": _("Messages exported for sending"),
        "reward_added": _("Gift for points added"),
        "reward_changed": _("Gift for points changed"),
    }
    return names.get(action, action)


def detail_text(details: dict[str, Any], fmt: Formatter) -> str:
    """The entry's details, money and percentages as the shop writes them."""
    labels = {
        "refund": _("refund"), "discount": _("discount"), "percent_bp": _("rate"), "delta": _("points"),
        "note": _("reason"), "cashier": _("cashier"), "member": _("member"), "card": _("card"),
        "failures": _("wrong PINs in a row"), "seconds": _("locked for (s)"), "name": _("name"),
        "points_reversed": _("points taken back"), "points_restored": _("points given back"),
        "effective_from": _("from"),
        "kind": _("what"), "rows": _("rows"), "imported": _("new"), "updated": _("updated"),
        "skipped": _("unchanged"), "channel": _("channel"), "members": _("members"), "file": _("file"), "errors": _("refused"), "warnings": _("warnings"), "stopped": _("stopped"),
    }
    parts = []
    for key, value in details.items():
        if value in ("", None, 0) and key not in ("delta",):
            continue
        if key in ("refund", "discount") and isinstance(value, int):
            shown = fmt.money(value)
        elif key == "percent_bp" and isinstance(value, int):
            shown = fmt.percent(value)
        elif key == "delta" and isinstance(value, int):
            shown = fmt.points(value)
        else:
            shown = str(value)
        parts.append(f"{labels.get(key, key)}: {shown}")
    return "; ".join(parts)


def _utc_start(day: QDate) -> dt.datetime:
    """The start of the shop's local day, as the log's UTC time."""
    utc = QDateTime(day, QTime(0, 0)).toUTC()
    d, t = utc.date(), utc.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


class AuditLogDialog(QDialog):
    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        auth.require(staff, "read_audit")
        self.fmt = fmt
        self.setWindowTitle(_("Audit log"))
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.action = QComboBox(self)
        self.action.addItem(_("All actions"), "")
        for action in sorted(audit.ACTIONS, key=action_name):
            self.action.addItem(action_name(action), action)
        self.person = QComboBox(self)
        self.person.addItem(_("Everyone"), "")
        for name in sorted({p.name for p in Staff.select(Staff.name)}, key=str.casefold):
            self.person.addItem(name, name)
        today = QDate.currentDate()
        self.use_dates = QCheckBox(_("Only from"), self)
        self.since = QDateEdit(today.addDays(-30), self)
        self.until = QDateEdit(today, self)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(fmt.qlocale().dateFormat(fmt.qlocale().FormatType.ShortFormat))
        filters.addWidget(QLabel(_("Action"), self))
        filters.addWidget(self.action, 1)
        filters.addWidget(QLabel(_("Person"), self))
        filters.addWidget(self.person, 1)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since)
        filters.addWidget(QLabel(_("to"), self))
        filters.addWidget(self.until)
        layout.addLayout(filters)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([_("When"), _("Action"), _("Who"), _("To what"), _("Till"), _("Details")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.count = QLabel(self)
        self.count.setObjectName("Muted")
        layout.addWidget(self.count)
        self.action.currentIndexChanged.connect(self.refresh)
        self.person.currentIndexChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        self.since.dateChanged.connect(self.refresh)
        self.until.dateChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """A quick read (an index on action and time, at most LIMIT rows): inline."""
        since = until = None
        if self.use_dates.isChecked():
            since, until = _utc_start(self.since.date()), _utc_start(self.until.date().addDays(1))
        found = audit.entries(action=self.action.currentData() or None, staff_name=self.person.currentData() or None,
                              since=since, until=until, limit=LIMIT)
        self.entries = found
        self.table.setRowCount(len(found))
        for row, entry in enumerate(found):
            cells = [self.fmt.date(entry.created_at), action_name(entry.action), entry.staff_name, entry.target,
                     entry.till_name, detail_text(entry.details, self.fmt)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 1 and entry.action in ("sign_in_failed", "sign_in_locked"):
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if len(found) >= LIMIT:
            self.count.setText(_("The newest %1 entries; narrow the filters to see older ones.").replace("%1", str(LIMIT)))
        else:
            self.count.setText(_("Entries shown: %1").replace("%1", str(len(found))))
