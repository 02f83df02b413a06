"""A member's profile for the owner and the manager: what they buy (top categories and
products), when (weekday, hour, usual interval, last visit), how much (visits, items), for
what sum (total, average), and the model's outlook (P(alive), visits expected in 90 days,
CLV).  Counted on a worker (services.insights.customers.profile and lifetime.member_outlook
through the Reports page's Sources); shown in the member's dialog and from a segment's list.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (QDialog, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from services.core.messages import _, ngettext
from services.insights import export, wording
from ui import operations
from ui.formatting import Formatter
from ui.programme_forms import weekday_names
from ui.widgets import section_title


def flat(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile's values under their own names, whether the service grouped them
    ("what", "when", "how_much", "sum") or not; the first of a name wins."""
    out: dict[str, Any] = {}
    for key, value in profile.items():
        if isinstance(value, dict) and key not in ("top_categories", "top_products", "outlook"):
            for inner, item in flat(value).items():
                out.setdefault(inner, item)
        else:
            out.setdefault(key, value)
    return out


def top_counts(value: Any, names: list[str] | None = None, limit: int = 2) -> list[str]:
    """The most frequent entries of a count per weekday or hour (a list by position, or a
    dict by number or name), most first."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        pairs = [(export.pick(v, "weekday", "hour", "day", "name", default=i), export.pick(v, "visits", "receipts",
                 "count", default=0)) for i, v in enumerate(value)]
    elif isinstance(value, list):
        pairs = list(enumerate(value))
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        return []
    pairs = [(k, c) for k, c in pairs if c]
    pairs.sort(key=lambda kc: -kc[1])
    out = []
    for key, _count in pairs[:limit]:
        if names is not None and isinstance(key, (int, str)) and str(key).isdigit() and int(key) < len(names):
            out.append(names[int(key)])
        elif names is None and str(key).isdigit():
            out.append(_("%1:00–%2:00").replace("%1", f"{int(key):02d}").replace("%2", f"{(int(key) + 1) % 24:02d}"))
        else:
            out.append(str(key))
    return out


def top_entries(value: Any, fmt: Formatter, limit: int = 5) -> list[tuple[str, str]]:
    """Top categories or products: (name, what was spent or how many), at most `limit`."""
    if isinstance(value, dict):  # {"by_value": [...], "by_count": [...]}: what was spent on most
        value = value.get("by_value") or value.get("by_count") or []
    out = []
    for item in list(value or [])[:limit]:
        if isinstance(item, dict):
            name = export.pick(item, "name", "category", "product", default="") or _("(no name in the old program)")
            spent = export.pick(item, "revenue", "total", "value", "amount", default=None)
            count = export.pick(item, "qty", "items", "count", "receipts", default=None)
            extra = fmt.money(int(spent)) if spent is not None else (fmt.number(int(count)) if count is not None else "")
        else:
            name, extra = (item[0], str(item[1])) if isinstance(item, (list, tuple)) else (item, "")
        out.append((str(name), extra.replace(" ", chr(0xA0))))
    return out


class ElidedLabel(QLabel):
    """One line of text cut with '…' to the width it is given, the whole of it in its tooltip."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full = text
        self.setToolTip(text)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.full) + 4, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("…") * 6, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight, self.width()))
        super().resizeEvent(event)


