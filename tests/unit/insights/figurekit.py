"""The owner's figures worked out the plain way: every row read into Python, counted
in loops, no SQL aggregate.  The tests hold services.insights.figures to this."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from models.schema import Feedback, LedgerEntry, Member, Sale, SaleReturn, Staff, Till
from services.insights.basis import Period

# Points "issued" (the definition, written out again here rather than read from figures.ISSUING).
EARN_KINDS = {"earn", "release", "welcome", "birthday", "referral"}


def half_up(a: int, b: int) -> int:
    return (2 * a + b) // (2 * b)


def local(when: dt.datetime, zone: Any) -> dt.datetime:
    return when.replace(tzinfo=dt.timezone.utc).astimezone(zone)


class History:
    """Every row the figures stand on, read once."""

    def __init__(self, zone: Any) -> None:
        self.zone = zone
        self.store_of = {t.id: t.store_id for t in Till.select()}
        self.names = {s.id: s.name for s in Staff.select()}
        returned: dict[Any, int] = defaultdict(int)
        has_return: set[Any] = set()
        for r in SaleReturn.select():
            returned[r.sale_id] += r.value
            has_return.add(r.sale_id)
        self.sales = []
        for s in Sale.select():
            value = s.total - returned[s.id]
            if s.id in has_return and value <= 0:
                continue  # returned in full: no receipt
            self.sales.append(dict(id=s.id, member=s.member_id, cashier=s.cashier_id, store=self.store_of[s.till_id],
                                   at=s.created_at, day=local(s.created_at, zone).date(), value=value,
                                   discount=s.discount, points_value=s.points_value, imported=s.imported))
        self.all_sales = [dict(member=s.member_id, cashier=s.cashier_id, store=self.store_of[s.till_id],
                               at=s.created_at, imported=s.imported) for s in Sale.select()]
        self.members = [dict(id=m.id, day=local(m.created_at, zone).date(), origin=m.origin) for m in Member.select()]
        self.ledger = [dict(kind=e.kind, delta=e.delta, day=local(e.created_at, zone).date(),
                            store=self.store_of.get(e.till_id) if e.till_id else None) for e in LedgerEntry.select()]
        self.answers = [dict(day=local(f.created_at, zone).date(), cashier=f.cashier_id, nps=f.nps, csat=f.csat,
                             store=self.store_of.get(f.till_id) if f.till_id else None) for f in Feedback.select()]

    def scores(self, period: Period, store: Any = None, cashier: Any = "any") -> dict[str, Any]:
        """NPS and CSAT of the period's answers (a cashier's alone when given), counted one by one."""
        nps = [a["nps"] for a in self.answers if period.start <= a["day"] <= period.end and a["nps"] is not None
               and (store is None or a["store"] == store) and (cashier == "any" or a["cashier"] == cashier)]
        csat = [a["csat"] for a in self.answers if period.start <= a["day"] <= period.end and a["csat"] is not None
                and (store is None or a["store"] == store) and (cashier == "any" or a["cashier"] == cashier)]
        promoters, detractors = sum(1 for v in nps if v >= 9), sum(1 for v in nps if v <= 6)
        return {"nps": 100 * (promoters - detractors) / len(nps) if nps else None, "nps_answers": len(nps),
                "csat": sum(1 for v in csat if v >= 4) / len(csat) if csat else None, "csat_answers": len(csat)}

    def receipts(self, period: Period, store: Any = None) -> list[dict[str, Any]]:
        return [s for s in self.sales if period.start <= s["day"] <= period.end and (store is None or s["store"] == store)]

    def figures(self, period: Period, store: Any = None, costs: int = 0, margin_bp: int | None = None) -> dict[str, Any]:
        rs = self.receipts(period, store)
        mine = [r for r in rs if r["member"] is not None]
        others = [r for r in rs if r["member"] is None]
        visits: dict[Any, set] = defaultdict(set)
        revenue_of: dict[Any, int] = defaultdict(int)
        for r in mine:
            visits[r["member"]].add(r["day"])
            revenue_of[r["member"]] += r["value"]
        before = period.previous()
        before_buyers = {r["member"] for r in self.receipts(before, store) if r["member"] is not None}
        window = Period(period.end - dt.timedelta(days=89), period.end)
        active = {r["member"] for r in self.receipts(window, store) if r["member"] is not None}
        receipts, revenue = len(rs), sum(r["value"] for r in rs)
        m_receipts, m_revenue = len(mine), sum(r["value"] for r in mine)
        o_revenue = sum(r["value"] for r in others)
        n = len(visits)
        top = sorted(revenue_of.values(), reverse=True)[: n // 5]
        issued = redeemed = liability = 0
        for e in self.ledger:
            if e["day"] <= period.end:
                liability += e["delta"]
            if period.start <= e["day"] <= period.end and (store is None or e["store"] == store):
                if e["kind"] in EARN_KINDS and e["delta"] > 0:
                    issued += e["delta"]
                if e["kind"] == "redeem" or (e["kind"] == "reward" and e["delta"] < 0):  # gifts taken count
                    redeemed -= e["delta"]
        cost = (sum(r["discount"] for r in mine) + sum(r["points_value"] for r in mine)
                + half_up(costs * period.days * 12, 365))
        profit = None if margin_bp is None else half_up(m_revenue * margin_bp, 10_000)

        def rate(a: int, b: int) -> float | None:
            return a / b if b else None

        return {
            "members_new": sum(1 for m in self.members if period.start <= m["day"] <= period.end),
            "members_active": len(active),
            "receipts": receipts, "revenue": revenue, "member_receipts": m_receipts, "member_revenue": m_revenue,
            "card_share_receipts": rate(m_receipts, receipts), "card_share_revenue": rate(m_revenue, revenue),
            "avg_check_members": half_up(m_revenue, m_receipts) if m_receipts else None,
            "avg_check_others": half_up(o_revenue, len(others)) if others else None,
            "receipts_per_member": rate(m_receipts, n),
            "repeat_rate": rate(sum(1 for v in visits.values() if len(v) >= 2), n),
            "retention_rate": rate(len(before_buyers & set(visits)), len(before_buyers)),
            "top20_share": rate(sum(top), m_revenue) if n >= 5 else None,
            "points_issued": issued, "points_redeemed": redeemed, "redemption_rate": rate(redeemed, issued),
            "points_liability": liability,
            "programme_cost": cost,
            "roi": None if profit is None or not cost else (profit - cost) / cost,
            **self.scores(period, store),
        }

    def by_cashier(self, period: Period, store: Any = None) -> dict[Any, dict[str, Any]]:
        rows: dict[Any, dict[str, Any]] = {}
        for r in self.receipts(period, store):
            row = rows.setdefault(r["cashier"], {"receipts": 0, "revenue": 0, "members": 0, "members_enrolled": 0})
            row["receipts"] += 1
            row["revenue"] += r["value"]
            row["members"] += r["member"] is not None
        for m in self.members:
            if not period.start <= m["day"] <= period.end or m["origin"] == "import":
                continue
            theirs = sorted((s for s in self.all_sales if s["member"] == m["id"] and not s["imported"]
                             and (store is None or s["store"] == store)), key=lambda s: s["at"])
            if theirs and theirs[0]["cashier"] is not None:
                rows.setdefault(theirs[0]["cashier"], {"receipts": 0, "revenue": 0, "members": 0,
                                                       "members_enrolled": 0})["members_enrolled"] += 1
        for a in self.answers:  # a cashier answered about, with no receipt in the period, still has a row
            if a["cashier"] is not None and period.start <= a["day"] <= period.end and (store is None or a["store"] == store):
                rows.setdefault(a["cashier"], {"receipts": 0, "revenue": 0, "members": 0, "members_enrolled": 0})
        return {
            (str(k) if k else None): {
                "cashier_id": str(k) if k else None, "name": self.names.get(k) if k else None,
                "receipts": v["receipts"], "revenue": v["revenue"],
                "card_share_receipts": v["members"] / v["receipts"] if v["receipts"] else None,
                "members_enrolled": v["members_enrolled"],
                "avg_check": half_up(v["revenue"], v["receipts"]) if v["receipts"] else None,
                # answers with no cashier (no sale) count for the shop, not for the "no cashier" row
                **(self.scores(period, store, cashier=k) if k else
                   {"nps": None, "nps_answers": 0, "csat": None, "csat_answers": 0}),
            } for k, v in rows.items()}

    def trend(self, period: Period, store: Any = None) -> dict[str, dict[str, int]]:
        weekly = period.days <= 92

        def bucket(day: dt.date) -> str:
            return (day - dt.timedelta(days=day.weekday()) if weekly else day.replace(day=1)).isoformat()

        rows: dict[str, dict[str, int]] = defaultdict(lambda: {"member_receipts": 0, "other_receipts": 0,
                                                               "member_revenue": 0, "other_revenue": 0,
                                                               "members_new": 0})
        for r in self.receipts(period, store):
            who = "member" if r["member"] is not None else "other"
            rows[bucket(r["day"])][f"{who}_receipts"] += 1
            rows[bucket(r["day"])][f"{who}_revenue"] += r["value"]
        for m in self.members:
            if period.start <= m["day"] <= period.end:
                rows[bucket(m["day"])]["members_new"] += 1
        return dict(rows)


def assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    for key, value in want.items():
        if isinstance(value, float):
            assert got[key] is not None and abs(got[key] - value) < 1e-12, (key, got[key], value)
        else:
            assert got[key] == value, (key, got[key], value)


def check_all(got: dict[str, Any], history: History, period: Period, store: Any = None, costs: int = 0,
              margin_bp: int | None = None) -> None:
    """Every key of `got` (figures.compute) against the plain computation."""
    assert_same(got, history.figures(period, store, costs, margin_bp))
    assert_same(got["previous"], history.figures(period.previous(), store, costs, margin_bp))
    assert (got["from"], got["to"]) == (period.start.isoformat(), period.end.isoformat())
    assert {row["cashier_id"]: row for row in got["by_cashier"]} == history.by_cashier(period, store)
    want_trend = history.trend(period, store)
    assert got["trend"]["unit"] == ("week" if period.days <= 92 else "month")
    for row in got["trend"]["rows"]:
        start = row.pop("start")
        assert row == want_trend.pop(start, {"member_receipts": 0, "other_receipts": 0, "member_revenue": 0,
                                             "other_revenue": 0, "members_new": 0}), start
    assert not want_trend  # every bucket with something in it is shown
