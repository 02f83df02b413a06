"""Step 13: the owner's figures read a summary of the sales, kept up to date as
they are written (services/insights/summary.py), not the millions of sales
themselves: `visit` (a member's day with a receipt), `sale_day` (a day's
receipts per till, cashier and member-or-not), `sale_changed` (sales changed
in place since the summary read them) and `ledger_day` (a day's points per till
and kind of entry, gained and spent apart), and `first_sale` (each member's
first sale made here: who rang it up, for the members each cashier enrolled),
with an index of the members by registration that holds all the enrolment
count reads of them.  The tables start empty; the first
refresh builds them from the sales.
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'CREATE TABLE IF NOT EXISTS "visit" ("member_id" BLOB NOT NULL, "day" TEXT NOT NULL,'
    ' "receipts" INTEGER NOT NULL, "value" INTEGER NOT NULL, PRIMARY KEY ("member_id", "day")) WITHOUT ROWID',
    'CREATE TABLE IF NOT EXISTS "sale_day" ("day" TEXT NOT NULL, "till_id" BLOB NOT NULL, "cashier_id" BLOB NOT NULL,'
    ' "is_member" INTEGER NOT NULL, "receipts" INTEGER NOT NULL, "revenue" INTEGER NOT NULL,'
    ' "discount" INTEGER NOT NULL, "points_value" INTEGER NOT NULL,'
    ' PRIMARY KEY ("day", "till_id", "cashier_id", "is_member")) WITHOUT ROWID',
    'CREATE TABLE IF NOT EXISTS "sale_changed" ("sale_id" BLOB NOT NULL PRIMARY KEY) WITHOUT ROWID',
    'CREATE TABLE IF NOT EXISTS "ledger_day" ("day" TEXT NOT NULL, "till_id" BLOB NOT NULL, "kind" TEXT NOT NULL,'
    ' "gained" INTEGER NOT NULL, "spent" INTEGER NOT NULL, PRIMARY KEY ("day", "till_id", "kind")) WITHOUT ROWID',
    'CREATE TABLE IF NOT EXISTS "first_sale" ("member_id" BLOB NOT NULL PRIMARY KEY, "created_at" TEXT NOT NULL,'
    ' "cashier_id" BLOB, "till_id" BLOB NOT NULL) WITHOUT ROWID',
    'CREATE INDEX IF NOT EXISTS "member_created_at_origin_id" ON "member" ("created_at", "origin", "id")',
)
