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

from typing import Any

from models.hub import Change

PULL_KINDS = (
    "setting", "category", "product", "staff", "rule_set", "member", "card", "ledger_entry",
    "product_code", "price_change",  # a product's other barcodes and its price history (till schema 9)
    # the programme's records the chain shares (services.hub.apply.SHARED_RECORDS)
    "referral", "issued_coupon", "coupon_redemption", "event_bonus",
)


def page(after: int, limit: int = 1000) -> dict[str, Any]:
    limit = max(1, min(limit, 5000))
    rows = list(
        Change.select(Change.seq, Change.kind, Change.entity_id, Change.doc, Change.clocks)
        .where((Change.seq > after) & Change.kind.in_(PULL_KINDS))
        .order_by(Change.seq).limit(limit).tuples()
    )
    changes = [
        {"seq": seq, "kind": kind, "id": entity_id, "doc": doc, "clocks": clocks or {}}
        for seq, kind, entity_id, doc, clocks in rows
    ]
    cursor = rows[-1][0] if rows else after
    return {"changes": changes, "cursor": cursor, "more": len(rows) == limit}
