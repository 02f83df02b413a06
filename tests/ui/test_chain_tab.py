"""The Reports page's Chain tab: the hub's figures per store and in total, worded as the till's
own cards; a hub out of reach, refusing or not there is a sentence and *Try again*, never a
traceback; a manager sees their store and why not the chain's total; a till alone has no tab.

The hub is faked where the page meets it: services.sync.client.chain_figures (tests/ui/chainkit.py
answers as services.hub.figures does, or raises the client's SyncError)."""
from __future__ import annotations

from pathlib import Path

import pytest

from models.schema import Member
from services.insights import wording
from services.insights.figures import definitions
from services.shop import staff as auth
from services.sync.client import SyncError
from tests.ui.chainkit import STORES, FakeHub, hub_answer
from tests.ui.reportkit import FakeSources
from ui.chain_tab import failure_text
from ui.formatting import Formatter

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
OFFLINE = SyncError("sync_unreachable", detail="ConnectTimeout")


class ChainSources(FakeSources):
    """The page's fake sources on a till with a hub, the hub itself faked by `hub`."""

    def __init__(self, hub: FakeHub) -> None:
        super().__init__(list(Member.select().order_by(Member.name).limit(3)))
        self.chain_figures = hub  # in place of services.sync.client.chain_figures

    def in_chain(self) -> bool:
        return True


def open_page(qtbot, hub: FakeHub, role: str = "owner"):
    from ui.reports_page import ReportsDialog

    dialog = ReportsDialog(auth.first_of_role(role), Formatter("RUB", "ru_RU"), RESOURCES, sources=ChainSources(hub))
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    return dialog


def show_chain(qtbot, dialog, signal: str = "figures_shown"):
    tab = dialog.chain_tab
    with qtbot.waitSignal(getattr(tab, signal), timeout=10_000) as landed:
        dialog.tabs.setCurrentWidget(tab)
    return landed.args[0]


def table(tab) -> tuple[list[str], dict[str, list[str]]]:
    """The headers, and each row's cells by the figure's name."""
    t = tab.table
    headers = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    rows = {t.item(r, 0).text(): [t.item(r, c).text() for c in range(1, t.columnCount())] for r in range(t.rowCount())}
    return headers, rows


@pytest.fixture(autouse=True)
def _closed(qapp):
    yield
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()


def test_a_till_alone_has_no_chain_tab(qtbot, app_styled, shop_db):
    from ui.reports_page import ReportsDialog

    dialog = ReportsDialog(auth.first_of_role("owner"), Formatter("RUB", "ru_RU"), RESOURCES, sources=FakeSources())
    qtbot.addWidget(dialog)
    assert dialog.chain_tab is None
    assert "Chain" not in [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]


def test_the_owner_sees_every_store_and_the_whole_chain(qtbot, app_styled, shop_db):
    hub = FakeHub(hub_answer)
    dialog = open_page(qtbot, hub)
    assert hub.asked == []  # nothing asked of the hub until the tab is shown
    answer = show_chain(qtbot, dialog)
    period = dialog.period()
    assert [(p, store) for p, store, _options in hub.asked] == [(period, None)]
    assert hub.asked[0][2]["timeout"] <= 5  # a short wait: the tab says "out of reach" rather than hang
    headers, rows = table(dialog.chain_tab)
    assert headers == ["Figure", "Ботаника", "Центр", "Whole chain", "What it counts"]
    shown = [key for key, _kind in wording.FIGURES if key not in answer["not_at_hub"]]
    assert list(rows) == [wording.figure_name(key) for key in shown]
    by_store = {each["store"]: each for each in answer["by_store"]}
    for key in shown:
        assert rows[wording.figure_name(key)] == [
            wording.shown(key, by_store["Ботаника"][key], "RUB", "ru_RU"),
            wording.shown(key, by_store["Центр"][key], "RUB", "ru_RU"),
            wording.shown(key, answer[key], "RUB", "ru_RU"), definitions()[key]]
    assert rows["Receipts"][:3] == ["310", "420", "730"]
    assert rows["Revenue"][2] == "166 400,00 ₽" == wording.shown("revenue", sum(v[1] for v in STORES.values()), "RUB",
                                                                 "ru_RU")
    tab = dialog.chain_tab
    assert "Imported history is not at the hub" in tab.coverage.text() and tab.coverage.isVisibleTo(dialog)
    assert "programme ROI, NPS" in tab.coverage.text()  # said why they are not in the table, as words in a sentence
    assert tab.own_store_only.isHidden() and tab.problem.isHidden()
    assert "+11,1 %" in tab.table.item(0, 3).toolTip()  # the period before, on pointing: 657 → 730 receipts


