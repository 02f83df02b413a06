"""The Reports page's Chain tab against the real hub (its FastAPI app on PostgreSQL), through
services.sync.client.chain_figures: the owner signed in at till A reads both stores and the
chain's total as the hub counted them; a manager there reads store North only, and is told why."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.journal import authority
from services.shop import staff as auth
from services.sync import client as sync
from tests.hub.conftest import client, on_till
from tests.hub.test_chain_figures import JULY, chain  # noqa: F401 (a fixture)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytestmark = pytest.mark.hub
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def shown(qtbot, role: str, http, token: str):
    """The Chain tab's headers and its Receipts row, for `role` signed in at the till now open."""
    from tests.ui.reportkit import FakeSources
    from ui.formatting import Formatter
    from ui.reports_page import ReportsDialog

    class HubSources(FakeSources):
        def chain_figures(self, period, store=None, **options):  # the real client, on the test's transport
            return sync.chain_figures(period, store, client=client(http, token))

    dialog = ReportsDialog(auth.first_of_role(role), Formatter("RUB", "ru_RU"), RESOURCES, sources=HubSources())
    qtbot.addWidget(dialog)
    assert dialog.chain_tab is not None, "a till that joined a hub has the tab"
    dialog.picker.set_period(JULY)
    with qtbot.waitSignal(dialog.chain_tab.figures_shown, timeout=20_000) as landed:
        dialog.tabs.setCurrentWidget(dialog.chain_tab)
    table = dialog.chain_tab.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    receipts = [table.item(0, c).text() for c in range(1, table.columnCount() - 1)]
    text = dialog.chain_tab.own_store_only.text()
    dialog.close()
    return landed.args[0], headers, receipts, text


def test_the_chain_tab_shows_what_the_hub_counted(qtbot, chain, joined, hub_http):  # noqa: F811
    first, _second, a_token, _b = joined
    with on_till(first):
        auth.login("111111")  # the owner: the question goes signed
        try:
            answer, headers, receipts, text = shown(qtbot, "owner", hub_http, a_token)
        finally:
            authority.forget()
        assert answer["signed_by_owner"] and headers == ["Figure", "North", "South", "Whole chain", "What it counts"]
        assert receipts == ["8", "4", "12"] and text == ""  # as test_chain_figures counted them from the tills' rows
        answer, headers, receipts, text = shown(qtbot, "manager", hub_http, a_token)  # no owner's key held
        assert not answer["signed_by_owner"] and headers == ["Figure", "North", "What it counts"]
        assert receipts == ["8"] and "North" in text and "owner" in text
