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
    """Predicted against actual visits in the held-out days: one row per number of repeat
    visits before them (0, 1, … 7+), then all members."""
    held = fit.get("fit") or {}
    if not held.get("enough"):
        return []
    rows = [{"what": str(row.get("x")), "members": row.get("members"),
             "predicted": row.get("predicted"), "actual": row.get("actual")} for row in held.get("by_x") or []]
    rows.append({"what": _("All members"), "members": held.get("members"), "predicted": held.get("predicted"),
                 "actual": held.get("actual")})
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
                                      "a call or an offer may bring them back. Double-click one to see their profile."),
                                    right))
        self.slipping = RowsTable(right)
        self.slipping.doubleClicked.connect(lambda index: self.open_member(index.row()))
        right_layout.addWidget(self.slipping, 1)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([580, 740])
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
        lines = []
        if fit.get("r") is None:  # too little history: the model says nothing yet
            lines.append(fit.get("message") or _("Not enough history to fit the model yet."))
        else:
            unit = {"days": _("days"), "weeks": _("weeks")}.get(str(fit.get("unit")), str(fit.get("unit", "")))
            params = ", ".join(f"{name} = {self._number(fit.get(name))}" for name in ("r", "alpha", "a", "b"))
            lines.append(_("Visits (BG/NBD): %1; time in %2.").replace("%1", params).replace("%2", unit))
            spend = fit.get("gamma_gamma") or {}
            if spend:
                lines.append(_("Spend (Gamma-Gamma): %1.").replace(
                    "%1", ", ".join(f"{k} = {self._number(v)}" for k, v in spend.items())))
            members = _("Members with a visit: %1, of them came back: %2.").replace(
                "%1", fmt.number(int(fit.get("members") or 0))).replace("%2", fmt.number(int(fit.get("repeat_members") or 0)))
            lines.append(members)
            summary = fit.get("summary") or {}
            if summary.get("mean_p_alive") is not None:
                lines.append(_("Likely still customers, on average: %1; below one chance in two: %2 members.")
                             .replace("%1", wording.shown("repeat_rate", summary["mean_p_alive"], "", locale))
                             .replace("%2", fmt.number(int(summary.get("members_p_alive_below_half") or 0))))
            if summary.get("expected_visits_90d") is not None:
                lines.append(_("Visits expected in the next 90 days: %1.").replace(
                    "%1", wording.decimal_text(float(summary["expected_visits_90d"]), locale, 0)))
            if summary.get("mean_clv") is not None:
                lines.append(_("Average predicted value of a member (CLV): %1.").replace("%1", fmt.money(summary["mean_clv"])))
            held = fit.get("fit") or {}
            if held.get("enough"):
                lines.append(_("Held out: %1 to %2; average miss per member %3 visits.")
                             .replace("%1", self.page._day(held.get("from"))).replace("%2", self.page._day(held.get("to")))
                             .replace("%3", wording.decimal_text(float(held.get("mean_absolute_error") or 0), locale, 2)))
        if fit.get("clv_basis"):
            lines.append(_("CLV: expected visits in the next 365 days × the expected value of a visit × your margin "
                           "(100%, until you set one), not discounted."))
        self.parameters.setText("\n".join(lines))
        self.quality.show_rows(quality_rows(fit), [
            (_("Repeat visits before"), lambda r: r["what"], str, False),
            (_("Members"), lambda r: r["members"], lambda v: fmt.number(int(v or 0)), True),
            (_("Predicted"), lambda r: r["predicted"], lambda v: wording.decimal_text(float(v), locale, 1), True),
            (_("Actual"), lambda r: r["actual"], lambda v: fmt.number(int(v or 0)), True),
        ])
        self.slipping.show_rows(list(fit.get("slipping") or []), [
            (_("Name"), lambda r: r.get("name"), str, False),
            (_("Phone"), lambda r: r.get("phone"), lambda v: str(v or ""), False),
            (_("Spent so far"), lambda r: export.pick(r, "value", "revenue"),
             lambda v: wording.shown("revenue", v, currency, locale), True),
            (_("Last visit"), lambda r: r.get("last_visit"), self.page._day, False),
            (_("P(alive)"), lambda r: r.get("p_alive"), lambda v: wording.shown("repeat_rate", v, "", locale), True),
            (_("Visits in 90 days"), lambda r: r.get("expected_visits_90d"),
             lambda v: "—" if v is None else wording.decimal_text(float(v), locale, 1), True),
            (_("CLV"), lambda r: r.get("clv"), lambda v: wording.shown("revenue", v, currency, locale), True),
        ])
        self.fit_shown.emit(fit)

    def open_member(self, row: int) -> Any:
        """The member's profile, from a double-click on the list."""
        if not 0 <= row < len(self.slipping.rows):
            return None
        from ui.member_profile import MemberProfileDialog

        page = self.page
        dialog = MemberProfileDialog(export.pick(self.slipping.rows[row], "id", "member_id"), page.fmt, page.sources,
                                     page.now, self)
        dialog.open()
        return dialog

    def _number(self, value: Any) -> str:
        if value is None:
            return "—"
        return wording.decimal_text(float(value), self.page.locale, 3 if abs(float(value)) < 10 else 1)
