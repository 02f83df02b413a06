"""The Consent section of a member's dialog: channels, the preferred one, how often, withdraw all.

The consent itself is services.reach.consent's; this box shows the member's state, says when and
where each channel was last decided, and writes what changed when the dialog is saved.
"""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget,
)

from models.schema import CHANNELS, Member, Staff
from services.core.errors import InputError
from services.core.messages import _
from services.reach import consent
from ui.errors import user_message
from ui.formatting import Formatter


def channel_name(channel: str) -> str:
    return {"sms": _("SMS"), "email": _("E-mail"), "call": _("Calls"), "messenger": _("Messengers")}[channel]


def source_name(source: str) -> str:
    return {"till": _("at the till"), "form": _("paper form"), "import": _("import"), "cli": _("command line"),
            "web": _("web"), "migration": _("offers flag"), "flag": _("offers flag"), "erase": _("data erased"),
            }.get(source, source)


class ConsentBox(QGroupBox):
    """Edits nothing until `save`; "Withdraw all" is the one action that writes at once."""

    def __init__(self, staff: Staff, member: Member, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(_("Consent to messages"), parent)
        self.staff, self.member, self.fmt = staff, member, fmt
        grid = QGridLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        self.when: dict[str, QLabel] = {}
        for row, channel in enumerate(CHANNELS):
            box = QCheckBox(channel_name(channel), self)
            note = QLabel(self)
            note.setObjectName("Muted")
            grid.addWidget(box, row, 0)
            grid.addWidget(note, row, 1)
            self.boxes[channel], self.when[channel] = box, note
        line = QHBoxLayout()
        self.preferred = QComboBox(self)
        self.preferred.addItem(_("no preference"), None)
        for channel in CHANNELS:
            self.preferred.addItem(channel_name(channel), channel)
        self.most = QSpinBox(self)
        self.most.setRange(0, consent.MAX_PER_30D)
        self.most.setSpecialValueText(_("no limit"))  # 0 shown as "no limit"; "never" is withdrawing
        self.withdraw = QPushButton(_("Withdraw all"), self)
        self.withdraw.setObjectName("Danger")
        self.withdraw.clicked.connect(self.withdraw_all)
        self.preferred.setMaximumWidth(200)
        self.most.setMinimumWidth(self.most.sizeHint().width() + 24)  # "no limit" whole, in every language
        line.addWidget(QLabel(_("Prefers"), self))
        line.addWidget(self.preferred)
        line.addStretch(1)
        line.addWidget(self.withdraw)
        grid.addLayout(line, len(CHANNELS), 0, 1, 2)
        # The limit on a line of its own: beside the preference it overlapped them in a narrow dialog.
        limit = QHBoxLayout()
        most_label = QLabel(_("At most, messages in 30 days"), self)
        most_label.setMinimumWidth(most_label.sizeHint().width())  # never cut short
        limit.addWidget(most_label)
        limit.addWidget(self.most)
        limit.addStretch(1)
        grid.addLayout(limit, len(CHANNELS) + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        grid.addWidget(self.error, len(CHANNELS) + 2, 0, 1, 2)
        self.show_state()

    def show_state(self) -> None:
        reach = consent.state(self.member)
        for channel, held in reach.channels.items():
            self.boxes[channel].setChecked(held.granted)
            if held.at is None:
                text = _("offers flag") if held.source == "flag" else ""
            else:
                text = f"{self.fmt.date(self.fmt.shop_now(held.at).date())}, {source_name(held.source)}"
                if held.staff_name:
                    text += f", {held.staff_name}"
            self.when[channel].setText(text)
        self.preferred.setCurrentIndex(max(0, self.preferred.findData(reach.preferred)))
        self.most.setValue(reach.max_per_30d or 0)

    def save(self) -> bool:
        """Write what changed; False (and the reason shown) when refused."""
        try:
            consent.record(self.member, {c: box.isChecked() for c, box in self.boxes.items()}, source="till",
                           actor=self.staff)
            consent.set_preference(self.member, preferred=self.preferred.currentData(),
                                   max_per_30d=self.most.value() or None, source="till", actor=self.staff)
        except InputError as exc:
            self.error.setText(user_message(exc))
            return False
        return True

    def withdraw_all(self) -> None:
        try:
            consent.withdraw_all(self.member, source="till", actor=self.staff)
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        self.show_state()
        self.error.setText(_("No messages will be sent to this member on any channel."))
