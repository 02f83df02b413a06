"""The owner's import wizard: members, the catalogue or sales history from a file
an old program wrote, in seven steps.

1 what and which file, 2 the file as read (encoding, separator, header row,
sheet; each changeable), 3 columns -> fields (and the kind's options),
4 a preview of the first rows with each row's verdict, 5 a dry run over the
whole file, 6 the import, 7 the summary and the rejected rows as a file.

Everything is services.imports.runner's (the command line's flow too); this
window lays it out.  The file is read, previewed, counted and imported on
LoyalTill's workers (ui.operations): the wizard is not modal, so the sale
screen under it keeps selling while an import runs, a chunk at a time.  A
worker gets plain values and two plain objects (the progress it reports, the
stop the owner asks for), never a widget; a timer on the screen's thread
shows the progress.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialog, QFormLayout, QFrame, QGridLayout, QHBoxLayout,
    QHeaderView, QLineEdit, QListWidget, QProgressBar, QPushButton, QRadioButton, QSpinBox, QStackedWidget,
    QTableWidget, QVBoxLayout, QWidget,
)

from models.schema import Staff
from services.core.errors import InputError
from services.core.messages import _, pgettext
from services.imports import columns, files, runner
from services.imports.outcome import ImportOutcome, RowProblem
from services.shop import staff as auth
from ui import operations
from ui.errors import user_message
from ui.files import open_path, save_path
from ui.import_parts import (
    Counts, Progress, column_name, describe, encoding_names, field_label, kind_texts, needs_text,
    page_titles, separator_names, size_text, table_item, wrapped_label,
)
from ui.widgets import MessageBar, fit_to_screen, guard_wheel

PAGES = ("what", "file", "columns", "preview", "count", "import", "summary")
SAMPLE_SHOWN = 10  # rows of the file as read, under its header
ERRORS_SHOWN = 200  # refused rows listed in the window; the rejects file has them all
BAD = QColor("#fde8e8")
WARN = QColor("#fdf3dc")
GOOD = QColor("#13854e")
RED = QColor("#c53030")
AMBER = QColor("#b7791f")
FILE_FILTER = "*.csv *.txt *.xlsx *.xls *.ods *.CSV *.TXT *.XLSX *.XLS *.ODS"


class ImportWizard(QDialog):
    """Not modal: the sale screen under it keeps working.  The signals say a step's
    work came back (the tests wait on them)."""

    file_read = Signal(object)  # runner.Inspection
    previewed = Signal(object)  # runner.Preview
    counted = Signal(object)  # the dry run's ImportOutcome
    import_finished = Signal(object)  # the import's ImportOutcome
    rejects_saved = Signal(str)  # the path written
    step_failed = Signal(str)  # a step's work was refused: the sentence said
    open_requested = Signal(str)  # "members" or "catalogue": the window opens it

    def __init__(self, actor: Staff, parent: QWidget | None = None, *, kind: str = "members") -> None:
        super().__init__(parent)
        auth.require(actor, "import_data")
        self.actor = actor
        self.setWindowTitle(_("Import from a file"))
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.resize(1100, 700)
        self.kind = kind
        self.path: Path | None = None
        self.choices: dict[str, Any] = {}  # the owner's corrections: encoding, delimiter, sheet, header_row
        self.inspection: runner.Inspection | None = None
        self.mapping: dict[int, str] = {}
        self.preview: runner.Preview | None = None
        self.dry_outcome: ImportOutcome | None = None
        self.outcome: ImportOutcome | None = None
        self.running = ""  # the step whose work is on a worker: read, preview, count, import, rejects
        self.progress = Progress()
        self.stop = threading.Event()
        self.ticker = QTimer(self)
        self.ticker.setInterval(100)
        self.ticker.timeout.connect(self._show_progress)
        self._filling = False

        self.heading = wrapped_label("", "Big", self)
        self.subtitle = wrapped_label("", "Muted", self)
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        for key, build in (("what", self._what_page), ("file", self._file_page), ("columns", self._columns_page),
                           ("preview", self._preview_page), ("count", self._count_page),
                           ("import", self._import_page), ("summary", self._summary_page)):
            page = build()
            self.pages[key] = page
            self.stack.addWidget(page)
        self.message = MessageBar(self)
        self.back = QPushButton(_("Back"), self)
        self.back.clicked.connect(self.go_back)
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.clicked.connect(self.reject)
        self.next = QPushButton(_("Next"), self)
        self.next.setObjectName("Primary")
        self.next.setDefault(True)
        self.next.clicked.connect(self.go_next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        guard_wheel(self)
        fit_to_screen(self)
        self.set_kind(kind)
        self.show_page("what")

    # --- the frame ----------------------------------------------------------------------

    def say(self, text: str, kind: str = "info") -> None:
        self.message.show_message(text, kind)

    def page(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def show_page(self, key: str) -> None:
        self.stack.setCurrentWidget(self.pages[key])
        number = PAGES.index(key) + 1
        self.heading.setText(_("Step {n} of {total}: {title}").format(
            n=number, total=len(PAGES), title=page_titles()[key]))
        name = kind_texts()[self.kind][0]
        self.subtitle.setText(f"{name} · {self.path.name}" if self.path is not None and key != "what" else
                              _("Bring members, products or past sales from your old program's file."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.page()
        busy = bool(self.running)
        self.back.setVisible(page in ("file", "columns", "preview", "count"))
        self.back.setEnabled(not busy)
        self.close_button.setVisible(page not in ("import", "summary"))
        self.close_button.setText(_("Close") if page == "summary" else _("Cancel"))
        self.next.setVisible(page not in ("import",))
        self.next.setText({"count": _("Import"), "summary": _("Done")}.get(page, _("Next")))
        self.next.setEnabled(not busy and self._may_go_on(page))

    def _may_go_on(self, page: str) -> bool:
        if page == "what":
            return bool(self.path_field.text().strip())
        if page == "file":
            return self.inspection is not None
        if page == "columns":
            return self.inspection is not None and not columns.missing(self.mapping, self.kind)
        if page == "count":
            return self.dry_outcome is not None
        return True

    def go_next(self) -> None:
        if self.running:
            return
        page = self.page()
        self.message.clear()
        if page == "what":
            path = Path(self.path_field.text().strip())
            if path != self.path:
                self.choices = {}
            self.path = path
            self.read_file(then="file")
        elif page == "file":
            self.show_page("columns")
        elif page == "columns":
            self.show_page("preview")
            self.run_preview()
        elif page == "preview":
            self.show_page("count")
            self.run_count()
        elif page == "count":
            self.show_page("import")
            self.run_import()
        elif page == "summary":
            self.accept()

    def go_back(self) -> None:
        if self.running:
            return
        self.message.clear()
        back = {"file": "what", "columns": "file", "preview": "columns", "count": "preview"}
        if self.page() in back:
            self.show_page(back[self.page()])

    def reject(self) -> None:
        """Closing while the import runs asks it to stop after its chunk; the summary follows."""
        if self.running == "import":
            self.stop_import()
            return
        if self.running:
            self.stop.set()  # a dry run or a read: its answer lands on no window
        self.ticker.stop()
        super().reject()

    def _start(self, step: str, work: Callable[[], object], done: Callable[[Any], None],
               progress: bool = False) -> None:
        """Run `work` on a worker; `done(result)` on the screen's thread."""
        self.running = step
        self.stop.clear()
        self.progress.report(0, 0)
        if progress:
            self.ticker.start()
        self._update_buttons()

        def after() -> None:
            self.running = ""
            self.ticker.stop()
            self._show_progress()
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            if step == "import":  # back to the counts, where Import can be pressed again (nothing twice)
                self.show_page("count")
            if isinstance(exc, InputError):
                text = user_message(exc)
                self.say(text, "error")
                self.step_failed.emit(text)
            else:
                operations.show_failure(self, exc)

        operations.run(self, work, done, failed, after=after)

    def _show_progress(self) -> None:
        bar = self.import_bar if self.page() == "import" else self.count_bar
        done, total = self.progress.done, self.progress.total
        bar.setRange(0, 1000 if total else 0)
        if total:
            bar.setValue(min(1000, round(1000 * done / total)))

    # --- 1. what, and which file ------------------------------------------------------------------

    def _what_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(wrapped_label(_("What does the file hold?"), "SectionTitle", page))
        self.kinds = QButtonGroup(page)
        self.kind_buttons: dict[str, QRadioButton] = {}
        box = QFrame(page)
        box.setObjectName("Panel")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(4)
        for row, (kind, (name, what)) in enumerate(kind_texts().items()):
            button = QRadioButton(name, box)
            button.toggled.connect(lambda on, k=kind: on and self.set_kind(k))
            self.kinds.addButton(button)
            self.kind_buttons[kind] = button
            grid.addWidget(button, row * 2, 0)
            grid.addWidget(wrapped_label(what, "Muted", box), row * 2 + 1, 0)
        layout.addWidget(box)
        self.needs = wrapped_label("", "Muted", page)
        layout.addWidget(self.needs)
        layout.addSpacing(12)
        layout.addWidget(wrapped_label(_("The file"), "SectionTitle", page))
        row = QHBoxLayout()
        self.path_field = QLineEdit(page)
        self.path_field.setPlaceholderText(_("Choose the file your old program saved"))
        self.path_field.textChanged.connect(lambda _text: self._update_buttons())
        choose = QPushButton(_("Choose file…"), page)
        choose.clicked.connect(self.ask_for_file)
        row.addWidget(self.path_field, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        layout.addWidget(wrapped_label(_("A table saved by Excel, 1C, MoySklad or your old loyalty program: CSV, TXT, XLSX, "
                                         "XLS or ODS. Nothing is written until the last step, and you see what will "
                                         "happen before it."), "Muted", page))
        layout.addStretch(1)
        return page

    def set_kind(self, kind: str) -> None:
        if kind not in columns.KINDS:
            raise ValueError(f"unknown import kind {kind!r}")
        if kind != self.kind:
            self.inspection = None
        self.kind = kind
        button = self.kind_buttons[kind]
        if not button.isChecked():
            button.setChecked(True)
        self.needs.setText(needs_text(kind))

    def ask_for_file(self) -> None:
        chosen = open_path(self, _("Choose the file to import"),
                           _("Tables ({patterns})").format(patterns=FILE_FILTER) + ";;" + _("All files (*)"))
        if chosen:
            self.choose_file(chosen)

    def choose_file(self, path: str | Path) -> None:
        self.path_field.setText(str(path))

    # --- 2. the file as read --------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.reading = wrapped_label("", "", page)
        self.reading.setStyleSheet("font-size: 17px; font-weight: bold;")
        layout.addWidget(self.reading)
        self.file_facts = wrapped_label("", "Muted", page)
        layout.addWidget(self.file_facts)
        form_box = QFrame(page)
        form_box.setObjectName("Panel")
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.encoding_box = QComboBox(form_box)
        self.encoding_box.setMinimumWidth(380)
        self.encoding_box.activated.connect(lambda _i: self._choose("encoding", self.encoding_box.currentData()))
        self.separator_box = QComboBox(form_box)
        self.separator_box.setMinimumWidth(220)
        for key, name in separator_names().items():
            self.separator_box.addItem(f"{name}   {key}" if key.strip() else name, key)
        self.separator_box.activated.connect(lambda _i: self._choose("delimiter", self.separator_box.currentData()))
        self.sheet_box = QComboBox(form_box)
        self.sheet_box.setMinimumWidth(220)
        self.sheet_box.activated.connect(lambda _i: self._choose("sheet", self.sheet_box.currentText()))
        self.header_box = QSpinBox(form_box)
        self.header_box.setRange(1, 1000)
        self.header_box.setMinimumWidth(110)
        self.header_box.valueChanged.connect(lambda value: self._choose("header_row", value - 1))
        self.form = form
        form.addRow(_("Encoding"), self.encoding_box)
        form.addRow(_("Separator"), self.separator_box)
        form.addRow(_("Sheet"), self.sheet_box)
        form.addRow(_("Headers on row"), self.header_box)
        layout.addWidget(form_box)
        layout.addWidget(wrapped_label(_("If the letters or the columns below look wrong, change the encoding, the separator "
                                         "or the header row: the file is read again."), "Muted", page))
        self.raw_table = QTableWidget(0, 0, page)
        self.raw_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.raw_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.raw_table, 1)
        return page

    def _choose(self, what: str, value: Any) -> None:
        if self._filling or value is None:
            return
        self.choices[what] = value
        if what == "sheet":
            self.choices.pop("header_row", None)  # another sheet, another layout: find its header again
        self.read_file(then="file")

    def read_file(self, then: str) -> None:
        assert self.path is not None
        self.inspection = None  # Next waits for a reading that worked
        path, kind, choices = self.path, self.kind, dict(self.choices)
        self.say(_("Reading {name}…").format(name=path.name), "info")

        def work() -> runner.Inspection:
            return runner.inspect(path, kind, **choices)

        def done(found: object) -> None:
            assert isinstance(found, runner.Inspection)
            self.message.clear()
            self.inspection = found
            self.mapping = dict(found.mapping)
            self.preview = self.dry_outcome = self.outcome = None
            self._fill_file_page(found)
            self._fill_columns_page(found)
            self.show_page(then)
            self.file_read.emit(found)

        self._start("read", work, done)

    def _fill_file_page(self, found: runner.Inspection) -> None:
        table = found.table
        self._filling = True
        try:
            self.reading.setText(describe(table))
            self.file_facts.setText(_("{name}, {size}.").format(name=table.path.name, size=size_text(table.size)))
            text = table.kind == "csv"
            for widget in (self.encoding_box, self.separator_box):
                widget.setVisible(text)
                self.form.labelForField(widget).setVisible(text)
            self.sheet_box.setVisible(not text)
            self.form.labelForField(self.sheet_box).setVisible(not text)
            if text:
                names = encoding_names()
                if table.encoding not in names:
                    names[table.encoding or ""] = table.encoding or ""
                self.encoding_box.clear()
                for codec, name in names.items():
                    self.encoding_box.addItem(name, codec)
                self.encoding_box.setCurrentIndex(self.encoding_box.findData(table.encoding))
                self.separator_box.setCurrentIndex(self.separator_box.findData(table.delimiter))
            else:
                self.sheet_box.clear()
                self.sheet_box.addItems(table.sheets)
                self.sheet_box.setCurrentText(table.sheet or "")
            self.header_box.setValue(table.header_row + 1)
        finally:
            self._filling = False
        headers = found.headers
        shown = found.sample[:SAMPLE_SHOWN]
        self.raw_table.clear()
        self.raw_table.setColumnCount(len(headers))
        self.raw_table.setRowCount(len(shown))
        self.raw_table.setHorizontalHeaderLabels([column_name(headers, i) for i in range(len(headers))])
        self.raw_table.setVerticalHeaderLabels([str(number) for number, _cells in shown])
        for row, (_number, cells) in enumerate(shown):
            for column in range(len(headers)):
                cell = cells[column] if column < len(cells) else None
                self.raw_table.setItem(row, column, table_item(files.cell_text(cell)))
        self.raw_table.resizeColumnsToContents()
        for column in range(len(headers)):
            self.raw_table.setColumnWidth(column, min(self.raw_table.columnWidth(column), 260))

    # --- 3. columns -> fields -------------------------------------------------------------------

    def _columns_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.mapping_note = wrapped_label("", "Muted", page)
        layout.addWidget(self.mapping_note)
        self.map_table = QTableWidget(0, 3, page)
        self.map_table.setHorizontalHeaderLabels([_("Column in your file"), _("First values"), _("Goes to")])
        self.map_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.map_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.map_table.verticalHeader().hide()
        self.map_table.verticalHeader().setDefaultSectionSize(46)  # a list box per row, whole
        header = self.map_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.map_table.setColumnWidth(2, 320)
        layout.addWidget(self.map_table, 1)
        self.missing_note = wrapped_label("", "Error", page)
        layout.addWidget(self.missing_note)
        self.options_box = QFrame(page)
        self.options_box.setObjectName("Panel")
        options = QVBoxLayout(self.options_box)
        self.duplicates_title = wrapped_label(_("A row for someone already in the till or earlier in the file (the same card "
                                                "or phone):"), "", self.options_box)
        self.merge = QRadioButton(_("Merge it into that member: their card is added, empty details are filled in"),
                                  self.options_box)
        self.skip = QRadioButton(_("Skip the row"), self.options_box)
        self.merge.setChecked(True)
        self.duplicates_group = QButtonGroup(self.options_box)
        self.duplicates_group.addButton(self.merge)
        self.duplicates_group.addButton(self.skip)
        self.duplicates_note = wrapped_label(_("Either way, each such row is listed as a warning in the summary."), "Muted",
                                             self.options_box)
        self.grant = QCheckBox(_("Give points for these sales, once, by today's programme"), self.options_box)
        self.grant_note = wrapped_label(_("Off (usual): the old receipts count towards tiers, your figures and the what-if, "
                                          "and earn no points: the balances brought from the old system already hold "
                                          "them. On: each member gets, once, the points today's programme would give on "
                                          "their imported receipts; importing the file again gives nothing more."),
                                        "Muted", self.options_box)
        for widget in (self.duplicates_title, self.merge, self.skip, self.duplicates_note, self.grant, self.grant_note):
            options.addWidget(widget)
        layout.addWidget(self.options_box)
        return page

    def _fill_columns_page(self, found: runner.Inspection) -> None:
        kind = self.kind
        self.mapping_note.setText(
            _("Say what each column holds. These are the choices you confirmed last time for a file with these "
              "columns.") if found.remembered else
            _("Say what each column holds: guessed from the column names, so check them. A column you do not need: "
              "“(skip this column)”."))
        headers = found.headers
        self.map_table.setRowCount(len(headers))
        self.field_boxes: list[QComboBox] = []
        for index in range(len(headers)):
            self.map_table.setItem(index, 0, table_item(column_name(headers, index)))
            examples = [files.cell_text(cells[index]) for _n, cells in found.sample[:5]
                        if index < len(cells) and files.cell_text(cells[index]).strip()]
            self.map_table.setItem(index, 1, table_item(" · ".join(e[:40] for e in examples[:3]), "\n".join(examples)))
            box = QComboBox(self.map_table)
            box.addItem(_("(skip this column)"), "")
            for name in columns.field_names(kind):
                box.addItem(field_label(kind, name), name)
            box.setCurrentIndex(max(0, box.findData(self.mapping.get(index, ""))))
            box.activated.connect(lambda _i, column=index: self.map_column(column, self.field_boxes[column].currentData()))
            self.map_table.setCellWidget(index, 2, box)
            self.field_boxes.append(box)
        guard_wheel(self.map_table)
        members, history = kind == "members", kind == "history"
        for widget in (self.duplicates_title, self.merge, self.skip, self.duplicates_note):
            widget.setVisible(members)
        for widget in (self.grant, self.grant_note):
            widget.setVisible(history)
        self.options_box.setVisible(members or history)
        self._show_missing()

    def map_column(self, column: int, field: str) -> None:
        """The owner's choice for one column; a field another column had moves here (barcode excepted)."""
        if field:
            if field not in columns.MULTI_FIELDS:
                for other, name in list(self.mapping.items()):
                    if name == field and other != column:
                        del self.mapping[other]
                        self.field_boxes[other].setCurrentIndex(0)
            self.mapping[column] = field
        else:
            self.mapping.pop(column, None)
        self.field_boxes[column].setCurrentIndex(max(0, self.field_boxes[column].findData(field)))
        self.preview = self.dry_outcome = None
        self._show_missing()

    def _show_missing(self) -> None:
        lacking = columns.missing(self.mapping, self.kind)
        texts = [_(" or ").join(field_label(self.kind, f) for f in group) for group in lacking]
        self.missing_note.setText(_("Still needed: a column for {fields}.").format(fields="; ".join(texts))
                                  if texts else "")
        self.missing_note.setVisible(bool(texts))
        self._update_buttons()

    def options(self) -> dict[str, Any]:
        if self.kind == "members":
            return {"duplicates": "skip" if self.skip.isChecked() else "merge"}
        if self.kind == "history" and self.grant.isChecked():
            return {"grant_points": True}
        return {}

    # --- 4. preview ---------------------------------------------------------------------------

    def _preview_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.preview_note = wrapped_label(_("The first rows as they would be imported; nothing is written yet."), "Muted",
                                          page)
        layout.addWidget(self.preview_note)
        self.preview_table = QTableWidget(0, 0, page)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.verticalHeader().hide()
        layout.addWidget(self.preview_table, 2)
        self.preview_sum = wrapped_label("", "", page)
        layout.addWidget(self.preview_sum)
        self.preview_problems = QListWidget(page)
        self.preview_problems.setMaximumHeight(160)
        self.preview_problems.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview_problems.setWordWrap(True)
        layout.addWidget(self.preview_problems, 1)
        return page

    def run_preview(self) -> None:
        found, mapping, actor, options = self.inspection, dict(self.mapping), self.actor, self.options()
        assert found is not None
        self.preview_table.setRowCount(0)
        self.preview_sum.setText(_("Reading the first rows…"))
        self.preview_problems.clear()

        def work() -> runner.Preview:
            return runner.preview(found, mapping, actor, options=options)

        def done(shown: object) -> None:
            assert isinstance(shown, runner.Preview)
            self.preview = shown
            self._fill_preview(shown)
            self.previewed.emit(shown)

        self._start("preview", work, done)

    def effect_text(self, verdict: runner.RowVerdict) -> tuple[str, QColor | None]:
        if verdict.errors:
            return pgettext("import row", "Refused"), RED
        text = {"imported": pgettext("import row", "New"), "updated": pgettext("import row", "Update"),
                "skipped": pgettext("import row", "No change")}.get(verdict.effect, "")
        if verdict.warnings:
            return _("{what}, with a warning").format(what=text) if text else pgettext("import row", "Warning"), AMBER
        return text, GOOD if verdict.effect in ("imported", "updated") else None

    def _problem_columns(self, problem: RowProblem) -> list[int]:
        """The file's columns a problem is about (the name's parts for a name made of them)."""
        fields = {problem.field}
        if problem.field == "name":
            fields |= {"last_name", "first_name", "middle_name"}
        return [index for index, name in self.mapping.items() if name in fields]

    def problem_text(self, problem: RowProblem) -> str:
        assert self.inspection is not None
        return runner.problem_text(problem, self.inspection.headers, self.mapping)

    def _fill_preview(self, shown: runner.Preview) -> None:
        assert self.inspection is not None
        headers = self.inspection.headers
        mapped = sorted(self.mapping)
        table = self.preview_table
        table.clear()
        table.setColumnCount(2 + len(mapped))
        table.setRowCount(len(shown.rows))
        table.setHorizontalHeaderLabels([_("Row"), _("Result")] + [column_name(headers, i) for i in mapped])
        for column, index in enumerate(mapped, start=2):
            table.horizontalHeaderItem(column).setToolTip(field_label(self.kind, self.mapping[index]))
        for row, verdict in enumerate(shown.rows):
            table.setItem(row, 0, table_item(str(verdict.row)))
            text, colour = self.effect_text(verdict)
            problems = verdict.errors + verdict.warnings
            tip = "\n".join(self.problem_text(p) for p in problems)
            result = table_item(text, tip)
            if colour is not None:
                result.setForeground(QBrush(colour))
            table.setItem(row, 1, result)
            marked: dict[int, tuple[QColor, str]] = {}
            for problem in verdict.warnings:
                for index in self._problem_columns(problem):
                    marked[index] = (WARN, self.problem_text(problem))
            for problem in verdict.errors:
                for index in self._problem_columns(problem):
                    marked[index] = (BAD, self.problem_text(problem))
            for column, index in enumerate(mapped, start=2):
                cell = verdict.cells[index] if index < len(verdict.cells) else None
                item = table_item(files.cell_text(cell)[:80])
                if index in marked:
                    item.setBackground(QBrush(marked[index][0]))
                    item.setToolTip(marked[index][1])
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        for column in range(2, table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), 240))
        outcome = shown.outcome
        refused = len({p.row for p in outcome.errors})
        self.preview_sum.setText(
            _("In these {rows} rows: {new} new, {updated} to update, {same} unchanged, {refused} refused.").format(
                rows=len(shown.rows), new=outcome.imported, updated=outcome.updated, same=outcome.skipped,
                refused=refused) if shown.rows else _("The file has no rows under its headers."))
        self.preview_problems.clear()
        for problem in outcome.errors + outcome.warnings:
            self.preview_problems.addItem(_("Row {row}: {text}").format(row=problem.row,
                                                                        text=self.problem_text(problem)))
        self.preview_problems.setVisible(bool(outcome.errors or outcome.warnings))

    # --- 5. the dry run -------------------------------------------------------------------------

    def _count_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.count_note = wrapped_label("", "", page)
        layout.addWidget(self.count_note)
        row = QHBoxLayout()
        self.count_bar = QProgressBar(page)
        self.count_bar.setTextVisible(False)
        self.count_stop = QPushButton(_("Stop"), page)
        self.count_stop.clicked.connect(lambda: self.stop.set())
        row.addWidget(self.count_bar, 1)
        row.addWidget(self.count_stop)
        layout.addLayout(row)
        self.count_counts = Counts(page)
        layout.addWidget(self.count_counts)
        self.count_errors = QListWidget(page)
        layout.addWidget(self.count_errors, 1)
        rejects = QHBoxLayout()
        self.count_rejects = QPushButton(_("Save rejected rows…"), page)
        self.count_rejects.clicked.connect(self.ask_where_to_save_rejects)
        rejects.addWidget(self.count_rejects)
        rejects.addStretch(1)
        layout.addLayout(rejects)
        self.count_after = wrapped_label(_("“Import” writes it. The till stays usable meanwhile, and you can stop: what is "
                                           "imported by then stays, and importing the same file again brings the rest."),
                                         "Muted", page)
        layout.addWidget(self.count_after)
        return page

    def _run_file(self, dry_run: bool, done: Callable[[Any], None], step: str) -> None:
        """The whole file through the runner on a worker, as it was read on page 2."""
        found = self.inspection
        assert found is not None
        table = found.table
        path, kind, actor, mapping, options = table.path, self.kind, self.actor, dict(self.mapping), self.options()
        how = {"encoding": table.encoding, "delimiter": table.delimiter, "sheet": table.sheet,
               "header_row": table.header_row}
        progress, stop = self.progress, self.stop

        def work() -> ImportOutcome:
            return runner.run_import(path, kind, actor=actor, mapping=mapping, dry_run=dry_run, options=options,
                                     progress=progress.report, should_stop=stop.is_set, **how)

        self._start(step, work, done, progress=True)

    def run_count(self) -> None:
        self.dry_outcome = None
        self.count_note.setText(_("Checking every row of the file; nothing is written."))
        self.count_counts.hide()
        self.count_errors.hide()
        self.count_rejects.hide()
        self.count_after.hide()
        self.count_bar.show()
        self.count_stop.show()

        def done(outcome: object) -> None:
            assert isinstance(outcome, ImportOutcome)
            self.dry_outcome = outcome
            stopped = self.stop.is_set()
            self.count_bar.hide()
            self.count_stop.hide()
            self.count_note.setText(_("Stopped: the counts are of the rows checked so far.") if stopped else
                                    _("If you import this file now:"))
            self.count_counts.show_outcome(outcome)
            self.count_counts.show()
            self._list_errors(self.count_errors, outcome)
            self.count_rejects.setVisible(bool(outcome.errors))
            self.count_after.show()
            self._update_buttons()
            self.counted.emit(outcome)

        self._run_file(True, done, "count")

    def _list_errors(self, widget: QListWidget, outcome: ImportOutcome) -> None:
        widget.clear()
        widget.setWordWrap(True)
        widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        problems = outcome.errors + outcome.warnings
        for problem in problems[:ERRORS_SHOWN]:
            kind = _("refused") if problem in outcome.errors else _("warning")
            widget.addItem(_("Row {row} ({kind}): {text}").format(row=problem.row, kind=kind,
                                                                  text=self.problem_text(problem)))
        if len(problems) > ERRORS_SHOWN:
            widget.addItem(_("… and {n} more: “Save rejected rows…” writes them all.").format(
                n=len(problems) - ERRORS_SHOWN))
        widget.setVisible(bool(problems))

    # --- 6. the import ----------------------------------------------------------------------------

    def _import_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.import_note = wrapped_label("", "", page)
        self.import_note.setStyleSheet("font-size: 17px; font-weight: bold;")
        layout.addWidget(self.import_note)
        self.import_bar = QProgressBar(page)
        self.import_bar.setTextVisible(True)
        layout.addWidget(self.import_bar)
        row = QHBoxLayout()
        self.import_stop = QPushButton(_("Stop"), page)
        self.import_stop.clicked.connect(self.stop_import)
        row.addWidget(self.import_stop)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(wrapped_label(_("You can go on selling meanwhile: the import writes a little at a time, and a sale "
                                         "never waits for it."), "Muted", page))
        layout.addWidget(wrapped_label(_("Stop ends it after the rows being written: what is imported by then stays, and "
                                         "importing the same file again brings the rest (nothing twice)."), "Muted", page))
        layout.addStretch(1)
        return page

    def run_import(self) -> None:
        assert self.path is not None
        self.outcome = None
        self.import_note.setText(_("Importing {name}…").format(name=self.path.name))
        self.import_stop.setEnabled(True)
        self.import_bar.setRange(0, 0)

        def done(outcome: object) -> None:
            assert isinstance(outcome, ImportOutcome)
            self.outcome = outcome
            self._fill_summary(outcome, self.stop.is_set())
            self.show_page("summary")
            self.import_finished.emit(outcome)

        self._run_file(False, done, "import")

    def stop_import(self) -> None:
        if self.running != "import":
            return
        self.stop.set()
        self.import_stop.setEnabled(False)
        self.import_note.setText(_("Stopping after the rows being written…"))

    # --- 7. the summary -------------------------------------------------------------------------------

    def _summary_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.summary_note = wrapped_label("", "", page)
        self.summary_note.setStyleSheet("font-size: 17px; font-weight: bold;")
        layout.addWidget(self.summary_note)
        self.summary_counts = Counts(page)
        layout.addWidget(self.summary_counts)
        self.summary_errors = QListWidget(page)
        layout.addWidget(self.summary_errors, 1)
        self.summary_rejects_note = wrapped_label(_("Save the refused rows as a file in your file's own shape, with the "
                                                    "reason in an extra column: fix them there and import that file."),
                                                  "Muted", page)
        layout.addWidget(self.summary_rejects_note)
        row = QHBoxLayout()
        self.summary_rejects = QPushButton(_("Save rejected rows…"), page)
        self.summary_rejects.clicked.connect(self.ask_where_to_save_rejects)
        self.open_after = QPushButton("", page)
        self.open_after.clicked.connect(self._open_after)
        row.addWidget(self.summary_rejects)
        row.addStretch(1)
        row.addWidget(self.open_after)
        layout.addLayout(row)
        return page

    def _fill_summary(self, outcome: ImportOutcome, stopped: bool) -> None:
        self.summary_note.setText(
            _("Stopped before the end: import the same file again to bring the rest.") if stopped else
            _("Imported.") if not outcome.errors else
            _("Imported, but for the refused rows below."))
        self.summary_counts.show_outcome(outcome)
        self._list_errors(self.summary_errors, outcome)
        self.summary_rejects.setVisible(bool(outcome.errors))
        self.summary_rejects_note.setVisible(bool(outcome.errors))
        target = {"catalogue": _("Open the catalogue"), "members": _("Find a member"),
                  "history": _("Find a member")}[self.kind]
        self.open_after.setText(target)

    def _open_after(self) -> None:
        self.open_requested.emit("catalogue" if self.kind == "catalogue" else "members")
        self.accept()

    # --- the rejected rows, as a file ---------------------------------------------------------------

    def rejects_name(self) -> str:
        assert self.inspection is not None
        table = self.inspection.table
        suffix = table.path.suffix if table.kind == "csv" and table.path.suffix else ".xlsx"
        return f"{table.path.stem} – {_('rejected')}{suffix}"

    def ask_where_to_save_rejects(self) -> None:
        if self.inspection is None:
            return
        start = self.inspection.table.path.parent / self.rejects_name()
        chosen = save_path(self, _("Save rejected rows"), str(start),
                           _("Tables ({patterns})").format(patterns="*.csv *.txt *.xlsx"))
        if chosen:
            self.save_rejects(chosen)

    def save_rejects(self, out: str | Path) -> None:
        """The refused rows of the last run (the import's, else the dry run's) written to `out` on a worker."""
        outcome = self.outcome or self.dry_outcome
        found = self.inspection
        if outcome is None or found is None or self.running:
            return
        table = found.table
        path, kind, mapping, target = table.path, self.kind, dict(self.mapping), Path(out)
        how = {"encoding": table.encoding, "delimiter": table.delimiter, "sheet": table.sheet,
               "header_row": table.header_row}
        header = _("error")

        def work() -> Path:
            return runner.save_rejects(path, kind, outcome, mapping, target, error_header=header, **how)

        def done(written: object) -> None:
            self.say(_("Rejected rows saved: {path}. Fix them there and import that file.").format(path=written), "ok")
            self.rejects_saved.emit(str(written))

        self._start("rejects", work, done)
