"""The catalogue (manager and owner): products, categories, the scales'
layout, and sheets of shelf labels.  The window lays out and asks; the
services (services.shop.catalogue) check roles and values and write; saving
runs through ui.operations so the screen never waits on the disk."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QListWidget, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget,
    QVBoxLayout, QWidget,
)

from models.schema import Product, Staff
from services.core.errors import InputError
from services.core.messages import _, pgettext
from services.core.money import parse_amount
from services.printing import labels
from services.shop import catalogue
from services.shop.catalogue import ProductForm
from services.shop.settings import shop_info
from ui import operations
from ui.errors import user_message
from ui.files import save_path
from ui.formatting import Formatter
from ui.widgets import MessageBar


class ProductDialog(QDialog):
    """Add or edit one product: name, category, price (its history beside),
    barcodes, weighed with its PLU, archive."""

    saved = Signal(object)

    def __init__(self, staff: Staff, fmt: Formatter, item: Product | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff, self.fmt, self.item = staff, fmt, item
        self.setWindowTitle(_("Edit product") if item else _("New product"))
        self.setMinimumWidth(860)  # the barcode field's hint whole, in Russian too
        self.name = QLineEdit(item.name if item else "")
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems([c.name for c in catalogue.categories()])
        self.category.setCurrentText(item.category.name if item else "")
        self.category.lineEdit().setPlaceholderText(_("Choose or type a new category"))
        self.price = QLineEdit(self._amount(item.price) if item else "")
        self.price.setPlaceholderText("0,00")
        self.weighed = QCheckBox(_("Sold by weight (price per kg)"))
        self.weighed.setChecked(bool(item and item.weighed))
        self.plu = QSpinBox()
        self.plu.setRange(0, catalogue.scale_layout().max_plu)
        self.plu.setSpecialValueText(_("next free"))
        self.plu.setValue(item.plu or 0 if item else 0)
        self.plu.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel scrolls the form, not the number
        self.codes = QListWidget()
        self.codes.addItems(catalogue.codes_of(item) if item else [])
        self.codes.setMaximumHeight(110)
        self.new_code = QLineEdit()
        self.new_code.setPlaceholderText(_("Scan or type a barcode, then Add"))
        add_code = QPushButton(_("Add"))
        remove_code = QPushButton(_("Remove"))
        generate = QPushButton(_("Generate in-store barcode"))
        add_code.clicked.connect(self.add_code)
        self.new_code.returnPressed.connect(self.add_code)
        remove_code.clicked.connect(lambda: self.codes.takeItem(self.codes.currentRow()))
        generate.clicked.connect(self.generate)
        code_row = QHBoxLayout()  # the field has the form's whole width: its hint is long in Russian
        for widget in (add_code, remove_code):
            code_row.addWidget(widget)
        code_row.addStretch(1)
        form = QFormLayout()
        form.addRow(pgettext("catalogue", "Name"), self.name)
        form.addRow(_("Category"), self.category)
        form.addRow(_("Price"), self.price)
        form.addRow("", self.weighed)
        form.addRow(_("PLU on the scales"), self.plu)
        form.addRow(_("Barcodes (the first is the main one)"), self.codes)
        form.addRow("", self.new_code)
        form.addRow("", code_row)
        form.addRow("", generate)
        if item is not None:
            history = QListWidget()
            history.setMaximumHeight(90)
            changes = catalogue.price_history(item)  # newest first: the last is the product's creation
            for index, change in enumerate(changes):
                text = (_("{when}: first price {price}") if index == len(changes) - 1
                        else _("{when}: {previous} → {price}"))
                history.addItem(text.format(when=fmt.date(change.effective_from), previous=fmt.money(change.previous),
                                            price=fmt.money(change.price)))
            self.history = history
            form.addRow(_("Price history"), history)
        hint = QLabel(_("No barcode? Leave the list empty: an in-store barcode is made, and you can print its label."))
        hint.setWordWrap(True)
        hint.setObjectName("Hint")
        self.message = MessageBar(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        if item is not None:
            self.archive_button = buttons.addButton(
                _("Put back on sale") if not item.active else _("Archive"), QDialogButtonBox.ButtonRole.ActionRole)
            self.archive_button.clicked.connect(self.archive)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.weighed.toggled.connect(self._weighed_changed)
        self._weighed_changed(self.weighed.isChecked())

    def _amount(self, minor: int) -> str:
        return f"{minor // 100},{minor % 100:02d}"

    def _weighed_changed(self, on: bool) -> None:
        self.plu.setEnabled(on)

    def add_code(self) -> None:
        code = self.new_code.text().strip()
        if code and not self.codes.findItems(code, Qt.MatchFlag.MatchExactly):
            self.codes.addItem(code)
        self.new_code.clear()

    def take_scan(self, code: str) -> None:
        """A barcode scanned while this form is open is the product's own (ui.cashier.on_scan
        hands it here instead of to the sale under the catalogue)."""
        self.new_code.setText(code)
        self.add_code()

    def generate(self) -> None:
        try:
            self.codes.addItem(catalogue.new_instore_code())
        except InputError as exc:
            self.message.show_message(user_message(exc), "error")

    def form(self) -> ProductForm:
        try:
            price = parse_amount(self.price.text())
        except (InputError, ValueError):
            raise InputError("amount_bad", field=_("Price"), text=self.price.text()) from None
        return ProductForm(
            name=self.name.text(), price=price, category=self.category.currentText(),
            barcodes=tuple(self.codes.item(i).text() for i in range(self.codes.count())),
            weighed=self.weighed.isChecked(), plu=self.plu.value() or None,
        )

    def save(self) -> None:
        try:
            form = self.form()
        except InputError as exc:
            self.message.show_message(user_message(exc), "error")
            return
        staff, item = self.staff, self.item
        if item is None:
            work = lambda: catalogue.add_product(staff, form)  # noqa: E731
        else:
            work = lambda: catalogue.update_product(staff, item.id, form)  # noqa: E731
        operations.run(self, work, self._saved, self._failed)

    def archive(self) -> None:
        staff, item = self.staff, self.item
        assert item is not None
        operations.run(self, lambda: catalogue.archive_product(staff, item.id, archived=bool(item.active)),
                       self._saved, self._failed)

    def _saved(self, item: object) -> None:
        self.saved.emit(item)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InputError):
            self.message.show_message(user_message(exc), "error")
        else:
            operations.show_failure(self, exc)


class CatalogueDialog(QDialog):
    """Products, categories and the scales, on three tabs."""

    def __init__(self, staff: Staff, fmt: Formatter, resources: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff, self.fmt, self.resources = staff, fmt, resources
        self.setWindowTitle(_("Catalogue"))
        self.resize(980, 640)
        self.tabs = tabs = QTabWidget()
        tabs.addTab(self._products_tab(), _("Products"))
        tabs.addTab(self._categories_tab(), _("Categories"))
        tabs.addTab(self._scales_tab(), _("Scales"))
        self.message = MessageBar(self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.refresh()

    def say(self, text: str, kind: str = "info") -> None:
        self.message.show_message(text, kind)

    def take_scan(self, code: str) -> None:
        """A barcode scanned over the catalogue finds its product (not the sale under it)."""
        self.tabs.setCurrentIndex(0)
        self.search.setText(code)

    # --- products -----------------------------------------------------------------

    def _products_tab(self) -> QWidget:
        page = QWidget()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Find by name, barcode or category"))
        self.search.textChanged.connect(self.refresh)
        self.archived = QCheckBox(_("Show archived"))
        self.archived.toggled.connect(self.refresh)
        add = QPushButton(_("Add product…"))
        edit = QPushButton(_("Edit…"))
        print_labels = QPushButton(_("Print labels…"))
        add.clicked.connect(self.add_product)
        edit.clicked.connect(self.edit_product)
        print_labels.clicked.connect(self.print_labels)
        self.layout_choice = QComboBox()
        for key, sheet in labels.LAYOUTS.items():
            self.layout_choice.addItem(_("A4, {columns} × {rows} labels").format(columns=sheet.columns, rows=sheet.rows), key)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.archived)
        top.addWidget(add)
        top.addWidget(edit)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([pgettext("catalogue", "Name"), _("Category"), _("Price"), _("Barcode"), _("How sold")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.edit_product())
        self.empty = QLabel(_("The catalogue is empty. Add your first product: “Add product…” (a barcode is made "
                              "for goods without one), then print its shelf label."))
        self.empty.setWordWrap(True)
        self.empty.setObjectName("EmptyHint")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(QLabel(_("Labels for the selected products:")))
        bottom.addWidget(self.layout_choice)
        bottom.addWidget(print_labels)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        return page

    def refresh(self) -> None:
        self.rows = catalogue.products(self.search.text(), archived=self.archived.isChecked())
        self.table.setRowCount(len(self.rows))
        for row, item in enumerate(self.rows):
            price = self.fmt.money(item.price) + (_(" / kg") if item.weighed else "")
            sold = _("by weight, PLU {plu}").format(plu=item.plu) if item.weighed else _("by the piece")
            if not item.active:
                sold = _("archived")
            for column, text in enumerate((item.name, item.category.name, price, item.barcode, sold)):
                cell = QTableWidgetItem(text)
                if column == 2:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        nothing = not self.rows and not self.search.text().strip() and not self.archived.isChecked()
        self.empty.setVisible(nothing)
        self._refresh_categories()

    def selected(self) -> list[Product]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[row] for row in rows]

    def add_product(self) -> None:
        dialog = ProductDialog(self.staff, self.fmt, None, self)
        dialog.saved.connect(lambda item: (self.refresh(), self.say(_("Saved: {name}").format(name=item.name), "ok")))
        dialog.open()
        self.product_dialog = dialog

    def edit_product(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.say(user_message(InputError("no_row")), "warn")
            return
        dialog = ProductDialog(self.staff, self.fmt, catalogue.product(chosen[0].id), self)
        dialog.saved.connect(lambda item: (self.refresh(), self.say(_("Saved: {name}").format(name=item.name), "ok")))
        dialog.open()
        self.product_dialog = dialog

    def print_labels(self) -> None:
        chosen = self.selected() or self.rows
        if not chosen:
            self.say(user_message(InputError("no_row")), "warn")
            return
        path = save_path(self, _("Save labels as PDF"), _("labels") + ".pdf", "PDF (*.pdf)")
        if not path:
            return
        shop = shop_info()
        items = labels.labels_for(chosen, shop.language, shop.currency, shop.locale)
        layout, resources = self.layout_choice.currentData(), self.resources
        operations.run(self, lambda: labels.sheet_pdf(items, Path(path), layout, resources),
                       lambda pages: self.say(_("Labels saved: {path}").format(path=path), "ok"))

    # --- categories ---------------------------------------------------------------

    def _categories_tab(self) -> QWidget:
        page = QWidget()
        self.category_list = QListWidget()
        self.category_list.currentRowChanged.connect(self._category_chosen)
        self.category_name = QLineEdit()
        self.category_excluded = QCheckBox(_("No discounts and no points (tobacco, alcohol, gift cards)"))
        add = QPushButton(_("Add category"))
        save = QPushButton(_("Save changes"))
        add.clicked.connect(self.add_category)
        save.clicked.connect(self.save_category)
        form = QFormLayout()
        form.addRow(pgettext("catalogue", "Name"), self.category_name)
        form.addRow("", self.category_excluded)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(save)
        buttons.addStretch(1)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addLayout(buttons)
        side.addStretch(1)
        layout = QHBoxLayout(page)
        layout.addWidget(self.category_list, 1)
        layout.addLayout(side, 2)
        self.category_rows: list = []
        return page

    def _refresh_categories(self) -> None:
        self.category_rows = catalogue.categories()
        self.category_list.blockSignals(True)
        self.category_list.clear()
        for row in self.category_rows:
            self.category_list.addItem(row.name + (" — " + _("no discounts, no points") if row.loyalty_excluded else ""))
        self.category_list.blockSignals(False)

    def _category_chosen(self, row: int) -> None:
        if 0 <= row < len(self.category_rows):
            self.category_name.setText(self.category_rows[row].name)
            self.category_excluded.setChecked(bool(self.category_rows[row].loyalty_excluded))

    def add_category(self) -> None:
        staff, name, excluded = self.staff, self.category_name.text(), self.category_excluded.isChecked()
        operations.run(self, lambda: catalogue.add_category(staff, name, excluded),
                       lambda row: (self.refresh(), self.say(_("Saved: {name}").format(name=row.name), "ok")))

    def save_category(self) -> None:
        row = self.category_list.currentRow()
        if not 0 <= row < len(self.category_rows):
            self.say(user_message(InputError("no_row")), "warn")
            return
        staff, target = self.staff, self.category_rows[row].id
        name, excluded = self.category_name.text(), self.category_excluded.isChecked()
        operations.run(self, lambda: catalogue.edit_category(staff, target, name, excluded),
                       lambda row: (self.refresh(), self.say(_("Saved: {name}").format(name=row.name), "ok")))

    # --- the scales -----------------------------------------------------------------

    def _scales_tab(self) -> QWidget:
        page = QWidget()
        self.scale_layout = QLineEdit(catalogue.scale_layout().text)
        explain = QLabel(_(
            "The layout of the barcodes your scales print for weighed goods: two digits of the scales' prefix "
            "(20-29, not your cards' prefix), P for the product's PLU, W for the weight in grams or M for the "
            "price, C for the check digit. Examples: 22 PPPPP WWWWW C (weight), 23 PPPPP MMMMM C (price)."))
        explain.setWordWrap(True)
        save = QPushButton(_("Save layout"))
        save.clicked.connect(self.save_scale_layout)
        save.setEnabled(bool(self.staff) and self.staff.role == "owner")
        if not save.isEnabled():
            explain.setText(explain.text() + " " + _("Only the owner changes it."))
        row = QHBoxLayout()
        row.addWidget(self.scale_layout, 1)
        row.addWidget(save)
        layout = QVBoxLayout(page)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def save_scale_layout(self) -> None:
        staff, text = self.staff, self.scale_layout.text()
        operations.run(self, lambda: catalogue.set_scale_layout(staff, text),
                       lambda layout: (self.scale_layout.setText(layout.text),
                                       self.say(_("Scale layout saved: {layout}").format(layout=layout.text), "ok")))
