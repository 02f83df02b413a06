"""The owner's programme: the rules, tiers, promotions and coupons, checked,
previewed on an example cart, saved as a draft or published from a chosen
time; exported and imported as JSON; and tried on real history (what-if)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateTimeEdit, QDialog, QHBoxLayout, QHeaderView, QLabel,
    QMessageBox, QPushButton, QScrollArea, QTableView, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from models.schema import Staff, utcnow
from services.shop import staff as auth
from services.sale import checkout
from services.programme import rules as rules_service
from services.core.errors import InputError
from services.programme.pricing import Customer, price_cart
from services.programme.rules import Coupon, Promotion, Rules, Tier
from services.core.messages import _, pgettext
from ui.files import save_path, open_path
from ui.cart_table import CartModel
from ui.errors import problem_text, user_message
from ui.formatting import Formatter, tier_name
from ui.programme_forms import Field, Form, FormDialog, weekday_names
from ui.rewards_ui import RewardsTab
from ui.widgets import fit_to_screen, guard_wheel, list_table, question


class ProgrammeDialog(QDialog):
    programme_published = Signal(object)  # Rules, as stored

    def __init__(self, staff: Staff, fmt: Formatter, parent: QWidget | None = None) -> None:
        auth.require(staff, "edit_rules")
        super().__init__(parent)
        self.staff = staff
        self.fmt = fmt
        self.setWindowTitle(_("Loyalty programme"))
        self.resize(1100, 720)
        current = rules_service.active_rules()
        self.base_version = current.version
        self.tiers: list[Tier] = list(current.tiers)
        self.promotions: list[Promotion] = list(current.promotions)
        self.coupons: list[Coupon] = list(current.coupons)
        self.example = checkout.example_cart()

        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("SectionTitle")
        layout.addWidget(self.heading)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        self.form = Form(self._programme_fields(), fmt, self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.tabs.addTab(scroll, _("Programme"))
        self.tier_table = self._list_tab(_("Tiers"), self._tier_columns(), self.add_tier, self.edit_tier, self.remove_tier)
        self.promo_table = self._list_tab(_("Promotions"), self._promo_columns(), self.add_promotion, self.edit_promotion, self.remove_promotion)
        self.coupon_table = self._list_tab(_("Coupons"), self._coupon_columns(), self.add_coupon, self.edit_coupon, self.remove_coupon)
        self.tabs.addTab(self._preview_tab(), pgettext("ProgrammeDialog", "Preview"))
        self.tabs.addTab(RewardsTab(staff, fmt, self), _("Gifts for points"))  # saved at once, not published
        self.tabs.currentChanged.connect(lambda _: self.refresh_preview())

        self.problems = QLabel(self)
        self.problems.setObjectName("Warning")
        self.problems.setWordWrap(True)
        layout.addWidget(self.problems)
        layout.addLayout(self._buttons())
        self.load(current)
        guard_wheel(self)
        fit_to_screen(self)

    # --- building ---------------------------------------------------------------------

    def _programme_fields(self) -> list[Field]:
        return [
            Field("name", pgettext("ProgrammeDialog", "Name"), "text"),
            Field("discount_bp", _("Member discount, %"), "percent"),
            Field("earn_bp", _("Points for each purchase, %\u00a0of money paid"), "percent"),
            Field("point_value", _("One point is worth"), "money", hint=_("0.01 makes points kopecks: cashback one to one")),
            Field("redeem_enabled", _("Members may pay with points"), "bool"),
            Field("redeem_cap_bp", _("Points pay at most, %\u00a0of the bill"), "percent"),
            Field("redeem_min_balance", _("Points can be used from a balance of"), "int"),
            Field("redeem_step", _("Points are used in steps of"), "int"),
            Field("max_discount_bp", _("All discounts together at most, %"), "percent"),
            Field("tier_window_days", _("Tiers count spend over, days"), "int", high=3650),
            Field("expiry_days", _("Points expire after, days (0: never)"), "int", high=3650),
            Field("pending_days", _("New points can be spent after, days"), "int", high=365),
            Field("welcome_points", _("Welcome bonus, points"), "int"),
            Field("welcome_on", _("Welcome bonus comes"), "choice", choices=(
                ("registration", _("on registration")), ("first_purchase", _("with the first purchase")))),
            Field("birthday_days", _("Birthday window, days either side"), "int", high=31),
            Field("birthday_points", _("Birthday bonus, points"), "int"),
            Field("birthday_discount_bp", _("Birthday discount, %"), "percent"),
            Field("referral_points", _("Referral: points to the member who referred"), "int"),
            Field("referral_new_points", _("Referral: points to the new member"), "int"),
            Field("excluded_categories", _("Categories with no discount and no points"), "list"),
            Field("excluded_products", _("Barcodes with no discount and no points"), "list"),
            Field("next_visit_promotion", _("Next-visit coupon: promotion code"), "text"),
            Field("next_visit_min_bill", _("Next-visit coupon from a bill of"), "money"),
            Field("next_visit_days", _("Next-visit coupon valid, days"), "int", high=3650),
            Field("timezone", _("Shop's time zone (e.g. Europe/Moscow)"), "text"),
        ]

    def _tier_fields(self) -> list[Field]:
        return [
            Field("code", _("Code"), "text"), Field("name", pgettext("ProgrammeDialog", "Name"), "text"),
            Field("min_spend", _("From a spend of"), "money"),
            Field("earn_bp", _("Points, %\u00a0of money paid"), "optional_percent"),
            Field("discount_bp", _("Discount, %"), "optional_percent"),
            Field("privileges", _("Privileges shown to the cashier"), "list"),
        ]

    def _promo_fields(self) -> list[Field]:
        return [
            Field("code", _("Code"), "text"), Field("name", pgettext("ProgrammeDialog", "Name"), "text"),
            Field("kind", _("Kind"), "choice", choices=tuple(self.kind_names().items())),
            Field("percent", _("Discount, %"), "percent"),
            Field("times", _("Points multiplier, ×"), "times"),
            Field("points", _("Points per unit bought"), "int"),
            Field("buy", _("Buy"), "int", high=99), Field("get", _("Get free"), "int", high=99),
            Field("categories", _("Categories"), "list"), Field("products", _("Barcodes"), "list"),
            Field("tiers", _("Tiers (codes)"), "list"),
            Field("members_only", _("Members only"), "bool"),
            Field("starts", _("From date"), "date"), Field("ends", _("To date"), "date"),
            Field("weekdays", _("Weekdays (none: every day)"), "weekdays"),
            Field("hour_from", _("From hour"), "int", high=23), Field("hour_to", _("To hour"), "int", high=24),
            Field("min_bill", _("Minimum bill"), "money"), Field("min_qty", _("Minimum quantity"), "int"),
            Field("coupon", _("Only with a coupon"), "bool"),
            Field("priority", _("Priority (lower first)"), "int", high=10_000),
            Field("exclusive", _("Exclusive: no other discount on the same item"), "bool"),
        ]

    def _coupon_fields(self) -> list[Field]:
        return [
            Field("code", _("Code"), "text"), Field("promotion", _("Promotion code"), "text"),
            Field("max_uses", _("Uses in all (0: unlimited)"), "int"),
            Field("per_member", _("Uses per member (0: unlimited)"), "int"),
            Field("starts", _("From date"), "date"), Field("ends", _("To date"), "date"),
        ]

    def kind_names(self) -> dict[str, str]:
        return {
            "discount": _("Discount"), "multiplier": _("Points multiplier"),
            "fixed_points": _("Points for buying"), "buy_get": _("Buy X get Y"),
        }

    def _tier_columns(self) -> list[str]:
        return [_("Code"), pgettext("ProgrammeDialog", "Name"), _("From a spend of"), _("Points"), _("Discount"),
                _("Privileges")]

    def _promo_columns(self) -> list[str]:
        return [_("Code"), pgettext("ProgrammeDialog", "Name"), _("Kind"), _("Gives"), _("When"), _("On")]

    def _coupon_columns(self) -> list[str]:
        return [_("Code"), _("Promotion"), _("Uses in all"), _("Per member"), _("Valid")]

    def _list_tab(self, title: str, columns: list[str], add: Callable, edit: Callable, remove: Callable) -> QTableWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        table = list_table(page, columns)
        table.doubleClicked.connect(lambda _: edit())
        box.addWidget(table, 1)
        row = QHBoxLayout()
        for text, slot in ((_("Add…"), add), (_("Edit…"), edit), (_("Remove"), remove)):
            button = QPushButton(text, page)
            button.clicked.connect(lambda _=False, s=slot: s())
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        self.tabs.addTab(page, title)
        return table

    def _preview_tab(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Customer"), page))
        self.preview_who = QComboBox(page)
        row.addWidget(self.preview_who)
        self.preview_birthday = QCheckBox(_("Birthday this week"), page)
        row.addWidget(self.preview_birthday)
        row.addWidget(QLabel(_("At"), page))
        self.preview_at = self._shop_clock_edit(page)
        self.preview_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.preview_at.setCalendarPopup(True)
        row.addWidget(self.preview_at)
        row.addStretch(1)
        box.addLayout(row)
        self.preview_model = CartModel(self.fmt)
        self.preview_table = QTableView(page)
        self.preview_table.setModel(self.preview_model)
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.horizontalHeader().setSectionResizeMode(CartModel.WHY, QHeaderView.ResizeMode.Stretch)
        self.preview_table.horizontalHeader().resizeSection(CartModel.NAME, 260)
        box.addWidget(self.preview_table, 1)
        self.preview_totals = QLabel(page)
        self.preview_totals.setWordWrap(True)
        box.addWidget(self.preview_totals)
        self.preview_who.currentIndexChanged.connect(lambda _: self.refresh_preview())
        self.preview_birthday.toggled.connect(lambda _: self.refresh_preview())
        self.preview_at.dateTimeChanged.connect(lambda _: self.refresh_preview())
        return page

    def _shop_clock_edit(self, parent: QWidget) -> QDateTimeEdit:
        """A date and time as the shop's clock reads them (its time zone), not the PC's."""
        zone = QTimeZone(self.fmt.time_zone.encode()) if self.fmt.time_zone else QTimeZone.systemTimeZone()
        edit = QDateTimeEdit(parent)
        edit.setTimeZone(zone)
        edit.setDateTime(QDateTime.currentDateTime().toTimeZone(zone))
        return edit

    def _buttons(self) -> QVBoxLayout:
        """Two rows, so the editor fits a 1366-pixel screen in any language."""
        rows = QVBoxLayout()
        row = QHBoxLayout()
        self.check_button = QPushButton(_("Check"), self)
        self.check_button.clicked.connect(lambda: self._guard(self.check))
        self.draft_button = QPushButton(_("Save draft"), self)
        self.draft_button.clicked.connect(lambda: self._guard(self.save_draft))
        self.open_draft_button = QPushButton(_("Open draft"), self)
        self.open_draft_button.clicked.connect(lambda: self._guard(self.open_draft))
        self.open_draft_button.setEnabled(rules_service.draft_rules() is not None)
        row.addWidget(self.open_draft_button)
        row.addWidget(self.check_button)
        row.addWidget(self.draft_button)
        row.addStretch(1)
        row.addWidget(QLabel(_("In force from"), self))
        self.effective = self._shop_clock_edit(self)
        self.effective.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.effective.setCalendarPopup(True)
        row.addWidget(self.effective)
        self.publish_button = QPushButton(_("Publish"), self)
        self.publish_button.setObjectName("Primary")
        self.publish_button.clicked.connect(lambda: self._guard(self.publish))
        row.addWidget(self.publish_button)
        rows.addLayout(row)
        second = QHBoxLayout()
        for text, slot in ((_("What-if…"), self.open_whatif), (_("Export…"), self.choose_export),
                           (_("Import…"), self.choose_import), (_("Close"), self.reject)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, s=slot: self._guard(s))
            if slot == self.reject:
                second.addStretch(1)
            second.addWidget(button)
        rows.addLayout(second)
        return rows

    # --- state <-> screen --------------------------------------------------------------------

    def load(self, rules: Rules, draft: bool = False) -> None:
        body = rules_service.to_dict(rules)
        self.form.set_values(body)
        self.tiers = list(rules.tiers)
        self.promotions = list(rules.promotions)
        self.coupons = list(rules.coupons)
        if draft:
            self.heading.setText(_("Editing a copy of draft version %1. Nothing changes at the till until you publish.")
                                 .replace("%1", str(rules.version)))
        else:
            self.heading.setText(_("Editing a copy of version %1 (in force). Nothing changes at the till until you publish.")
                                 .replace("%1", str(self.base_version)))
        self._fill_tables()
        self.say("")
        self.mark_saved()

    def collect(self) -> Rules:
        """The rule set as the screen shows it (InputError if a field cannot be read)."""
        values = self.form.values()
        values.update(tiers=tuple(self.tiers), promotions=tuple(self.promotions), coupons=tuple(self.coupons))
        return dataclasses.replace(rules_service.Rules(), **values)

    def _fill_tables(self) -> None:
        fmt = self.fmt
        pct = lambda bp: "" if bp is None else fmt.percent(bp)  # noqa: E731
        self._fill(self.tier_table, [
            [t.code, tier_name(t.name), fmt.money(t.min_spend), pct(t.earn_bp), pct(t.discount_bp), ", ".join(t.privileges)]
            for t in self.tiers
        ])
        self._fill(self.promo_table, [
            [p.code, p.name, self.kind_names().get(p.kind, p.kind), self._gives(p), self._when(p),
             ", ".join(p.categories + p.products) or _("everything")]
            for p in self.promotions
        ])
        self._fill(self.coupon_table, [
            [c.code, c.promotion, str(c.max_uses or "∞"), str(c.per_member or "∞"),
             f"{c.starts or '…'} – {c.ends or '…'}"]
            for c in self.coupons
        ])
        self.preview_who.blockSignals(True)
        first_time = self.preview_who.count() == 0
        chosen = self.preview_who.currentData()
        self.preview_who.clear()
        self.preview_who.addItem(_("Not a member"), None)
        for tier in self.tiers:
            self.preview_who.addItem(_("Member, %1").replace("%1", tier_name(tier.name)), tier.code)
        index = -1 if first_time else self.preview_who.findData(chosen)
        self.preview_who.setCurrentIndex(index if index >= 0 else min(1, self.preview_who.count() - 1))  # a member
        self.preview_who.blockSignals(False)

    def _gives(self, p: Promotion) -> str:
        if p.kind == "discount":
            return "−" + self.fmt.percent(p.bp)
        if p.kind == "multiplier":
            return f"× {p.bp / 10_000:g}"
        if p.kind == "fixed_points":
            return "+" + self.fmt.points(p.points)
        return _("%1 + %2 free").replace("%1", str(p.buy)).replace("%2", str(p.get))

    def _when(self, p: Promotion) -> str:
        parts = []
        if p.starts or p.ends:
            parts.append(f"{p.starts or '…'} – {p.ends or '…'}")
        if p.weekdays:
            names = weekday_names()
            parts.append(", ".join(names[d] for d in p.weekdays if 0 <= d <= 6))
        if p.hour_from or p.hour_to != 24:
            parts.append(f"{p.hour_from:02d}:00–{p.hour_to:02d}:00")
        if p.coupon:
            parts.append(_("coupon"))
        return "; ".join(parts) or _("always")

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))

    # --- the lists ----------------------------------------------------------------------------------

    def _selected(self, table: QTableWidget, items: list) -> int:
        row = table.currentRow()
        if not 0 <= row < len(items):
            raise InputError("no_row")
        return row

    def _edit_item(self, title: str, fields: list[Field], values: dict[str, Any], build: Callable[[dict], Any],
                   done: Callable[[Any], None]) -> FormDialog:
        form = Form(fields, self.fmt)
        form.set_values(values)
        if "kind" in form.editors:  # a promotion: only the fields its kind uses
            kind = form.editor("kind")
            uses = {"discount": ("percent",), "multiplier": ("times",), "fixed_points": ("points",),
                    "buy_get": ("buy", "get")}

            def follow_kind() -> None:
                for name in ("percent", "times", "points", "buy", "get"):
                    form.editor(name).setEnabled(name in uses.get(kind.currentData(), ()))

            kind.currentIndexChanged.connect(lambda _: follow_kind())
            follow_kind()
        dialog = FormDialog(title, form, build, self)
        dialog.accepted.connect(lambda: (done(dialog.result_value), self._fill_tables(), self.refresh_preview()))
        dialog.open()
        self.item_dialog = dialog
        return dialog

    def add_tier(self) -> FormDialog:
        return self._edit_item(_("New tier"), self._tier_fields(), {"code": "", "name": ""},
                               lambda v: Tier(**v), self.tiers.append)

    def edit_tier(self) -> FormDialog:
        row = self._selected(self.tier_table, self.tiers)
        return self._edit_item(_("Tier"), self._tier_fields(), dataclasses.asdict(self.tiers[row]),
                               lambda v: Tier(**v), lambda t: self.tiers.__setitem__(row, t))

    def remove_tier(self) -> None:
        del self.tiers[self._selected(self.tier_table, self.tiers)]
        self._fill_tables()

    def _promo_values(self, p: Promotion) -> dict[str, Any]:
        values = dataclasses.asdict(p)
        values["percent"] = p.bp if p.kind == "discount" else 0
        values["times"] = p.bp if p.kind == "multiplier" else 20_000
        return values

    @staticmethod
    def _promotion(values: dict[str, Any]) -> Promotion:
        percent, times = values.pop("percent"), values.pop("times")
        values["bp"] = percent if values["kind"] == "discount" else times if values["kind"] == "multiplier" else 0
        return Promotion(**values)

    def add_promotion(self) -> FormDialog:
        fresh = Promotion(code=f"promo{len(self.promotions) + 1}", name="", bp=1000)
        return self._edit_item(_("New promotion"), self._promo_fields(), self._promo_values(fresh),
                               self._promotion, self.promotions.append)

    def edit_promotion(self) -> FormDialog:
        row = self._selected(self.promo_table, self.promotions)
        return self._edit_item(_("Promotion"), self._promo_fields(), self._promo_values(self.promotions[row]),
                               self._promotion, lambda p: self.promotions.__setitem__(row, p))

    def remove_promotion(self) -> None:
        del self.promotions[self._selected(self.promo_table, self.promotions)]
        self._fill_tables()

    def add_coupon(self) -> FormDialog:
        first = self.promotions[0].code if self.promotions else ""
        return self._edit_item(_("New coupon"), self._coupon_fields(), {"code": "", "promotion": first, "per_member": 1},
                               lambda v: Coupon(**v), self.coupons.append)

    def edit_coupon(self) -> FormDialog:
        row = self._selected(self.coupon_table, self.coupons)
        return self._edit_item(_("Coupon"), self._coupon_fields(), dataclasses.asdict(self.coupons[row]),
                               lambda v: Coupon(**v), lambda c: self.coupons.__setitem__(row, c))

    def remove_coupon(self) -> None:
        del self.coupons[self._selected(self.coupon_table, self.coupons)]
        self._fill_tables()

    # --- actions --------------------------------------------------------------------------------------

    def _guard(self, action: Callable[[], object]) -> None:
        try:
            action()
        except InputError as exc:
            self.say(user_message(exc))

    def say(self, text: str, ok: bool = False) -> None:
        """A problem in red, a success in green (it was all red once: a saved draft read as a failure)."""
        name = "Good" if ok else "Warning"
        if self.problems.objectName() != name:
            self.problems.setObjectName(name)
            self.problems.style().unpolish(self.problems)
            self.problems.style().polish(self.problems)
        self.problems.setText(text)

    # --- unsaved edits -------------------------------------------------------------------

    def _snapshot(self) -> object:
        try:
            return rules_service.to_dict(self.collect())
        except (InputError, ValueError, TypeError):
            return None  # a field that cannot be read: certainly an edit

    def mark_saved(self) -> None:
        self.saved_state = self._snapshot()

    def is_dirty(self) -> bool:
        return self._snapshot() != self.saved_state or self.saved_state is None

    def reject(self) -> None:
        """Close (Escape, the window's ×, Close): edits not saved or published are not lost without a question."""
        if not self.is_dirty():
            super().reject()
            return
        box = question(_("Loyalty programme"),
                       _("Close without saving? Your edits are not saved as a draft or published."), self)
        box.finished.connect(lambda button: super(ProgrammeDialog, self).reject()
                             if button == QMessageBox.StandardButton.Yes else None)
        box.open()
        self.close_box = box

    def check(self) -> bool:
        """Every problem, each in a sentence; True when there are none."""
        problems = rules_service.check(self.collect(), utcnow().date())
        if problems:
            self.say("\n".join("• " + problem_text(p) for p in problems))
            return False
        self.say(_("No problems found."), ok=True)
        return True

    def refresh_preview(self) -> None:
        try:
            rules = dataclasses.replace(self.collect(), version=0)
            rules_service.check(rules)  # an unreadable promotion must not crash the preview
            tier = self.preview_who.currentData()
            customer = None if self.preview_who.currentIndex() <= 0 else Customer(
                tier=tier or "", balance=10**6, birthday_due=self.preview_birthday.isChecked())
            when = self.preview_at.dateTime().toUTC()
            now = dt.datetime(when.date().year(), when.date().month(), when.date().day(), when.time().hour(), when.time().minute())
            priced = price_cart(self.example, customer, rules, now=now)
        except (InputError, ValueError, TypeError) as exc:
            self.preview_model.set_priced(None)
            self.preview_totals.setText(user_message(exc) if isinstance(exc, InputError) else str(exc))
            return
        self.preview_model.set_priced(priced)
        bonus = ", ".join(f"{b['code']} +{b['points']}" for b in priced.bonuses if b['points'])
        self.preview_totals.setText(
            _("Subtotal %1 · discounts %2 · total %3 · points %4").replace("%1", self.fmt.money(priced.subtotal))
            .replace("%2", self.fmt.money(priced.discount)).replace("%3", self.fmt.money(priced.total))
            .replace("%4", self.fmt.points(priced.points_issued)) + (f" ({bonus})" if bonus else "")
        )
        self.last_preview = priced

    def _effective_utc(self) -> dt.datetime:
        when = self.effective.dateTime().toTimeZone(QTimeZone.utc())
        d, t = when.date(), when.time()
        return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def _store(self, status: str) -> Rules | None:
        if not self.check():
            return None
        stored = rules_service.publish(self.collect(), self._effective_utc(), status=status, actor=self.staff)
        return stored

    def open_draft(self) -> None:
        draft = rules_service.draft_rules()
        if draft is not None:
            self.load(draft, draft=True)
            self.refresh_preview()

    def save_draft(self) -> None:
        stored = self._store("draft")
        if stored is not None:
            self.mark_saved()
            self.say(_("Saved as draft version %1: it does not apply until published.")
                     .replace("%1", str(stored.version)), ok=True)
            self.open_draft_button.setEnabled(True)

    def publish(self) -> None:
        """Checked first; then a question, since a published programme prices every sale from its time."""
        if not self.check():
            return
        when = self.effective.dateTime().toString("yyyy-MM-dd HH:mm")
        box = question(_("Publish"), _("Publish this programme? From %1 every sale at every till uses it; "
                                       "it cannot be taken back, only replaced by a newer version.").replace("%1", when),
                       self)
        box.finished.connect(lambda button: self._guard(self.publish_now)
                             if button == QMessageBox.StandardButton.Yes else None)
        box.open()
        self.publish_box = box

    def publish_now(self) -> None:
        stored = self._store("active")
        if stored is not None:
            self.base_version = stored.version
            self.mark_saved()
            self.say(_("Version %1 published: in force from %2.")
                     .replace("%1", str(stored.version))
                     .replace("%2", self.effective.dateTime().toString("yyyy-MM-dd HH:mm")), ok=True)
            self.programme_published.emit(stored)

    def export_to(self, path: Path) -> None:
        try:
            path.write_text(rules_service.export_document(self.collect()) + "\n", encoding="utf-8")
        except OSError:
            raise InputError("file_write", path=str(path)) from None
        self.say(_("Exported to %1.").replace("%1", str(path)), ok=True)

    def import_from(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise InputError("file_read", path=str(path)) from None
        self.load(rules_service.loads(text))
        self.saved_state = None  # read from a file, not saved here yet
        self.check()

    def choose_export(self) -> None:
        path = save_path(self, _("Export programme"), "programme.json", "JSON (*.json)")
        if path:
            self.export_to(Path(path))

    def choose_import(self) -> None:
        path = open_path(self, _("Import programme"), "JSON (*.json)")
        if path:
            self.import_from(Path(path))

    def open_whatif(self) -> None:
        from ui.whatif_dialog import WhatIfDialog

        rules = self.collect()
        problems = rules_service.check(rules)
        if problems:
            self.say("\n".join("• " + problem_text(p) for p in problems))
            return
        self.whatif = WhatIfDialog(rules, self.fmt, self)
        self.whatif.open()


