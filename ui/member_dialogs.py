"""Finding, registering and editing members; a lost card moved to a new one."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget,
)

from models.schema import Member, Staff
from services.members import registry as members
from services.core.errors import InputError
from services.shop import staff as auth
from services.shop.settings import shop_info
from services.core.messages import _, pgettext, points_text
from ui import operations
from ui.authorise import authorise
from ui.errors import report_bug, user_message
from ui.formatting import Formatter, mask_card

DATE_FORMATS = ("dd.MM.yyyy", "d.M.yyyy", "dd.MM.yy", "yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy", "ddMMyyyy")


def parse_birthday(text: str) -> dt.date | None:
    """A birthday as people type it; None when empty; ValueError when not a date."""
    text = text.strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        date = QDate.fromString(text, pattern)
        if date.isValid():
            if pattern == "dd.MM.yy" and date.year() < 1925:
                date = date.addYears(100)
            return dt.date(date.year(), date.month(), date.day())
    raise ValueError(text)


class FindMemberDialog(QDialog):
    """One box: a phone in any format, or part of a name. Enter takes the highlighted member."""

    takes_cards = True  # a card scanned here finds its member (on_scan in the cashier window)

    member_found = Signal(object)
    edit_requested = Signal(object)
    new_requested = Signal()

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.results: list[Member] = []
        self.setWindowTitle(_("Find member"))
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.query = QLineEdit(self)
        self.query.setObjectName("BigInput")
        self.query.setPlaceholderText(_("Phone (any format) or name"))
        self.query.textChanged.connect(lambda _: self._debounce.start())
        self.query.returnPressed.connect(self.pick)
        layout.addWidget(self.query)
        self.list = QListWidget(self)
        self.list.itemActivated.connect(lambda _: self.pick())
        layout.addWidget(self.list, 1)
        self.status = QLabel(_("Type at least 2 characters, or scan the card."), self)
        self.status.setObjectName("Muted")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        new = QPushButton(_("New member (F3)"), self)
        new.setShortcut("F3")
        new.clicked.connect(self._new)
        edit = QPushButton(_("Edit"), self)
        edit.clicked.connect(self._edit)
        cancel = QPushButton(_("Cancel"), self)
        cancel.clicked.connect(self.reject)
        take = QPushButton(_("Add to sale (Enter)"), self)
        take.setObjectName("Primary")
        take.clicked.connect(self.pick)
        for button in (new, edit):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(take)
        layout.addLayout(row)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.search_in_background)  # typing never waits for a search
        self._pending = ""  # the text a background search is under way for
        self.query.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - arrows move in the list while typing
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, self.list.currentRow() + step)))
            return
        super().keyPressEvent(event)

    searched = Signal(str)  # the list shows what was found for this text

    @staticmethod
    def _find(text: str) -> list[tuple[Member, object]]:
        """A phone's last digits scan every member: run off the screen's thread while typing."""
        return [(member, members.active_card(member)) for member in members.search(text)] if len(text) >= 2 else []

    def search_in_background(self) -> None:
        text = self.query.text().strip()
        self._pending = text
        if len(text) < 2:
            self._show(text, [])
            return
        operations.run(self, lambda: self._find(text), success=lambda rows: self._landed(text, rows))  # type: ignore[arg-type]

    def _landed(self, text: str, rows: list[tuple[Member, object]]) -> None:
        if text == self.query.text().strip():  # a later keystroke's search is on its way otherwise
            self._pending = ""
            self._show(text, rows)

    def search(self) -> None:
        """At once, on this thread: Enter and a scan take what is typed now."""
        text = self.query.text().strip()
        self._pending = ""
        self._show(text, self._find(text))

    def _show(self, text: str, rows: list[tuple[Member, object]]) -> None:
        self.list.clear()
        self.results = [member for member, _card in rows]
        for member, card in rows:
            parts = [member.name, member.phone or "", mask_card(card.number) if card else "", self.fmt.points(member.balance)]
            QListWidgetItem("   ·   ".join(p for p in parts if p), self.list)
        if self.results:
            self.list.setCurrentRow(0)
            self.status.setText(_("%1 found").replace("%1", str(len(self.results))))
        elif len(text) >= 2:
            self.status.setText(_("Nobody found. F3 registers a new member."))
        self.searched.emit(text)

    def chosen(self) -> Member | None:
        if self._debounce.isActive() or self._pending:
            self._debounce.stop()
            self.search()
        row = self.list.currentRow()
        return self.results[row] if 0 <= row < len(self.results) else None

    def pick(self) -> None:
        member = self.chosen()
        if member is not None:
            self.accept()
            self.member_found.emit(member)

    def take_scan(self, code: str) -> None:
        """A card finds its member at once; any other code is searched for as typed."""
        if members.scan_kind(code, shop_info().card_prefix).kind == "product":  # an imported card is a card
            self.query.setText(code)
            self.search()
            return
        try:
            member = members.find_by_card(code)
        except InputError as exc:
            self.status.setText(user_message(exc))
            return
        self.accept()
        self.member_found.emit(member)

    def _edit(self) -> None:
        member = self.chosen()
        if member is not None:
            self.accept()
            self.edit_requested.emit(member)

    def _new(self) -> None:
        self.accept()
        self.new_requested.emit()


class MemberFormDialog(QDialog):
    """Register a member in under half a minute, or correct one; move a lost card;
    adjust the points balance (with a manager's PIN)."""

    takes_cards = True  # a card scanned here is the new member's card, or the referrer's

    member_saved = Signal(object)
    balance_adjusted = Signal(object)  # the Member, with the new balance

    def __init__(self, staff: Staff, member: Member | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.member = member
        self.setWindowTitle(_("Edit member") if member else _("New member"))
        self.setMinimumWidth(620)
        outer = QVBoxLayout(self)
        details = QWidget(self)
        form = QFormLayout(details)
        form.setContentsMargins(0, 0, 0, 0)
        self.profile = None
        if member is not None and auth.may(staff, "view_figures"):  # the owner's and manager's view of a customer
            self.tabs = QTabWidget(self)
            self.tabs.addTab(details, _("Member"))
            self.tabs.addTab(self._profile_tab(member), _("Profile"))
            outer.addWidget(self.tabs)
        else:
            outer.addWidget(details)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(_("First and last name"))
        self.phone = QLineEdit(self)
        self.phone.setPlaceholderText(_("Mobile, any format"))
        self.birthday = QLineEdit(self)
        self.birthday.setPlaceholderText(_("DD.MM.YYYY (optional)"))
        self.consent = QCheckBox(_("Agrees to receive offers"), self)
        self.card = QLineEdit(self)
        self.card.setPlaceholderText(_("Scan a pre-printed card now, or leave empty"))
        self.card.setMaxLength(13)
        form.addRow(pgettext("MemberFormDialog", "Name"), self.name)
        form.addRow(_("Phone"), self.phone)
        form.addRow(_("Birthday"), self.birthday)
        form.addRow("", self.consent)
        self.referrer = QLineEdit(self)
        self.referrer.setPlaceholderText(_("Card or phone of the member who invited them (optional)"))
        if member is None:
            self.card_hint = QLabel(_("Empty: a new card number is issued."), self)
            form.addRow(_("Card"), self.card)
            form.addRow(_("Invited by"), self.referrer)
        else:
            self.referrer.hide()  # only a new member is invited by someone: not laid out, not shown
            card = members.active_card(member)
            self.current_card = QLabel(card.number if card else _("no active card"), self)
            form.addRow(_("Card"), self.current_card)
            self.card_hint = QLabel(_("Card lost? Scan the new card (or leave empty for a new number):"), self)
            form.addRow(self.card_hint)
            move = QPushButton(_("Block lost card and give the new one (manager)"), self)
            move.setObjectName("Danger")
            move.clicked.connect(self.replace_card)
            form.addRow(self.card)
            form.addRow(move)
            form.addRow(self._adjust_row())
            if auth.may(staff, "privacy"):  # the owner: export or erase the member's personal data
                from ui.privacy_dialogs import PrivacyRow
                self.privacy = PrivacyRow(staff, member, self)
                self.privacy.said.connect(lambda text: self.error.setText(text))
                self.privacy.erased.connect(self.show_erased)
                form.addRow(self.privacy)
            self.name.setText(member.name)
            self.phone.setText(member.phone or "")
            if member.birthday:
                self.birthday.setText(member.birthday.strftime("%d.%m.%Y"))
            self.consent.setChecked(member.marketing_consent)
            form.setRowVisible(self.consent, False)  # an existing member's consent is per channel, in its own section
            from ui.consent_box import ConsentBox

            info = shop_info()
            self.consent_box = ConsentBox(staff, member, Formatter(info.currency, info.locale, info.time_zone), self)
            form.addRow(self.consent_box)
        self.card_hint.setObjectName("Muted")
        if member is None:
            form.addRow(self.card_hint)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        row = QHBoxLayout()
        cancel = self.cancel_button = QPushButton(_("Cancel"), self)
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton(_("Save and add to sale"), self)
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.save_button)
        form.addRow(row)
        self.name.setFocus()
        if member is not None and member.erased_at is not None:
            self.show_erased(member)

    def show_erased(self, member: Member) -> None:
        """An erased member (services.reach.privacy) is never filled in again: the form only shows it."""
        self.member = member
        self.name.setText(member.name)
        self.phone.clear()
        self.birthday.clear()
        self.consent.setChecked(False)
        self.current_card.setText(_("blocked: personal data erased"))
        kept = {self.cancel_button, *(self.privacy.findChildren(QPushButton) if hasattr(self, "privacy") else ())}
        details = self.name.parentWidget()  # the member's own fields, not the profile tab
        for kind in (QLineEdit, QSpinBox, QCheckBox, QPushButton):
            for field in details.findChildren(kind):
                if field not in kept:
                    field.setEnabled(False)
                if field.objectName() == "Danger" or field in (self.card, self.adjust_points, self.adjust_reason,
                                                                self.adjust_button, self.save_button):
                    field.hide()  # nothing more to do to an erased member's cards and points
        self.card_hint.hide()
        self.cancel_button.setText(_("Close"))

    def _profile_tab(self, member: Member) -> QWidget:
        """What, when, how much, for what sum, and the outlook: counted on a worker when first shown."""
        from models.schema import utcnow
        from ui.member_profile import MemberProfileView, load_profile
        from ui.reports_page import Sources

        info = shop_info()
        self.profile = MemberProfileView(Formatter(info.currency, info.locale, info.time_zone), self, columns=2)
        loaded: list[bool] = []

        def shown(index: int) -> None:
            if self.tabs.widget(index) is self.profile and not loaded:
                loaded.append(True)
                load_profile(self.profile, member.id, Sources(), utcnow, self)

        self.tabs.currentChanged.connect(shown)
        return self.profile

    def _adjust_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.adjust_points = QSpinBox(self)
        self.adjust_points.setRange(-1_000_000, 1_000_000)
        self.adjust_points.setPrefix("±")
        self.adjust_reason = QLineEdit(self)
        self.adjust_reason.setPlaceholderText(_("Why the points change (required)"))
        self.adjust_button = QPushButton(_("Adjust points (manager)"), self)
        self.adjust_button.clicked.connect(self.adjust_balance)
        row.addWidget(self.adjust_points)
        row.addWidget(self.adjust_reason, 1)
        row.addWidget(self.adjust_button)
        return row

    def adjust_balance(self) -> None:
        member = self.member
        assert member is not None
        delta, reason = self.adjust_points.value(), self.adjust_reason.text()

        def done(balance: object) -> None:
            self.adjust_points.setValue(0)
            self.adjust_reason.clear()
            self.error.setText(_("Balance is now %1.").replace("%1", points_text(int(balance))))  # type: ignore[call-overload]
            self.balance_adjusted.emit(member)

        self.pin_dialog = authorise(
            self, "adjust_balance",
            lambda who: members.adjust_balance(member, delta, reason, actor=self.staff, authoriser=who),
            done, self.error.setText,
        )

    def take_scan(self, code: str) -> None:
        (self.referrer if self.referrer.hasFocus() else self.card).setText(code)

    def save(self) -> None:
        try:
            birthday = parse_birthday(self.birthday.text())
        except ValueError:
            self.error.setText(_("The birthday is not a date: write it as DD.MM.YYYY."))
            return
        try:
            if self.member is None:
                member, _card = members.register(
                    self.name.text(), self.phone.text(), birthday, self.consent.isChecked(),
                    self.card.text().strip() or None, actor=self.staff,
                    referrer=self.referrer.text().strip() or None,
                )
            else:
                member = members.update(
                    self.member, name=self.name.text(), phone=self.phone.text(), birthday=birthday,
                    actor=self.staff,
                )
                if not self.consent_box.save():  # the channels; it keeps the offers flag in step
                    return
                member = members.reload(member)
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        except Exception as exc:
            report_bug(self, exc)
            return
        self.accept()
        self.member_saved.emit(member)

    def replace_card(self) -> None:
        member = self.member
        assert member is not None
        number = self.card.text().strip() or None

        def done(card: object) -> None:
            self.current_card.setText(card.number)  # type: ignore[attr-defined]
            self.card.clear()
            self.error.setText(_("Old card blocked; the points moved to card %1.").replace("%1", card.number))  # type: ignore[attr-defined]

        self.pin_dialog = authorise(
            self, "block_card",
            lambda who: members.replace_card(member, number, actor=self.staff, authoriser=who),
            done, self.error.setText,
        )
