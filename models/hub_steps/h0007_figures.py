"""Hub step "figures": the chain's figures per store, in PostgreSQL (services.hub.figures).

- `hub_till.store`: the store a till sells in, as the hub's admin names it
  (`hub add-till --store`, `hub set-store`).  A till's own Store row is not
  synced, and a till's word for its store would let a copied token read
  another store's figures: the hub's admin says it, as it says which tills exist.
- `hub_sale (created_at)`: a period's sales found by a range scan, not by
  reading every sale the chain ever made.  Sales arrive in time order, so
  the index is appended to at its right edge: a small cost per push.
- `hub_ledger (created_at)`: the same for a period's points.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "hub_till" ADD COLUMN "store" TEXT',
    'CREATE INDEX IF NOT EXISTS "hub_sale_created_at" ON "hub_sale" ("created_at")',
    'CREATE INDEX IF NOT EXISTS "hub_ledger_created_at" ON "hub_ledger" ("created_at")',
)
