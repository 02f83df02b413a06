"""Points across tills, at the hub: holds for online redemptions, and members
whose merged ledger went below zero.

available = balance (sum of the ledger) - points held.  A hold is `active`
from the moment an online till asks until the till confirms it with its sale
(`confirmed`) or cancels (`released`); a confirmed hold keeps counting until
the sale's redeem entry reaches the hub (`settled`), so the points cannot be
spent twice in between.  An active hold a till forgot expires.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import peewee

from models.hub import Entity, Hold, HubLedger, HubTill, MemberFlag, hub_db, utcnow

ACTIVE_FOR = dt.timedelta(minutes=10)
CONFIRMED_FOR = dt.timedelta(days=7)  # the sale reaches the hub long before this


class HoldRefused(Exception):
    def __init__(self, available: int) -> None:
        super().__init__(f"only {available} points available")
        self.available = available


def balance(member_id: uuid.UUID) -> int:
    return int(HubLedger.select(peewee.fn.COALESCE(peewee.fn.SUM(HubLedger.delta), 0))
               .where(HubLedger.member_id == member_id).scalar())


def held(member_id: uuid.UUID, now: dt.datetime | None = None) -> int:
    now = now or utcnow()
    return int(Hold.select(peewee.fn.COALESCE(peewee.fn.SUM(Hold.points), 0)).where(
        (Hold.member_id == member_id) & Hold.state.in_(("active", "confirmed")) & (Hold.expires_at > now)
    ).scalar())


def available(member_id: uuid.UUID) -> dict[str, int]:
    """Balance and holds read in one statement, so one snapshot: a push committing between
    two reads (its redeem entry in, its hold settled) could otherwise show points twice."""
    sql = (
        "SELECT (SELECT COALESCE(SUM(delta), 0) FROM hub_ledger WHERE member_id = %s), "
        "(SELECT COALESCE(SUM(points), 0) FROM hold WHERE member_id = %s "
        "AND state IN ('active', 'confirmed') AND expires_at > %s)"
    )
    b, h = hub_db.execute_sql(sql, (str(member_id), str(member_id), utcnow())).fetchone()
    return {"balance": int(b), "held": int(h), "available": int(b) - int(h)}


def place(till: HubTill, hold_id: uuid.UUID, member_id: uuid.UUID, points: int) -> dict[str, int]:
    """Hold `points` for a redemption, or refuse with what is available.
    Idempotent by hold id; a per-member advisory lock keeps two tills from
    both taking the last points."""
    if points <= 0:
        raise ValueError("hold at least one point")
    with hub_db.atomic():
        hub_db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"member:{member_id}",))
        existing = Hold.get_or_none(Hold.id == hold_id)
        if existing is not None:
            return {**available(member_id), "points": existing.points}
        now = utcnow()
        state = available(member_id)
        if state["available"] < points:
            raise HoldRefused(max(state["available"], 0))
        Hold.create(id=hold_id, member_id=member_id, till=till.id, points=points, created_at=now, expires_at=now + ACTIVE_FOR)
        return {**available(member_id), "points": points}


def confirm(till: HubTill, hold_id: uuid.UUID, sale_id: uuid.UUID) -> bool:
    with hub_db.atomic():
        settled = HubLedger.select().where((HubLedger.sale_id == sale_id) & HubLedger.kind.in_(("redeem", "reward"))).exists()
        return bool(Hold.update(
            state="settled" if settled else "confirmed", sale_id=sale_id, expires_at=utcnow() + CONFIRMED_FOR
        ).where((Hold.id == hold_id) & (Hold.till == till.id) & (Hold.state == "active")).execute())


def release(till: HubTill, hold_id: uuid.UUID) -> bool:
    return bool(Hold.update(state="released").where(
        (Hold.id == hold_id) & (Hold.till == till.id) & (Hold.state == "active")
    ).execute())


def settle_for_sales(sale_ids: set[str]) -> None:
    """The redeem entries of these sales arrived: their holds stop counting."""
    Hold.update(state="settled").where(
        Hold.sale_id.in_([uuid.UUID(s) for s in sale_ids]) & Hold.state.in_(("active", "confirmed"))
    ).execute()


def update_flags(member_ids: set[str]) -> None:
    """Flag members whose merged ledger is below zero; clear the flag once
    earnings cover it (the flag row stays, for the owner's list)."""
    ids = [uuid.UUID(m) for m in member_ids]
    now = utcnow()
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        sums = (HubLedger.select(HubLedger.member_id, peewee.fn.SUM(HubLedger.delta))
                .where(HubLedger.member_id.in_(chunk)).group_by(HubLedger.member_id).tuples())
        negative = [(uuid.UUID(str(m)), int(total)) for m, total in sums if int(total) < 0]
        for member_id, total in negative:
            hub_db.execute_sql(
                "INSERT INTO member_flag (member_id, flagged_at, lowest, balance, cleared_at) VALUES (%s, %s, %s, %s, NULL) "
                "ON CONFLICT (member_id) DO UPDATE SET lowest = LEAST(member_flag.lowest, EXCLUDED.lowest), "
                "balance = EXCLUDED.balance, cleared_at = NULL, "
                "flagged_at = CASE WHEN member_flag.cleared_at IS NULL THEN member_flag.flagged_at ELSE EXCLUDED.flagged_at END",
                (member_id, now, total, total),
            )
        negative_ids = {m for m, _ in negative}
        covered = [m for m in chunk if m not in negative_ids]
        if covered:
            for member_id in MemberFlag.select(MemberFlag.member_id).where(
                MemberFlag.member_id.in_(covered) & MemberFlag.cleared_at.is_null()
            ).tuples():
                mid = uuid.UUID(str(member_id[0]))
                MemberFlag.update(balance=balance(mid), cleared_at=now).where(MemberFlag.member_id == mid).execute()


def overdrafts(include_cleared: bool = False) -> list[dict[str, Any]]:
    """The owner's list: members two offline tills took below zero."""
    query = MemberFlag.select().order_by(MemberFlag.flagged_at)
    if not include_cleared:
        query = query.where(MemberFlag.cleared_at.is_null())
    out = []
    for flag in query:
        member = Entity.get_or_none((Entity.kind == "member") & (Entity.entity_id == str(flag.member_id)))
        out.append({
            "member_id": str(flag.member_id), "name": (member.doc.get("name") if member else "") or "",
            "phone": (member.doc.get("phone") if member else "") or "",
            "balance": balance(flag.member_id), "lowest": flag.lowest,
            "flagged_at": flag.flagged_at.isoformat(), "cleared_at": flag.cleared_at.isoformat() if flag.cleared_at else None,
        })
    return out
