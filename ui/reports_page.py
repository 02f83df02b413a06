"""The owner's Reports: whether the programme pays (issue 13).

More… (F10) → *Reports: figures, customers, who is slipping away…* (owner and manager,
permission "view_figures").  One window, five tabs:

- Figures: every figure of services.insights.figures for the period beside the previous
  one, its change and its definition on screen; the trend of members and others by week
  or month (ui/charts.py);
- By cashier: receipts, share with a card, members enrolled, average check, NPS and CSAT;
- Programme: what it costs, the ROI with its formula, the costs and margins the owner enters;
- Segments (ui/segments_tab.py): RFM segments, the 20/80 curve, any segment's members;
- Churn (ui/churn_tab.py): the BG/NBD fit, its quality, the members slipping away;
- Chain (ui/chain_tab.py), on a till with a hub: the hub's figures per store and in total.

Every computation runs on LoyalTill's workers (ui.operations), never on the screen's
thread: the till keeps selling while the figures are counted; a busy line says so.  The
services are reached through `Sources`, so tests can hand the page the dicts they want.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMenu, QProgressBar, QPushButton, QScrollArea,
    QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.errors import InputError
from services.core.messages import _
from services.core.money import parse_amount
from services.insights import basis, export, wording
from services.insights.basis import Period
from services.shop import staff as auth
from services.shop.settings import shop_info
from ui import operations
from ui.chain_tab import ChainTab
from ui.charts import TrendChart
from ui.errors import user_message
from ui.files import save_path
from ui.formatting import Formatter
from ui.report_widgets import FigureGrid, PeriodPicker, RowsTable, StatusLine, note, qdate
from ui.widgets import fit_to_screen, section_title


class Sources:
    """Where the page's numbers come from: the services, called on a worker thread.
    Tests pass a subclass holding the dicts they want shown."""

    MEMBERS_SHOWN = 2000  # a segment's list on screen; its export has every member

    def figures(self, period: Period, store: Any, now: dt.datetime) -> dict[str, Any]:
        from services.insights import figures

        return figures.compute(period, store=store, now=now)

    def segments(self, period: Period, now: dt.datetime) -> dict[str, Any]:
        """The RFM segments as of the period's last day and the 20/80 curve of the period
        (so its 20 % point is the period's top-20 % share)."""
        from services.insights import segments

        return {"segments": segments.segments(period.end, now=now), "pareto": segments.pareto_curve(period, now=now)}

    def segment_members(self, name: str, at: dt.date, now: dt.datetime, every: bool = False) -> list[dict[str, Any]]:
        from services.insights import segments

        return segments.segment_members(name, at, limit=None if every else self.MEMBERS_SHOWN, now=now)

    def churn(self, at: dt.date, now: dt.datetime) -> dict[str, Any]:
        """The fit's JSON, and the members slipping away under "slipping" (on the page's worker;
        a fit for today is kept for the members' outlook)."""
        from services.insights import lifetime, slipping

        fit = lifetime.fit_and_store(at, now=now)
        return {**fit.as_json(), "slipping": slipping.slipping(fit)}

    def profile(self, member: Any, now: dt.datetime) -> dict[str, Any]:
        """The member's profile, with the model's outlook under "outlook" (the kept fit, with its
        day; on a worker, so a small shop's missing or stale fit is made here first)."""
        from services.insights import customers, lifetime

        lifetime.refresh_if_cheap(now=now)
        return {**customers.profile(member, now=now), "outlook": lifetime.outlook(member, now=now)}

    HUB_TIMEOUT_S = 5.0  # the Chain tab's question: a hub slower than this is said to be out of reach

    def in_chain(self) -> bool:
        """Whether this till has a hub (a settings row: read on the screen's thread)."""
        from services.sale.permits import in_chain

        return in_chain()

    def chain(self, period: Period) -> dict[str, Any]:
        """The hub's figures for the chain: every store and the total with the owner signed in
        here, else this till's store; SyncError when it gives none."""
        return self.chain_figures(period, None, timeout=self.HUB_TIMEOUT_S)

    @staticmethod
    def chain_figures(period: Period, store: str | None = None, **options: Any) -> dict[str, Any]:
        """services.sync.client.chain_figures (tests put a fake of it here)."""
        from services.sync import client as sync_client

        return sync_client.chain_figures(period, store, **options)

    def save_costs(self, costs: dict[str, int], actor: Staff) -> None:
        from services.insights import figures

        figures.set_costs(actor, costs)

    def save_margins(self, overall_bp: int | None, actor: Staff) -> None:
        from services.insights import figures

        figures.set_margins(actor, {"overall_bp": overall_bp})


class ReportsDialog(QDialog):
    computed = Signal(object)  # the figures dict now on screen
    failed = Signal(object)  # the exception a computation ended with

    def __init__(self, staff: Staff, fmt: Formatter, resources: Path, parent: QWidget | None = None, *,
                 sources: Sources | None = None, clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(parent)
        auth.require(staff, "view_figures")
        from models.schema import utcnow

        self.staff = staff
        self.fmt = fmt
        self.resources = resources
        self.sources = sources or Sources()
        self.now = clock or utcnow
        info = shop_info()
        self.currency, self.locale, self.shop_name = info.currency, info.locale, info.name
        self.figures: dict[str, Any] | None = None
        self.pending = 0  # computations under way (the busy line shows while > 0)
        self.generation = 0  # the figures' request now wanted; an older one landing is dropped
        self.setWindowTitle(_("Reports"))
        self.resize(1340, 760)
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_bar())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._figures_tab(), _("Figures"))
        self.tabs.addTab(self._cashiers_tab(), _("By cashier"))
        self.tabs.addTab(self._programme_tab(), _("Programme"))
        from ui.churn_tab import ChurnTab
        from ui.segments_tab import SegmentsTab

        self.segments_tab = SegmentsTab(self)
        self.churn_tab = ChurnTab(self)
        self.tabs.addTab(self.segments_tab, _("Segments"))
        self.tabs.addTab(self.churn_tab, _("Who is slipping away"))
        self.chain_tab: ChainTab | None = None
        if self.sources.in_chain():  # a till alone has no chain to show
            self.chain_tab = ChainTab(self)
            self.tabs.addTab(self.chain_tab, _("Chain"))
        self.tabs.currentChanged.connect(self._tab_shown)
        layout.addWidget(self.tabs, 1)
        self.message = StatusLine("Error", self)
        layout.addWidget(self.message)
        self.done_note = StatusLine("Good", self)
        layout.addWidget(self.done_note)
        fit_to_screen(self)
        self.refresh()

    # --- the bar above the tabs -------------------------------------------------------------

    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        date_format = QLocale(self.locale).dateFormat(QLocale.FormatType.ShortFormat)
        self.picker = PeriodPicker(basis.today(self.now(), basis.shop_zone()), date_format, self)
        self.picker.period_changed.connect(lambda _period: self.refresh())
        bar.addWidget(self.picker)
        self.store = QComboBox(self)
        self.store.addItem(_("All stores"), None)
        from models.schema import Store

        for store in Store.select().order_by(Store.name):
            self.store.addItem(store.name, str(store.id))  # figures.compute takes a store by its id as text
        self.store_label = QLabel(_("Store"), self)
        for widget in (self.store_label, self.store):
            widget.setVisible(self.store.count() > 1)  # only a shop with stores asks which
            bar.addWidget(widget)
        self.store.currentIndexChanged.connect(lambda _index: self.refresh())
        bar.addStretch(1)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # moving: how long is not known
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy_label = QLabel(_("Counting…"), self)
        self.busy_label.setObjectName("Muted")
        for widget in (self.busy_label, self.busy):
            widget.setVisible(False)
            bar.addWidget(widget)
        self.export_button = QPushButton(_("Export…"), self)
        menu = QMenu(self.export_button)
        menu.addAction(_("Figures as XLSX (Excel)…"), lambda: self.export_figures("xlsx"))
        menu.addAction(_("Figures as CSV…"), lambda: self.export_figures("csv"))
        menu.addAction(_("Report as PDF…"), lambda: self.export_figures("pdf"))
        self.export_button.setMenu(menu)
        bar.addWidget(self.export_button)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        bar.addWidget(close)
        return bar

    def period(self) -> Period:
        return self.picker.period()

    def store_id(self) -> Any:
        return self.store.currentData()

    def set_busy(self, delta: int) -> None:
        self.pending = max(0, self.pending + delta)
        for widget in (self.busy, self.busy_label):
            widget.setVisible(self.pending > 0)

    def run(self, work: Callable[[], object], done: Callable[[object], None]) -> None:
        """`work` on a worker, `done(result)` back here; the busy line meanwhile; a failure is
        said under the tabs (a sentence) or reported as a bug."""
        self.set_busy(+1)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, InputError):
                self.message.setText(user_message(exc))
            else:
                operations.show_failure(self, exc)
            self.failed.emit(exc)

        operations.run(self, work, done, failed, after=lambda: self.set_busy(-1))

    # --- the figures ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count the period's figures again (on a worker); the segments and the fit, which
        depend on the period's end, are counted again when their tab is next shown."""
        self.generation += 1
        wanted = self.generation
        period, store, now = self.period(), self.store_id(), self.now()
        self.message.clear()
        self.done_note.clear()
        self.segments_tab.stale = self.churn_tab.stale = True
        if self.chain_tab is not None:
            self.chain_tab.stale = True

        def landed(result: object) -> None:
            if wanted == self.generation:
                self.show_figures(result)  # type: ignore[arg-type]

        self.run(lambda: self.sources.figures(period, store, now), landed)
        self._tab_shown(self.tabs.currentIndex())

    def show_figures(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        currency = figures.get("currency") or self.currency
        self.grid.show_figures(figures, currency, self.locale)
        self._show_trend()
        self._show_cashiers(figures)
        self._show_programme(figures)
        previous = figures.get("previous") or {}
        self.period_note.setText(
            _("%1 to %2, compared with %3 to %4 (the same number of days just before).")
            .replace("%1", self._day(figures.get("from"))).replace("%2", self._day(figures.get("to")))
            .replace("%3", self._day(previous.get("from"))).replace("%4", self._day(previous.get("to")))
            + " " + (figures.get("definitions") or {}).get("receipt", ""))
        self.computed.emit(figures)

    def _day(self, text: Any) -> str:
        if not text:
            return "—"
        return self.fmt.date(dt.date.fromisoformat(str(text)[:10]))

    def _figures_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.period_note = note("", page)
        layout.addWidget(self.period_note)
        split = QSplitter(Qt.Orientation.Horizontal, page)
        scroll = QScrollArea(split)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.grid = FigureGrid(3, scroll)
        scroll.setWidget(self.grid)
        chart_box = QWidget(split)
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(6, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(section_title(_("Trend: members and others"), chart_box))
        row.addStretch(1)
        self.trend_measure = QComboBox(chart_box)
        self.trend_measure.addItem(_("Revenue"), "revenue")
        self.trend_measure.addItem(_("Receipts"), "receipts")
        self.trend_measure.currentIndexChanged.connect(lambda _index: self._show_trend())
        row.addWidget(self.trend_measure)
        chart_layout.addLayout(row)
        self.trend = TrendChart(self._short_money, chart_box)
        self.trend.setMinimumHeight(260)
        chart_layout.addWidget(self.trend, 1)
        self.trend_note = note("", chart_box)
        chart_layout.addWidget(self.trend_note)
        split.addWidget(scroll)
        split.addWidget(chart_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([780, 520])
        layout.addWidget(split, 1)
        return page

    def _short_money(self, minor: float) -> str:
        """An axis's money: whole units, grouped, with the currency's sign ('12 000 ₽')."""
        whole = self.fmt.money(int(round(minor / 100)) * 100)
        for decimals in (",00", ".00"):
            whole = whole.replace(decimals, "")
        return whole

    def _count(self, value: float) -> str:
        return self.fmt.number(int(round(value)))

    def _show_trend(self) -> None:
        figures = self.figures or {}
        trend = figures.get("trend") or {}
        rows = trend.get("rows") or []
        measure = self.trend_measure.currentData()
        member_key = "member_" + measure
        labels = [self._bucket_label(row, trend.get("unit", "week")) for row in rows]
        members = [float(row.get(member_key) or 0) for row in rows]
        others = [float(row.get("other_" + measure) or 0) for row in rows]
        self.trend.set_value_format(self._short_money if measure == "revenue" else self._count)
        self.trend.show_series(labels, [(_("Members"), members), (_("Others"), others)])
        unit = _("by week") if trend.get("unit", "week") == "week" else _("by month")
        text = (_("Members' and others' %1 %2; a point is the week or month starting on the date under it.")
                .replace("%1", self.trend_measure.currentText().lower()).replace("%2", unit))
        self.trend_note.setText(text[:1].upper() + text[1:] if rows else _("No sales in this period yet."))

    def _bucket_label(self, row: dict[str, Any], unit: str) -> str:
        start = row.get("start") or row.get("from") or row.get("week") or row.get("month") or row.get("label") or ""
        try:
            day = dt.date.fromisoformat(str(start)[:10])
        except ValueError:
            return str(start)
        locale = QLocale(self.locale)
        if unit == "month":  # the month's own name ("янв.", not the genitive of a date), and its year
            return f"{locale.standaloneMonthName(day.month, QLocale.FormatType.ShortFormat)} {day:%y}"
        return locale.toString(qdate(day), "dd.MM")

    # --- by cashier ------------------------------------------------------------------------------

    def _cashiers_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(note(_("What each cashier's service brings: receipts they rang up, the share of them "
                                "with a member's card, members they enrolled, their average check, and what their "
                                "customers answered after paying (NPS, CSAT, and how many answered)."), page))
        self.cashiers = RowsTable(page)
        layout.addWidget(self.cashiers, 1)
        return page

    def _show_cashiers(self, figures: dict[str, Any]) -> None:
        rows = export.cashier_rows(figures)
        self.cashiers.show_rows(rows, [
            (_("Cashier"), lambda r: r["name"], str, False),
            (_("Receipts"), lambda r: r["receipts"], lambda v: wording.shown("receipts", v, "", self.locale), True),
            (_("With a card"), lambda r: r["card_share"],
             lambda v: wording.shown("card_share_receipts", v, "", self.locale), True),
            (_("Members enrolled"), lambda r: r["members_enrolled"],
             lambda v: wording.shown("members_new", v, "", self.locale), True),
            (_("Average check"), lambda r: r["avg_check"],
             lambda v: wording.shown("revenue", v, self.currency, self.locale), True),
            (_("NPS"), lambda r: r["nps"], lambda v: wording.shown("nps", v, "", self.locale), True),
            (_("CSAT"), lambda r: r["csat"], lambda v: wording.shown("csat", v, "", self.locale), True),
            (_("Answers"), lambda r: r["nps_answers"], lambda v: wording.shown("nps_answers", v, "", self.locale), True),
        ])

    # --- the programme's cost and ROI --------------------------------------------------------------

    def _programme_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QHBoxLayout(page)
        left = QVBoxLayout()
        left.addWidget(section_title(_("What the programme costs and brings"), page))
        self.programme_form = QFormLayout()
        left.addLayout(self.programme_form)
        self.roi_formula = note("", page)
        left.addWidget(self.roi_formula)
        left.addStretch(1)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(section_title(_("Costs and margin you enter (owner)"), page))
        right.addWidget(note(_("Costs the till cannot see, per month: printed cards, messages to members, bonuses "
                               "paid to staff for the programme (a period's share is counted by its days); and your "
                               "margin on sales, which turns members' revenue into profit in the ROI."), page))
        form = QFormLayout()
        self.cost_edits: dict[str, QLineEdit] = {}
        for key, name in (("cards", _("Cards, a month")), ("messages", _("Messages, a month")),
                          ("staff_bonuses", _("Staff bonuses, a month"))):
            edit = QLineEdit(page)
            edit.setPlaceholderText("0,00")
            self.cost_edits[key] = edit
            form.addRow(name, edit)
        self.margin_edit = QLineEdit(page)
        self.margin_edit.setPlaceholderText(_("e.g. 25"))
        form.addRow(_("Margin, %"), self.margin_edit)
        right.addLayout(form)
        self.save_costs_button = QPushButton(_("Save costs and margin"), page)
        self.save_costs_button.setObjectName("Primary")
        self.save_costs_button.clicked.connect(self.save_costs)
        owner = auth.may(self.staff, "shop_settings")  # what figures.set_costs and set_margins ask
        for widget in [*self.cost_edits.values(), self.margin_edit, self.save_costs_button]:
            widget.setEnabled(owner)
        if not owner:
            right.addWidget(note(_("Only the owner changes these."), page))
        right.addWidget(self.save_costs_button, 0, Qt.AlignmentFlag.AlignRight)
        self.costs_message = note("", page)
        right.addWidget(self.costs_message)
        right.addStretch(1)
        layout.addLayout(right, 2)
        return page

    def programme_parts(self, figures: dict[str, Any]) -> list[tuple[str, str]]:
        """(name, value as shown) of each part of the programme's cost, then what it brought."""
        programme = figures.get("programme") or {}
        parts: list[tuple[str, str]] = []
        for key, name in (("discounts", _("Discounts on members' receipts")),
                          ("points_redeemed_value", _("Points members paid with, at their value")),
                          ("owner_costs", _("Your costs for these days")),
                          ("cost", _("Programme cost")),
                          ("member_revenue", _("Members' revenue"))):
            value = programme.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                parts.append((name, self.fmt.money(value)))
        margin = programme.get("margin_bp")
        parts.append((_("Margin"), self.fmt.percent(margin) if isinstance(margin, int) else _("not set")))
        profit = programme.get("gross_profit")
        parts.append((_("Members' revenue × margin"), self.fmt.money(profit) if isinstance(profit, int) else "—"))
        parts.append((_("ROI"), wording.shown("roi", figures.get("roi", programme.get("roi")), "", self.locale)))
        return parts

    def _show_programme(self, figures: dict[str, Any]) -> None:
        while self.programme_form.rowCount():
            self.programme_form.removeRow(0)
        for name, value in self.programme_parts(figures):
            label = QLabel(value)
            label.setObjectName("Big" if name == _("ROI") else "")
            self.programme_form.addRow(name, label)
        programme = figures.get("programme") or {}
        formula = programme.get("formula") or programme.get("roi_formula") or ""
        # One formula: the programme's own, which says what the cost is made of (the figures'
        # definition of "roi" says it again in short: only where the service gave no formula).
        self.roi_formula.setText(formula or (figures.get("definitions") or {}).get("roi", ""))
        if programme.get("margin_bp") is None and not programme.get("categories_bp") and "gross_profit" in programme:
            self.roi_formula.setText(self.roi_formula.text() + "\n" + _("Enter your margin on the right to see the ROI."))
        costs = programme.get("owner_costs_monthly") or {}
        for key, edit in self.cost_edits.items():
            value = costs.get(key)
            if isinstance(value, int) and not edit.hasFocus():
                edit.setText(f"{value / 100:.2f}".replace(".", QLocale(self.locale).decimalPoint()))
        margin = programme.get("margin_bp")
        if isinstance(margin, int) and not self.margin_edit.hasFocus():
            self.margin_edit.setText(f"{margin / 100:g}")

    def save_costs(self) -> None:
        try:
            costs = {key: parse_amount(edit.text() or "0") for key, edit in self.cost_edits.items()}
            margin_text = self.margin_edit.text().strip().replace(",", ".").rstrip("%").strip()
            margin_bp = round(float(margin_text) * 100) if margin_text else None
            if margin_bp is not None and not 0 <= margin_bp <= 10_000:
                raise ValueError(margin_text)
        except ValueError:
            self.costs_message.setText(_("Write amounts as 1234,50 and the margin as a percentage from 0 to 100."))
            return
        staff = self.staff

        def work() -> None:
            self.sources.save_costs(costs, staff)
            self.sources.save_margins(margin_bp, staff)

        def saved(_result: object) -> None:
            self.costs_message.setText(_("Saved. The figures are counted again."))
            self.refresh()

        self.run(work, saved)

    # --- tabs counted when first shown ------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if any(widget is tab for tab in (self.segments_tab, self.churn_tab, self.chain_tab)):
            widget.refresh_if_stale()

    # --- exports ----------------------------------------------------------------------------------

    def export_figures(self, kind: str) -> None:
        if self.figures is None:
            self.message.setText(_("The figures are still being counted: export them in a moment."))
            return
        period = self.period()
        name = _("figures") + f"_{period.start.isoformat()}_{period.end.isoformat()}.{kind}"
        filters = {"xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)", "pdf": "PDF (*.pdf)"}
        path = save_path(self, _("Export the figures"), name, filters[kind])
        if path:
            self.write_figures(Path(path), kind)

    def write_figures(self, path: Path, kind: str) -> None:
        """Write the figures on screen to `path` on a worker (the window only asked where)."""
        figures = dict(self.figures or {})
        currency, locale, shop_name = self.currency, self.locale, self.shop_name
        store = self.store.currentText() if self.store_id() is not None else ""
        if kind == "pdf" and path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")

        def work() -> Path:
            if kind == "pdf":
                return export.write_pdf(figures, path, self.resources, shop_name=shop_name, currency=currency,
                                        locale=locale, store_name=store)
            return export.write_figures(figures, path, currency=currency, locale=locale)

        self.done_note.clear()
        self.run(work, lambda written: self.done_note.setText(_("Saved: %1").replace("%1", str(written))))

