"""The points ledger: append-only; a balance is the sum of its entries.

Member.balance is a cache kept in the same transaction as each entry;
`ledger_balance` recomputes it from the entries, and the tests compare them.
"""
from __future__ import annotations

import datetime as dt
import uuid

import peewee

from models.schema import LedgerEntry, Member, SaleReturn, Sale, Staff, Till, utcnow
from services import outbox
from services.serialize import row_dict


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
) -> LedgerEntry:
    """Append one entry and move the cached balance; inside the caller's transaction."""
    if kind not in LedgerEntry.KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    entry = LedgerEntry.create(
        member=member, kind=kind, delta=delta, sale=sale, ret=ret, till=till,
        staff=staff, note=note, created_at=now or utcnow(),
    )
    Member.update(balance=Member.balance + delta, updated_at=now or utcnow()).where(
        Member.id == member.id
    ).execute()
    member.balance += delta
    outbox.record("ledger_entry", row_dict(entry))
    return entry


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