class TopTable(QWidget):
    """A top list as a small two-column table: the name (cut, whole in its tooltip) and the
    amount beside it on the same line, right-aligned; nothing wraps, so nothing is clipped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        self.entries: list[tuple[str, str]] = []
        self.show_entries([])

    def show_entries(self, entries: list[tuple[str, str]]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.entries = list(entries)
        if not entries:
            self.grid.addWidget(QLabel("—", self), 0, 0)
        for row, (name, extra) in enumerate(entries):
            self.grid.addWidget(ElidedLabel(name, self), row, 0)
            amount = QLabel(extra, self)
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            amount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(amount, row, 1)
        rows = max(1, len(entries))  # each row a whole line, however little room the dialog has
        self.setMinimumHeight(rows * self.fontMetrics().height() + (rows - 1) * self.grid.verticalSpacing())

    def text(self) -> str:
        """What it shows, one entry a line: "name  ·  amount"."""
        return "\n".join(f"{name}  ·  {extra}" if extra else name for name, extra in self.entries) or "—"


class MemberProfileView(QFrame):
    """The profile's values: what they buy across the top (two tables), then when, how much and
    the outlook side by side (`columns` of them a row, at most 3)."""

    shown = Signal(object)

    def __init__(self, fmt: Formatter, parent: QWidget | None = None, columns: int = 4) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.setObjectName("Panel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.addWidget(section_title(_("Profile"), self))
        self.status = QLabel(_("Counting…"), self)
        self.status.setObjectName("Muted")
        outer.addWidget(self.status)
        self.values: dict[str, QLabel] = {}
        # What they buy: the width of the profile, its two top lists side by side as tables (a
        # name cut to its column, the amount beside it), so no line wraps and nothing is cut.
        outer.addWidget(section_title(_("What they buy"), self))
        tops = QHBoxLayout()
        tops.setSpacing(28)
        self.tops: dict[str, TopTable] = {}
        for key, name in (("categories", _("Top categories")), ("products", _("Top products"))):
            column = QVBoxLayout()
            column.setSpacing(3)
            caption = QLabel(name, self)
            caption.setObjectName("FieldName")
            column.addWidget(caption)
            self.tops[key] = TopTable(self)
            column.addWidget(self.tops[key])
            column.addStretch(1)
            tops.addLayout(column, 1)
        outer.addLayout(tops)
        outer.addSpacing(8)
        columns = min(columns, 3)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for title, keys in (
            (_("When"), [("weekday", _("Usual days")), ("hour", _("Usual hours")),
                         ("interval", _("Usual interval")), ("last_visit", _("Last visit")),
                         ("first_visit", _("First visit"))]),
            (_("How much"), [("visits", _("Visits")), ("receipts", _("Receipts")), ("items", _("Items")),
                             ("total", _("Spent in total")), ("average", _("Average check"))]),
            (_("Outlook"), [("p_alive", _("Still a customer (P(alive))")),
                            ("expected_visits_90d", _("Visits expected in 90 days")), ("clv", _("Predicted value (CLV)")),
                            ("fit_at", _("Model as of"))]),
        ):
            index = grid.count()
            box = QVBoxLayout()
            box.addWidget(section_title(title, self))
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
            form.setHorizontalSpacing(14)
            form.setVerticalSpacing(5)
            for key, name in keys:
                label = QLabel("—", self)
                label.setWordWrap(key in ("weekday", "hour"))  # lists; a sum stays whole
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                caption = QLabel(name, self)
                caption.setObjectName("FieldName")
                caption.setWordWrap(True)
                form.addRow(caption, label)
                self.values[key] = label
            box.addLayout(form)
            box.addStretch(1)
            grid.addLayout(box, index // columns, index % columns)
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        outer.addLayout(grid)
        outer.addStretch(1)  # room to spare goes below, not between the sections
        self.outlook_note = QLabel(_("P(alive): how likely the member still buys here, from their visits so far; "
                                     "CLV: what they are expected to spend in the coming year."), self)
        self.outlook_note.setObjectName("Muted")
        self.outlook_note.setWordWrap(True)
        outer.addWidget(self.outlook_note)

    def show_profile(self, profile: dict[str, Any]) -> None:
        values = flat(profile)
        outlook = profile.get("outlook") or {}
        fmt = self.fmt
        locale = fmt.locale

        def money(key: str, *aliases: str) -> str:
            value = export.pick(values, key, *aliases)
            return fmt.money(int(value)) if value is not None else "—"

        def count(*keys: str) -> str:
            value = export.pick(values, *keys)
            return fmt.number(int(value)) if value is not None else "—"

        def day(*keys: str) -> str:
            value = export.pick(values, *keys)
            if value in (None, ""):
                return "—"
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
            return fmt.date(value)

        for key, names in (("categories", ("top_categories", "categories")), ("products", ("top_products", "products"))):
            self.tops[key].show_entries(top_entries(export.pick(values, *names), fmt))
        unknown = export.pick(values, "items_unknown", default=0) or 0
        text = {
            "weekday": ", ".join(top_counts(export.pick(values, "visits_by_weekday", "weekdays"), weekday_names()))
            or str(export.pick(values, "usual_weekday", "weekday", default="") or "—"),
            "hour": ", ".join(top_counts(export.pick(values, "receipts_by_hour", "hours"))) or
            str(export.pick(values, "usual_hour", "hour", default="") or "—"),
            "last_visit": day("last_visit"),
            "first_visit": day("first_visit"),
            "visits": count("visits"),
            "receipts": count("receipts"),
            "items": count("items", "quantity") if not unknown else  # some receipts' goods were not itemised
            _("at least {n}").format(n=count("items", "quantity")) if export.pick(values, "items", default=0) else
            _("not known"),
            "total": money("total", "revenue", "spent"),
            "average": money("avg_check", "average"),
        }
        interval = export.pick(values, "usual_interval_days", "interval_days", "usual_interval", "median_interval_days")
        if interval is None:
            text["interval"] = "—"
        else:
            whole = float(interval).is_integer() or float(interval) >= 10
            number = wording.decimal_text(float(interval), locale, 0 if whole else 1)
            text["interval"] = ngettext("every {n} day", "every {n} days", round(float(interval)) if whole else 5
                                        ).format(n=number)
        p_alive = outlook.get("p_alive") if isinstance(outlook, dict) else None
        text["p_alive"] = wording.shown("repeat_rate", p_alive, "", locale)
        expected = outlook.get("expected_visits_90d") if isinstance(outlook, dict) else None
        text["expected_visits_90d"] = "—" if expected is None else wording.decimal_text(float(expected), locale, 1)
        clv = outlook.get("clv") if isinstance(outlook, dict) else None
        text["clv"] = "—" if clv is None else fmt.money(int(round(clv)))
        fit_at = outlook.get("fit_at") if isinstance(outlook, dict) else None
        text["fit_at"] = fmt.date(dt.date.fromisoformat(fit_at)) if fit_at else _("not fitted yet")
        for key, label in self.values.items():
            label.setText(text.get(key, "—"))
        self.status.setText(_("Everything this member bought here and in the imported history."))
        self.shown.emit(profile)

    def show_failure(self, text: str) -> None:
        self.status.setText(text)


def load_profile(view: MemberProfileView, member_id: Any, sources: Any, now: Callable[[], dt.datetime],
                 owner: QWidget) -> None:
    """Count the profile on a worker and show it in `view`."""
    from models.schema import Member
    from services.core.errors import InputError
    from ui.errors import user_message

    when = now()

    def work() -> dict[str, Any]:
        member = Member.get_by_id(member_id)
        return sources.profile(member, when)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, InputError):
            view.show_failure(user_message(exc))
        else:
            view.show_failure(_("The profile could not be counted."))
            operations.show_failure(owner, exc)

    operations.run(owner, work, view.show_profile, failed)  # type: ignore[arg-type]


class MemberProfileDialog(QDialog):
    """A member opened from a list (a segment, the members slipping away): who, and their profile."""

    def __init__(self, member_id: Any, fmt: Formatter, sources: Any, now: Callable[[], dt.datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from models.schema import Member
        from services.members import registry as members
        from ui.formatting import mask_card

        member = Member.get_by_id(member_id)
        self.setWindowTitle(member.name)
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        card = members.active_card(member)
        parts = [member.phone or "", mask_card(card.number) if card else _("no active card"), fmt.points(member.balance)]
        who = QLabel("  ·  ".join([f"<b>{escape(member.name)}</b>", *(escape(p) for p in parts if p)]), self)
        layout.addWidget(who)
        self.view = MemberProfileView(fmt, self, columns=3)
        layout.addWidget(self.view, 1)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.view.shown.connect(lambda _profile: self.grow())
        load_profile(self.view, member_id, sources, now, self)

    def grow(self) -> None:
        """Tall enough for the profile now shown (its lists and wrapped captions), never cut."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
