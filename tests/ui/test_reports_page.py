"""The owner's Reports page: found under More… by the owner and the manager, never by a cashier;
the figures on screen are the service's dict, worded once; a new period counts again; exports
read back; a segment lists its members and a member opens; the till sells while it counts."""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from PySide6.QtCore import Qt

from models.schema import Member
from services.core.errors import PermissionDenied
from services.insights import wording
from services.shop import staff as auth
from tests.ui.reportkit import FakeSources
from tests.ui.test_owner_screens import _more_items, owner_window  # noqa: F401 (a fixture)
from ui.formatting import Formatter

REPORTS = "Reports: figures, customers, who is slipping away…"
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@pytest.fixture
def reports(qtbot, app_styled, shop_db):
    """The page for the owner, on fake sources (five members to list)."""
    from ui.reports_page import ReportsDialog

    sources = FakeSources(list(Member.select().order_by(Member.name).limit(5)))
    dialog = ReportsDialog(auth.first_of_role("owner"), Formatter("RUB", "ru_RU"), RESOURCES, sources=sources)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    if dialog.figures is None:
        with qtbot.waitSignal(dialog.computed, timeout=10_000):
            pass
    yield dialog
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():  # the lists and profiles a test opened from it
        widget.close()
        widget.deleteLater()
    qtbot.wait(1)


def open_from_menu(qtbot, window):
    from ui.reports_page import ReportsDialog

    window.report_sources = FakeSources()
    assert REPORTS in _more_items(window)
    window._act(window.open_reports)
    dialog = window.dialog
    assert isinstance(dialog, ReportsDialog)
    with qtbot.waitSignal(dialog.computed, timeout=10_000):
        pass
    return dialog


def test_owner_and_manager_find_the_page_a_cashier_does_not(qtbot, window, owner_window):  # noqa: F811
    from ui.reports_page import ReportsDialog

    assert REPORTS not in _more_items(window)
    with pytest.raises(PermissionDenied):
        ReportsDialog(window.staff, window.fmt, RESOURCES, sources=FakeSources())
    window._act(window.open_reports)  # reached another way: refused in words
    assert window.message.kind() == "error" and window.dialog is None
    assert _more_items(owner_window)[0] == REPORTS  # the first thing under More…
    owner = open_from_menu(qtbot, owner_window)
    assert owner.save_costs_button.isEnabled()
    owner.reject()
    owner_window.set_staff(auth.first_of_role("manager"))
    manager = open_from_menu(qtbot, owner_window)
    assert manager.grid.cards["receipts"].value.text() != ""
    assert not manager.save_costs_button.isEnabled()  # costs and margins are the owner's


def test_locking_the_till_puts_the_figures_away(qtbot, owner_window):  # noqa: F811
    dialog = open_from_menu(qtbot, owner_window)
    segments = dialog.segments_tab
    dialog.tabs.setCurrentWidget(segments)
    qtbot.waitUntil(lambda: bool(segments.rows), timeout=10_000)
    listing = segments.open_segment(0)
    owner_window.lock()
    assert not dialog.isVisible() and not listing.isVisible()
    assert owner_window.lock_screen.locked


def test_the_figures_shown_are_the_services_words(reports):
    figures = reports.figures
    shown = 0
    for key, card in reports.grid.cards.items():
        if key not in figures:
            assert card.isHidden()
            continue
        assert card.value.text() == wording.shown(key, figures[key], "RUB", "ru_RU")
        assert card.name.text() == wording.figure_name(key)
        assert card.definition.text() == figures["definitions"].get(key, "")
        shown += 1
    assert shown == len(wording.FIGURES)
    receipts = reports.grid.cards["receipts"]
    assert receipts.value.text() == "900" and "750" in receipts.before.text() and "+20,0" in receipts.before.text()
    assert reports.grid.cards["repeat_rate"].definition.isVisibleTo(reports)  # on screen, not in a tooltip
    assert reports.cashiers.texts(0) == ["Анна", "600", "65,0 %", "9", "167,00 ₽", "45,0", "86,0 %", "28"]
    assert reports.trend.series["Members"][0] == 28_000 * 100
    assert reports.trend.series["Others"][0] == 12_000 * 100


