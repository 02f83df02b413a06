"""The hub's version table and step 1: tills and their tokens, every operation
applied once, quarantine, master data as documents, sales, returns and the
ledger, the change feed, redemption holds and flagged members.  The
statements peewee ran for the models when frozen (create_tables, safe=True).
Frozen: never edit, add a step instead."""
from __future__ import annotations

# Made before any step, to hold the version itself.
VERSION_TABLE: str = (
    """CREATE TABLE IF NOT EXISTS "hub_schema" (
        "id" SERIAL NOT NULL PRIMARY KEY,
        "version" INTEGER NOT NULL
    )"""
)

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "hub_till" (
        "id" UUID NOT NULL PRIMARY KEY,
        "name" TEXT NOT NULL,
        "number" INTEGER NOT NULL,
        "token_hash" BYTEA NOT NULL,
        "created_at" TIMESTAMP NOT NULL,
        "revoked_at" TIMESTAMP,
        "last_seq" BIGINT NOT NULL,
        "last_push_at" TIMESTAMP
    )""",
    'CREATE UNIQUE INDEX IF NOT EXISTS "hub_till_name" ON "hub_till" ("name")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "hub_till_number" ON "hub_till" ("number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "hub_till_token_hash" ON "hub_till" ("token_hash")',
    """CREATE TABLE IF NOT EXISTS "applied_op" (
        "op_id" UUID NOT NULL PRIMARY KEY,
        "till_id" UUID NOT NULL,
        "seq" BIGINT NOT NULL,
        "kind" TEXT NOT NULL,
        "status" TEXT NOT NULL,
        "applied_at" TIMESTAMP NOT NULL,
        FOREIGN KEY ("till_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "applied_op_till_id" ON "applied_op" ("till_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "applied_op_till_id_seq" ON "applied_op" ("till_id", "seq")',
    """CREATE TABLE IF NOT EXISTS "change" (
        "seq" BIGSERIAL NOT NULL PRIMARY KEY,
        "kind" TEXT NOT NULL,
        "entity_id" TEXT NOT NULL,
        "origin_id" UUID,
        "doc" JSON NOT NULL,
        "clocks" JSON,
        FOREIGN KEY ("origin_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "change_origin_id" ON "change" ("origin_id")',
    """CREATE TABLE IF NOT EXISTS "entity" (
        "kind" TEXT NOT NULL,
        "entity_id" TEXT NOT NULL,
        "doc" JSONB NOT NULL,
        "clocks" JSONB NOT NULL,
        "updated_at" TIMESTAMP NOT NULL,
        PRIMARY KEY ("kind", "entity_id")
    )""",
    'CREATE INDEX IF NOT EXISTS "entity_doc" ON "entity" USING GIN ("doc")',
    'CREATE INDEX IF NOT EXISTS "entity_clocks" ON "entity" USING GIN ("clocks")',
    """CREATE TABLE IF NOT EXISTS "hold" (
        "id" UUID NOT NULL PRIMARY KEY,
        "member_id" UUID NOT NULL,
        "till_id" UUID NOT NULL,
        "points" BIGINT NOT NULL,
        "state" TEXT NOT NULL,
        "sale_id" UUID,
        "created_at" TIMESTAMP NOT NULL,
        "expires_at" TIMESTAMP NOT NULL,
        FOREIGN KEY ("till_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "hold_member_id" ON "hold" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "hold_till_id" ON "hold" ("till_id")',
    'CREATE INDEX IF NOT EXISTS "hold_sale_id" ON "hold" ("sale_id")',
    """CREATE TABLE IF NOT EXISTS "hub_ledger" (
        "id" UUID NOT NULL PRIMARY KEY,
        "member_id" UUID NOT NULL,
        "kind" TEXT NOT NULL,
        "delta" BIGINT NOT NULL,
        "sale_id" UUID,
        "return_id" UUID,
        "till_id" UUID,
        "staff_id" UUID,
        "note" TEXT NOT NULL,
        "created_at" TIMESTAMP NOT NULL,
        "origin_id" UUID,
        "received_at" TIMESTAMP NOT NULL,
        FOREIGN KEY ("origin_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "hub_ledger_member_id" ON "hub_ledger" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "hub_ledger_sale_id" ON "hub_ledger" ("sale_id")',
    'CREATE INDEX IF NOT EXISTS "hub_ledger_origin_id" ON "hub_ledger" ("origin_id")',
    """CREATE TABLE IF NOT EXISTS "hub_return" (
        "id" UUID NOT NULL PRIMARY KEY,
        "origin_id" UUID NOT NULL,
        "sale_id" UUID NOT NULL,
        "refund" BIGINT NOT NULL,
        "value" BIGINT NOT NULL,
        "doc" JSON NOT NULL,
        FOREIGN KEY ("origin_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "hub_return_origin_id" ON "hub_return" ("origin_id")',
    'CREATE INDEX IF NOT EXISTS "hub_return_sale_id" ON "hub_return" ("sale_id")',
    """CREATE TABLE IF NOT EXISTS "hub_sale" (
        "id" UUID NOT NULL PRIMARY KEY,
        "origin_id" UUID NOT NULL,
        "till_id" UUID,
        "receipt_no" TEXT NOT NULL,
        "member_id" UUID,
        "created_at" TIMESTAMP NOT NULL,
        "total" BIGINT NOT NULL,
        "paid_money" BIGINT NOT NULL,
        "points_redeemed" BIGINT NOT NULL,
        "points_earned" BIGINT NOT NULL,
        "doc" JSON NOT NULL,
        FOREIGN KEY ("origin_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "hub_sale_origin_id" ON "hub_sale" ("origin_id")',
    'CREATE INDEX IF NOT EXISTS "hub_sale_member_id" ON "hub_sale" ("member_id")',
    """CREATE TABLE IF NOT EXISTS "member_flag" (
        "member_id" UUID NOT NULL PRIMARY KEY,
        "flagged_at" TIMESTAMP NOT NULL,
        "lowest" BIGINT NOT NULL,
        "balance" BIGINT NOT NULL,
        "cleared_at" TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS "quarantine" (
        "id" BIGSERIAL NOT NULL PRIMARY KEY,
        "till_id" UUID NOT NULL,
        "op_id" UUID NOT NULL,
        "seq" BIGINT NOT NULL,
        "kind" TEXT NOT NULL,
        "payload" JSONB NOT NULL,
        "error" TEXT NOT NULL,
        "created_at" TIMESTAMP NOT NULL,
        FOREIGN KEY ("till_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "quarantine_till_id" ON "quarantine" ("till_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "quarantine_op_id" ON "quarantine" ("op_id")',
    'CREATE INDEX IF NOT EXISTS "quarantine_payload" ON "quarantine" USING GIN ("payload")',
)
