"""What the customers' and segments' tests share: a history imported the way an owner
brings it (services.imports.history), and the same figures worked out in plain Python
over the raw rows (Sale, SaleLine, SaleReturn, ReturnLine) — nothing of the SQL."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from models.schema import Member, ReturnLine, Sale, SaleLine, SaleReturn
from services.shop.settings import shop_info
from tests.unit.imports.historykit import NOW, programme_since_2000, quick_pace  # noqa: F401
from services.imports import history

_receipt_ids = itertools.count(1)


def receipt_id() -> str:
    return f"T{next(_receipt_ids)}"


def money(minor: int) -> str:
    return f"{minor // 100},{minor % 100:02d}"


def import_history(rows: list[dict[str, str]], shop: dict, now: dt.datetime = NOW) -> None:
    out = history.run([(n + 2, cells) for n, cells in enumerate(rows)], actor=shop["owner"], now=now,
                      pace=quick_pace())
    assert not out.errors, out.as_json()


def receipt_rows(card: str | None, when: dt.datetime, lines: list[tuple[str | None, str, int, int]]) -> list[dict]:
    """One receipt, a row per line: (barcode or None, item name, qty, amount in minor units);
    `when` on the shop's clock."""
    rid = receipt_id()
    rows = []
    for i, (barcode, item, qty, amount) in enumerate(lines):
        row = {"receipt": rid, "date": when.strftime("%d.%m.%Y %H:%M") if i == 0 else "",
               "amount": money(amount), "qty": str(qty), "item": item}
        if barcode:
            row["barcode"] = barcode
        if card and i == 0:
            row["card"] = card
        rows.append(row)
    return rows


def half_up(numerator: int, denominator: int) -> int:
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclasses.dataclass
class RawReceipt:
    sale_id: Any
    member_id: Any
    local: dt.datetime  # on the shop's clock
    value: int


def raw_receipts() -> list[RawReceipt]:
    """Every sale net of its returns; one whose returns took all of it back is none."""
    zone = shop_info().zone
    returned: dict[Any, int] = defaultdict(int)
    has_return = set()
    for ret in SaleReturn.select():
        returned[ret.sale_id] += ret.value
        has_return.add(ret.sale_id)
    out = []
    for sale in Sale.select():
        value = sale.total - returned[sale.id]
        if sale.id in has_return and value <= 0:
            continue
        local = sale.created_at.replace(tzinfo=dt.timezone.utc).astimezone(zone)
        out.append(RawReceipt(sale.id, sale.member_id, local, value))
    return out


def raw_lines(sale_ids: set) -> list[tuple[SaleLine, int, int]]:
    """(line, quantity left, value left) of the given sales' lines, returns taken off."""
    back: dict[Any, int] = defaultdict(int)
    for rl in ReturnLine.select():
        back[rl.sale_line_id] += rl.qty
    out = []
    for line in SaleLine.select():
        if line.sale_id not in sale_ids:
            continue
        net = line.gross - line.discount
        out.append((line, line.qty - back[line.id], net - half_up(net * back[line.id], line.qty)))
    return out


@dataclasses.dataclass
class RawRfm:
    member_id: Any
    last_day: dt.date
    visits: int  # in the window
    receipts: int
    revenue: int


def raw_rfm(at: dt.date, days: int = 365) -> dict[Any, RawRfm]:
    """Each member with a receipt on or before `at`: their last visit, and visits, receipts
    and revenue in the `days` ending on `at`."""
    start = at - dt.timedelta(days=days - 1)
    out: dict[Any, RawRfm] = {}
    per_day: dict[Any, set] = defaultdict(set)
    for rec in raw_receipts():
        day = rec.local.date()
        if rec.member_id is None or day > at:
            continue
        row = out.setdefault(rec.member_id, RawRfm(rec.member_id, day, 0, 0, 0))
        row.last_day = max(row.last_day, day)
        if day >= start:
            per_day[rec.member_id].add(day)
            row.receipts += 1
            row.revenue += rec.value
    for member_id, seen in per_day.items():
        out[member_id].visits = len(seen)
    return out


def quintile(values: list, value: Any) -> int:
    """1 + ⌊5·(the number of values below this one) / n⌋: equal values share a score."""
    below = sum(1 for v in values if v < value)
    return 1 + 5 * below // len(values)


def recency_quintile(values: list, value: Any) -> int:
    """⌈5·(the number of values not above this one) / n⌉: equal values share the best score of their run."""
    not_above = sum(1 for v in values if v <= value)
    return -(-5 * not_above // len(values))


def member_by_card(card: str) -> Member:
    from services.members.registry import find_by_card

    return find_by_card(card)
