"""Hub step: the owner keys the hub trusts to sign what governs the chain
(staff, rule sets, settings).  A key is registered by the hub's admin
(`main.py hub trust-owner`) or introduced by a staff document that a trusted
owner signed; it is dropped (never deleted: `dropped_at`) when a signed
document demotes or disables that owner or gives them a new key.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "owner_key" (
        "key" TEXT NOT NULL PRIMARY KEY,
        "staff_id" TEXT,
        "name" TEXT NOT NULL,
        "added_by" TEXT NOT NULL,
        "added_at" TIMESTAMP NOT NULL,
        "dropped_at" TIMESTAMP
    )""",
    'CREATE INDEX IF NOT EXISTS "owner_key_staff_id" ON "owner_key" ("staff_id")',
)
