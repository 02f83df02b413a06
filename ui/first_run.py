"""The first start on an empty database: the demo shop, or a new shop of one's own."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressDialog,
    QPushButton, QSpinBox, QStackedWidget, QVBoxLayout, QWidget,
)

from services.demo import builder as demo
from services.opening import new_shop
from services.shop import staff as auth
from services.shop.settings import DEFAULT_PREFIX
from services.core.errors import InputError
from services.core.messages import _
from ui.errors import user_message
from ui.login import demo_pins_text

CURRENCIES = ("RUB", "MDL", "RON", "EUR")
LANGUAGES = (("ru", "Русский"), ("ro", "Română"), ("en", "English"))


def build_demo_with_progress(resources: Path, parent: QWidget | None = None) -> None:
    """The demo shop at its default size, with a progress dialog while it is written."""
    progress = QProgressDialog(_("Building the demo shop…"), "", 0, 100, parent)
    progress.setCancelButton(None)
    progress.setWindowTitle(_("Demo shop"))
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(0)
    progress.show()
    stages = {
        "products": _("Products"),
        "members": _("Members"),
        "sales": _("Sales history"),
    }

    def report(stage: str, done: int, total: int) -> None:
        progress.setLabelText(f"{stages.get(stage, stage)}: {done} / {total}")
        progress.setValue(int(100 * done / total) if total else 100)
        QApplication.processEvents()

    try:
        demo.build_demo(resources, progress=report)
    finally:
        progress.close()


class FirstRunDialog(QDialog):
    """Choose: a demo shop to try the till, or a new shop with its owner."""

    def __init__(self, resources: Path, parent: QWidget | None = None, *, language: str = "ru") -> None:
        super().__init__(parent)
        self.resources = resources
        self.default_language = language  # the language the form speaks: the shop's too, until chosen
        self.owner: object | None = None  # the owner, signed in once the shop is made
        self.setWindowTitle(_("Welcome to LoyalTill"))
        self.setMinimumWidth(520)
        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.pages.addWidget(self._choice_page())
        self.pages.addWidget(self._new_shop_page())

    def _choice_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        title = QLabel(_("This till has no shop yet."), page)
        title.setObjectName("Big")
        layout.addWidget(title)
        demo_button = QPushButton(_("Demo shop\nA grocery with members, products and three months of sales"), page)
        demo_button.setMinimumHeight(80)
        demo_button.clicked.connect(self.make_demo)
        new_button = QPushButton(_("New shop\nYour shop's name, currency and the owner's PIN"), page)
        new_button.setMinimumHeight(80)
        new_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        layout.addWidget(demo_button)
        layout.addWidget(new_button)
        hint = QLabel(demo_pins_text(demo.demo_pins(self.resources)), page)
        hint.setObjectName("Muted")
        layout.addWidget(hint)
        return page

    def _new_shop_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.shop_name = QLineEdit(page)
        self.address = QLineEdit(page)
        self.address.setPlaceholderText(_("Printed on receipts, e.g. Chișinău, str. Ștefan cel Mare 1"))
        self.currency = QComboBox(page)
        self.currency.addItems(CURRENCIES)
        self.language = QComboBox(page)
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.default_language)))
        self.card_prefix = QSpinBox(page)
        self.card_prefix.setRange(20, 29)
        self.card_prefix.setValue(int(DEFAULT_PREFIX))
        self.card_prefix.setToolTip(_("Loyalty card numbers (EAN-13) start with these two digits, from the "
                                            "in-store range 20–29. Pick one your goods' own barcodes do not use."))
        self.owner_name = QLineEdit(page)
        self.pin = QLineEdit(page)
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again = QLineEdit(page)
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("Shop name"), self.shop_name)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Currency"), self.currency)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Card numbers start with"), self.card_prefix)
        form.addRow(_("Owner's name"), self.owner_name)
        form.addRow(_("Owner's PIN (6–8 digits)"), self.pin)
        form.addRow(_("PIN again"), self.pin_again)
        self.error = QLabel(page)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        back = QPushButton(_("Back"), page)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        create = QPushButton(_("Create shop"), page)
        create.setObjectName("Primary")
        create.setDefault(True)
        create.clicked.connect(self.make_shop)
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(create)
        form.addRow(buttons)
        return page

    def make_demo(self) -> None:
        try:
            build_demo_with_progress(self.resources, self)
        except InputError as exc:
            self.error.setText(user_message(exc))
            self.pages.setCurrentIndex(1)
            return
        self.accept()

    def make_shop(self) -> None:
        pin, name, owner = self.pin.text(), self.shop_name.text().strip(), self.owner_name.text().strip()
        # Checked here too, so the person sees every problem at once.
        if not name:
            self.error.setText(_("Give the shop a name."))
        elif not owner:
            self.error.setText(_("Enter the owner's name."))
        elif not (pin.isdigit() and auth.MIN_DIGITS["owner"] <= len(pin) <= auth.MAX_DIGITS):
            self.error.setText(user_message(InputError("pin_shape_role", digits=auth.MIN_DIGITS["owner"])))
        elif pin != self.pin_again.text():
            self.error.setText(_("The two PINs differ."))
        else:
            try:
                new_shop.create_shop(name, self.currency.currentText(), self.language.currentData(), owner, pin,
                                 card_prefix=str(self.card_prefix.value()), address=self.address.text().strip())
            except InputError as exc:
                self.error.setText(user_message(exc))
                return
            self.owner = auth.first_of_role("owner")  # create_shop held their signing key: signed in now
            self.accept()
