"""The Reports page's churn tab: the BG/NBD and Gamma-Gamma fit on the shop's visits (its
parameters and how well it predicted a held-out time), and the members most likely slipping
away — high past value, low probability of still being a customer."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from services.core.messages import _
from services.insights import export, wording
from ui.report_widgets import RowsTable, note
from ui.widgets import section_title


def quality_rows(fit: dict[str, Any]) -> list[dict[str, Any]]:
    """Predicted against actual, as rows {what, predicted, actual}, whatever shape the fit gave:
    a list of dicts, or a dict of {what: {predicted, actual}} or {predicted: ..., actual: ...}."""
    quality = export.pick(fit, "quality", "fit_quality", "holdout", default=None)
    if quality is None:
        return []
    if isinstance(quality, dict) and ("predicted" in quality or "actual" in quality):
        quality = [{"what": _("Visits in the held-out time"), **quality}]
    elif isinstance(quality, dict):
        quality = [{"what": key, **value} for key, value in quality.items() if isinstance(value, dict)]
    rows = []
    for row in quality:
        what = export.pick(row, "what", "label", "visits", "frequency", "bucket", "group", default="")
        rows.append({"what": str(what), "predicted": export.pick(row, "predicted", "expected"),
                     "actual": export.pick(row, "actual", "observed")})
    return rows


class ChurnTab(QWidget):
    fit_shown = Signal(object)

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.stale = True
        self.fit: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(note(_("A model of each member's visits (BG/NBD) and spend (Gamma-Gamma), fitted on the "
                                "shop's history up to the period's last day: how likely each member is still a "
                                "customer (P(alive)), how many visits to expect in the next 90 days, and their "
                                "predicted lifetime value (CLV)."), self))
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(section_title(_("The model"), left))
        self.parameters = QLabel(left)
        self.parameters.setWordWrap(True)
        self.parameters.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left_layout.addWidget(self.parameters)
        left_layout.addWidget(section_title(_("How well it predicts: visits predicted and made"), left))
        self.quality = RowsTable(left)
        left_layout.addWidget(self.quality, 1)
        left_layout.addWidget(note(_("The model is fitted without the last weeks, then asked how many visits they would "
                                     "hold; close numbers mean its forecasts can be trusted."), left))
        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(section_title(_("Members most likely slipping away"), right))
        right_layout.addWidget(note(_("Among the members who spent most, those least likely still to be customers: "
                                      "a call or an offer may bring them back."), right))
        self.slipping = RowsTable(right)
        right_layout.addWidget(self.slipping, 1)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([400, 920])
        row = QHBoxLayout()
        row.addWidget(split)
        layout.addLayout(row, 1)

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        at, now = self.page.period().end, self.page.now()
        self.parameters.setText(_("Counting…"))
        self.page.run(lambda: self.page.sources.churn(at, now), self.show_fit)  # type: ignore[arg-type]

    def show_fit(self, fit: dict[str, Any]) -> None:
        self.fit = fit
        locale, currency, fmt = self.page.locale, self.page.currency, self.page.fmt
        unit = {"days": _("days"), "weeks": _("weeks")}.get(str(fit.get("unit", "days")), str(fit.get("unit", "")))
        params = [f"{name} = {self._number(fit.get(name))}" for name in ("r", "alpha", "a", "b") if name in fit]
        spend = [f"{name} = {self._number(fit.get(name))}" for name in ("p", "q", "gamma", "v") if name in fit]
        lines = [_("Visits (BG/NBD): %1; time in %2.").replace("%1", ", ".join(params) or "—").replace("%2", unit)]
        if spend:
            lines.append(_("Spend (Gamma-Gamma): %1.").replace("%1", ", ".join(spend)))
        summary = fit.get("summary")
        if isinstance(summary, dict):
            names = {"members": _("members fitted"), "alive": _("likely still customers"),
                     "expected_visits_90d": _("visits expected in 90 days"), "clv": _("predicted value, total")}
            for key, value in summary.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    shown = fmt.money(int(value)) if key in ("clv", "total_clv") else self._number(value)
                    lines.append(f"{names.get(key, key.replace('_', ' '))}: {shown}")
        self.parameters.setText("\n".join(lines))
        self.quality.show_rows(quality_rows(fit), [
            ("", lambda r: r["what"], str, False),
            (_("Predicted"), lambda r: r["predicted"], self._number, True),
            (_("Actual"), lambda r: r["actual"], self._number, True),
        ])
        self.slipping.show_rows(list(fit.get("slipping") or []), [
            (_("Name"), lambda r: r.get("name"), str, False),
            (_("Phone"), lambda r: r.get("phone"), lambda v: str(v or ""), False),
            (_("Spent so far"), lambda r: export.pick(r, "value", "revenue", "monetary_total"),
             lambda v: wording.shown("revenue", v, currency, locale), True),
            (_("Last visit"), lambda r: r.get("last_visit"), lambda v: str(v or ""), False),
            (_("P(alive)"), lambda r: r.get("p_alive"), lambda v: wording.shown("repeat_rate", v, "", locale), True),
            (_("Visits in 90 days"), lambda r: r.get("expected_visits_90d"),
             lambda v: "—" if v is None else wording.decimal_text(float(v), locale, 1), True),
            (_("CLV"), lambda r: r.get("clv"), lambda v: wording.shown("revenue", v, currency, locale), True),
        ])
        self.fit_shown.emit(fit)

    def _number(self, value: Any) -> str:
        if value is None:
            return "—"
        return wording.decimal_text(float(value), self.page.locale, 3 if abs(float(value)) < 10 else 1)
