"""Gifts for points on screen: the cashier's list of what the member may take
(Ctrl+G), and the owner's Gifts tab of the programme.  The window only asks;
services.programme.rewards and the sale session decide and write."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.errors import InputError
from services.core.messages import _
from services.programme import rewards
from services.programme.rewards import Offer, RewardView
from services.programme.rules import active_rules
from services.sale.session import Outcome, SaleSession
from ui.errors import user_message
from ui.formatting import Formatter, tier_name
from ui.programme_forms import Field, Form, FormDialog
from ui.widgets import list_table


def _limits(view: RewardView, fmt: Formatter) -> str:
    parts = []
    if view.stock is not None:
        parts.append(_("%1 of %2 left").replace("%1", fmt.number(view.left or 0)).replace("%2", fmt.number(view.stock)))
    if view.per_member is not None:
        parts.append(_("%1 per member").replace("%1", fmt.number(view.per_member)))
    if view.valid_from and view.valid_to:
        parts.append(f"{fmt.date(view.valid_from)} – {fmt.date(view.valid_to)}")
    elif view.valid_from:
        parts.append(_("from %1").replace("%1", fmt.date(view.valid_from)))
    elif view.valid_to:
        parts.append(_("until %1").replace("%1", fmt.date(view.valid_to)))
    if view.tier:
        tier = active_rules().tier(view.tier)
        parts.append(_("tier %1+").replace("%1", tier_name(tier.name) if tier else view.tier))
    return " · ".join(parts)


# --- at the till -----------------------------------------------------------------------------


def why_not(refusal: InputError, fmt: Formatter) -> str:
    """Why a gift cannot be taken, in a few words beside its name (the full sentence is its tooltip)."""
    p = refusal.params
    short: dict[str, Callable[[], str]] = {
        "reward_short": lambda: _("%1 more needed").replace(
            "%1", fmt.points(int(p["points"]) - int(p["balance"]))),
        "reward_tier": lambda: _("tier %1 and up").replace("%1", tier_name(str(p["tier"]))),
        "reward_member_limit": lambda: _("already had %1").replace("%1", fmt.number(int(p["taken"]))),
        "reward_out": lambda: _("none left"),
        "reward_not_yet": lambda: _("from %1").replace("%1", fmt.date(dt.date.fromisoformat(str(p["day"])))),
        "reward_ended": lambda: _("ended %1").replace("%1", fmt.date(dt.date.fromisoformat(str(p["day"])))),
    }
    return short[refusal.code]() if refusal.code in short else user_message(refusal)


class GiftDialog(QDialog):
    """The member's gifts for points: those they may take first, the others greyed with why.
    Enter takes the chosen one; the product just scanned is chosen first if it is a gift."""

    def __init__(self, session: SaleSession, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.fmt = fmt
        self.setWindowTitle(_("Gifts for points"))
        self.resize(840, 420)
        member = session.member
        assert member is not None
        layout = QVBoxLayout(self)
        left = member.balance - session.cart.reward_points()
        self.heading = QLabel(_("%1 has %2 for gifts.").replace("%1", member.name).replace("%2", fmt.points(max(left, 0))), self)
        self.heading.setObjectName("Big")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.offers: list[Offer] = session.reward_offers()
        self.table = list_table(self, [_("Gift"), _("Points"), _("Limits"), _("Why not")])
        self.table.setObjectName("GiftList")
        self.table.doubleClicked.connect(lambda _: self.accept())
        layout.addWidget(self.table, 1)
        self._fill()
        if not self.offers:
            empty = QLabel(_("No gifts for points yet: the owner adds them under More… → Loyalty programme → Gifts."), self)
            empty.setWordWrap(True)
            layout.addWidget(empty)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Give as a gift"))
        self.ok.setObjectName("Primary")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.table.currentCellChanged.connect(lambda *_: self._follow())
        self._choose_first()
        self.table.setFocus()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.offers))
        grey = QColor("#7b8794")
        for row, offer in enumerate(self.offers):
            view = offer.reward
            texts = [view.name, self.fmt.points(view.points), _limits(view, self.fmt),
                     "" if offer.refusal is None else why_not(offer.refusal, self.fmt)]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if offer.refusal is not None:
                    item.setToolTip(user_message(offer.refusal))
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if not offer.available:
                    item.setForeground(grey)
                self.table.setItem(row, column, item)

    def _choose_first(self) -> None:
        scanned = None
        try:
            line = self.session.current_line()
            scanned = line.barcode if not line.reward_id else None
        except InputError:
            pass
        rows = [r for r, o in enumerate(self.offers) if o.reward.barcode == scanned and o.available]
        rows = rows or [r for r, o in enumerate(self.offers) if o.available]
        if rows:
            self.table.selectRow(rows[0])
        self._follow()

    def _follow(self) -> None:
        chosen = self.chosen()
        self.ok.setEnabled(chosen is not None and chosen.available)

    def chosen(self) -> Offer | None:
        row = self.table.currentRow()
        return self.offers[row] if 0 <= row < len(self.offers) else None

    def accept(self) -> None:
        chosen = self.chosen()
        if chosen is None or not chosen.available:
            return
        super().accept()

    def take(self) -> Outcome:
        """What the cashier chose, on the sale: the scanned line itself when it is that product."""
        chosen = self.chosen()
        if chosen is None:
            raise InputError("reward_unknown", ref="")
        try:
            line = self.session.current_line()
        except InputError:
            line = None
        if line is not None and not line.reward_id and line.barcode == chosen.reward.barcode:
            return self.session.take_current_as_reward()
        return self.session.take_reward(chosen.reward.id)


# --- the owner's programme ---------------------------------------------------------------------


def _whole_or_none(text: str) -> int | None:
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        raise InputError("reward_limit", max=rewards.MAX_LIMIT)
    return int(text)


def _day_or_none(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("reward_day", text=text) from None


class RewardsTab(QWidget):
    """The programme's gifts for points, saved as they are changed (they do not wait for Publish)."""

    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.fmt = fmt
        self.views: list[RewardView] = []
        box = QVBoxLayout(self)
        intro = QLabel(_("Products of the catalogue a member takes as a gift for points, at the till with Ctrl+G. "
                         "Saved at once: gifts do not wait for Publish."), self)
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.table = list_table(self, [_("Gift"), _("Points"), _("Given"), _("Limits"), _("Status")])
        self.table.setObjectName("RewardTable")
        self.table.doubleClicked.connect(lambda _: self.edit())
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        for text, slot in ((_("Add…"), self.add), (_("Edit…"), self.edit), (_("Retire / offer again"), self.toggle)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, s=slot: self._guard(s))
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        self.message = QLabel(self)
        self.message.setObjectName("Warning")
        self.message.setWordWrap(True)
        box.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        self.views = rewards.listing(include_retired=True)
        self.table.setRowCount(len(self.views))
        for row, view in enumerate(self.views):
            texts = [view.name, self.fmt.points(view.points), self.fmt.number(view.given),
                     _limits(view, self.fmt), _("offered") if view.active else _("retired")]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{view.name}\n{view.barcode}")
                if not view.active:
                    item.setForeground(QColor("#7b8794"))
                self.table.setItem(row, column, item)

    def _guard(self, action: Callable[[], Any]) -> None:
        self.message.clear()
        try:
            action()
        except InputError as exc:
            self.message.setText(user_message(exc))

    def _chosen(self) -> RewardView:
        row = self.table.currentRow()
        if not 0 <= row < len(self.views):
            raise InputError("no_row")
        return self.views[row]

    def _fields(self, new: bool) -> list[Field]:
        tiers = (("", _("every member")),) + tuple((t.code, tier_name(t.name)) for t in active_rules().tiers)
        fields = [
            Field("points", _("Points"), "int", high=rewards.MAX_POINTS),
            Field("stock", _("How many in all"), "text", hint=_("empty: no limit")),
            Field("per_member", _("How many per member"), "text", hint=_("empty: no limit")),
            Field("valid_from", _("Offered from"), "date"),
            Field("valid_to", _("Offered until"), "date"),
            Field("tier", _("For"), "choice", choices=tiers),
        ]
        if new:
            fields.insert(0, Field("product", _("Product (barcode or name)"), "text"))
        return fields

    def _form(self, new: bool, values: dict[str, Any]) -> Form:
        form = Form(self._fields(new), self.fmt)
        form.set_values(values)
        for name in ("stock", "per_member"):
            form.editor(name).setPlaceholderText(_("empty: no limit"))
        return form

    def _terms(self, values: dict[str, Any]) -> dict[str, Any]:
        return dict(points=values["points"], stock=_whole_or_none(values["stock"]),
                    per_member=_whole_or_none(values["per_member"]),
                    valid_from=_day_or_none(values["valid_from"]), valid_to=_day_or_none(values["valid_to"]),
                    tier=values["tier"] or "")

    def add(self) -> FormDialog:
        form = self._form(True, {"points": 500})

        def save(values: dict[str, Any]) -> object:
            product = rewards.product_for(values["product"])
            return rewards.add(product.barcode, actor=self.staff, rules=active_rules(), **self._terms(values))

        return self._open(FormDialog(_("New gift for points"), form, save, self))

    def edit(self) -> FormDialog:
        view = self._chosen()
        values = {"points": view.points, "stock": "" if view.stock is None else str(view.stock),
                  "per_member": "" if view.per_member is None else str(view.per_member),
                  "valid_from": view.valid_from.isoformat() if view.valid_from else "",
                  "valid_to": view.valid_to.isoformat() if view.valid_to else "", "tier": view.tier}
        form = self._form(False, values)

        def save(values: dict[str, Any]) -> object:
            return rewards.edit(view.id, actor=self.staff, rules=active_rules(), **self._terms(values))

        return self._open(FormDialog(_("Gift for points: %1").replace("%1", view.name), form, save, self))

    def toggle(self) -> None:
        view = self._chosen()
        rewards.edit(view.id, actor=self.staff, active=not view.active)
        self.refresh()

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.accepted.connect(self.refresh)
        dialog.open()
        self.dialog = dialog
        return dialog
