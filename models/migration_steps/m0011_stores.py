"""Step 11: stores.  In a chain each till belongs to a store with its own name
and address (printed on its receipts); the shop's settings are the chain's.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "store" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "name" TEXT NOT NULL,
        "address" TEXT NOT NULL
    )""",
    'ALTER TABLE "till" ADD COLUMN "store_id" BLOB REFERENCES "store" ("id") ON DELETE RESTRICT',
    'CREATE INDEX IF NOT EXISTS "till_store_id" ON "till" ("store_id")',
)
