"""The owner's figures from their counts: one rule for a till (services.insights.figures)
and for the hub (services.hub.figures), so the chain's figures mean what a till's mean.

Rates are floats 0..1, None when there is nothing to divide by; averages are minor units,
rounded half up; the top 20 % share is None below 5 buying members (⌊n/5⌋ = 0: no top)."""
from __future__ import annotations

from typing import Any

from services.core.money import round_div


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def average(total: int, count: int) -> int | None:
    return round_div(total, count) if count else None


def member_figures(*, receipts: int, revenue: int, member_receipts: int, member_revenue: int, buyers: int,
                   repeaters: int, retained: int, retention_base: int, top_revenue: int | None,
                   buyers_revenue: int, active: int) -> dict[str, Any]:
    """The receipts' and the members' figures (the issue's keys), from the period's counts."""
    return {
        "members_active": active,
        "receipts": receipts,
        "revenue": revenue,
        "member_receipts": member_receipts,
        "member_revenue": member_revenue,
        "card_share_receipts": rate(member_receipts, receipts),
        "card_share_revenue": rate(member_revenue, revenue),
        "avg_check_members": average(member_revenue, member_receipts),
        "avg_check_others": average(revenue - member_revenue, receipts - member_receipts),
        "receipts_per_member": rate(member_receipts, buyers),
        "repeat_rate": rate(repeaters, buyers),
        "retention_rate": rate(retained, retention_base),
        "top20_share": None if top_revenue is None or buyers < 5 else rate(top_revenue, buyers_revenue),
    }


def points_figures(issued: int, redeemed: int, liability: int) -> dict[str, Any]:
    return {"points_issued": issued, "points_redeemed": redeemed,
            "redemption_rate": rate(redeemed, issued), "points_liability": liability}


def net_promoter(promoters: int, detractors: int, answers: int) -> float | None:
    """NPS: % promoters (9-10) − % detractors (0-6) of the answers, −100..100; None without answers."""
    return (promoters - detractors) * 100 / answers if answers else None


def score_figures(nps_answers: int, promoters: int, detractors: int, csat_answers: int, satisfied: int) -> dict[str, Any]:
    """NPS and CSAT (the share of 4-5 among the CSAT answers, 0..1) with their counts of answers."""
    return {"nps": net_promoter(promoters, detractors, nps_answers), "nps_answers": nps_answers,
            "csat": rate(satisfied, csat_answers), "csat_answers": csat_answers}
