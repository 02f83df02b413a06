"""The pieces the Reports page is built of: a figure's card, the grid of cards, the period
picker, and a table filled from rows of plain values."""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any, Callable, Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateEdit, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from services.core.messages import _
from services.insights import wording
from services.insights.basis import Period


class FigureCard(QFrame):
    """One figure: its name, its value, the previous period's value and the change, and the
    sentence that says what it counts (on screen: a new owner reads it without hovering)."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("Panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.name = QLabel(wording.figure_name(key), self)
        self.name.setObjectName("SectionTitle")
        self.name.setWordWrap(True)
        self.value = QLabel(self)
        self.value.setObjectName("Big")
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.before = QLabel(self)
        self.before.setObjectName("Muted")
        self.before.setWordWrap(True)
        self.definition = QLabel(self)
        self.definition.setObjectName("Definition")
        self.definition.setWordWrap(True)
        self.definition.setStyleSheet("color: #616e7c; font-size: 12px;")
        for widget in (self.name, self.value, self.before, self.definition):
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_figure(self, value: Any, previous: Any, definition: str, currency: str, locale: str) -> None:
        self.value.setText(wording.shown(self.key, value, currency, locale))
        change, direction = wording.change(self.key, value, previous, locale)
        before = _("Before: %1").replace("%1", wording.shown(self.key, previous, currency, locale))
        colour = {1: "#13854e", -1: "#c53030"}.get(direction, "#616e7c")
        if change == wording.no_value():
            self.before.setText(escape(before))
        else:
            change = escape(change).replace(" ", "&nbsp;")  # '+20,0 %' never split over two lines
            self.before.setText(f"{escape(before)} · <span style='color:{colour}; font-weight:bold'>{change}</span>")
        self.definition.setText(definition)
        self.definition.setVisible(bool(definition))


class FigureGrid(QWidget):
    """Every figure of the contract as a card, `columns` to a row."""

    CARD_WIDTH = 230  # the narrowest a card reads well at: the grid has as many columns as fit

    def __init__(self, columns: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.columns = 0
        self.cards: dict[str, FigureCard] = {key: FigureCard(key, self) for key, _kind in wording.FIGURES}
        self.arrange(columns)

    def arrange(self, columns: int) -> None:
        """Lay the shown cards out `columns` to a row (again when the page is made wider or narrower)."""
        columns = max(1, columns)
        if columns == self.columns:
            return
        for card in self.cards.values():
            self.grid.removeWidget(card)
        shown = [card for card in self.cards.values() if not card.isHidden()]
        for index, card in enumerate(shown):
            self.grid.addWidget(card, index // columns, index % columns)
        for column in range(max(columns, self.columns)):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        self.columns = columns

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.arrange(max(1, (event.size().width() + 8) // (self.CARD_WIDTH + 8)))

    def show_figures(self, figures: dict[str, Any], currency: str, locale: str) -> None:
        previous = figures.get("previous") or {}
        definitions = figures.get("definitions") or {}
        changed = False
        for key, card in self.cards.items():
            changed |= card.isHidden() == (key in figures)
            card.setHidden(key not in figures)
            card.show_figure(figures.get(key), previous.get(key), definitions.get(key, ""), currency, locale)
        if changed:
            columns, self.columns = self.columns, 0
            self.arrange(columns)


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def quick_periods(today: dt.date) -> list[tuple[str, str, Period]]:
    """The choices an owner asks for most, on the shop's clock: (code, name, period)."""
    first = today.replace(day=1)
    last_end = first - dt.timedelta(days=1)
    return [
        ("this_month", _("This month"), Period(first, today)),
        ("last_month", _("Last month"), Period(last_end.replace(day=1), last_end)),
        ("last_30", _("Last 30 days"), Period.ending(today, 30)),
        ("this_year", _("This year"), Period(today.replace(month=1, day=1), today)),
    ]


