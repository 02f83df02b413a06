"""Step 20: the members' visits packed as columns for the owner's figures
(services/insights/visitpack.py): `visit_pack`, the `visit` table at one
moment as arrays (member ids, each member's number of visits, the visits' days
and values), a row per range of members, the live generation marked; and
`visit_dirty`, the members whose visits changed since (services/insights/
summary.py marks them as it writes `visit`; `seq` only grows, so a new pack
forgets exactly the marks it has read).  Both start empty: with no pack the
figures read `visit` itself.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'CREATE TABLE IF NOT EXISTS "visit_pack" ("gen" INTEGER NOT NULL, "part" INTEGER NOT NULL,'
    ' "live" INTEGER NOT NULL, "summary" TEXT NOT NULL,'
    ' "member_ids" BLOB NOT NULL, "counts" BLOB NOT NULL, "days" BLOB NOT NULL, "vals" BLOB NOT NULL,'
    ' PRIMARY KEY ("gen", "part")) WITHOUT ROWID',
    'CREATE TABLE IF NOT EXISTS "visit_dirty" ("seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,'
    ' "member_id" BLOB NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS "visit_dirty_member_id" ON "visit_dirty" ("member_id")',
)
