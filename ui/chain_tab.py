"""The Reports page's Chain tab: the same figures, counted by the hub over every till's sales
(services.hub.figures), one column per store and one for the whole chain (issue 13, item 5).

Shown only on a till that has a hub.  The hub is asked when the tab is shown (again when the
period changes), on a worker with a short timeout: a hub that is slow or gone leaves a
sentence and a *Try again* button, never a frozen till or a traceback.  With the owner signed
in here the question goes signed and the hub answers for every store and the total; anyone
else (a manager) gets their own store's figures and a sentence saying the rest needs the owner.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from services.core.errors import InputError
from services.core.messages import _
from services.insights import wording
from ui import operations
from ui.errors import user_message
from ui.report_widgets import StatusLine, note

# Figures the hub keeps apart in every column: a member and a balance belong to no store.
CHAIN_WIDE = ("members_new", "points_liability")


def failure_text(exc: InputError, signed: bool) -> str:
    """What the owner or manager reads when the hub gave no figures (a SyncError's code)."""
    status = exc.params.get("status")
    if exc.code == "sync_unreachable":
        return _("The hub cannot be reached, so the chain's figures cannot be shown now. This till's own "
                 "figures are on the Figures tab.")
    if exc.code == "sync_not_configured":
        return _("This till is not connected to a hub: the chain's figures come from the hub.")
    if exc.code == "sync_hub_error" and status == 403:
        if signed:
            return _("The hub did not accept the owner's signature on this question: check that the hub knows "
                     "your owner key (More… → Owner's signing key).")
        return _("The chain's figures need the owner: a manager sees their own store's figures, and the hub has "
                 "no store named for this till. Sign in as the owner to see the whole chain.")
    if exc.code == "sync_hub_error" and status == 400:
        return _("The hub answers for periods of up to three years: choose a shorter period.")
    if exc.code == "sync_hub_error":
        return _("The hub had a problem counting the figures (error %1): try again in a moment.").replace(
            "%1", str(status))
    return user_message(exc)


def in_a_sentence(name: str) -> str:
    """A figure's name inside a sentence: 'programme cost', but 'NPS' and 'ROI' as they are."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


class ChainTab(QWidget):
    figures_shown = Signal(object)  # the hub's answer now on screen
    failure_shown = Signal(str)  # the sentence shown instead of figures

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.page = page
        self.stale = True
        self.asking = 0  # the question now wanted; an older answer landing is dropped
        self.answer: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(note(_("The same figures, counted by the hub over the sales of every till in the chain: "
                                "one column per store and one for the whole chain. They mean what they mean on "
                                "the Figures tab; point at a value for the period before."), self))
        row = QHBoxLayout()  # what was asked and how it went, and asking again, on one line
        self.state = StatusLine("Muted", self)
        row.addWidget(self.state, 1)
        self.problem = StatusLine("Error", self)
        row.addWidget(self.problem, 1)
        self.retry = QPushButton(_("Try again"), self)
        self.retry.clicked.connect(self.refresh)
        self.retry.setVisible(False)
        row.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.own_store_only = StatusLine("", self)
        layout.addWidget(self.own_store_only)
        self.table = QTableWidget(0, 0, self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        self.coverage = StatusLine("Muted", self)
        layout.addWidget(self.coverage)

    # --- asking -----------------------------------------------------------------------------

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        """Ask the hub for the page's period (on a worker; the till keeps selling)."""
        from services.journal import authority

        self.stale = False
        self.asking += 1
        wanted = self.asking
        period = self.page.period()
        signed = authority.unlocked_key() is not None  # chain_figures signs the question with it
        self.problem.clear()
        self.retry.setVisible(False)
        self.retry.setEnabled(False)
        self.state.setText(_("Asking the hub…"))
        self.page.set_busy(+1)

        def landed(answer: object) -> None:
            if wanted == self.asking:
                self.show_answer(answer)  # type: ignore[arg-type]

        def failed(exc: BaseException) -> None:
            if wanted != self.asking:
                return
            if isinstance(exc, InputError):
                self.show_failure(failure_text(exc, signed))
            else:
                self.show_failure(_("The chain's figures could not be shown."))
                operations.show_failure(self.page, exc)  # a bug: logged with its traceback, said as one

        operations.run(self, lambda: self.page.sources.chain(period), landed, failed,
                       after=lambda: self.page.set_busy(-1))

    def show_failure(self, sentence: str) -> None:
        self.state.clear()
        self.problem.setText(sentence)
        self.answer = None  # no figures rather than old ones under a sentence saying there are none
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.own_store_only.clear()
        self.coverage.clear()
        self.retry.setText(_("Try again"))
        self.retry.setVisible(True)
        self.retry.setEnabled(True)
        self.failure_shown.emit(sentence)

    # --- the answer --------------------------------------------------------------------------

    def columns(self, answer: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """(header, figures) of each column: the stores, then the whole chain's when the hub gave it."""
        out = [(self.store_name(each.get("store")), each) for each in answer.get("by_store") or []]
        if answer.get("store") is None:  # the total over every store (asked for with the owner's signature)
            out.append((_("Whole chain"), answer))
        return out

    @staticmethod
    def store_name(name: Any) -> str:
        return str(name) if name else _("No store named")

    def show_answer(self, answer: dict[str, Any]) -> None:
        from services.insights.figures import definitions

        self.answer = answer
        self.problem.clear()
        self.retry.setText(_("Ask again"))  # the hub's figures move as the tills push their sales
        self.retry.setVisible(True)
        self.retry.setEnabled(True)
        self.state.setText(_("%1 to %2, as the hub has them now.").replace("%1", self.page._day(answer.get("from")))
                           .replace("%2", self.page._day(answer.get("to"))))
        self.own_store_only.setText("" if answer.get("store") is None else _(
            "Only this till's store, %1: the chain's total and the other stores need the owner signed in on "
            "this till.").replace("%1", self.store_name(answer.get("store"))))
        not_at_hub = set(answer.get("not_at_hub") or [])
        keys = [key for key, _kind in wording.FIGURES if key in answer and key not in not_at_hub]
        columns = self.columns(answer)
        meanings = definitions()
        locale, currency = self.page.locale, self.page.currency
        table = self.table
        table.clear()
        table.setColumnCount(len(columns) + 2)
        table.setHorizontalHeaderLabels([_("Figure"), *(header for header, _figures in columns), _("What it counts")])
        table.setRowCount(len(keys))
        for r, key in enumerate(keys):
            name = QTableWidgetItem(wording.figure_name(key))
            name.setToolTip(meanings.get(key, ""))
            table.setItem(r, 0, name)
            for c, (_header, figures) in enumerate(columns, start=1):
                value, before = figures.get(key), (figures.get("previous") or {}).get(key)
                item = QTableWidgetItem(wording.shown(key, value, currency, locale))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                change, _direction = wording.change(key, value, before, locale)
                tip = _("Before: %1").replace("%1", wording.shown(key, before, currency, locale))
                item.setToolTip(tip if change == wording.no_value() else f"{tip} · {change}")
                table.setItem(r, c, item)
            meaning = QTableWidgetItem(meanings.get(key, ""))
            meaning.setForeground(Qt.GlobalColor.darkGray)
            table.setItem(r, len(columns) + 1, meaning)
        header = table.horizontalHeader()
        table.resizeColumnsToContents()
        for c in range(len(columns) + 1):  # a gap between a number and the next column's
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, header.sectionSize(c) + (16 if c else 8))
        header.setSectionResizeMode(len(columns) + 1, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        self.coverage.setText(self.coverage_text(answer, not_at_hub))
        self.figures_shown.emit(answer)

    def coverage_text(self, answer: dict[str, Any], not_at_hub: set[str]) -> str:
        lines = []
        if answer.get("coverage"):
            lines.append(_("Imported history is not at the hub: an old system's receipts stay on the till that "
                           "imported them, so these figures count only the sales made at the tills."))
        lines.append(_("New members and points not yet spent belong to no store: every column shows the chain's."))
        if not_at_hub:
            names = ", ".join(in_a_sentence(wording.figure_name(key)) for key, _kind in wording.FIGURES if key in not_at_hub)
            lines.append(_("Not counted at the hub: %1 (the costs and margin are entered on a till; "
                           "feedback is not collected yet).").replace("%1", names))
        return "\n".join(lines)