def test_offline_says_so_and_try_again_asks_again(qtbot, app_styled, shop_db):
    hub = FakeHub(OFFLINE, hub_answer)
    dialog = open_page(qtbot, hub)
    sentence = show_chain(qtbot, dialog, "failure_shown")
    tab = dialog.chain_tab
    assert sentence == tab.problem.text() and "cannot be reached" in sentence and "Traceback" not in sentence
    assert tab.problem.isVisibleTo(dialog) and tab.retry.isVisibleTo(dialog) and tab.retry.isEnabled()
    assert tab.table.rowCount() == 0
    with qtbot.waitSignal(tab.figures_shown, timeout=10_000):
        tab.retry.click()
    assert len(hub.asked) == 2 and tab.problem.isHidden()
    assert table(tab)[1]["Receipts"][:3] == ["310", "420", "730"]


@pytest.mark.parametrize(("error", "words"), [
    (SyncError("sync_not_configured"), "not connected to a hub"),
    (SyncError("sync_hub_error", status=403), "need the owner"),
    (SyncError("sync_hub_error", status=400), "up to three years"),
    (SyncError("sync_hub_error", status=500), "error 500"),
    (SyncError("sync_unauthorised"), "token"),
])
def test_each_refusal_is_a_sentence_with_try_again(qtbot, app_styled, shop_db, error, words):
    dialog = open_page(qtbot, FakeHub(error), role="manager")
    sentence = show_chain(qtbot, dialog, "failure_shown")
    assert words in sentence and dialog.chain_tab.retry.isVisibleTo(dialog)
    assert dialog.message.isHidden()  # said in the tab, not as the page's own failure


def test_a_refused_owner_signature_is_said_as_such():
    assert "owner key" in failure_text(SyncError("sync_hub_error", status=403), signed=True)
    assert "Sign in as the owner" in failure_text(SyncError("sync_hub_error", status=403), signed=False)


def test_a_manager_sees_their_store_and_that_the_total_needs_the_owner(qtbot, app_styled, shop_db):
    hub = FakeHub(lambda period: hub_answer(period, own="Центр"))
    dialog = open_page(qtbot, hub, role="manager")
    show_chain(qtbot, dialog)
    tab = dialog.chain_tab
    headers, rows = table(tab)
    assert headers == ["Figure", "Центр", "What it counts"]
    assert rows["Receipts"][0] == "420"
    assert tab.own_store_only.isVisibleTo(dialog)
    assert "need the owner" in tab.own_store_only.text() and "Центр" in tab.own_store_only.text()


def test_a_new_period_asks_the_hub_again(qtbot, app_styled, shop_db):
    hub = FakeHub(hub_answer)
    dialog = open_page(qtbot, hub)
    show_chain(qtbot, dialog)
    with qtbot.waitSignal(dialog.chain_tab.figures_shown, timeout=10_000) as landed:
        dialog.picker.choose("this_year")
        dialog.picker.period_changed.emit(dialog.picker.period())
    assert hub.asked[-1][0] == dialog.period() != hub.asked[0][0]
    assert landed.args[0]["from"] == dialog.period().start.isoformat()


def test_figures_shown_before_the_hub_went_away_are_not_left_under_the_sentence(qtbot, app_styled, shop_db):
    hub = FakeHub(hub_answer, OFFLINE)
    dialog = open_page(qtbot, hub)
    show_chain(qtbot, dialog)
    tab = dialog.chain_tab
    assert tab.retry.text() == "Ask again" and tab.table.rowCount() > 0
    with qtbot.waitSignal(tab.failure_shown, timeout=10_000):
        tab.retry.click()
    assert tab.table.rowCount() == 0 and tab.coverage.isHidden() and tab.retry.text() == "Try again"
    assert tab.state.isHidden() and "cannot be reached" in tab.problem.text()
