"""Step 4: the audit log of sensitive actions (append-only, synced).
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS "audit_entry" (
        "id" BLOB NOT NULL PRIMARY KEY,
        "created_at" DATETIME NOT NULL,
        "till_id" BLOB,
        "staff_id" BLOB,
        "staff_name" TEXT NOT NULL,
        "action" TEXT NOT NULL,
        "target" TEXT NOT NULL,
        "details" TEXT NOT NULL,
        FOREIGN KEY ("till_id") REFERENCES "till" ("id") ON DELETE RESTRICT,
        FOREIGN KEY ("staff_id") REFERENCES "staff" ("id") ON DELETE RESTRICT
    )""",
    'CREATE INDEX IF NOT EXISTS "audit_entry_till_id" ON "audit_entry" ("till_id")',
    'CREATE INDEX IF NOT EXISTS "audit_entry_staff_id" ON "audit_entry" ("staff_id")',
    'CREATE INDEX IF NOT EXISTS "audit_entry_action_created_at" ON "audit_entry" ("action", "created_at")',
)
