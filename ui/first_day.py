"""The first day's checklist: a new shop's owner goes from the shop to its first sale.

Each step opens the screen that does it (the settings page, the catalogue or
the import wizard, staff, the programme editor, the cards dialog), may be skipped, and is ticked
when the shop shows it done (services.opening.first_day remembers the rest).
The window opens it for the owner of a new shop, and from More… any time.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from services.core.messages import _
from services.opening import first_day


def step_texts() -> dict[str, tuple[str, str, str]]:
    """step -> (title, what to do, where it is when the window has no direct way there)."""
    return {
        "shop": (_("1. The shop"), _("Name, address and what the receipt says; language, currency, time zone."), ""),
        "products": (_("2. Products"), _("Add what you sell with its barcode and price, or import your product list "
                                         "from a file (Excel, CSV, 1C, MoySklad)."), _("More… (F10) → Catalogue")),
        "members": (_("3. Members"), _("Bring your customers from your old loyalty program's file: their cards keep "
                                       "working, with their points. Starting afresh? Skip this."),
                    _("More… (F10) → Import")),
        "staff": (_("4. Staff"), _("Give each cashier their own name and PIN, so every sale says who made it."),
                  _("More… (F10) → Staff")),
        "programme": (_("5. The programme"), _("How members earn and use points: the standard one works as it is; "
                                               "change the percentages if you like."), ""),
        "cards": (_("6. Cards to print"), _("Print a sheet of numbered cards to hand out (or register members "
                                            "without a card: the till gives them a number)."), ""),
        "first_sale": (_("7. The first sale"), _("Hand the till to a cashier with F11 (they sign in with their own "
                                                 "PIN); register a customer (F3), scan their goods, take the money "
                                                 "(F12)."), ""),
    }


def step_extras() -> dict[str, tuple[str, str]]:
    """step -> (a second button's caption, the opener it asks for): the catalogue's import beside its page."""
    return {"products": (_("Import from a file…"), "products_import")}


STATE_TEXT = {"done": "✓", "skipped": "–", "todo": ""}


class FirstDayDialog(QDialog):
    """The checklist; `step_opened` asks the window to open a step's screen."""

    step_opened = Signal(str)

    def __init__(self, openers: dict[str, Callable[[], None] | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.openers = openers
        self.setWindowTitle(_("Getting started"))
        self.setMinimumWidth(940)  # each step in two lines beside its buttons, in Russian too
        layout = QVBoxLayout(self)
        title = QLabel(_("Your shop's first day"), self)
        title.setObjectName("Big")
        layout.addWidget(title)
        intro = QLabel(_("Seven steps to your first sale with a member. Do them in any order, skip what you do not "
                         "need; this list remembers what is done."), self)
        intro.setWordWrap(True)
        intro.setObjectName("Muted")
        layout.addWidget(intro)
        self.frame = QFrame(self)
        self.frame.setObjectName("Panel")
        self.grid = QGridLayout(self.frame)
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(10)
        layout.addWidget(self.frame)
        self.rows: dict[str, tuple[QLabel, QLabel, QPushButton | None, QPushButton]] = {}
        self.places: dict[str, QLabel] = {}
        self.extras: dict[str, QPushButton] = {}
        row = -1
        for key, (name, what, where) in step_texts().items():
            row += 1
            mark = QLabel(self.frame)
            mark.setObjectName("Good")
            mark.setFixedWidth(24)
            opener = openers.get(key)
            reachable = opener is not None or key == "first_sale"
            text = QLabel(f"<b>{name}</b><br>{what}", self.frame)
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            go: QPushButton | None = None
            if reachable:
                go = QPushButton(_("Start selling") if key == "first_sale" else _("Open"), self.frame)
                go.clicked.connect(lambda _=False, k=key: self.open_step(k))
            skip = QPushButton(self.frame)
            skip.clicked.connect(lambda _=False, k=key: self.toggle_skip(k))
            self.grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(text, row, 1)
            if go is not None:
                self.grid.addWidget(go, row, 2, Qt.AlignmentFlag.AlignTop)
            elif where:  # no dead button: where the step is done, in its place
                place = QLabel(where, self.frame)
                place.setObjectName("Muted")
                place.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.grid.addWidget(place, row, 2)
                self.places[key] = place
            self.grid.addWidget(skip, row, 3, Qt.AlignmentFlag.AlignTop)
            self.rows[key] = (mark, text, go, skip)
            extra = step_extras().get(key)
            if go is not None and extra is not None and openers.get(extra[1]) is not None:
                row += 1  # under the step's own button: its second way (the catalogue's import)
                more = QPushButton(extra[0], self.frame)
                more.clicked.connect(lambda _=False, k=extra[1]: self.open_step(k))
                self.grid.addWidget(more, row, 2, Qt.AlignmentFlag.AlignTop)
                self.extras[key] = more
        buttons = QHBoxLayout()
        self.put_away = QPushButton(_("Hide this list for good"), self)
        self.put_away.clicked.connect(self.hide_for_good)
        close = QPushButton(_("Later"), self)
        close.setToolTip(_("The list opens again when the owner signs in; it is also under More… (F10)."))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.put_away)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        for step in first_day.checklist():
            mark, text, go, skip = self.rows[step.key]
            mark.setText(STATE_TEXT[step.state])
            skip.setVisible(step.state != "done")
            skip.setText(_("Back on the list") if step.state == "skipped" else _("Skip"))
            text.setEnabled(step.state == "todo")

    def state(self, key: str) -> str:
        return next(step.state for step in first_day.checklist() if step.key == key)

    def toggle_skip(self, key: str) -> None:
        first_day.mark(key, "todo" if self.state(key) == "skipped" else "skipped")
        self.refresh()

    def open_step(self, key: str) -> None:
        if key in ("shop", "programme", "cards"):  # nothing in the file says these were looked at: opening them does
            first_day.mark(key, "done")
        self.accept()
        self.step_opened.emit(key)

    def hide_for_good(self) -> None:
        first_day.put_away()
        self.reject()
