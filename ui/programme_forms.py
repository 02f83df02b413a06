"""Forms for the owner's programme: fields described once, read and written as values.

A form turns what the owner typed into the values a rule set holds
(percentages to basis points, money to minor units); a value it cannot read
is an InputError with a code, translated like every other message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QSpinBox,
    QVBoxLayout, QWidget,
)

from services.core.errors import InputError
from services.core.money import parse_amount
from services.programme.rules import parse_percent
from services.core.messages import _
from ui.widgets import guard_wheel
from ui.formatting import Formatter


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text, int, percent, optional_percent, times, money, bool, choice, list, weekdays, date
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    high: int = 1_000_000


def weekday_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"),
            _("Thu"), _("Fri"), _("Sat"),
            _("Sun")]


class Form(QWidget):
    """A QFormLayout of fields; values() reads them, set_values() shows them."""

    def __init__(self, fields: list[Field], fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = fields
        self.fmt = fmt
        self.editors: dict[str, Any] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for field in fields:
            editor = self._editor(field)
            self.editors[field.name] = editor
            label = QLabel(field.label, self)
            if field.hint:
                label.setToolTip(field.hint)
                if isinstance(editor, QWidget):
                    editor.setToolTip(field.hint)
            layout.addRow(label, editor if isinstance(editor, QWidget) else editor[0])
        guard_wheel(self)  # the form scrolls under the wheel; a number changes only in the box with focus

    def _editor(self, field: Field) -> Any:
        if field.kind == "int":
            spin = QSpinBox(self)
            spin.setRange(0, field.high)
            spin.setObjectName(f"field_{field.name}")
            return spin
        if field.kind == "bool":
            box = QCheckBox(self)
            box.setObjectName(f"field_{field.name}")
            return box
        if field.kind == "choice":
            combo = QComboBox(self)
            combo.setObjectName(f"field_{field.name}")
            for value, text in field.choices:
                combo.addItem(text, value)
            return combo
        if field.kind == "weekdays":
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            boxes = []
            for name in weekday_names():
                box = QCheckBox(name, row)
                line.addWidget(box)
                boxes.append(box)
            line.addStretch(1)
            return (row, boxes)
        edit = QLineEdit(self)
        edit.setObjectName(f"field_{field.name}")
        if field.kind == "date":
            edit.setPlaceholderText(_("YYYY-MM-DD, empty: always"))
        elif field.kind == "list":
            edit.setPlaceholderText(_("comma-separated, empty: all"))
        elif field.kind == "optional_percent":
            edit.setPlaceholderText(_("empty: the programme's"))
        return edit

    # --- values ---------------------------------------------------------------------

    def set_values(self, values: dict[str, Any]) -> None:
        for field in self.fields:
            editor = self.editors[field.name]
            value = values.get(field.name)
            if field.kind == "int":
                editor.setValue(int(value or 0))
            elif field.kind == "bool":
                editor.setChecked(bool(value))
            elif field.kind == "choice":
                index = editor.findData(value)
                editor.setCurrentIndex(max(index, 0))
            elif field.kind == "weekdays":
                for day, box in enumerate(editor[1]):
                    box.setChecked(day in (value or ()))
            elif field.kind in ("percent", "optional_percent"):
                editor.setText("" if value is None else f"{value / 100:g}")
            elif field.kind == "times":
                editor.setText(f"{(value or 0) / 10_000:g}")
            elif field.kind == "money":
                editor.setText(f"{(value or 0) / 100:.2f}")
            elif field.kind == "list":
                editor.setText(", ".join(str(v) for v in value or ()))
            else:
                editor.setText("" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.fields:
            editor = self.editors[field.name]
            if field.kind == "int":
                out[field.name] = editor.value()
            elif field.kind == "bool":
                out[field.name] = editor.isChecked()
            elif field.kind == "choice":
                out[field.name] = editor.currentData()
            elif field.kind == "weekdays":
                out[field.name] = tuple(day for day, box in enumerate(editor[1]) if box.isChecked())
            else:
                out[field.name] = self._read_text(field, editor.text().strip())
        return out

    def _read_text(self, field: Field, text: str) -> Any:
        if field.kind == "percent":
            return parse_percent(text or "0", field.label)
        if field.kind == "optional_percent":
            return parse_percent(text, field.label) if text else None
        if field.kind == "times":
            return parse_percent(text or "1", field.label) * 100  # ×2 -> 20000 bp
        if field.kind == "money":
            try:
                return parse_amount(text or "0")
            except ValueError:
                raise InputError("amount_bad", text=text, field=field.label) from None
        if field.kind == "list":
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return text

    def editor(self, name: str) -> Any:
        return self.editors[name]


class FormDialog(QDialog):
    """One item (a tier, a promotion, a coupon) in a form, OK checks what was typed."""

    def __init__(self, title: str, form: Form, on_accept: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = form
        self.on_accept = on_accept
        layout = QVBoxLayout(self)
        layout.addWidget(form)
        self.error = QLabel(self)
        self.error.setObjectName("Warning")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        box.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        box.accepted.connect(self.try_accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.result_value: Any = None

    def try_accept(self) -> None:
        from ui.errors import user_message

        try:
            self.result_value = self.on_accept(self.form.values())
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        self.accept()
