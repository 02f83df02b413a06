"""Dialogs for printing: past receipts, membership cards, and where this till prints."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QScrollArea, QSpinBox,
    QStackedWidget, QVBoxLayout, QWidget,
)

from models.schema import Sale, Staff
from services.printing import cardsheet
from services.printing import printers
from services.core.errors import InputError
from services.printing.printers import PrinterSettings
from services.printing.receipts import load_receipt, render_receipt_pdf, write_pdf
from services.sale.returns import find_sale
from services.programme.rules import active_rules
from services.shop.settings import local_till
from services.core.messages import _, ngettext, pgettext
from ui.files import save_path, open_path
from ui.errors import report_bug, user_message
from ui.formatting import Formatter, tier_name
from ui.printing import preview_pixmap, print_pdf, print_receipt, printer_names
from ui.widgets import MessageBar
from ui import operations


def _message_or_bug(parent: QWidget, bar: MessageBar, exc: BaseException) -> None:
    if isinstance(exc, InputError):
        bar.show_message(user_message(exc), "error")
    else:
        report_bug(parent, exc)


class ReceiptsDialog(QDialog):
    """Find a past receipt (type or scan it, or pick a recent one), see it, print or save it again."""

    return_requested = Signal(str)  # receipt number

    def __init__(self, fmt: Formatter, resources: Path, ref: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.resources = resources
        self.sale: Sale | None = None
        self.pdf = b""  # the receipt on screen, as it will be saved
        self.width = printers.printer_settings().width  # the till's paper, for preview and PDF alike
        self.setWindowTitle(_("Receipts"))
        self.resize(900, 640)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.ref = QLineEdit(ref, self)
        self.ref.setObjectName("BigInput")
        self.ref.setPlaceholderText(_("Scan the receipt or type its number"))
        self.ref.returnPressed.connect(lambda: self.show_sale(self.ref.text()))
        left.addWidget(self.ref)
        left.addWidget(QLabel(_("Recent sales on this till"), self))
        self.recent = QListWidget(self)
        for sale in (Sale.select(Sale.receipt_no, Sale.created_at, Sale.total)
                     .where(Sale.till == local_till()).order_by(Sale.created_at.desc()).limit(30)):
            item = QListWidgetItem(f"{sale.receipt_no}   {fmt.date(sale.created_at)}   {fmt.money(sale.total)}")
            item.setData(Qt.ItemDataRole.UserRole, sale.receipt_no)
            self.recent.addItem(item)
        self.recent.currentItemChanged.connect(
            lambda item, _: item is not None and self.show_sale(item.data(Qt.ItemDataRole.UserRole)))
        left.addWidget(self.recent, 1)
        self.message = MessageBar(self)
        left.addWidget(self.message)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Print"), self)
        self.print_button.setObjectName("Primary")
        self.print_button.clicked.connect(self.print_it)
        self.pdf_button = QPushButton(_("Save as PDF…"), self)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.return_button = QPushButton(_("Return…"), self)
        self.return_button.clicked.connect(self._return)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.pdf_button, self.return_button, close):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        left.addLayout(buttons)
        outer.addLayout(left, 1)
        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(360)
        outer.addWidget(scroll)
        self._enable()
        if ref:
            self.show_sale(ref)

    def take_scan(self, code: str) -> None:
        self.ref.setText(code)
        self.show_sale(code)

    def _enable(self) -> None:
        for button in (self.print_button, self.pdf_button, self.return_button):
            button.setEnabled(self.sale is not None)

    def show_sale(self, ref: str) -> None:
        self.message.clear()
        try:
            self.sale = find_sale(ref)
            self.pdf = render_receipt_pdf(load_receipt(self.sale), self.resources, self.width)  # shown and saved
        except InputError as exc:
            self.sale, self.pdf = None, b""
            self.preview.clear()
            self.message.show_message(user_message(exc), "error")
        else:
            self.preview.setPixmap(preview_pixmap(self.pdf, 320))
        self._enable()

    def print_it(self) -> None:
        if self.sale is None:
            return
        self.print_button.setEnabled(False)
        self.message.show_message(_("Printing…"), "info")

        def done(receipt_no: object) -> None:
            self._enable()
            self.message.show_message(_("Receipt %1 sent to the printer.").replace("%1", str(receipt_no)), "ok")

        def failed(exc: BaseException) -> None:
            self._enable()
            _message_or_bug(self, self.message, exc)

        sale_id, resources = str(self.sale.id), self.resources
        operations.run(self, lambda: print_receipt(sale_id, resources), done, failed)

    def save_pdf(self) -> None:
        if self.sale is None:
            return
        path = save_path(self, _("Save receipt PDF"), f"{self.sale.receipt_no}.pdf",
                                              "PDF (*.pdf)")
        if path:
            self.write_pdf(Path(path))

    def write_pdf(self, path: Path) -> None:
        assert self.sale is not None
        try:
            write_pdf(self.pdf, path)
        except InputError as exc:
            self.message.show_message(user_message(exc), "error")
        else:
            self.message.show_message(_("Receipt saved: %1").replace("%1", str(path)), "ok")

    def _return(self) -> None:
        if self.sale is not None:
            receipt_no = self.sale.receipt_no
            self.accept()
            self.return_requested.emit(receipt_no)


class CardsDialog(QDialog):
    """Membership cards: blank pre-numbered ones, or members' own; preview, save, print."""

    CHOICES = ("blank", "new", "tier", "all", "list")

    def __init__(self, staff: Staff, resources: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.resources = resources
        self.rules = active_rules()
        self.style = cardsheet.card_style()
        self.busy = False
        self.setWindowTitle(_("Membership cards"))
        self.resize(980, 620)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.group = QButtonGroup(self)
        captions = {
            "blank": _("Blank cards, numbered (given at registration)"),
            "new": _("Members who joined in the last 7 days"),
            "tier": _("Members of one tier"),
            "all": _("All members"),
            "list": _("These members (card numbers or ids)"),
        }
        self.radios: dict[str, QRadioButton] = {}
        for index, key in enumerate(self.CHOICES):
            radio = QRadioButton(captions[key], self)
            self.group.addButton(radio, index)
            self.radios[key] = radio
            left.addWidget(radio)
            if key == "blank":
                self.count = QSpinBox(self)
                self.count.setRange(1, cardsheet.MAX_BATCH)
                self.count.setValue(10)
                self.count.setSuffix(" " + _("cards"))
                left.addWidget(self.count)
            elif key == "tier":
                self.tier = QComboBox(self)
                for tier in self.rules.tiers:
                    self.tier.addItem(tier_name(tier.name), tier.code)
                left.addWidget(self.tier)
            elif key == "list":
                self.refs = QPlainTextEdit(self)
                self.refs.setPlaceholderText(_("2700100000013, 2700100000020 …"))
                self.refs.setMaximumHeight(80)
                left.addWidget(self.refs)
        self.radios["new"].setChecked(True)
        self.names = QCheckBox(_("Print the member's name on the card"), self)
        self.names.setChecked(True)
        left.addWidget(self.names)
        form = QFormLayout()
        self.layout_box = QComboBox(self)
        self.layout_box.addItem(_("A4 sheet of 10, with crop marks"), "a4")
        self.layout_box.addItem(_("One card per page (card printer)"), "cr80")
        form.addRow(_("Layout"), self.layout_box)
        left.addLayout(form)
        logo_row = QHBoxLayout()
        self.logo_button = QPushButton(_("Shop logo…"), self)
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_button.setEnabled(staff.role == "owner")
        logo_row.addWidget(self.logo_button)
        logo_row.addStretch(1)
        left.addLayout(logo_row)
        left.addStretch(1)
        self.message = MessageBar(self)
        left.addWidget(self.message)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton(pgettext("CardsDialog", "Preview"), self)
        self.preview_button.clicked.connect(self.show_preview)
        self.save_button = QPushButton(_("Save PDF…"), self)
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(_("Print"), self)
        self.print_button.clicked.connect(self.print_it)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        for button in (self.preview_button, self.save_button, self.print_button, close):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        left.addLayout(buttons)
        outer.addLayout(left, 1)
        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumWidth(460)
        outer.addWidget(self.preview)
        self.group.idToggled.connect(lambda *_: self.show_preview())
        self.layout_box.currentIndexChanged.connect(lambda *_: self.show_preview())
        self.names.toggled.connect(lambda *_: self.show_preview())
        self.show_preview()

    def choice(self) -> str:
        return self.CHOICES[self.group.checkedId()]

    def selection(self) -> Callable[[int | None], list[cardsheet.CardFace]]:
        """What is chosen on screen, read now (on the UI thread), as a function a worker can call."""
        choice, rules, with_names = self.choice(), self.rules, self.names.isChecked()
        refs = [ref for ref in re.split(r"[\s,;]+", self.refs.toPlainText()) if ref]
        tier = self.tier.currentData()
        since = dt.date.today() - dt.timedelta(days=7)

        def faces(limit: int | None = None) -> list[cardsheet.CardFace]:
            if choice == "list":
                if not refs:
                    raise InputError("cards_none_chosen")
                members = cardsheet.select_members(ids=refs[:limit] if limit else refs)
            elif choice == "new":
                members = cardsheet.select_members(since=since, limit=limit)
            elif choice == "tier":
                members = cardsheet.select_members(tier=tier, limit=limit)
            else:
                members = cardsheet.select_members(all_members=True, limit=limit)
            found = cardsheet.member_faces(members, rules, with_names=with_names)
            if not found:
                raise InputError("cards_none")
            return found

        return faces

    def show_preview(self) -> None:
        """The first sheet (or card) of what would print; nothing is reserved."""
        self.message.clear()
        try:
            if self.choice() == "blank":
                faces = cardsheet.next_blank_faces(min(self.count.value(), cardsheet.PER_SHEET))
            else:
                faces = self.selection()(cardsheet.PER_SHEET)
            data, _ = cardsheet.render_cards_pdf(faces, self.resources, self.style, self.layout_box.currentData())
        except InputError as exc:
            self.preview.clear()
            self.message.show_message(user_message(exc), "warn")
            return
        self.preview.setPixmap(preview_pixmap(data, 440))

    def _producer(self, deliver: Callable[[bytes], None]) -> Callable[[], tuple[int, int]]:
        """Work for a worker thread: the cards drawn and handed to `deliver(data)`; blank numbers
        are reserved (committed) first, so a sheet never carries numbers another could get. -> (cards, pages)"""
        layout, resources, style, staff = self.layout_box.currentData(), self.resources, self.style, self.staff
        blank, count, chosen = self.choice() == "blank", self.count.value(), self.selection()

        def work() -> tuple[int, int]:
            pages = 0

            def draw(faces: list[cardsheet.CardFace]) -> None:
                nonlocal pages
                data, pages = cardsheet.render_cards_pdf(faces, resources, style, layout)
                deliver(data)

            if blank:
                faces = cardsheet.reserve_blank(count, actor=staff, deliver=draw)
            else:
                faces = chosen(None)
                draw(faces)
            return len(faces), pages

        return work

    def _run(self, work, done) -> None:
        self._set_busy(True)
        self.message.show_message(_("Preparing the cards…"), "info")

        def finished(result: object) -> None:
            self._set_busy(False)
            done(result)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            _message_or_bug(self, self.message, exc)

        operations.run(self, work, finished, failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.save_button, self.print_button, self.preview_button):
            button.setEnabled(not busy)

    def save(self) -> None:
        path = save_path(self, _("Save cards PDF"), "cards.pdf", "PDF (*.pdf)")
        if path:
            self.write(Path(path))

    def write(self, path: Path) -> None:
        def done(result: object) -> None:
            count, pages = result  # type: ignore[misc]
            self.message.show_message(
                _("%1 cards on %2 pages saved to %3.").replace("%1", str(count)).replace("%2", str(pages))
                .replace("%3", str(path)), "ok")

        self._run(self._producer(lambda data: write_pdf(data, path)), done)

    def print_it(self) -> None:
        """Cards go to a printer the person picks (an office or card printer, not the receipt roll)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.open(lambda: self.print_to(printer))
        self.print_dialog = dialog

    def print_to(self, printer: QPrinter) -> None:
        done = lambda result: self.message.show_message(  # noqa: E731
            ngettext("{n} card sent to the printer.", "{n} cards sent to the printer.", result[0])  # type: ignore[index]
            .format(n=result[0]), "ok")  # type: ignore[index]
        self._run(self._producer(lambda data: print_pdf(data, printer, "cards")), done)

    def choose_logo(self) -> None:
        path = open_path(self, _("Shop logo"), _("Pictures (*.png *.jpg *.jpeg)"))
        if path:
            self.set_logo(Path(path))

    def set_logo(self, path: Path) -> None:
        try:
            cardsheet.set_logo(path, actor=self.staff)
        except InputError as exc:
            self.message.show_message(user_message(exc), "error")
            return
        self.style = cardsheet.card_style()
        self.show_preview()


class PrinterSettingsDialog(QDialog):
    """Where this till prints receipts."""

    def __init__(self, staff: Staff, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setWindowTitle(_("Receipt printer"))
        current = printers.printer_settings()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox(self)
        for key, caption in (("none", _("No printer (save receipts as PDF)")),
                             ("system", _("A printer installed on this computer")),
                             ("escpos", _("A thermal receipt printer (ESC/POS)"))):
            self.kind.addItem(caption, key)
        form.addRow(_("Printer"), self.kind)
        self.width = QComboBox(self)
        self.width.addItem(_("80 mm roll"), "80")
        self.width.addItem(_("58 mm roll"), "58")
        self.width.addItem(_("A4 (office printer)"), "a4")
        form.addRow(_("Paper"), self.width)
        self.auto = QCheckBox(_("Print every receipt when the sale is paid"), self)
        form.addRow("", self.auto)
        layout.addLayout(form)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(QWidget(self))
        system = QWidget(self)
        system_form = QFormLayout(system)
        self.system_name = QComboBox(system)
        self.system_name.addItem(_("The default printer"), "")
        for name in printer_names():
            self.system_name.addItem(name, name)
        system_form.addRow(_("System printer"), self.system_name)
        self.pages.addWidget(system)
        escpos = QWidget(self)
        escpos_form = QFormLayout(escpos)
        self.connection = QComboBox(escpos)
        for key, caption in (("usb", "USB"), ("network", _("Network")), ("serial", _("Serial port"))):
            self.connection.addItem(caption, key)
        escpos_form.addRow(_("Connected by"), self.connection)
        self.usb = QLineEdit(current.usb, escpos)
        self.usb.setPlaceholderText("0416:5011")
        escpos_form.addRow(_("USB vendor:product"), self.usb)
        self.host = QLineEdit(current.host, escpos)
        self.host.setPlaceholderText("192.168.1.50")
        escpos_form.addRow(_("Network address"), self.host)
        self.port = QSpinBox(escpos)
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        escpos_form.addRow(_("Port"), self.port)
        self.serial = QLineEdit(current.serial, escpos)
        self.serial.setPlaceholderText("/dev/ttyUSB0, COM3")
        escpos_form.addRow(_("Serial port"), self.serial)
        self.baud = QComboBox(escpos)
        for rate in (9600, 19200, 38400, 57600, 115200):
            self.baud.addItem(str(rate), rate)
        escpos_form.addRow(_("Speed"), self.baud)
        self.codepage = QComboBox(escpos)
        self.codepage.addItem(_("By the shop's language"), "")
        for page, caption in (("CP866", _("CP866 — Cyrillic")), ("CP1251", _("CP1251 — Cyrillic (Windows)")),
                              ("CP852", _("CP852 — Romanian")), ("CP1250", _("CP1250 — Romanian (Windows)")),
                              ("CP858", _("CP858 — Western, with €")),
                              ("AUTO", _("Automatic (printers with many code pages)"))):
            self.codepage.addItem(caption, page)
        escpos_form.addRow(_("Code page"), self.codepage)
        self.pages.addWidget(escpos)
        layout.addWidget(self.pages)
        self.message = MessageBar(self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        save = QPushButton(_("Save"), self)
        save.setObjectName("Primary")
        save.clicked.connect(self.save)
        cancel = QPushButton(_("Cancel"), self)
        cancel.clicked.connect(self.reject)
        row.addWidget(save)
        row.addWidget(cancel)
        layout.addLayout(row)
        for box, value in ((self.kind, current.kind), (self.width, current.width),
                           (self.system_name, current.system_name), (self.connection, current.connection),
                           (self.baud, current.baudrate), (self.codepage, current.codepage)):
            index = box.findData(value)
            if index >= 0:
                box.setCurrentIndex(index)
        self.auto.setChecked(current.auto_print)
        self.kind.currentIndexChanged.connect(lambda i: self.pages.setCurrentIndex(i))
        self.pages.setCurrentIndex(self.kind.currentIndex())

    def settings(self) -> PrinterSettings:
        return replace(
            PrinterSettings(), kind=self.kind.currentData(), width=self.width.currentData(),
            auto_print=self.auto.isChecked(), system_name=self.system_name.currentData(),
            connection=self.connection.currentData(), usb=self.usb.text(), host=self.host.text(),
            port=self.port.value(), serial=self.serial.text(), baudrate=self.baud.currentData(),
            codepage=self.codepage.currentData(),
        )

    def save(self) -> None:
        try:
            printers.save_printer_settings(self.settings(), actor=self.staff)
        except InputError as exc:
            self.message.show_message(user_message(exc), "error")
            return
        self.accept()
