"""The cart on screen: one row per line, with why each price is what it is."""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from services.programme.pricing import PricedCart, PricedLine
from services.core.messages import _
from ui.formatting import Formatter, tier_name

Index = QModelIndex | QPersistentModelIndex


def explain(reasons: Sequence[dict[str, Any]], fmt: Formatter) -> str:
    """The line's reasons (from pricing) as a short sentence for the cashier."""
    parts: list[str] = []
    for reason in reasons:
        code = reason.get("code")
        if code == "member_discount":
            parts.append(_("member −%1").replace("%1", fmt.percent(reason["bp"])))
        elif code == "tier_discount":
            parts.append(_("%1 −%2").replace("%1", tier_name(reason["tier"])).replace("%2", fmt.percent(reason["bp"])))
        elif code == "manual_discount":
            parts.append(_("manager −%1").replace("%1", fmt.percent(reason["bp"])))
        elif code == "excluded":
            parts.append(_("no loyalty (%1)").replace("%1", reason.get("category", "")))
        elif code == "discount_capped":
            parts.append(_("capped at %1").replace("%1", fmt.percent(reason["bp"])))
        elif code == "points_paid":
            parts.append(_("points −%1").replace("%1", fmt.money(reason["amount"])))
        elif code == "earn":
            text = _("+%1").replace("%1", fmt.points(reason["points"]))
            if reason.get("x_bp"):
                text += f" (×{reason['x_bp'] / 10_000:g})"
            parts.append(text)
        elif code == "promo_discount":
            parts.append(_("%1 −%2").replace("%1", reason.get("name") or reason["promo"]).replace("%2", fmt.percent(reason["bp"])))
        elif code == "promo_free":
            parts.append(_("%1: %2 free").replace("%1", reason.get("name") or reason["promo"]).replace("%2", str(reason["free"])))
        elif code == "promo_points":
            parts.append(_("%1 +%2").replace("%1", reason.get("name") or reason["promo"]).replace("%2", fmt.points(reason["points"])))
        elif code == "promo_multiplier":
            parts.append(_("%1 ×%2").replace("%1", reason.get("name") or reason["promo"]).replace("%2", f"{reason['x_bp'] / 10_000:g}"))
        elif code == "reward":  # a gift for points (services.programme.rewards)
            parts.append(_("gift for %1").replace("%1", fmt.points(reason["points"])))
        elif code == "birthday_discount":
            parts.append(_("birthday −%1").replace("%1", fmt.percent(reason["bp"])))
    return " · ".join(parts)


class CartModel(QAbstractTableModel):
    NAME, QTY, PRICE, DISCOUNT, SUM, WHY = range(6)

    def __init__(self, fmt: Formatter) -> None:
        super().__init__()
        self.fmt = fmt
        self.lines: list[PricedLine] = []

    def headers(self) -> list[str]:
        return [_("Item"), _("Qty"), _("Price"), _("Discount"), _("Sum"), _("Why")]

    def set_priced(self, priced: PricedCart | None) -> None:
        """New prices.  The same lines priced anew (a member's card, points) only
        repaint their cells; the view is reset only when lines come or go."""
        lines = list(priced.lines) if priced else []
        if [l.line.key for l in lines] != [l.line.key for l in self.lines]:
            self.beginResetModel()
            self.lines = lines
            self.endResetModel()
        elif lines != self.lines:
            self.lines = lines
            self.dataChanged.emit(self.index(0, 0), self.index(len(lines) - 1, self.columnCount() - 1))

    def key_at(self, row: int) -> str | None:
        return self.lines[row].line.key if 0 <= row < len(self.lines) else None

    def row_of(self, key: str) -> int:
        for row, line in enumerate(self.lines):
            if line.line.key == key:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.NAME, self.WHY):
            return f"{line.line.name}\n{line.line.barcode}\n{explain(line.reasons, self.fmt)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.QTY, self.PRICE, self.DISCOUNT, self.SUM):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.DISCOUNT and line.discount:
                return QColor("#c53030")
            if column == self.WHY:
                return QColor("#52606d")
        return None

    def _text(self, line: PricedLine, column: int) -> str:
        if column == self.NAME:
            return line.line.name
        if column == self.QTY:
            return self.fmt.weight(line.line.grams) if line.line.grams else str(line.line.qty)
        if column == self.PRICE:  # a weighed line: its price per kg, said so
            if line.line.per_kg:
                return self.fmt.money(line.line.per_kg) + _(" / kg")
            return self.fmt.money(line.line.unit_price)
        if column == self.DISCOUNT:
            return "−" + self.fmt.money(line.discount) if line.discount else ""
        if column == self.SUM:
            return self.fmt.money(line.net)
        return explain(line.reasons, self.fmt)
