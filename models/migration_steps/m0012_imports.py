"""Step 12: the shop's past, imported.  A member keeps what the old system
knew of them (e-mail, a note, the old system's own id in `external_ref`) and
says where they came from (`origin`: '' born at a till, 'import' from a
file); a sale read from an old system's history is `imported`: it counts in
the owner's figures, tiers and the what-if, earned no points here and is
never pushed to the hub as a new sale.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'ALTER TABLE "member" ADD COLUMN "email" TEXT',
    'ALTER TABLE "member" ADD COLUMN "note" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "member" ADD COLUMN "origin" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "member" ADD COLUMN "external_ref" TEXT',
    'CREATE INDEX IF NOT EXISTS "member_external_ref" ON "member" ("external_ref")',
    'ALTER TABLE "sale" ADD COLUMN "imported" INTEGER NOT NULL DEFAULT 0',
)
