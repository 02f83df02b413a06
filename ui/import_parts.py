"""The import wizard's words and small parts: what the kinds, encodings, separators
and formats are called for an owner, the file as read in one sentence, the
counts panel, and the progress a worker reports (plain values, no Qt)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QTableWidgetItem, QWidget

from services.core.messages import _
from services.imports import columns, files
from services.imports.outcome import ImportOutcome


def kind_texts() -> dict[str, tuple[str, str]]:
    """kind -> (its name, what it brings)."""
    return {
        "members": (_("Members"), _("Customers with their old card numbers, phones and points balances: "
                                    "their cards work at the till as they are.")),
        "catalogue": (_("Catalogue"), _("Products with their barcodes, names and prices (1C and MoySklad "
                                        "exports as they are).")),
        "history": (_("Sales history"), _("Past receipts of your customers: they count towards tiers, your "
                                          "figures and the what-if.")),
    }


def page_titles() -> dict[str, str]:
    return {
        "what": _("What to import"), "file": _("The file as read"), "columns": _("Columns"),
        "preview": _("Preview"), "count": _("Check the whole file"), "import": _("Import"), "summary": _("Done"),
    }


def encoding_names() -> dict[str, str]:
    """codec (as codecs.lookup names it) -> what an owner calls it."""
    return {
        "utf-8": _("Unicode (UTF-8)"),
        "utf-8-sig": _("Unicode (UTF-8 with a byte-order mark)"),
        "utf-16": _("Unicode (UTF-16, Excel's “Unicode text”)"),
        "cp1251": _("Cyrillic (Windows-1251)"),
        "cp866": _("Cyrillic (DOS-866, old 1C)"),
        "koi8-r": _("Cyrillic (KOI8-R)"),
        "cp1250": _("Central European (Windows-1250)"),
        "iso8859-16": _("Romanian (ISO-8859-16)"),
        "cp1252": _("Western European (Windows-1252)"),
    }


def separator_names() -> dict[str, str]:
    return {";": _("semicolons"), ",": _("commas"), "\t": _("tabs"), "|": _("vertical bars")}


def format_names() -> dict[str, str]:
    return {"xlsx": _("An Excel workbook (XLSX)"), "xls": _("An Excel 97–2003 workbook (XLS)"),
            "ods": _("An OpenDocument workbook (ODS)")}


def field_label(kind: str, field: str) -> str:
    return _(columns.label(kind, field))


def needs_text(kind: str) -> str:
    """What the kind cannot do without, and what else it takes, in the fields' own words."""
    groups = columns.REQUIRED[kind]
    needed = [_(" or ").join(field_label(kind, f) for f in group) for group in groups]
    required = {f for group in groups for f in group}
    others = [field_label(kind, f) for f in columns.field_names(kind) if f not in required]
    return _("Needs columns for: {needs}. It can also take: {others}.").format(
        needs="; ".join(needed), others=", ".join(others))


def describe(table: files.Table) -> str:
    """The file as read, in one plain sentence."""
    row = table.header_row + 1
    if table.kind == "csv":
        encoding = encoding_names().get(table.encoding or "", table.encoding or "")
        separator = separator_names().get(table.delimiter or "", f"“{table.delimiter}”")
        return _("{encoding}, separated by {separator}, headers on row {row}.").format(
            encoding=encoding, separator=separator, row=row)
    return _("{format}, sheet “{sheet}”, headers on row {row}.").format(
        format=format_names().get(table.kind, table.kind), sheet=table.sheet or "", row=row)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _("{n} KB").format(n=max(1, round(size / 1024)))
    return _("{n} MB").format(n=f"{size / (1024 * 1024):.1f}")


def count_text(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def column_name(headers: list[str], index: int) -> str:
    header = headers[index].strip() if index < len(headers) else ""
    return header or _("Column {n}").format(n=index + 1)


@dataclass
class Progress:
    """What a worker reports (done, of total) and the screen reads: plain values, no Qt."""

    done: int = 0
    total: int = 0

    def report(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def table_item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


def wrapped_label(text: str, name: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class Counts(QFrame):
    """Rows read, added, updated, unchanged, refused: a dry run's or an import's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Panel")
        self.grid = QGridLayout(self)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}

    def show_outcome(self, outcome: ImportOutcome) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.values.clear()
        shown = [
            ("rows", _("Rows read"), outcome.rows),
            ("imported", _("New") if not outcome.dry_run else _("Would be added"), outcome.imported),
            ("updated", _("Updated") if not outcome.dry_run else _("Would be updated"), outcome.updated),
            ("skipped", _("Unchanged or skipped"), outcome.skipped),
            ("errors", _("Refused (see below)"), len({p.row for p in outcome.errors})),
            ("warnings", _("Taken, with a warning"), len({p.row for p in outcome.warnings})),
        ]
        granted = getattr(outcome, "points_granted", 0)
        if granted:
            shown.append(("points_granted", _("Points given once for these sales"), granted))
        tiers = getattr(outcome, "tier_changes", 0)
        if isinstance(tiers, int) and tiers:
            shown.append(("tier_changes", _("Members whose tier changed"), tiers))
        for row, (key, text, value) in enumerate(shown):
            name = QLabel(text, self)
            name.setObjectName("FieldName")
            number = QLabel(count_text(value), self)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key == "errors" and value:
                number.setObjectName("Warning")
            elif key in ("imported", "updated") and value:
                number.setObjectName("Good")
            self.grid.addWidget(name, row // 2, (row % 2) * 2)
            self.grid.addWidget(number, row // 2, (row % 2) * 2 + 1)
            self.values[key] = number
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
