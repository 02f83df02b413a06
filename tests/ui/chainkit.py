"""The hub's answer to GET /v1/figures, shaped as services.hub.figures.chain_figures (and
figures_access.read) give it, and fakes of services.sync.client.chain_figures for the Chain tab."""
from __future__ import annotations

from typing import Any, Callable

from services.core.periods import Period
from services.sync.client import SyncError

STORES = {"Центр": (420, 96_300_00, 250, 61_500_00), "Ботаника": (310, 70_100_00, 150, 39_900_00)}


def _block(receipts: int, revenue: int, member_receipts: int, member_revenue: int) -> dict[str, Any]:
    buying = member_receipts // 3
    return {
        "receipts": receipts, "revenue": revenue, "member_receipts": member_receipts, "member_revenue": member_revenue,
        "card_share_receipts": member_receipts / receipts, "card_share_revenue": member_revenue / revenue,
        "avg_check_members": member_revenue // member_receipts,
        "avg_check_others": (revenue - member_revenue) // (receipts - member_receipts),
        "receipts_per_member": member_receipts / buying, "repeat_rate": 0.52, "retention_rate": 0.47,
        "top20_share": 0.58, "members_active": buying + 20, "buying_members": buying,
        "programme_cost": None, "roi": None, "nps": None, "csat": None,
        "points_issued": member_revenue // 1000, "points_redeemed": member_revenue // 4000,
        "redemption_rate": 0.25, "points_liability": 81_000, "members_new": 37,
    }


def _sum(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return _block(*(sum(b[k] for b in blocks) for k in ("receipts", "revenue", "member_receipts", "member_revenue")))


def hub_answer(period: Period, own: str | None = None) -> dict[str, Any]:
    """The chain's answer: every store and the total (the owner asked), or `own` store's only
    (a till's token alone: the total is that store's, `store` names it)."""
    names = [own] if own else sorted(STORES)
    now = {name: _block(*STORES[name]) for name in names}
    before = {name: _block(*(v * 9 // 10 for v in STORES[name])) for name in names}
    total = now[own] if own else _sum(list(now.values()))
    previous = before[own] if own else _sum(list(before.values()))
    return {
        **period.as_json(), "store": own, "time_zone": "Europe/Chisinau", **total,
        "previous": {**period.previous().as_json(), **previous},
        "by_store": [{"store": name, **now[name], "previous": before[name]} for name in names],
        "not_at_hub": ["programme_cost", "roi", "nps", "csat", "nps_answers", "csat_answers"], "coverage": "imported history: not at the hub",
        "signed_by_owner": own is None,
    }


class FakeHub:
    """services.sync.client.chain_figures' signature; answers in turn from `outcomes` (a dict-maker
    of the period, or a SyncError to raise), the last one again once they run out."""

    def __init__(self, *outcomes: Callable[[Period], dict[str, Any]] | SyncError) -> None:
        self.outcomes = list(outcomes)
        self.asked: list[tuple[Period, str | None, dict[str, Any]]] = []

    def __call__(self, period: Period, store: str | None = None, **options: Any) -> dict[str, Any]:
        self.asked.append((period, store, options))
        outcome = self.outcomes[min(len(self.asked), len(self.outcomes)) - 1]
        if isinstance(outcome, SyncError):
            raise outcome
        return outcome(period)