def test_a_new_period_counts_again(qtbot, reports):
    sources = reports.sources
    before = len(sources.calls)
    with qtbot.waitSignal(reports.computed, timeout=10_000) as landed:
        reports.picker.choose("this_year")
        reports.picker.period_changed.emit(reports.picker.period())
    period = reports.period()
    assert sources.calls[before:] == [("figures", period)]
    assert landed.args[0]["from"] == period.start.isoformat()
    assert reports.grid.cards["members_new"].value.text() == str(period.days)
    with qtbot.waitSignal(reports.computed, timeout=10_000):
        reports.picker.start.setDate(reports.picker.start.date().addDays(1))  # a date typed: "Other dates"
    assert reports.picker.quick.currentData() == "custom"
    assert sources.calls[-1] == ("figures", reports.period()) and reports.period().days == period.days - 1


def test_a_store_is_asked_for_only_in_a_shop_with_stores(qtbot, reports):
    from models.schema import Store
    from ui.reports_page import ReportsDialog

    assert reports.store.isHidden() and reports.sources.stores == [None]
    store = Store.create(name="Центральный")
    dialog = ReportsDialog(auth.first_of_role("manager"), Formatter("RUB", "ru_RU"), RESOURCES,
                           sources=reports.sources)
    qtbot.addWidget(dialog)
    assert not dialog.store.isHidden()
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=10_000)
    with qtbot.waitSignal(dialog.computed, timeout=10_000):
        dialog.store.setCurrentIndex(dialog.store.findData(str(store.id)))
    assert reports.sources.stores[-1] == str(store.id)


def test_exports_read_back(qtbot, reports, tmp_path):
    xlsx, pdf = tmp_path / "figures.xlsx", tmp_path / "report.pdf"
    reports.write_figures(xlsx, "xlsx")
    qtbot.waitUntil(lambda: reports.done_note.text() != "", timeout=10_000)
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values[wording.figure_name("receipts")] == reports.figures["receipts"]
    reports.done_note.clear()
    reports.write_figures(pdf, "pdf")
    qtbot.waitUntil(lambda: reports.done_note.text() != "", timeout=10_000)
    with pdfplumber.open(pdf) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert reports.figures["from"] in text and "Анна" in text
    assert reports.figures["definitions"]["repeat_rate"] in text.replace("\n", " ")


def test_a_segment_lists_its_members_and_one_opens(qtbot, reports, tmp_path):
    from ui.member_profile import MemberProfileDialog

    with qtbot.waitSignal(reports.segments_tab.segments_shown, timeout=10_000):
        reports.tabs.setCurrentWidget(reports.segments_tab)
    table = reports.segments_tab.table
    assert table.texts(0)[:2] == ["Champions", "12"]
    rect = table.visualRect(table.model().index(0, 0))
    assert not rect.isEmpty()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click is a press,
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # then a second one
    listing = reports.segments_tab.members_dialog
    assert listing is not None and listing.code == "champions"
    qtbot.waitUntil(lambda: len(listing.rows) == 5, timeout=10_000)
    names = [listing.table.item(r, 0).text() for r in range(listing.table.rowCount())]
    assert names == [m.name for m in reports.sources.members]
    listing.write(tmp_path / "champions.csv")
    qtbot.waitUntil(lambda: listing.message.text() != "", timeout=10_000)
    assert names[0] in (tmp_path / "champions.csv").read_text(encoding="utf-8-sig")
    profile = listing.open_member(1)
    assert isinstance(profile, MemberProfileDialog)
    with qtbot.waitSignal(profile.view.shown, timeout=10_000):
        pass
    assert profile.windowTitle() == names[1]
    assert profile.view.values["p_alive"].text() == "83,0 %"
    assert profile.view.values["weekday"].text() == "Fri, Sat"


def test_the_till_sells_while_the_figures_are_counted(qtbot, owner_window):  # noqa: F811
    from services.shop import catalogue

    gate = threading.Event()

    class Slow(FakeSources):
        def figures(self, period, store, now):
            gate.wait(10)
            return super().figures(period, store, now)

    owner_window.report_sources = Slow()
    owner_window._act(owner_window.open_reports)
    dialog = owner_window.dialog
    assert dialog is not None, owner_window.message.text()
    assert dialog.busy.isVisible() and dialog.figures is None
    product = catalogue.quick_keys()[0]
    owner_window.on_scan(product.barcode)  # the cashier scans under the open page
    assert [line.barcode for line in owner_window.cart.lines] == [product.barcode]
    with qtbot.waitSignal(dialog.computed, timeout=10_000):
        gate.set()
    assert not dialog.busy.isVisible()


