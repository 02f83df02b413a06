"""A member's tier: what they spent over the tier window, and moving them up or down.

Below both the member register and the programme's bookkeeping (loyalty),
which each need it.
"""
from __future__ import annotations

import datetime as dt

from models import db
from models.schema import Member, Sale, utcnow
from services.journal import outbox
from services.programme.rules import Rules


# What a member spent over the tier window: purchases less what came back.
# `{member}` is the SQL for the member's id; the two ? are the window's start.
SPEND_SQL = (
    '((SELECT COALESCE(SUM(s.total), 0) FROM "sale" s WHERE s.member_id = {member} AND s.created_at >= ?)'
    ' - (SELECT COALESCE(SUM(r.value), 0) FROM "sale_return" r JOIN "sale" s ON s.id = r.sale_id'
    '    WHERE s.member_id = {member} AND s.created_at >= ?))'
)


def window_start(rules: Rules, now: dt.datetime) -> object:
    return Sale.created_at.db_value(now - dt.timedelta(days=rules.tier_window_days))


def spend_in_window(member_id: object, rules: Rules, now: dt.datetime | None = None) -> int:
    since = window_start(rules, now or utcnow())
    sql = "SELECT " + SPEND_SQL.format(member="?")
    member = Member.id.db_value(member_id)
    return int(db.obj.execute_sql(sql, (member, since, member, since)).fetchone()[0])


def settle_tier(member: Member, rules: Rules, spend: int, *, may_fall: bool) -> None:
    """Move a member up at once when the spend reaches a tier; down only when a
    return undoes the spend that lifted them (other moves down wait for the
    end of a period).  Inside the caller's transaction."""
    earned = rules.tier_for_spend(spend)
    current = rules.tier(member.tier)
    if earned is None or (current is not None and earned.code == current.code):
        return
    rises = current is None or earned.min_spend > current.min_spend
    if rises or may_fall:
        member.tier = earned.code
        db.obj.execute_sql('UPDATE "member" SET tier = ? WHERE id = ?', (earned.code, member.id.bytes))
        outbox.record("member_tier", {"member_id": str(member.id), "tier": earned.code})
