"""What-if: a draft programme replayed over a period of real sales, beside
what happened, as a table and a bar chart, with CSV export.

The replay runs on a worker thread (ui.worker); its progress comes back to
the dialog's bar through a queued signal.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QDateEdit, QDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from services.programme import whatif
from services.core.errors import InputError
from services.programme.rules import Rules
from services.programme.whatif import WhatIf
from services.core.messages import _
from ui.files import save_path
from ui.errors import report_bug, user_message
from ui.formatting import Formatter
from ui import operations

SIMULATED = QColor("#2b6cb0")
ACTUAL = QColor("#a0aec0")


class _Progress(QObject):
    moved = Signal(int, int)


class BarChart(QWidget):
    """Pairs of bars (simulated, actual) per measure, all in money."""

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.groups: list[tuple[str, int, int]] = []
        self.legend = (_("Simulated"), _("Actual"))
        self.setMinimumHeight(220)

    def set_groups(self, groups: list[tuple[str, int, int]]) -> None:
        self.groups = groups
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if not self.groups:
            painter.setPen(QColor("#52606d"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Run the replay to see the chart."))
            return
        left, top, bottom = 16, 30, 44
        width = self.width() - 2 * left
        height = self.height() - top - bottom
        peak = max(max(s, a) for _unused, s, a in self.groups) or 1
        slot = width / len(self.groups)
        bar = min(48.0, slot / 3)
        font = painter.font()
        for i, (label, sim, act) in enumerate(self.groups):
            x = left + i * slot + slot / 2 - bar
            for j, (value, colour) in enumerate(((sim, SIMULATED), (act, ACTUAL))):
                h = height * max(value, 0) / peak
                rect = QRectF(x + j * bar, top + height - h, bar - 4, h)
                painter.fillRect(rect, colour)
                painter.setPen(QColor("#1f2933"))
                font.setPointSizeF(7.5)
                painter.setFont(font)
                painter.drawText(QRectF(x + j * bar - 20, top + height - h - 16, bar + 36, 14),
                                 Qt.AlignmentFlag.AlignCenter, self.fmt.money(value).split(",")[0])
            font.setPointSizeF(9)
            painter.setFont(font)
            painter.drawText(QRectF(left + i * slot, top + height + 6, slot, 32),
                             Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, label)
        painter.setPen(QPen(QColor("#cbd2d9")))
        painter.drawLine(left, top + height, left + width, top + height)
        for k, (text, colour) in enumerate(zip(self.legend, (SIMULATED, ACTUAL))):
            painter.fillRect(QRectF(left + k * 130, 8, 14, 14), colour)
            painter.setPen(QColor("#1f2933"))
            painter.drawText(QRectF(left + k * 130 + 20, 6, 110, 18), Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


class WhatIfDialog(QDialog):
    replay_finished = Signal(object)  # WhatIf

    def __init__(self, rules: Rules, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules = rules
        self.fmt = fmt
        self.result: WhatIf | None = None
        self.setWindowTitle(_("What-if: this programme on real sales"))
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        bounds = whatif.period_bounds()
        first, last = bounds if bounds else (dt.date.today(), dt.date.today())
        row.addWidget(QLabel(_("From"), self))
        self.start = QDateEdit(QDate(first.year, first.month, first.day), self)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        row.addWidget(self.start)
        row.addWidget(QLabel(_("To"), self))
        self.end = QDateEdit(QDate(last.year, last.month, last.day), self)
        self.end.setCalendarPopup(True)
        self.end.setDisplayFormat("yyyy-MM-dd")
        row.addWidget(self.end)
        self.run_button = QPushButton(_("Replay"), self)
        self.run_button.setObjectName("Primary")
        self.run_button.clicked.connect(self.run)
        row.addWidget(self.run_button)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        row.addWidget(self.progress, 1)
        layout.addLayout(row)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([_("Measure"), _("Simulated"), _("Actual"), _("Difference")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setMinimumHeight(8 * 28 + 40)  # every measure without scrolling
        layout.addWidget(self.table)
        self.chart = BarChart(fmt, self)
        layout.addWidget(self.chart, 1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.csv_button = QPushButton(_("Export CSV…"), self)
        self.csv_button.setEnabled(False)
        self.csv_button.clicked.connect(self.choose_csv)
        bottom.addWidget(self.csv_button)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self._progress = _Progress(self)
        self._progress.moved.connect(self._moved)

    def _day(self, edit: QDateEdit) -> dt.date:
        d = edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def run(self) -> None:
        start, end = self._day(self.start), self._day(self.end)
        rules, emit = self.rules, self._progress.moved.emit
        self.run_button.setEnabled(False)
        self.message.setText(_("Replaying the sales…"))
        operations.run(self, lambda: whatif.simulate(rules, start, end, progress=emit), self._done, self._failed)

    def _moved(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(True)
        if isinstance(exc, InputError):
            self.message.setText(user_message(exc))
        else:
            report_bug(self, exc)

    def _done(self, result: object) -> None:
        assert isinstance(result, WhatIf)
        self.result = result
        self.run_button.setEnabled(True)
        self.csv_button.setEnabled(True)
        self.show_result(result)
        self.replay_finished.emit(result)

    def rows(self, result: WhatIf) -> list[tuple[str, str, str, str]]:
        sim, act = result.simulated, result.actual
        money, fmt = self.fmt.money, self.fmt
        diff_money = lambda a, b: ("+" if a >= b else "−") + money(abs(a - b))  # noqa: E731
        diff_num = lambda a, b: f"{a - b:+,}".replace(",", " ")  # noqa: E731
        return [
            (_("Sales"), fmt.number(sim.sales), fmt.number(act.sales), diff_num(sim.sales, act.sales)),
            (_("Revenue"), money(sim.revenue), money(act.revenue), diff_money(sim.revenue, act.revenue)),
            (_("Discounts given"), money(sim.discount), money(act.discount), diff_money(sim.discount, act.discount)),
            (_("Points issued"), fmt.number(sim.points_issued), fmt.number(act.points_issued), diff_num(sim.points_issued, act.points_issued)),
            (_("Points redeemed"), fmt.number(sim.points_redeemed), fmt.number(act.points_redeemed), diff_num(sim.points_redeemed, act.points_redeemed)),
            (_("Liability (points outstanding)"), money(sim.liability), money(act.liability), diff_money(sim.liability, act.liability)),
            (_("Cost, %\u00a0of revenue"), fmt.percent(sim.cost_bp), fmt.percent(act.cost_bp),
             ("+" if sim.cost_bp >= act.cost_bp else "−") + fmt.percent(abs(sim.cost_bp - act.cost_bp))),
            (_("Members changing tier"), fmt.number(result.tier_changes), "0", diff_num(result.tier_changes, 0)),
        ]

    def show_result(self, result: WhatIf) -> None:
        rows = self.rows(result)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        sim, act = result.simulated, result.actual
        self.chart.set_groups([
            (_("Discounts"), sim.discount, act.discount),
            (_("Points issued"), sim.points_issued * self.rules.point_value,
             act.points_issued * result.actual_point_value),  # each side at its own point value
            (_("Points redeemed"), sim.points_redeemed * self.rules.point_value,
             act.points_redeemed * result.actual_point_value),
            (_("Liability"), sim.liability, act.liability),
        ])
        self.message.setText(_("%1 sales from %2 to %3 replayed.").replace("%1", self.fmt.number(act.sales))
                             .replace("%2", result.start.isoformat()).replace("%3", result.end.isoformat()))

    def export_csv(self, path: Path) -> None:
        if self.result is None:
            return
        try:
            path.write_text(whatif.to_csv(self.result), encoding="utf-8")
        except OSError:
            raise InputError("file_write", path=str(path)) from None
        self.message.setText(_("Saved %1.").replace("%1", str(path)))

    def choose_csv(self) -> None:
        path = save_path(self, _("Export CSV"), "what-if.csv", "CSV (*.csv)")
        if path:
            try:
                self.export_csv(Path(path))
            except InputError as exc:
                self.message.setText(user_message(exc))
