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
        rows.append({"start": week.isoformat(), "member_receipts": 120 + 5 * len(rows), "other_receipts": 80 + 2 * len(rows),
                     "member_revenue": (28_000 + 700 * len(rows)) * 100, "other_revenue": (12_000 + 200 * len(rows)) * 100,
                     "members_new": 3})
        week += dt.timedelta(days=7)
    return {
        "from": period.start.isoformat(), "to": period.end.isoformat(), "store": store, "currency": "RUB",
        "members_new": days, "members_active": 140, "receipts": 30 * days, "revenue": 5_000_00 * days,
        "member_receipts": 18 * days, "member_revenue": 3_500_00 * days, "card_share_receipts": 0.6,
        "card_share_revenue": 0.7, "avg_check_members": 19_444, "avg_check_others": 12_500,
        "receipts_per_member": 3.2, "repeat_rate": 0.55, "retention_rate": 0.48, "top20_share": 0.61,
        "points_issued": 45_000, "points_redeemed": 12_000, "redemption_rate": 0.2667, "points_liability": 80_000,
        "programme_cost": 21_000_00, "roi": 1.5, "nps": 32.5, "nps_answers": 40, "csat": 0.8, "csat_answers": 35,
        "previous": {"from": previous.start.isoformat(), "to": previous.end.isoformat(), "members_new": days - 3,
                     "receipts": 25 * days, "revenue": 4_000_00 * days, "repeat_rate": 0.5, "roi": None,
                     "nps": 20.0, "nps_answers": 30, "csat": 0.75, "csat_answers": 28},
        "by_cashier": [{"name": "Анна", "receipts": 20 * days, "card_share_receipts": 0.65, "members_enrolled": 9,
                        "avg_check": 16_700, "nps": 45.0, "nps_answers": 28, "csat": 0.86, "csat_answers": 22},
                       {"name": "Сергей Петрович", "receipts": 10 * days, "card_share_receipts": 0.5,
                        "members_enrolled": 2, "avg_check": 15_100, "nps": None, "nps_answers": 0, "csat": None,
                        "csat_answers": 0}],
        "trend": {"unit": "week", "rows": rows},
        "programme": {"discounts": 9_000_00, "points_redeemed_value": 12_000_00, "owner_costs": 0,
                      "owner_costs_monthly": {"cards": 0, "messages": 0, "staff_bonuses": 0}, "cost": 21_000_00,
                      "member_revenue": 3_500_00 * days, "margin_bp": 2500, "categories_bp": {},
                      "gross_profit": 52_500_00, "roi": 1.5,
                      "formula": "ROI = (members' revenue × margin − programme cost) / programme cost"},
        "definitions": {"receipt": "A receipt is a sale net of its returns; a visit is a member's day.",
                        "receipts": "A receipt is a sale, imported or made here, net of its returns.",
                        "repeat_rate": "Members with 2 or more visits in the period / members with 1 or more.",
                        "roi": "What the programme brought over what it cost."},
    }


SEGMENTS = {"segments": {"segments": [
    {"name": "champions", "label": "Champions", "members": 12, "receipts": 300, "revenue": 480_000_00},
    {"name": "loyal", "label": "Loyal", "members": 30, "receipts": 400, "revenue": 300_000_00},
    {"name": "at_risk", "label": "At risk", "members": 18, "receipts": 90, "revenue": 90_000_00},
    {"name": "new", "label": "New customers", "members": 25, "receipts": 30, "revenue": 40_000_00},
    {"name": "hibernating", "label": "Hibernating", "members": 40, "receipts": 45, "revenue": 20_000_00},
]}, "pareto": {"points": [{"members_share": i / 10, "revenue_share": min(1.0, (i / 10) ** 0.4)} for i in range(11)],
               "top20_share": 0.2 ** 0.4}}


class FakeSources(Sources):
    def __init__(self, members: list[Any] | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.members = members or []
        self.saved: list[Any] = []
        self.stores: list[Any] = []  # the store each count of the figures was asked for

    def figures(self, period: Period, store: Any, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("figures", period))
        self.stores.append(store)
        return figures_for(period, store)

    def segments(self, period: Period, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("segments", period))
        return SEGMENTS

    def segment_members(self, name: str, at: dt.date, now: dt.datetime, every: bool = False) -> list[dict[str, Any]]:
        self.calls.append(("segment_members", name))
        return [{"id": str(m.id), "name": m.name, "card": None, "phone": m.phone, "recency": 3 + i,
                 "frequency": 5 + i, "monetary": 10_000 * (i + 1), "receipts": 6 + i, "r": 5, "f": 4, "m": 5,
                 "last_visit": "2026-11-20"} for i, m in enumerate(self.members)]

    def churn(self, at: dt.date, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("churn", at))
        return {"at": at.isoformat(), "unit": "days", "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426,
                "gamma_gamma": {"p": 6.25, "q": 3.74, "gamma": 15.44}, "members": 140, "repeat_members": 90,
                "summary": {"mean_p_alive": 0.71, "members_p_alive_below_half": 31, "expected_visits_90d": 412.3,
                            "mean_clv": 123_400},
                "fit": {"enough": True, "days": 90, "from": "2026-09-08", "to": at.isoformat(), "members": 120,
                        "predicted": 400.5, "actual": 391, "mean_absolute_error": 0.8,
                        "by_x": [{"x": str(k), "members": 30 - k, "predicted": 100.0 / (k + 1), "actual": 95 // (k + 1)}
                                 for k in range(4)]},
                "enough": True, "reason": None, "message": None, "clv_basis": "…",
                "slipping": [{"id": str(m.id), "name": m.name, "phone": m.phone, "value": 50_000 - i,
                              "p_alive": 0.1 + i / 100, "expected_visits_90d": 0.4, "clv": 12_345}
                             for i, m in enumerate(self.members)]}

    def profile(self, member: Any, now: dt.datetime) -> dict[str, Any]:
        self.calls.append(("profile", member.id))
        return {"visits": 9, "receipts": 10, "items": 41, "total": 345_600, "avg_check": 34_560,
                "first_visit": "2026-03-02", "last_visit": "2026-11-28", "days_since_last": 9,
                "usual_interval_days": 6.5, "visits_by_weekday": [0, 1, 0, 0, 5, 3, 0],
                "receipts_by_hour": [0] * 9 + [1] + [0] * 8 + [4] + [0] * 5,
                "top_categories": {"by_value": [{"key": "c1", "name": "Молочные продукты", "value": 123_400, "items": 12,
                                                 "receipts": 5}], "by_count": []},
                "top_products": {"by_value": [], "by_count": []},
                "outlook": {"p_alive": 0.83, "expected_visits_90d": 4.2, "clv": 812_345.6}}

    def save_costs(self, costs: dict[str, int], actor: Any) -> None:
        self.saved.append(("costs", costs, actor.role))

    def save_margins(self, overall_bp: int | None, actor: Any) -> None:
        self.saved.append(("margin", overall_bp, actor.role))
