"""The owner's shop settings: the shop, its receipts, language and money, the scanner,
this till's store, and when the points' daily run last ran.

Saving writes every change at once (services.shop.owner_settings: checked,
all or nothing, audited); the window then rebuilds itself in the new
language and currency (CashierWindow.shop_changed), no restart.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
    QScrollArea, QSpinBox, QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.errors import InputError
from services.core.messages import _
from services.programme import period
from services.shop import owner_settings
from services.shop import staff as auth
from services.shop.settings import TIME_ZONE
from ui import operations
from ui.errors import user_message
from ui.formatting import Formatter
from ui.widgets import guard_wheel, question, section_title

LANGUAGES = (("ru", "Русский"), ("ro", "Română"), ("en", "English"))
CURRENCIES = ("RUB", "MDL", "RON", "EUR")
ZONES = sorted(set(TIME_ZONE.values()) | {
    "Europe/Kaliningrad", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
    "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
    "Europe/Berlin", "Europe/Rome", "Europe/Madrid", "Europe/London",
})


class SettingsDialog(QDialog):
    """One page of the owner's settings; `settings_saved` carries what changed."""

    settings_saved = Signal(object)  # {key: (before, after)}; "store" when the till's store changed
    period_ran = Signal(object)  # PeriodRun, after "Run now"

    def __init__(self, staff: Staff, fmt: Formatter, clock: Callable[[], dt.datetime],
                 parent: QWidget | None = None) -> None:
        auth.require(staff, "shop_settings")
        super().__init__(parent)
        self.staff = staff
        self.fmt = fmt
        self.clock = clock
        self.setWindowTitle(_("Shop settings"))
        self.resize(720, 680)
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        form = QFormLayout(body)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        form.addRow(section_title(_("The shop"), body))
        self.shop_name = QLineEdit(body)
        self.address = QLineEdit(body)
        form.addRow(_("Shop name"), self.shop_name)
        form.addRow(_("Address"), self.address)
        self.header = self._text_box(body, _("Printed under the address, e.g. the company's tax number"))
        self.footer = self._text_box(body, _("Printed at the bottom, e.g. “Returns within 14 days”"))
        form.addRow(_("Receipt header"), self.header)
        form.addRow(_("Receipt footer"), self.footer)

        form.addRow(section_title(_("Language, money and time"), body))
        self.language = QComboBox(body)
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.currency = QComboBox(body)
        self.currency.addItems(CURRENCIES)
        self.currency.setToolTip(_("Fixed once the till has sales."))
        self.time_zone = QComboBox(body)
        self.time_zone.setEditable(True)
        self.time_zone.addItems(ZONES)
        self.time_zone.setToolTip(_("The screen's clock and the receipts follow it; the programme's hours follow the time zone in its editor."))
        form.addRow(_("Language"), self.language)
        form.addRow(_("Currency"), self.currency)
        form.addRow(_("Time zone"), self.time_zone)

        form.addRow(section_title(_("Cards and scanner"), body))
        self.card_prefix = QSpinBox(body)
        self.card_prefix.setRange(20, 29)
        self.card_prefix.setToolTip(_("Fixed once cards exist."))
        self.scan_prefix = QLineEdit(body)
        self.scan_suffix = QLineEdit(body)
        for box in (self.scan_prefix, self.scan_suffix):
            box.setMaxLength(owner_settings.SCAN_AFFIX_LIMIT)
            box.setPlaceholderText(_("none"))
        form.addRow(_("Card numbers start with"), self.card_prefix)
        form.addRow(_("Scanner sends before a code"), self.scan_prefix)
        form.addRow(_("Scanner sends after a code"), self.scan_suffix)
        scale = QLabel(_("Weighed goods' barcodes are set up with the catalogue."), body)
        scale.setObjectName("Muted")
        scale.setWordWrap(True)
        form.addRow(scale)

        form.addRow(section_title(_("This till's store"), body))
        store_hint = QLabel(_("In a chain: this store's name and address go on this till's receipts under the "
                              "shop's name. Leave empty in a shop of one."), body)
        store_hint.setObjectName("Muted")
        store_hint.setWordWrap(True)
        form.addRow(store_hint)
        self.store_name = QLineEdit(body)
        self.store_address = QLineEdit(body)
        form.addRow(_("Store name"), self.store_name)
        form.addRow(_("Store address"), self.store_address)

        form.addRow(section_title(_("Points' daily run"), body))
        self.period_status = QLabel(body)
        self.period_status.setWordWrap(True)
        form.addRow(self.period_status)
        self.run_now = QPushButton(_("Run now"), body)
        self.run_now.clicked.connect(self.run_period)
        form.addRow("", self.run_now)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        buttons = QHBoxLayout()
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.clicked.connect(self.reject)
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        guard_wheel(body)
        self.load()

    def _text_box(self, parent: QWidget, hint: str) -> QPlainTextEdit:
        box = QPlainTextEdit(parent)
        box.setPlaceholderText(hint)
        box.setFixedHeight(64)
        box.setTabChangesFocus(True)
        return box

    # --- values ------------------------------------------------------------------------

    def load(self) -> None:
        values = owner_settings.current()
        self.shop_name.setText(values["shop_name"])
        self.address.setText(values["shop_address"])
        self.header.setPlainText(values["receipt_header"])
        self.footer.setPlainText(values["receipt_footer"])
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        self.currency.setCurrentText(values["currency"])
        self.time_zone.setCurrentText(values["time_zone"])
        self.card_prefix.setValue(int(values["card_prefix"]))
        self.scan_prefix.setText(values["scan_prefix"])
        self.scan_suffix.setText(values["scan_suffix"])
        store = owner_settings.till_store()
        self.store_name.setText(store.name if store else "")
        self.store_address.setText(store.address if store else "")
        self.saved = self.values()
        self.show_period()

    def values(self) -> dict[str, Any]:
        return {
            "shop_name": self.shop_name.text(), "shop_address": self.address.text(),
            "receipt_header": self.header.toPlainText(), "receipt_footer": self.footer.toPlainText(),
            "language": self.language.currentData(), "currency": self.currency.currentText(),
            "time_zone": self.time_zone.currentText().strip(), "card_prefix": str(self.card_prefix.value()),
            "scan_prefix": self.scan_prefix.text(), "scan_suffix": self.scan_suffix.text(),
            "store_name": self.store_name.text(), "store_address": self.store_address.text(),
        }

    def is_dirty(self) -> bool:
        return self.values() != self.saved

    def say(self, text: str, kind: str = "info") -> None:
        self.message.setObjectName({"error": "Error", "ok": "Good"}.get(kind, "Muted"))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def save(self) -> bool:
        values = self.values()
        store_name, store_address = values.pop("store_name"), values.pop("store_address")
        try:
            changed: dict[str, Any] = dict(owner_settings.change_settings(self.staff, values, now=self.clock()))
            old_store = owner_settings.till_store()
            new_store = owner_settings.set_till_store(self.staff, store_name, store_address, now=self.clock())
            if new_store != old_store:
                changed["store"] = (old_store, new_store)
        except InputError as exc:
            self.say(user_message(exc), "error")
            return False
        self.saved = self.values()
        self.say(_("Settings saved.") if changed else _("Nothing changed."), "ok")
        if changed:
            self.settings_saved.emit(changed)
        return True

    # --- the period job ------------------------------------------------------------------

    def show_period(self) -> None:
        last = period.last_run()
        if last is None:
            self.period_status.setText(_("It has not run yet. It releases pending points, expires old ones and "
                                         "reviews tiers: by itself when the till starts and once a day."))
            return
        self.period_status.setText(
            _("Last run %1: %2 points released, %3 expired, %4 tier changes.")
            .replace("%1", self.fmt.date_time(last.at)).replace("%2", self.fmt.number(last.released))
            .replace("%3", self.fmt.number(last.expired)).replace("%4", self.fmt.number(last.tier_changes)))

    def run_period(self) -> None:
        self.run_now.setEnabled(False)
        self.say(_("Running…"))
        now = self.clock()

        def done(result: object) -> None:
            self.show_period()
            self.say(_("The daily run is done."), "ok")
            self.period_ran.emit(result)

        operations.run(self, lambda: period.run(now), done, lambda exc: operations.show_failure(self, exc),
                       after=lambda: self.run_now.setEnabled(True))

    # --- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        """Unsaved edits are not lost to a stray Escape: ask first."""
        if not self.is_dirty():
            super().reject()
            return
        box = question(_("Shop settings"), _("Discard the changes you have not saved?"), self)
        box.finished.connect(lambda button: super(SettingsDialog, self).reject()
                             if button == QMessageBox.StandardButton.Yes else None)
        box.open()
        self.discard_box = box
