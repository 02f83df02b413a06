"""The points ledger: append-only; a balance is the sum of its entries.

Member.balance is a cache kept in the same transaction as each entry;
`ledger_balance` recomputes it from the entries, and the tests compare them.
"""
from __future__ import annotations

import datetime as dt
import uuid

import peewee

from models import db
from models.db import insert_rows
from models.schema import LedgerEntry, Member, SaleReturn, Sale, Staff, Till, new_id, utcnow
from services.journal import outbox
from services.core.serialize import as_columns


def post(
    member: Member,
    kind: str,
    delta: int,
    *,
    sale: Sale | None = None,
    ret: SaleReturn | None = None,
    till: Till | None = None,
    staff: Staff | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> dict[str, object]:
    """Append one entry and move the cached balance; inside the caller's transaction."""
    if kind not in LedgerEntry.KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    now = now or utcnow()
    row: dict[str, object] = dict(
        id=new_id(), member=member.id, kind=kind, delta=delta, sale=sale.id if sale else None,
        ret=ret.id if ret else None, till=till.id if till else None, staff=staff.id if staff else None,
        note=note, created_at=now,
    )
    insert_rows(LedgerEntry, [row])
    db.obj.execute_sql(_MOVE_BALANCE, (delta, LedgerEntry.created_at.db_value(now), member.id.bytes))
    member.balance += delta
    outbox.record("ledger_entry", as_columns(LedgerEntry, row))
    return row

_MOVE_BALANCE = 'UPDATE "member" SET balance = balance + ?, updated_at = ? WHERE id = ?'


def ledger_balance(member_id: uuid.UUID) -> int:
    total = (
        LedgerEntry.select(peewee.fn.COALESCE(peewee.fn.SUM(LedgerEntry.delta), 0))
        .where(LedgerEntry.member == member_id)
        .scalar()
    )
    return int(total)


def mismatched_balances() -> list[tuple[uuid.UUID, int, int]]:
    """Members whose cached balance differs from their ledger: (id, cached, ledger)."""
    sums = (
        LedgerEntry.select(LedgerEntry.member, peewee.fn.SUM(LedgerEntry.delta).alias("total"))
        .group_by(LedgerEntry.member)
        .alias("sums")
    )
    query = (
        Member.select(Member.id, Member.balance, peewee.fn.COALESCE(sums.c.total, 0).alias("ledger"))
        .join(sums, peewee.JOIN.LEFT_OUTER, on=(Member.id == sums.c.member_id))
        .where(Member.balance != peewee.fn.COALESCE(sums.c.total, 0))
        .tuples()
    )
    return [(m, cached, int(ledger)) for m, cached, ledger in query]
