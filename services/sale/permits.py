"""Paying with points on a till that belongs to a chain.

Online, a redemption first holds the points at the hub (services.hub.holds),
so two tills cannot spend the same points; the hold is confirmed with the
sale, or released if the sale is abandoned.

Offline, the till can only trust what it last heard.  A member may redeem at
most min(last known balance - this till's unsynced redemptions, the per-sale
cap, the per-member daily offline cap - what they already redeemed offline
here today), gifts for points (services.programme.rewards) counted with the
points that paid bills.  "Last known" is the balance less everything this till has not
yet sent: earnings not yet at the hub are not spent against.  The caps are
set by the owner on the hub and pulled as settings.  A till that is not
connected to a hub has no caps: it is the only till.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass

from models import db
from models.schema import Member, Sale
from services.core.errors import RedeemRefused
from services.sync.client import SyncError

log = logging.getLogger("loyaltill.redeem")

CAP_SALE = "offline_redeem_cap_sale"
CAP_DAILY = "offline_redeem_cap_daily"
DEFAULT_CAP_SALE = 500
DEFAULT_CAP_DAILY = 1000


def _setting(key: str) -> object:
    """Read on every sale that spends points (is the till in a chain?): one
    statement, not a peewee query built each time."""
    row = db.obj.execute_sql('SELECT value FROM "setting" WHERE key = ?', (key,)).fetchone()
    return json.loads(row[0]) if row else None


def in_chain() -> bool:
    return bool(_setting("sync_hub_url"))


@dataclass(frozen=True)
class OfflineRoom:
    """What an offline till lets a member redeem, and why."""

    points: int
    last_known: int
    unsynced_redeemed: int
    cap_sale: int
    cap_daily_left: int
    last_sync: dt.datetime | None


_UNSENT_LEDGER = (
    "SELECT COALESCE(SUM(json_extract(payload, '$.delta')), 0), "
    "COALESCE(SUM(CASE WHEN json_extract(payload, '$.kind') IN ('redeem', 'reward') THEN -json_extract(payload, '$.delta') END), 0) "
    "FROM outbox WHERE sent_at IS NULL AND kind = 'ledger_entry' AND json_extract(payload, '$.member_id') = ?"
)


def offline_room(member: Member, now: dt.datetime) -> OfflineRoom:
    """Inside the sale's transaction: the balance is read as it is now."""
    balance = int(db.obj.execute_sql('SELECT balance FROM "member" WHERE id = ?', (member.id.bytes,)).fetchone()[0])
    unsent_delta, unsent_redeemed = db.obj.execute_sql(_UNSENT_LEDGER, (str(member.id),)).fetchone()
    last_known = balance - int(unsent_delta)
    cap_sale = int(_setting(CAP_SALE) if _setting(CAP_SALE) is not None else DEFAULT_CAP_SALE)
    cap_daily = int(_setting(CAP_DAILY) if _setting(CAP_DAILY) is not None else DEFAULT_CAP_DAILY)
    midnight = dt.datetime.combine(now.date(), dt.time())
    today = _sum_offline_today(member, midnight)
    left = max(cap_daily - today, 0)
    last_sync = _setting("sync_last_ok")
    return OfflineRoom(
        points=max(min(last_known - int(unsent_redeemed), cap_sale, left), 0), last_known=last_known,
        unsynced_redeemed=int(unsent_redeemed), cap_sale=cap_sale, cap_daily_left=left,
        last_sync=dt.datetime.fromisoformat(str(last_sync)) if last_sync else None,
    )


def _sum_offline_today(member: Member, midnight: dt.datetime) -> int:
    row = db.obj.execute_sql(
        'SELECT COALESCE(SUM(points_redeemed + points_rewarded), 0) FROM "sale" '
        'WHERE member_id = ? AND offline = 1 AND created_at >= ?',
        (member.id.bytes, Sale.created_at.db_value(midnight)),
    ).fetchone()
    return int(row[0])


@dataclass
class Permit:
    """How a sale's redemption is covered: a hold at the hub, or the offline caps."""

    online: bool = False
    hold_id: uuid.UUID | None = None
    points: int = 0

    def check(self, member: Member, points: int, now: dt.datetime) -> None:
        """Inside complete_sale's transaction, before anything is written."""
        if points <= 0:
            return
        if self.online:
            if points > self.points:
                raise RedeemRefused("redeem_over_hold", points=self.points)
            return
        if not in_chain():
            return
        room = offline_room(member, now)
        if points > room.points:
            raise RedeemRefused("redeem_offline_cap", points=room.points)


OFFLINE = Permit()


def reserve(client: object, member: Member, points: int) -> Permit:
    """Ask the hub to hold `points`; offline (hub unreachable) gives the offline permit.
    A hub that says the points are not there refuses the redemption."""
    if points <= 0 or client is None:
        return OFFLINE
    hold_id = uuid.uuid4()
    try:
        answer = client.hold(hold_id, member.id, points)  # type: ignore[attr-defined]
    except SyncError as exc:
        log.info("no hold (%s): offline caps apply", exc)
        return OFFLINE
    if answer.get("refused"):
        raise RedeemRefused(
            "redeem_hub_refused",
            points=answer["available"],
        )
    return Permit(online=True, hold_id=hold_id, points=points)


def finish(client: object, permit: Permit, sale_id: str | None) -> None:
    """Confirm the hold with the sale, or release it; a failure here is harmless
    (an unconfirmed hold expires, and the sale's ledger entry settles it)."""
    if not permit.online or permit.hold_id is None or client is None:
        return
    try:
        if sale_id:
            client.confirm(permit.hold_id, sale_id)  # type: ignore[attr-defined]
        else:
            client.release(permit.hold_id)  # type: ignore[attr-defined]
    except SyncError as exc:
        log.info("hold %s not %s: %s", permit.hold_id, "confirmed" if sale_id else "released", exc)
