"""More… → Campaigns: the list, a new campaign, its export for sending and its report.

Everything is services.reach.campaigns' and segment_export's; this page lays it out.  The exports
write files and read segments: they run on a worker (ui.operations), the cashier's screen goes on.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from models.schema import CHANNELS, Campaign, Member, Staff, utcnow
from services.core.errors import InputError
from services.core.messages import _, pgettext
from services.insights import segments
from services.programme.rules import active_rules
from services.reach import campaigns, segment_export
from services.shop import staff as auth
from ui import operations
from ui.consent_box import channel_name
from ui.errors import user_message
from ui.files import save_path
from ui.formatting import Formatter


def kind_name(kind: str) -> str:
    return {"birthday": _("Birthday greeting"), "new_year": _("New Year"), "march_8": _("8 March"),
            "martisor": _("Mărțișor (1 March)"), "easter": _("Easter (Orthodox)"), "win_back": _("Win back"),
            "segment": _("Offer to a segment")}[kind]


def list_name(name: str) -> str:
    extra = {"all": _("All members"), "birthdays_this_month": _("Birthdays this month"),
             "slipping": _("Slipping away (lifetime model)")}
    return extra[name] if name in extra else segments.label(name)


def default_template(kind: str) -> str:
    return {
        "birthday": _("{first_name}, happy birthday! We have a gift for you at the shop."),
        "new_year": _("{first_name}, happy New Year! You have {points} points waiting for you."),
        "march_8": _("{first_name}, happy 8 March! Come and see us this week."),
        "martisor": _("{first_name}, happy Mărțișor! Spring greetings from all of us."),
        "easter": _("{first_name}, Christ is risen! Happy Easter from all of us."),
        "win_back": _("{first_name}, we miss you! You have {points} points waiting for you."),
        "segment": _("{first_name}, a special offer for you this week."),
    }[kind]


def _result_text(result: dict[str, Any]) -> str:
    parts = [_("Written: %1").replace("%1", str(result["exported"])),
             _("no consent: %1").replace("%1", str(result["skipped_no_consent"])),
             _("no address: %1").replace("%1", str(result["skipped_no_address"])),
             _("frequency reached: %1").replace("%1", str(result["skipped_frequency"]))]
    if "skipped_already_sent" in result:
        parts.append(_("sent before: %1").replace("%1", str(result["skipped_already_sent"])))
    if result.get("coupons"):
        parts.append(_("coupons: %1").replace("%1", str(result["coupons"])))
    return "; ".join(parts) + "."


class CampaignForm(QDialog):
    """A new campaign: kind, list, channel, the message with a preview, an optional coupon."""

    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None,
                 now: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__(parent)
        self.staff, self.fmt, self.now = staff, fmt, now
        self.made: Campaign | None = None
        self.setWindowTitle(_("New campaign"))
        self.setMinimumWidth(640)
        form = QFormLayout(self)
        self.name = QLineEdit(self)
        self.name.textEdited.connect(lambda _t: self.name.setProperty("auto", False))
        self.kind = QComboBox(self)
        for kind in campaigns.KINDS:
            self.kind.addItem(kind_name(kind), kind)
        self.when = QLabel(self)
        self.when.setObjectName("Muted")
        self.segment = QComboBox(self)
        for name in segment_export.LISTS:
            self.segment.addItem(list_name(name), name)
        self.channel = QComboBox(self)
        for channel in CHANNELS:
            self.channel.addItem(channel_name(channel), channel)
        self.template = QPlainTextEdit(self)
        self.template.setFixedHeight(80)
        hint = QLabel(_("Placeholders: {name}, {first_name}, {points}, {coupon} (with a coupon)."), self)
        hint.setObjectName("Muted")
        self.promotion = QComboBox(self)
        self.promotion.addItem(_("No coupon"), None)
        for promo in active_rules(now()).promotions:
            label = promo.name + ("" if promo.coupon else " " + _("(not coupon-only: everyone gets it anyway)"))
            self.promotion.addItem(label, promo.code)
        self.days = QSpinBox(self)
        self.days.setRange(1, campaigns.COUPON_DAYS_MAX)
        self.days.setValue(14)
        self.days.setSuffix(" " + pgettext("CampaignForm", "days"))
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setObjectName("Preview")
        self.preview.setFrameShape(QLabel.Shape.StyledPanel)
        self.error = QLabel(self)
        self.error.setObjectName("Error")
        self.error.setWordWrap(True)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Kind"), self.kind)
        form.addRow("", self.when)
        form.addRow(pgettext("campaign", "To"), self.segment)
        form.addRow(_("Channel"), self.channel)
        form.addRow(_("Message"), self.template)
        form.addRow("", hint)
        form.addRow(_("Coupon"), self.promotion)
        form.addRow(_("Coupon lasts"), self.days)
        form.addRow(_("Preview"), self.preview)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        cancel = QPushButton(_("Cancel"), self)
        cancel.clicked.connect(self.reject)
        save = QPushButton(_("Create campaign"), self)
        save.setObjectName("Primary")
        save.clicked.connect(self.save)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        form.addRow(buttons)
        self.sample = Member.select().where(Member.name != "").order_by(Member.created_at.desc()).first()
        self.kind.currentIndexChanged.connect(self.kind_chosen)
        self.template.textChanged.connect(self.show_preview)
        self.promotion.currentIndexChanged.connect(self.show_preview)
        self.kind_chosen()

    def kind_chosen(self) -> None:
        kind = self.kind.currentData()
        self.segment.setCurrentIndex(self.segment.findData(campaigns.DEFAULT_LIST[kind]))
        self.template.setPlainText(default_template(kind))
        day = campaigns.next_holiday(kind, self.now().date())
        if not self.name.text().strip() or self.name.property("auto"):  # a name the person typed is kept
            self.name.setText(f"{kind_name(kind)} {(day or self.now().date()).year}")
            self.name.setProperty("auto", True)
        self.when.setText(_("Next: %1").replace("%1", self.fmt.date(day)) if day else "")

    def show_preview(self) -> None:
        with_coupon = self.promotion.currentData() is not None
        self.days.setEnabled(with_coupon)
        try:
            if self.sample is not None:
                text = campaigns.preview(self.template.toPlainText(), with_coupon=with_coupon, name=self.sample.name,
                                         points=self.sample.balance)
                text = _("Member: %1").replace("%1", self.sample.name) + "\n" + text
            else:
                text = campaigns.preview(self.template.toPlainText(), with_coupon=with_coupon)
        except InputError as exc:
            self.preview.setText("")
            self.error.setText(user_message(exc))
            return
        self.error.setText("")
        self.preview.setText(text)

    def save(self) -> None:
        promotion = self.promotion.currentData()
        try:
            self.made = campaigns.create(self.name.text(), self.kind.currentData(), self.segment.currentData(),
                                         self.channel.currentData(), self.template.toPlainText(), promotion=promotion,
                                         coupon_days=self.days.value() if promotion else None, actor=self.staff,
                                         now=self.now())
        except InputError as exc:
            self.error.setText(user_message(exc))
            return
        self.accept()


class CampaignsDialog(QDialog):
    """The campaigns, newest first; the selected one's report beside them."""

    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None,
                 now: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__(parent)
        auth.require(staff, "run_campaigns")
        self.staff, self.fmt, self.now = staff, fmt, now
        self.setWindowTitle(_("Campaigns"))
        self.resize(1100, 620)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.new_button = QPushButton(_("New campaign…"), self)
        self.new_button.setObjectName("Primary")
        self.new_button.clicked.connect(self.new_campaign)
        self.export_button = QPushButton(_("Export for sending…"), self)
        self.export_button.clicked.connect(self.export_campaign)
        top.addWidget(self.new_button)
        top.addWidget(self.export_button)
        top.addStretch(1)
        top.addWidget(QLabel(_("A list without a campaign:"), self))
        self.quick_list = QComboBox(self)
        for name in segment_export.LISTS:
            self.quick_list.addItem(list_name(name), name)
        self.quick_channel = QComboBox(self)
        for channel in CHANNELS:
            self.quick_channel.addItem(channel_name(channel), channel)
        quick = QPushButton(_("Export…"), self)
        quick.clicked.connect(self.export_list)
        top.addWidget(self.quick_list)
        top.addWidget(self.quick_channel)
        top.addWidget(quick)
        layout.addLayout(top)
        body = QHBoxLayout()
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([_("Campaign"), _("Kind"), pgettext("campaign", "To"), _("Channel"), _("Created")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self.show_report)
        body.addWidget(self.table, 3)
        body.addWidget(self._report_box(), 2)
        layout.addLayout(body, 1)
        self.status = QLabel(self)
        self.status.setObjectName("Muted")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        if auth.may(staff, "shop_settings"):
            layout.addLayout(self._cost_row())
        self.campaigns: list[Campaign] = []
        self.refresh()

    def _report_box(self) -> QGroupBox:
        box = QGroupBox(_("Report"), self)
        grid = QGridLayout(box)
        self.figures: dict[str, QLabel] = {}
        rows = (("message", _("Message")), ("window", _("Counted")), ("sent", _("Sent")), ("coupons", _("Coupons")),
                ("redeemed", _("Coupons redeemed")), ("revenue", _("Redeemers' purchases")),
                ("message_cost", _("Cost of messages")), ("coupon_discount", _("Coupon discounts")),
                ("cost", _("Cost in all")))
        for row, (key, label) in enumerate(rows):
            name = QLabel(label, box)
            name.setObjectName("Muted")
            value = QLabel("—", box)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.figures[key] = value
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(rows), 1)
        return box

    def _cost_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(_("One message costs"), self))
        self.cost_channel = QComboBox(self)
        for channel in CHANNELS:
            self.cost_channel.addItem(channel_name(channel), channel)
        self.cost = QDoubleSpinBox(self)
        self.cost.setRange(0, campaigns.COST_MAX / 100)
        self.cost.setDecimals(2)
        self.cost.setLocale(self.fmt.qlocale())
        save = QPushButton(_("Set"), self)
        save.clicked.connect(self.set_cost)
        self.cost_channel.currentIndexChanged.connect(
            lambda _i: self.cost.setValue(campaigns.message_costs()[self.cost_channel.currentData()] / 100))
        self.cost.setValue(campaigns.message_costs()["sms"] / 100)
        row.addWidget(self.cost_channel)
        row.addWidget(self.cost)
        row.addWidget(save)
        row.addStretch(1)
        return row

    def set_cost(self) -> None:
        try:
            campaigns.set_message_cost(self.staff, self.cost_channel.currentData(), round(self.cost.value() * 100))
        except InputError as exc:
            self.status.setText(user_message(exc))
            return
        self.show_report()

    def refresh(self, select: Campaign | None = None) -> None:
        self.campaigns = campaigns.listing()
        self.table.setRowCount(len(self.campaigns))
        for row, c in enumerate(self.campaigns):
            for column, text in enumerate((c.name, kind_name(c.kind), list_name(c.segment), channel_name(c.channel),
                                           self.fmt.date(c.created_at))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.export_button.setEnabled(bool(self.campaigns))
        if self.campaigns:
            index = next((i for i, c in enumerate(self.campaigns) if select is not None and c.id == select.id), 0)
            self.table.selectRow(index)
        else:
            self.status.setText(_("No campaign yet: “New campaign…” makes one."))

    def selected(self) -> Campaign | None:
        rows = self.table.selectionModel().selectedRows()
        return self.campaigns[rows[0].row()] if rows else None

    def show_report(self) -> None:
        campaign = self.selected()
        if campaign is None:
            return
        found = campaigns.report(campaign, now=self.now())
        money = self.fmt.money
        start, end = dt.datetime.fromisoformat(found["window"]["from"]), dt.datetime.fromisoformat(found["window"]["to"])
        shown = {
            "message": campaign.template, "window": f"{self.fmt.date(start.date())} — {self.fmt.date(end.date())}",
            "sent": self.fmt.number(found["sent"]), "coupons": self.fmt.number(found["coupons"]),
            "redeemed": _("%1 by %2 members").replace("%1", self.fmt.number(found["redeemed"]))
            .replace("%2", self.fmt.number(found["redeemers"])),
            "revenue": money(found["revenue"]), "message_cost": money(found["message_cost"]),
            "coupon_discount": money(found["coupon_discount"]), "cost": money(found["cost"]),
        }
        for key, value in shown.items():
            self.figures[key].setText(value)

    def new_campaign(self) -> None:
        form = CampaignForm(self.staff, self.fmt, self, now=self.now)
        self.form = form
        form.accepted.connect(lambda: self.refresh(select=form.made))
        form.open()

    def _ask_file(self, name: str) -> str:
        safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or "list"
        return save_path(self, _("Save the list for sending"), f"{safe}.xlsx",
                         _("Excel workbook (*.xlsx);;CSV, semicolons (*.csv)"))

    def export_campaign(self) -> None:
        campaign = self.selected()
        if campaign is None:
            return
        path = self._ask_file(campaign.name)
        if path:
            self._run(lambda: campaigns.export(campaign, Path(path), actor=self.staff, now=self.now()))

    def export_list(self) -> None:
        name, channel = self.quick_list.currentData(), self.quick_channel.currentData()
        path = self._ask_file(f"{name}-{channel}")
        if path:
            self._run(lambda: segment_export.export(name, channel, Path(path), actor=self.staff, now=self.now()))

    def _run(self, work: Callable[[], dict[str, Any]]) -> None:
        self.status.setText(_("Writing the list…"))

        def done(result: object) -> None:
            self.status.setText(_result_text(result) + " " + _("Saved to %1.").replace("%1", result["file"]))  # type: ignore[index,operator]
            self.show_report()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, InputError):
                self.status.setText(user_message(exc))
            else:
                operations.show_failure(self, exc)

        operations.run(self, work, done, failed)
