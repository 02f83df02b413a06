"""Step 14: what a member's customers care about beyond their own birthday (issue 14, item 1).

`occasion`: a date that matters to a member — a friend's or a relative's birthday, an
anniversary, a name day — for whom, on which day and month (the year when known), the sale it
was bought for (no foreign key: the sale may have been rung up on another till of the chain)
and a note; `removed_at` marks one taken away (kept, so the removal syncs like any change).
`contact`: the contact log — who in the shop reached (or tried to reach) a member, when, how,
with what outcome, and for which reminder (its source, the source's id and the date it was for).
Frozen: never edit, add a step instead."""
from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    'CREATE TABLE IF NOT EXISTS "occasion" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "member_id" BLOB NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,'
    " \"kind\" TEXT NOT NULL CHECK (kind IN ('friend_birthday','relative_birthday','anniversary','name_day','other')),"
    ' "for_whom" TEXT NOT NULL DEFAULT \'\','
    ' "month" INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12), "day" INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),'
    ' "year" INTEGER, "sale_id" BLOB, "note" TEXT NOT NULL DEFAULT \'\','
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT,'
    ' "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "removed_at" DATETIME)',
    'CREATE INDEX IF NOT EXISTS "occasion_member_id" ON "occasion" ("member_id")',
    'CREATE INDEX IF NOT EXISTS "occasion_month_day" ON "occasion" ("month", "day")',
    'CREATE TABLE IF NOT EXISTS "contact" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "member_id" BLOB NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,'
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT, "staff_name" TEXT NOT NULL DEFAULT \'\','
    ' "at" DATETIME NOT NULL,'
    " \"channel\" TEXT NOT NULL CHECK (channel IN ('call','sms','email','messenger','in_person','other')),"
    " \"outcome\" TEXT NOT NULL CHECK (outcome IN ('reached','no_answer','declined','bought','other')),"
    ' "note" TEXT NOT NULL DEFAULT \'\', "source" TEXT NOT NULL DEFAULT \'\', "source_id" TEXT NOT NULL DEFAULT \'\','
    ' "source_date" TEXT NOT NULL DEFAULT \'\')',
    'CREATE INDEX IF NOT EXISTS "contact_member_id_at" ON "contact" ("member_id", "at")',
    'CREATE INDEX IF NOT EXISTS "contact_source_source_id_source_date" ON "contact" ("source", "source_id", "source_date")',
)