def test_the_member_dialog_has_a_profile_for_the_owner_not_the_cashier(qtbot, app_styled, shop_db):
    from ui.member_dialogs import MemberFormDialog

    member = Member.select().first()
    cashier = MemberFormDialog(auth.first_of_role("cashier"), member)
    qtbot.addWidget(cashier)
    assert cashier.profile is None
    owner = MemberFormDialog(auth.first_of_role("owner"), member)
    qtbot.addWidget(owner)
    assert owner.profile is not None and owner.tabs.tabText(1) == "Profile"


def test_on_the_services_the_page_shows_what_they_count(qtbot, app_styled, shop_db):
    """No fakes: the demo shop's figures, its costs saved by the owner, a segment's members."""
    from models.schema import utcnow
    from services.insights import figures, segments
    from ui.reports_page import ReportsDialog

    now = utcnow()
    dialog = ReportsDialog(auth.first_of_role("owner"), Formatter("RUB", "ru_RU"), RESOURCES, clock=lambda: now)
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=30_000)
    expected = figures.compute(dialog.period(), now=now)
    assert dialog.figures == expected
    for key, _kind in wording.FIGURES:
        card = dialog.grid.cards[key]
        assert card.value.text() == wording.shown(key, expected[key], "RUB", "ru_RU")
        assert card.definition.text() == expected["definitions"][key]
    dialog.cost_edits["cards"].setText("1200,50")
    dialog.margin_edit.setText("25")
    with qtbot.waitSignal(dialog.computed, timeout=30_000):
        dialog.save_costs()
    assert figures.costs()["cards"] == 120_050 and figures.margins()["overall_bp"] == 2500
    assert dialog.figures["programme"]["owner_costs_monthly"]["cards"] == 120_050
    assert dialog.figures["roi"] is not None and dialog.grid.cards["roi"].value.text() != "—"
    with qtbot.waitSignal(dialog.segments_tab.segments_shown, timeout=30_000):
        dialog.tabs.setCurrentWidget(dialog.segments_tab)
    rows = dialog.segments_tab.rows
    biggest = next(i for i, r in enumerate(rows) if r["members"])
    listing = dialog.segments_tab.open_segment(biggest)
    qtbot.addWidget(listing)
    with qtbot.waitSignal(listing.members_shown, timeout=30_000):
        pass
    wanted = segments.segment_members(rows[biggest]["code"], dialog.period().end, now=now)
    assert [listing.table.item(r, 0).text() for r in range(listing.table.rowCount())] == [m["name"] for m in wanted]
    listing.close()


def test_the_member_dialogs_profile_is_the_services(qtbot, app_styled, shop_db):
    from services.insights import customers
    from ui.member_dialogs import MemberFormDialog

    member = max(Member.select(), key=lambda m: m.sales.count())
    dialog = MemberFormDialog(auth.first_of_role("manager"), member)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.profile.shown, timeout=30_000) as shown:
        dialog.tabs.setCurrentIndex(1)  # counted when first looked at
    profile = customers.profile(member)
    assert {k: v for k, v in shown.args[0].items() if k != "outlook"} == profile
    fmt = dialog.profile.fmt
    assert dialog.profile.values["visits"].text() == fmt.number(profile["visits"])
    assert dialog.profile.values["total"].text() == fmt.money(profile["total"])
    assert dialog.profile.values["last_visit"].text() == fmt.date(dt.date.fromisoformat(profile["last_visit"]))
    assert set(shown.args[0]["outlook"]) == {"p_alive", "expected_visits_90d", "clv", "fit_at"}
    # The top lists in tables, nothing cut: each entry a row (the name whole in its tooltip).
    tops = dialog.profile.tops["products"]
    assert [name for name, _amount in tops.entries] == [
        e["name"] or "(no name in the old program)" for e in profile["top_products"]["by_value"]]
    assert tops.grid.rowCount() >= len(tops.entries) and all(
        tops.grid.itemAtPosition(row, 0).widget().toolTip() == name for row, (name, _a) in enumerate(tops.entries))
