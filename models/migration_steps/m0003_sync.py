"""Step 3: sync with the hub — per-field clocks for master data, and an index
on the operations the hub has not acknowledged yet (outbox.sent_at stays NULL
until it has; acknowledged rows are kept, not deleted).  Frozen: never edit,
add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "synced_row" (
        "kind" TEXT NOT NULL,
        "row_id" TEXT NOT NULL,
        "doc" TEXT NOT NULL,
        "clocks" TEXT NOT NULL,
        PRIMARY KEY ("kind", "row_id")
    )""",
    'CREATE INDEX IF NOT EXISTS "outbox_unsent" ON "outbox" (seq) WHERE sent_at IS NULL',
)
