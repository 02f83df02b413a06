"""The change feed tills pull from.

Why the order holds: a BIGSERIAL value is taken when a row is inserted, not
when its transaction commits, so a reader that remembers "I have seen up to
seq 120" could later miss seq 119 committed after it read.  Every push
therefore appends to `change` last, after taking a transaction-level
advisory lock (`CHANGE_LOG_LOCK`) that is held until commit: the next push
cannot take a seq until the previous one has committed (PostgreSQL makes a
commit visible before it releases the transaction's locks), so seq order is
commit order and a reader never sees seq N+1 without N.  Only that final
append is serialised; the work of applying a batch runs in parallel.  (The
alternative, xid8 columns read below `pg_snapshot_xmin(pg_current_snapshot())`,
needs a composite (xid, seq) cursor and stalls behind any long transaction;
at a chain's push rates the lock costs nothing measurable.)
"""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from models.hub import HubTill, Quarantine, hub_db

log = logging.getLogger("loyaltill.hub.pull")

PULL_KINDS = (
    "setting", "category", "product", "staff", "rule_set", "member", "card", "ledger_entry",
    "product_code", "price_change",  # a product's other barcodes and its price history (till schema 9)
    # the programme's records the chain shares (services.hub.apply.SHARED_RECORDS)
    "referral", "issued_coupon", "coupon_redemption", "event_bonus",
    "consent", "reach_preference",  # a member's consent and its history (services.reach.consent)
    "occasion", "contact",  # a member's occasions and the contact log (services.reach), merged by field clocks
)
# Deeper than any document a till writes: a row nested further is held back (a till's
# JSON reader, like the hub's answer encoder, gives up somewhere near a thousand).
MAX_DEPTH = 32
# Where held-back rows are filed for the owner (services.hub.admin's quarantine list).
HELD_BACK = uuid.UUID("6c6f7961-6c74-696c-6c70-756c6c000000")


def page(after: int, limit: int = 1000) -> dict[str, Any]:
    """One page of the change feed.  A row that cannot be read back or is nested
    beyond MAX_DEPTH (bad data that reached the log before the hub checked it)
    is skipped, logged and filed in quarantine: it must never stop every till's pull."""
    return json.loads(page_json(after, limit))


def page_json(after: int, limit: int = 1000) -> str:
    """The page as the JSON text /v1/pull answers with: each row's stored JSON as it
    is, checked once, never encoded again."""
    limit = max(1, min(limit, 5000))
    rows = hub_db.execute_sql(
        "SELECT seq, kind, entity_id, origin_id::text, doc::text, clocks::text FROM change "
        "WHERE seq > %s AND kind = ANY(%s) ORDER BY seq LIMIT %s", (after, list(PULL_KINDS), limit),
    ).fetchall()
    changes = []
    for seq, kind, entity_id, origin, doc, clocks in rows:
        problem = _unreadable(doc) or _unreadable(clocks or "{}")
        if problem:
            _hold_back(seq, kind, entity_id, origin, problem)
            continue
        changes.append('{"seq": %d, "kind": %s, "id": %s, "doc": %s, "clocks": %s}' % (
            seq, json.dumps(kind), json.dumps(entity_id), doc, clocks or "{}"))
    cursor = rows[-1][0] if rows else after
    more = "true" if len(rows) == limit else "false"
    return '{"changes": [%s], "cursor": %d, "more": %s}' % (", ".join(changes), cursor, more)


def _unreadable(text: str) -> str | None:
    if text.count("{") + text.count("[") > MAX_DEPTH:  # only then is the depth worth measuring
        try:
            depth = _depth(json.loads(text))
        except (ValueError, RecursionError):
            return "its document cannot be read back"
        if depth > MAX_DEPTH:
            return f"its document is nested more than {MAX_DEPTH} levels deep"
    return None


def _depth(value: Any) -> int:
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            todo.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _hold_back(seq: int, kind: str, entity_id: str, origin: str | None, problem: str) -> None:
    log.error("change %s (%s %s) held back from pull: %s", seq, kind, entity_id, problem)
    if origin is None or not HubTill.select().where(HubTill.id == origin).exists():
        return
    Quarantine.insert(
        till=origin, op_id=uuid.uuid5(HELD_BACK, str(seq)), seq=0, kind=kind[:100],
        payload={"change_seq": seq, "id": entity_id[:200]}, error=f"held back from every till's pull: {problem}",
    ).on_conflict_ignore().execute()
