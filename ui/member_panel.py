"""The member on this sale: who, which tier, how many points and what they can do."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from services.members.registry import MemberSummary
from services.programme.pricing import PricedCart
from services.core.messages import _, ngettext
from ui.formatting import Formatter, mask_card, tier_name
from ui.widgets import section_title


class MemberPanel(QFrame):
    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.setObjectName("Panel")
        self.summary: MemberSummary | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(4)
        layout.addWidget(section_title(_("Member"), self))

        self.empty = QLabel(_("No member on this sale.\nScan a loyalty card, or press F2 to find by phone."), self)
        self.empty.setObjectName("Empty")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

        self.details = QWidget(self)
        box = QVBoxLayout(self.details)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        top = QHBoxLayout()
        self.name = QLabel(self.details)
        self.name.setObjectName("MemberName")
        self.name.setWordWrap(True)
        self.tier = QLabel(self.details)
        self.tier.setObjectName("Badge")
        self.birthday = QLabel(_("Birthday!"), self.details)
        self.birthday.setObjectName("Birthday")
        top.addWidget(self.name, 1)
        top.addWidget(self.birthday, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.tier, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(top)
        self.card = QLabel(self.details)
        self.card.setObjectName("Muted")
        box.addWidget(self.card)
        self.occasion = QLabel(self.details)  # the nearest occasion (ui/occasion_dialog.py): Ctrl+O records one
        self.occasion.setObjectName("Occasion")
        self.occasion.setWordWrap(True)
        self.occasion.hide()
        box.addWidget(self.occasion)
        self.occasion_hint = QLabel(_("Ctrl+O: remember an occasion (a friend's birthday…)"), self.details)
        self.occasion_hint.setObjectName("Muted")
        box.addWidget(self.occasion_hint)
        self.balance = QLabel(self.details)
        self.balance.setObjectName("Balance")
        box.addWidget(self.balance)
        self.can_use = QLabel(self.details)
        self.can_use.setWordWrap(True)
        box.addWidget(self.can_use)
        self.next_tier = QLabel(self.details)
        self.next_tier.setObjectName("Muted")
        self.next_tier.setWordWrap(True)
        box.addWidget(self.next_tier)
        self.after = QLabel(self.details)
        self.after.setObjectName("After")
        self.after.setWordWrap(True)
        box.addWidget(self.after)
        self.privileges = QLabel(self.details)
        self.privileges.setObjectName("Privileges")
        self.privileges.setWordWrap(True)
        box.addWidget(self.privileges)
        self.warning = QLabel(self.details)
        self.warning.setObjectName("Warning")
        self.warning.setWordWrap(True)
        box.addWidget(self.warning)
        layout.addWidget(self.details)
        layout.addStretch(1)
        self.show_member(None)

    def show_member(self, summary: MemberSummary | None, max_redeem: int = 0, point_value: int = 100) -> None:
        self.summary = summary
        self.show_occasion("")
        self.empty.setVisible(summary is None)
        self.details.setVisible(summary is not None)
        if summary is None:
            return
        self.name.setText(summary.name)
        self.tier.setText(tier_name(summary.tier_name) or _("No tier"))
        if self.tier.property("tier") != summary.tier_code:  # restyling is the panel's dearest step
            self.tier.setProperty("tier", summary.tier_code)
            self.tier.style().unpolish(self.tier)
            self.tier.style().polish(self.tier)
        self.birthday.setVisible(summary.birthday_soon)
        card = mask_card(summary.card) if summary.card else _("no active card")
        self.card.setText(_("Card %1").replace("%1", card) + (f"  ·  {summary.phone}" if summary.phone else ""))
        self.balance.setText(self.fmt.points(summary.balance))
        self.set_max_redeem(max_redeem, point_value)
        if summary.next_tier_name:
            self.next_tier.setText(
                _("%1 more to reach %2")
                .replace("%1", self.fmt.money(summary.to_next_tier))
                .replace("%2", tier_name(summary.next_tier_name))
            )
        else:
            self.next_tier.setText(_("Top tier reached"))
        notes = [_("Privileges: %1").replace("%1", ", ".join(summary.privileges))] if summary.privileges else []
        if summary.pending:
            notes.append(ngettext("{n} point waiting to become spendable", "{n} points waiting to become spendable",
                                  summary.pending).format(n=self.fmt.number(summary.pending)))
        if summary.birthday_bonus:
            notes.append(_("Birthday bonus on this purchase"))
        self.privileges.setText("\n".join(notes))
        self.privileges.setVisible(bool(notes))
        self.warning.setVisible(summary.redeem_blocked)
        self.warning.setText(_("Balance is below zero after a return: points cannot be used until it recovers."))

    def show_occasion(self, text: str) -> None:
        self.occasion.setText(text)
        self.occasion.setVisible(bool(text))
        self.occasion_hint.setVisible(not text)

    def show_after_sale(self, priced: PricedCart | None) -> None:
        """The balance as it will be once this sale is paid."""
        if self.summary is None or priced is None or not priced.lines:
            self.after.setText("")
            return
        used = priced.points_spent  # paying the bill, and gifts for points
        after = self.summary.balance - used + priced.points_issued
        text = (
            _("After this sale: %1 (−%2 used, +%3 earned)")
            .replace("%1", self.fmt.points(after))
            .replace("%2", self.fmt.number(used))
            .replace("%3", self.fmt.number(priced.points_issued))
        )
        names = {"birthday": _("birthday"), "welcome": _("welcome"), "referral": _("referral")}
        bonuses = [f"{names.get(b['code'], b['code'])} +{self.fmt.number(b['points'])}" for b in priced.bonuses if b['points']]
        if bonuses:
            text += "\n" + _("Bonus: %1").replace("%1", ", ".join(bonuses))
        self.after.setText(text)

    def set_max_redeem(self, max_redeem: int, point_value: int = 100) -> None:
        if self.summary is None:
            return
        if self.summary.redeem_blocked:
            self.can_use.setText("")
        elif max_redeem:
            self.can_use.setText(
                ngettext("Can use up to {n} point on this sale ({money}) — F5",
                         "Can use up to {n} points on this sale ({money}) — F5", max_redeem)
                .format(n=self.fmt.number(max_redeem), money=self.fmt.money(max_redeem * point_value))
            )
        else:
            self.can_use.setText(_("No points can be used on this sale yet."))
