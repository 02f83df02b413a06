"""Hub step "trust": the hub trusts no till.

A till that joined the chain with a shop of its own keeps its own till id on
its receipts; the first one it sends is bound to its token
(`hub_till.local_till_id`), so no other till can send facts in its name.
`applied_op` loses its index on `till_id` alone: the unique index on
(`till_id`, `seq`) serves every look-up, and each push writes one row per
operation, so an index fewer is a cheaper push.  Frozen: never edit, add a
step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "hub_till" ADD COLUMN "local_till_id" UUID',
    'CREATE UNIQUE INDEX IF NOT EXISTS "hub_till_local_till_id" ON "hub_till" ("local_till_id")',
    'DROP INDEX IF EXISTS "applied_op_till_id"',
)
