"""Step 15: what customers say (services/reach/feedback.py).  `feedback` is one answer:
the sale it follows and its member and cashier when known, an NPS (0-10) and a CSAT
(1-5) each optional, free text, where it was given (the till's strip, the customer's
display, the command line), and, for a complaint, its status; `feedback_note` is the
owner's or a manager's follow-up on a complaint (who, when, what, the status it set).
One answer per sale (a unique index: answering twice is refused by the file, not by a
check in code).  The figures read the answers of a period through
`feedback_created_at`, and each cashier's through `feedback_cashier_id_created_at`: both hold
every column they count (no look-up of the rows, no sort).
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'CREATE TABLE IF NOT EXISTS "feedback" ("id" BLOB NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL,'
    ' "updated_at" DATETIME NOT NULL,'
    ' "till_id" BLOB REFERENCES "till" ("id") ON DELETE RESTRICT,'
    ' "sale_id" BLOB REFERENCES "sale" ("id") ON DELETE RESTRICT,'
    ' "member_id" BLOB REFERENCES "member" ("id") ON DELETE RESTRICT,'
    ' "cashier_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT,'
    ' "nps" INTEGER CHECK (nps BETWEEN 0 AND 10), "csat" INTEGER CHECK (csat BETWEEN 1 AND 5),'
    ' "text" TEXT NOT NULL DEFAULT \'\','
    ' "source" TEXT NOT NULL CHECK (source IN (\'till\',\'display\',\'cli\')),'
    ' "complaint" INTEGER NOT NULL DEFAULT 0,'
    ' "status" TEXT NOT NULL DEFAULT \'\' CHECK (status IN (\'\',\'open\',\'in_progress\',\'resolved\')))',
    'CREATE INDEX IF NOT EXISTS "feedback_created_at" ON "feedback" ("created_at", "till_id", "cashier_id", "nps", "csat")',
    'CREATE INDEX IF NOT EXISTS "feedback_cashier_id_created_at" ON "feedback" ("cashier_id", "created_at", "nps", "csat", "till_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "feedback_sale_id" ON "feedback" ("sale_id")',
    'CREATE INDEX IF NOT EXISTS "feedback_member_id" ON "feedback" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "feedback_complaint_status_created_at" ON "feedback" ("complaint", "status", "created_at")',
    'CREATE TABLE IF NOT EXISTS "feedback_note" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "feedback_id" BLOB NOT NULL REFERENCES "feedback" ("id") ON DELETE CASCADE, "created_at" DATETIME NOT NULL,'
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT, "staff_name" TEXT NOT NULL DEFAULT \'\','
    ' "text" TEXT NOT NULL DEFAULT \'\','
    ' "status" TEXT NOT NULL DEFAULT \'\' CHECK (status IN (\'\',\'open\',\'in_progress\',\'resolved\')))',
    'CREATE INDEX IF NOT EXISTS "feedback_note_feedback_id_created_at" ON "feedback_note" ("feedback_id", "created_at")',
)
