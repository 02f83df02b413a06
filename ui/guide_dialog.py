"""The cashier's guide: choose the language, save the page as PDF or print it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, \
    QVBoxLayout, QWidget

from services.core.errors import InputError
from services.core.messages import _
from services.printing.guide import render_guide_pdf, shop_guide
from services.shop.settings import shop_info
from ui import operations
from ui.widgets import MessageBar

LANGUAGES = (("ru", "Русский"), ("ro", "Română"), ("en", "English"))


class GuideDialog(QDialog):
    def __init__(self, resources: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resources = resources
        self.setWindowTitle(_("Cashier's guide"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel(_("One page to keep at the till: how to offer the card, how to explain the points, "
                         "what to say. The programme's figures are filled in from the rules in force."), self)
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        layout.addWidget(intro)
        form = QFormLayout()
        self.language = QComboBox(self)
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex([code for code, _name in LANGUAGES].index(shop_info().language))
        form.addRow(_("Language"), self.language)
        layout.addLayout(form)
        self.message = MessageBar(self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Save PDF…"), self)
        self.save_button.setObjectName("Primary")
        self.save_button.clicked.connect(self.choose_file)
        self.print_button = QPushButton(_("Print…"), self)
        self.print_button.clicked.connect(self.print_guide)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.accept)
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)

    def pdf(self) -> bytes:
        return render_guide_pdf(shop_guide(self.language.currentData()), self.resources)

    def choose_file(self) -> None:
        name = _("cashier-guide") + f"-{self.language.currentData()}.pdf"
        path, _unused = QFileDialog.getSaveFileName(self, _("Save the cashier's guide"), str(Path.home() / name),
                                                    "PDF (*.pdf)")
        if path:
            self.save(Path(path))

    def save(self, path: Path) -> None:
        """Lay the page out and write it on a worker; say where it went."""
        data = self.pdf()
        from services.printing.receipts import write_pdf

        operations.run(self, lambda: write_pdf(data, path),
                       lambda _result: self.message.show_message(_("Guide saved: %1").replace("%1", str(path)), "ok"),
                       self._failed)

    def print_guide(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from ui.printing import print_pdf

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            print_pdf(self.pdf(), printer, _("Cashier's guide"))
        except InputError as exc:
            self._failed(exc)
            return
        self.message.show_message(_("The guide went to the printer."), "ok")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):
            from ui.errors import user_message

            self.message.show_message(user_message(exc), "error")
        else:
            operations.show_failure(self, exc)