class PeriodPicker(QWidget):
    """Quick choices and the two dates; `period_changed(Period)` once per change."""

    period_changed = Signal(object)

    def __init__(self, today: dt.date, date_format: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.quick = QComboBox(self)
        self.choices = quick_periods(today)
        for code, name, _period in self.choices:
            self.quick.addItem(name, code)
        self.quick.addItem(_("Other dates"), "custom")
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format)
            edit.setMaximumDate(qdate(today))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(_("Period"), self))
        layout.addWidget(self.quick)
        layout.addWidget(QLabel(_("from"), self))
        layout.addWidget(self.start)
        layout.addWidget(QLabel(_("to"), self))
        layout.addWidget(self.end)
        self._quiet = False
        self.choose("last_30")
        self.quick.currentIndexChanged.connect(self._quick_chosen)
        self.start.dateChanged.connect(self._dates_changed)
        self.end.dateChanged.connect(self._dates_changed)

    def period(self) -> Period:
        start, end = pydate(self.start.date()), pydate(self.end.date())
        return Period(min(start, end), max(start, end))

    def choose(self, code: str) -> None:
        for index, (each, _name, period) in enumerate(self.choices):
            if each == code:
                self._quiet = True
                self.quick.setCurrentIndex(index)
                self.start.setDate(qdate(period.start))
                self.end.setDate(qdate(period.end))
                self._quiet = False
                return

    def set_period(self, period: Period) -> None:
        self._quiet = True
        self.start.setDate(qdate(period.start))
        self.end.setDate(qdate(period.end))
        self.quick.setCurrentIndex(self._matching_choice())
        self._quiet = False
        self.period_changed.emit(self.period())

    def _quick_chosen(self) -> None:
        if self._quiet or self.quick.currentData() == "custom":
            return
        self.choose(self.quick.currentData())
        self.period_changed.emit(self.period())

    def _dates_changed(self) -> None:
        if self._quiet:
            return
        self._quiet = True
        self.quick.setCurrentIndex(self._matching_choice())
        self._quiet = False
        self.period_changed.emit(self.period())

    def _matching_choice(self) -> int:
        period = self.period()
        for index, (_code, _name, each) in enumerate(self.choices):
            if each == period:
                return index
        return self.quick.count() - 1


Cell = Callable[[dict[str, Any]], Any]


class RowsTable(QTableWidget):
    """A read-only table of rows; each column a header, a reader of the row, and how to write
    its value; numbers right-aligned.  `rows` keeps what was shown, for double-clicks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)  # a cut header ends in "…"
        self.rows: list[dict[str, Any]] = []

    def show_rows(self, rows: Sequence[dict[str, Any]],
                  columns: Sequence[tuple[str, Cell, Callable[[Any], str], bool]]) -> None:
        """`columns`: (header, read, write, is_number) each."""
        self.rows = list(rows)
        self.clear()
        self.setColumnCount(len(columns))
        self.setHorizontalHeaderLabels([c[0] for c in columns])
        self.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (_header, read, write, number) in enumerate(columns):
                value = read(row)
                item = QTableWidgetItem("" if value is None and not number else write(value))
                if number:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        for c, (_header, read, _write, number) in enumerate(columns):  # a text column nobody has (no phones)
            self.setColumnHidden(c, bool(self.rows) and not number and all(read(row) in (None, "") for row in self.rows))
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column as wide as what it holds, its header too when there is room; the first
        takes the room left over.  Short of room, the values keep their width and the headers
        share what is left (a cut header shows itself whole in its tooltip)."""
        header = self.horizontalHeader()
        shown = [c for c in range(self.columnCount()) if not self.isColumnHidden(c)]
        if not shown:
            return
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        values = {c: max(self.sizeHintForColumn(c), 36) + 8 for c in shown}
        heads = {c: header.sectionSizeFromContents(c).width() for c in shown}
        room = self.viewport().width()
        want = {c: max(values[c], heads[c]) for c in shown}
        if sum(want.values()) <= room:
            want[shown[0]] += room - sum(want.values())
        else:
            spare = room - sum(values.values())
            short = {c: heads[c] - values[c] for c in shown if heads[c] > values[c]}
            want = dict(values)
            for c, missing in short.items():
                want[c] += max(0, spare) * missing // sum(short.values())
        for c in shown:
            header.resizeSection(c, want[c])
            item = self.horizontalHeaderItem(c)
            if item is not None:
                item.setToolTip(item.text())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()

    def texts(self, row: int) -> list[str]:
        return [self.item(row, c).text() for c in range(self.columnCount())]


def note(text: str, parent: QWidget | None = None) -> QLabel:
    """A sentence in small grey text under what it explains."""
    label = QLabel(text, parent)
    label.setObjectName("Muted")
    label.setWordWrap(True)
    return label


class StatusLine(QLabel):
    """A line that takes no room while it has nothing to say."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setVisible(False)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")
