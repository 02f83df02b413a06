"""Who is slipping away: members of high past value whom the lifetime model (services.insights.
lifetime) thinks unlikely still to be customers.

The `pool` members who brought the most revenue up to the fit's day are read in one SQL
pass over their visits (days on the shop's clock, services.insights.basis, as
services.insights.summary keeps them); their P(alive),
visits expected in the next 90 days and CLV come from the fitted model for all of them at once
(numpy), not member by member; the least likely to be alive come first (the bigger spender
first among equals).
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import numpy as np

from models import db
from services.insights import basis, summary

POOL = 500  # the best customers looked at
LIMIT = 50  # how many of them are listed


def slipping(fit: Any, *, pool: int = POOL, limit: int = LIMIT) -> list[dict[str, Any]]:
    """[{"id", "name", "phone", "card", "value", "visits", "last_visit", "p_alive",
    "expected_visits_90d", "clv"}], lowest P(alive) first; [] when the fit has no model."""
    from services.insights import btyd, lifetime

    if fit.model is None:
        return []
    zone = basis.shop_zone()
    start = lifetime.first_day(zone)
    if start is None or start > fit.at:
        return []
    summary.refresh()  # the visits (services.insights.summary) of what was sold since they were last read
    sql, params = 'SELECT member_id, day, value FROM "visit" WHERE day <= ?', [fit.at.isoformat()]
    rows = db.execute_sql(
        f"WITH v AS ({sql}), k AS (SELECT member_id, day, value,"
        " ROW_NUMBER() OVER (PARTITION BY member_id ORDER BY day) AS k FROM v),"
        " m AS (SELECT member_id, COUNT(*) AS visits, MIN(day) AS first, MAX(day) AS last, SUM(value) AS value,"
        " SUM(CASE WHEN k > 1 THEN value ELSE 0 END) AS repeat_value FROM k GROUP BY member_id"
        " ORDER BY value DESC LIMIT ?)"
        ' SELECT m.member_id, mb.name, mb.phone, (SELECT number FROM "card" c WHERE c.member_id = m.member_id'
        " AND c.status = 'active' ORDER BY c.created_at DESC LIMIT 1),"
        ' m.visits, m.first, m.last, m.value, m.repeat_value FROM m JOIN "member" mb ON mb.id = m.member_id',
        [*params, pool]).fetchall()
    if not rows:
        return []
    visits = np.array([r[4] for r in rows], dtype=float)
    first = np.array([dt.date.fromisoformat(r[5]).toordinal() for r in rows], dtype=float)
    last = np.array([dt.date.fromisoformat(r[6]).toordinal() for r in rows], dtype=float)
    x, t_x, T = visits - 1, last - first, fit.at.toordinal() - first
    alive = btyd.p_alive(fit.model, x, t_x, T)
    soon = btyd.expected_visits(fit.model, lifetime.HORIZON_DAYS, x, t_x, T)
    clv: list[int | None] = [None] * len(rows)
    if fit.spend is not None:
        repeat_value = np.array([r[8] for r in rows], dtype=float)
        m_x = np.where(x > 0, repeat_value / np.where(x > 0, x, 1), 0.0)
        year = btyd.expected_visits(fit.model, lifetime.CLV_DAYS, x, t_x, T)
        value = btyd.expected_average_value(fit.spend, x, m_x)
        clv = [int(np.floor(v * fit.margin_percent / 100 + 0.5)) for v in year * value]
    out = []
    for i, (member_id, name, phone, card, count, _first, last_day, value, _repeat) in enumerate(rows):
        out.append({"id": str(uuid.UUID(bytes=bytes(member_id))), "name": name, "phone": phone, "card": card,
                    "value": int(value or 0), "visits": int(count), "last_visit": last_day,
                    "p_alive": round(float(alive[i]), 4), "expected_visits_90d": round(float(soon[i]), 3),
                    "clv": clv[i]})
    out.sort(key=lambda r: (r["p_alive"], -r["value"]))
    return out[:limit]
