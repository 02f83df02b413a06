"""Sources for the Reports page that hand it dicts shaped as the services' contract (issue 13),
counting the calls, so a test knows what the page asked for and what it should show."""
from __future__ import annotations

import datetime as dt
from typing import Any

from services.insights.basis import Period
from ui.reports_page import Sources


def figures_for(period: Period, store: Any = None) -> dict[str, Any]:
    """Figures that differ with the period (its length drives the counts)."""
    days = period.days
    previous = period.previous()
    week = period.start - dt.timedelta(days=period.start.weekday())
    rows = []
    while week <= period.end:
        rows.append({"start": week.isoformat(), "receipts": 200 + 7 * len(rows), "revenue": (40_000 + 900 * len(rows)) * 100,
                     "member_receipts": 120 + 5 * len(rows), "member_revenue": (28_000 + 700 * len(rows)) * 100})
        week += dt.timedelta(days=7)
    return {
        "from": period.start.isoformat(), "to": period.end.isoformat(), "store": store, "currency": "RUB",
        "members_new": days, "members_active": 140, "receipts": 30 * days, "revenue": 5_000_00 * days,
        "member_receipts": 18 * days, "member_revenue": 3_500_00 * days, "card_share_receipts": 0.6,
        "card_share_revenue": 0.7, "avg_check_members": 19_444, "avg_check_others": 12_500,
        "receipts_per_member": 3.2, "repeat_rate": 0.55, "retention_rate": 0.48, "top20_share": 0.61,
        "points_issued": 45_000, "points_redeemed": 12_000, "redemption_rate": 0.2667, "points_liability": 80_000,
        "programme_cost": 21_000_00, "roi": 1.5, "nps": None, "csat": None,
        "previous": {"from": previous.start.isoformat(), "to": previous.end.isoformat(), "members_new": days - 3,
                     "receipts": 25 * days, "revenue": 4_000_00 * days, "repeat_rate": 0.5, "roi": None},
        "by_cashier": [{"cashier": "Анна", "receipts": 20 * days, "card_share_receipts": 0.65, "members_enrolled": 9,
                        "avg_check": 16_700},
                       {"cashier": "Сергей Петрович", "receipts": 10 * days, "card_share_receipts": 0.5,
                        "members_enrolled": 2, "avg_check": 15_100}],
        "trend": {"unit": "week", "rows": rows},
        "programme": {"discounts": 9_000_00, "points_redeemed_value": 12_000_00,
                      "costs": {"cards": 0, "messages": 0, "staff_bonuses": 0}, "margin_bp": 2500,
                      "formula": "(margin × members' revenue − programme cost) / programme cost"},
        "definitions": {"receipts": "A receipt is a sale, imported or made here, net of its returns.",
                        "repeat_rate": "Members with 2 or more visits in the period / members with 1 or more.",
                        "roi": "What the programme brought over what it cost."},
    }


SEGMENTS = {"segments": [
    {"segment": "champions", "members": 12, "revenue": 480_000_00},
    {"segment": "loyal", "members": 30, "revenue": 300_000_00},
    {"segment": "at_risk", "members": 18, "revenue": 90_000_00},
    {"segment": "new", "members": 25, "revenue": 40_000_00},
    {"segment": "hibernating", "members": 40, "revenue": 20_000_00},
], "pareto": [(i / 10, min(1.0, (i / 10) ** 0.4)) for i in range(11)]}


class FakeSources(Sources):
    def __init__(self, members: list[Any] | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.members = members or []
        self.saved: list[Any] = []

    def figures(self, period: Period, store: Any, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("figures", period))
        return figures_for(period, store)

    def segments(self, at: dt.date, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("segments", at))
        return SEGMENTS

    def segment_members(self, name: str, at: dt.date, now: dt.datetime) -> list[dict[str, Any]]:
        self.calls.append(("segment_members", name))
        return [{"member_id": m.id, "name": m.name, "phone": m.phone, "last_visit": "2026-11-20",
                 "visits": 5 + i, "revenue": 10_000 * (i + 1)} for i, m in enumerate(self.members)]

    def churn(self, at: dt.date, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("churn", at))
        return {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "unit": "weeks",
                "quality": [{"visits": k, "predicted": 100.0 / (k + 1), "actual": 95 // (k + 1)} for k in range(4)],
                "slipping": [{"member_id": m.id, "name": m.name, "phone": m.phone, "value": 50_000 - i,
                              "p_alive": 0.1 + i / 100, "expected_visits_90d": 0.4, "clv": 12_345}
                             for i, m in enumerate(self.members)]}

    def profile(self, member: Any, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("profile", member.id))
        return {"top_categories": [{"name": "Молочные продукты", "revenue": 123_400}], "top_products": [],
                "weekdays": [0, 1, 0, 0, 5, 3, 0], "hours": {"18": 4, "9": 1}, "usual_interval_days": 6.5,
                "last_visit": "2026-11-28", "visits": 9, "items": 41, "total": 345_600, "average": 38_400,
                "outlook": {"p_alive": 0.83, "expected_visits_90d": 4.2, "clv": 812_345.6}}

    def save_costs(self, costs: dict[str, int], actor: Any) -> None:
        self.saved.append(("costs", costs, actor.role))

    def save_margins(self, overall_bp: int | None, actor: Any) -> None:
        self.saved.append(("margin", overall_bp, actor.role))
