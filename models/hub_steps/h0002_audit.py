"""The hub's step 2: the chain's audit log (`hub_audit`), append-only.

The table is what the model declared when frozen; a trigger refuses UPDATE
and DELETE on it, so not even a bug in the hub's code can rewrite the log
(an administrator with the database's owner role still can: the log is for
the shop's owner, not a notary).  Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "hub_audit" (
        "id" UUID NOT NULL PRIMARY KEY,
        "origin_id" UUID NOT NULL,
        "created_at" TIMESTAMP NOT NULL,
        "received_at" TIMESTAMP NOT NULL,
        "action" TEXT NOT NULL,
        "staff_id" UUID,
        "staff_name" TEXT NOT NULL,
        "target" TEXT NOT NULL,
        "details" JSONB NOT NULL,
        FOREIGN KEY ("origin_id") REFERENCES "hub_till" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "hub_audit_origin_id" ON "hub_audit" ("origin_id")',
    'CREATE INDEX IF NOT EXISTS "hub_audit_action_created_at" ON "hub_audit" ("action", "created_at")',
    """CREATE OR REPLACE FUNCTION hub_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'hub_audit is append-only';
    END
    $$ LANGUAGE plpgsql""",
    'DROP TRIGGER IF EXISTS hub_audit_append_only ON "hub_audit"',
    """CREATE TRIGGER hub_audit_append_only BEFORE UPDATE OR DELETE ON "hub_audit"
        FOR EACH ROW EXECUTE PROCEDURE hub_audit_append_only()""",
)
