"""The Reports page's Segments tab: the RFM segments (members, revenue, share), a bar chart of
each, the 20/80 curve; a double-click lists a segment's members, and a member opens from there.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from services.core.messages import _
from services.insights import export, wording
from ui.charts import BarChart, ParetoChart, pareto_points
from ui.files import save_path
from ui.report_widgets import RowsTable, note
from ui.widgets import section_title


def segment_rows(data: Any) -> list[dict[str, Any]]:
    """The segments as rows {code, name, members, revenue, share}, biggest revenue first,
    whether the service gave a list of dicts or a dict by segment."""
    inner = data.get("segments", data) if isinstance(data, dict) else data
    if isinstance(inner, dict):
        raw = [{"name": code, **value} for code, value in inner.items() if isinstance(value, dict)]
    else:
        raw = list(inner or [])
    rows = []
    for row in raw:
        code = str(export.pick(row, "segment", "code", "name", default=""))
        rows.append({
            "code": code,
            "name": export.pick(row, "label", "title", default=None) or code.replace("_", " ").capitalize(),
            "members": int(export.pick(row, "members", "count", default=0) or 0),
            "revenue": int(export.pick(row, "revenue", "monetary", default=0) or 0),
            "share": export.pick(row, "share", "revenue_share", default=None),
        })
    total = sum(r["revenue"] for r in rows)
    for row in rows:
        if row["share"] is None:
            row["share"] = row["revenue"] / total if total else None
    rows.sort(key=lambda r: -r["revenue"])
    return rows


MEMBER_COLUMNS: list[tuple[str, str, str]] = [  # key, header, kind (services.insights.export.Column)
    ("name", "Name", "text"), ("phone", "Phone", "text"), ("card", "Card", "text"),
    ("last_visit", "Last visit", "date"), ("recency", "Days since last visit", "count"),
    ("visits", "Visits", "count"), ("frequency", "Visits", "count"), ("receipts", "Receipts", "count"),
    ("revenue", "Revenue", "money"), ("monetary", "Revenue", "money"), ("rfm", "RFM", "text"),
]


def with_rfm(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its three scores written together ("R-F-M", e.g. "5-4-5") when it has them."""
    out = []
    for row in rows:
        if all(row.get(k) is not None for k in ("r", "f", "m")):
            row = {**row, "rfm": f"{row['r']}-{row['f']}-{row['m']}"}
        out.append(row)
    return out


