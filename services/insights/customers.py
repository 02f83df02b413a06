"""Each customer: what they buy, when, how much and for what sum (issue 13, item 2).

Read when the window opens a member, so it reads that member's rows only: their
sales by the (member, created_at) index, the sales' lines by (sale, position),
returns by their sale and sale line.  A member has hundreds of receipts, not
millions: the shop's clock and the sums are worked out in Python.

Over the member's whole history, imported receipts included, by the definitions
of services.insights.basis (a receipt is a sale net of its returns, one that
returns took all of back is none; a visit is a day on the shop's clock on which
they bought):

- what: top categories and products by value (the lines' goods after discounts,
  net of returned quantities, each line's share as a return works it out) and by
  count (items: quantities net of returns; a weighed line is one item);
- when: visits by weekday (Monday first) and receipts by hour on the shop's
  clock; the usual interval, the median of the gaps in days between consecutive
  visits (null below two visits); first and last visit; days since the last;
- how much: visits, receipts, items; an old system's receipt imported as its total alone
  (a line with no product, barcode or name) is no product and no category, and its goods
  are not counted as items: `items_unknown` counts those receipts (items is then a floor);
  a line of a named product without a category ranks among the products only;
- for what sum: total (minor units) and the average check, total / receipts
  rounded half up (null without receipts).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import uuid
from typing import Any

from models import db
from models.schema import Member, utcnow
from services.core.money import round_div
from services.insights import basis

TOP = 5  # entries in each top list

_RECEIPTS = (
    'SELECT s.id, s.created_at, s.total - COALESCE(r.value, 0), r.value IS NOT NULL FROM "sale" s'
    ' LEFT JOIN (SELECT x.sale_id, SUM(x.value) AS value FROM "sale_return" x'
    '            JOIN "sale" y ON y.id = x.sale_id WHERE y.member_id = ? GROUP BY x.sale_id) r ON r.sale_id = s.id'
    " WHERE s.member_id = ?"
)
_LINES = (
    "SELECT l.sale_id, l.product_id, l.barcode, l.name, l.qty, l.gross - l.discount, c.name,"
    ' (SELECT SUM(rl.qty) FROM "return_line" rl WHERE rl.sale_line_id = l.id)'
    ' FROM "sale" s JOIN "sale_line" l ON l.sale_id = s.id'
    ' LEFT JOIN "product" p ON p.id = l.product_id LEFT JOIN "category" c ON c.id = p.category_id'
    " WHERE s.member_id = ?"
)


@dataclasses.dataclass
class _Tally:
    name: str
    value: int = 0
    items: int = 0
    receipts: set[Any] = dataclasses.field(default_factory=set)

    def as_json(self, key: str | None) -> dict[str, Any]:
        return {"key": key, "name": self.name, "value": self.value, "items": self.items,
                "receipts": len(self.receipts)}


def _receipts(member_key: bytes) -> list[tuple[Any, dt.datetime, int]]:
    """(sale id, created_at naive UTC, value net of returns) of the member's receipts."""
    rows = db.execute_sql(_RECEIPTS, (member_key, member_key)).fetchall()
    return [(sid, dt.datetime.fromisoformat(at), value) for sid, at, value, returned in rows
            if not (returned and value <= 0)]


def _tops(tallies: dict[Any, _Tally]) -> dict[str, list[dict[str, Any]]]:
    def by(attr: str) -> list[dict[str, Any]]:
        ranked = sorted(tallies.items(), key=lambda kv: (-getattr(kv[1], attr), -kv[1].value, kv[1].name))
        return [t.as_json(k) for k, t in ranked[:TOP] if getattr(t, attr) > 0]
    return {"by_value": by("value"), "by_count": by("items")}


def profile(member: Member, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The member's profile as JSON-ready values (see the module's docstring)."""
    now = now or utcnow()
    zone = basis.shop_zone()
    key = member.id.bytes
    receipts = _receipts(key)
    counted = {sid for sid, _, _ in receipts}
    local = [(at.replace(tzinfo=dt.timezone.utc).astimezone(zone), value) for _, at, value in receipts]
    days = sorted({when.date() for when, _ in local})
    total = sum(value for _, value in local)

    weekdays = [0] * 7
    for day in days:
        weekdays[day.weekday()] += 1
    hours = [0] * 24
    for when, _ in local:
        hours[when.hour] += 1
    gaps = [(b - a).days for a, b in zip(days, days[1:])]

    products: dict[Any, _Tally] = {}
    categories: dict[Any, _Tally] = {}
    items = 0
    unknown: set[Any] = set()  # receipts of goods nobody named (a history file's totals)
    for sale_id, product_id, barcode, name, qty, net, category, returned in db.execute_sql(_LINES, (key,)):
        if sale_id not in counted:
            continue
        left = qty - (returned or 0)
        if left <= 0:
            continue
        value = net - round_div(net * (returned or 0), qty)
        if not (product_id or barcode or (name or "").strip()):
            unknown.add(sale_id)
            continue
        items += left
        pkey = str(uuid.UUID(bytes=product_id)) if product_id else f"barcode:{barcode}" if barcode else f"name:{name}"
        ranked = [(products, pkey, name)] + ([(categories, category, category)] if category else [])
        for tallies, k, label in ranked:
            tally = tallies.setdefault(k, _Tally(label))
            tally.value += value
            tally.items += left
            tally.receipts.add(sale_id)

    today = basis.today(now, zone)
    return {
        "visits": len(days),
        "receipts": len(receipts),
        "items": items,
        "items_unknown": len(unknown),
        "total": total,
        "avg_check": round_div(total, len(receipts)) if receipts else None,
        "first_visit": days[0].isoformat() if days else None,
        "last_visit": days[-1].isoformat() if days else None,
        "days_since_last": (today - days[-1]).days if days else None,
        "usual_interval_days": statistics.median(gaps) if gaps else None,
        "visits_by_weekday": weekdays,
        "receipts_by_hour": hours,
        "top_categories": _tops(categories),
        "top_products": _tops(products),
    }