def member_columns(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The columns the rows have, each header in the shop's language, one per meaning."""
    headers = {"Name": _("Name"), "Phone": _("Phone"), "Card": _("Card"), "Last visit": _("Last visit"),
               "Days since last visit": _("Days since last visit"), "Visits": _("Visits"),
               "Receipts": _("Receipts"), "Revenue": _("Revenue"), "RFM": _("RFM")}
    have = set().union(*(r.keys() for r in rows)) if rows else {"name", "phone"}
    out, seen = [], set()
    for key, header, kind in MEMBER_COLUMNS:
        if key in have and header not in seen:
            out.append((key, headers[header], kind))
            seen.add(header)
    return out


class SegmentsTab(QWidget):
    segments_shown = Signal(object)  # the rows on screen

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.stale = True
        self.members_dialog: SegmentMembersDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(note(_("Members grouped by how recently, how often and for how much they bought (RFM, each "
                                "scored 1–5 by quintiles) as of the period's last day. Double-click a segment to see "
                                "its members."), self))
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = RowsTable(left)
        self.table.doubleClicked.connect(lambda index: self.open_segment(index.row()))
        left_layout.addWidget(self.table, 2)
        bars = QHBoxLayout()
        self.count_chart = BarChart(lambda v: page.fmt.number(int(round(v))), left)
        self.count_chart.set_title(_("Members"))
        self.revenue_chart = BarChart(page._short_money, left)
        self.revenue_chart.set_title(_("Revenue"))
        bars.addWidget(self.count_chart)
        bars.addWidget(self.revenue_chart)
        left_layout.addLayout(bars, 3)
        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(section_title(_("20/80: the share of revenue the best members bring"), right))
        self.pareto = ParetoChart(self._percent, right)
        self.pareto.set_axes(_("Share of members, best first"), _("Share of revenue"))
        right_layout.addWidget(self.pareto, 1)
        self.pareto_note = note("", right)
        right_layout.addWidget(self.pareto_note)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([720, 560])
        layout.addWidget(split, 1)
        self.rows: list[dict[str, Any]] = []

    def _percent(self, share: float) -> str:
        return wording.shown("repeat_rate", share, "", self.page.locale).replace(",0 %", " %").replace(".0 %", " %")

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        period, now = self.page.period(), self.page.now()
        self.page.run(lambda: self.page.sources.segments(period, now), self.show_segments)  # type: ignore[arg-type]

    def show_segments(self, data: dict[str, Any]) -> None:
        self.rows = segment_rows(data.get("segments", data) if isinstance(data, dict) else data)
        fmt, locale, currency = self.page.fmt, self.page.locale, self.page.currency
        self.table.show_rows(self.rows, [
            (_("Segment"), lambda r: r["name"], str, False),
            (_("Members"), lambda r: r["members"], lambda v: fmt.number(v), True),
            (_("Revenue"), lambda r: r["revenue"], lambda v: wording.shown("revenue", v, currency, locale), True),
            (_("Share of revenue"), lambda r: r["share"], lambda v: wording.shown("repeat_rate", v, "", locale), True),
        ])
        names = [r["name"] for r in self.rows]
        self.count_chart.show_bars(names, [r["members"] for r in self.rows])
        self.revenue_chart.show_bars(names, [r["revenue"] for r in self.rows])
        points = pareto_points(data.get("pareto") if isinstance(data, dict) else None)
        self.pareto.show_curve(points, lambda y: _("20% → %1").replace("%1", self._percent(y)))
        self.pareto_note.setText(
            _("The best fifth (20%) of members bring %1 of the revenue. Members are ranked by revenue, best first; the curve "
              "shows what share of all members' revenue the best x % bring; the dashed line is every member "
              "bringing the same.").replace("%1", self._percent(self.pareto.at_20)) if points else
            _("No member bought in this time yet."))
        self.segments_shown.emit(self.rows)

    def open_segment(self, row: int) -> SegmentMembersDialog | None:
        if not 0 <= row < len(self.rows):
            return None
        segment = self.rows[row]
        dialog = SegmentMembersDialog(self.page, segment["code"], segment["name"], self)
        self.members_dialog = dialog
        dialog.open()
        return dialog


class SegmentMembersDialog(QDialog):
    """A segment's members; export the list; open a member's profile."""

    members_shown = Signal(object)

    def __init__(self, page: Any, code: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.code = code
        self.setWindowTitle(_("Segment: %1").replace("%1", name))
        self.resize(1120, 600)
        layout = QVBoxLayout(self)
        self.count = QLabel(_("Counting…"), self)
        self.count.setObjectName("Muted")
        layout.addWidget(self.count)
        self.table = RowsTable(self)
        self.table.doubleClicked.connect(lambda index: self.open_member(index.row()))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        for text, kind in ((_("Save as XLSX…"), "xlsx"), (_("Save as CSV…"), "csv")):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, k=kind: self.export(k))
            row.addWidget(button)
        self.open_button = QPushButton(_("Open member"), self)
        self.open_button.setObjectName("Primary")
        self.open_button.clicked.connect(lambda: self.open_member(self.table.currentRow()))
        row.addWidget(self.open_button)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.rows: list[dict[str, Any]] = []
        self.profile_dialog: QDialog | None = None
        self.at, now = page.period().end, page.now()
        page.run(lambda: page.sources.segment_members(code, self.at, now), self.show_members)  # type: ignore[arg-type]

    def show_members(self, rows: list[dict[str, Any]]) -> None:
        self.rows = with_rfm(list(rows))
        fmt, locale, currency = self.page.fmt, self.page.locale, self.page.currency
        self.columns = member_columns(self.rows)
        def write(value: Any, kind: str) -> str:
            if kind == "date" and value:
                return fmt.date(dt.date.fromisoformat(str(value)[:10]))  # as the shop writes a date
            return export.as_text(value, kind, currency, locale)

        self.table.show_rows(self.rows, [
            (header, lambda r, k=key: r.get(k), lambda v, k=kind: write(v, k), kind not in ("text", "date"))
            for key, header, kind in self.columns
        ])
        if len(rows) >= self.page.sources.MEMBERS_SHOWN:
            self.count.setText(_("The first %1 members, most revenue first; the saved list has them all. Double-click "
                                 "one to open their profile.").replace("%1", fmt.number(len(rows))))
        else:
            self.count.setText(_("Members: %1. Double-click one to open their profile.")
                               .replace("%1", fmt.number(len(rows))))
        if self.rows:
            self.table.selectRow(0)
        self.members_shown.emit(self.rows)

    def export(self, kind: str) -> None:
        path = save_path(self, _("Save the list"), f"{self.code}.{kind}",
                         "Excel (*.xlsx)" if kind == "xlsx" else "CSV (*.csv)")
        if path:
            self.write(Path(path))

    def write(self, path: Path) -> None:
        """The whole segment to `path` on a worker (the screen shows at most Sources.MEMBERS_SHOWN of it)."""
        rows, columns = list(self.rows), list(self.columns)
        currency, locale, title = self.page.currency, self.page.locale, self.windowTitle()
        sources, code, at, now = self.page.sources, self.code, self.at, self.page.now()
        partial = len(rows) >= sources.MEMBERS_SHOWN

        def work() -> Path:
            every = with_rfm(list(sources.segment_members(code, at, now, every=True))) if partial else rows
            return export.write_table(every, columns, path, currency=currency, locale=locale, title=title)

        self.page.run(work, lambda written: self.message.setText(_("Saved: %1").replace("%1", str(written))))

    def open_member(self, row: int) -> QDialog | None:
        if not 0 <= row < len(self.rows):
            return None
        from ui.member_profile import MemberProfileDialog

        member_id = export.pick(self.rows[row], "id", "member_id")
        dialog = MemberProfileDialog(member_id, self.page.fmt, self.page.sources, self.page.now, self)
        self.profile_dialog = dialog
        dialog.open()
        return dialog
