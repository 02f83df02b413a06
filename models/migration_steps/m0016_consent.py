"""Step 16: reaching each customer with their consent (issue 14, items 4 and 5).

- `consent`: each grant or withdrawal of one channel (sms, email, call, messenger) by a
  member, with where it was said (till, form, import, cli, web, migration, erase) and who
  recorded it; never edited: a member's consent on a channel is their latest row.
- `reach_preference`: each choice of preferred channel and of the most messages in 30 days
  (NULL: no limit), latest first, the same way.
- `campaign`, `campaign_member` (who was sent it, with their personal coupon) and
  `message_log` (every message exported for sending: to whom, on which channel, when, by whom).

The data part: every member whose `marketing_consent` was set has it as consent on sms and
e-mail (source 'migration'): what the flag meant.  The flag was set at registration or later, so
the rows are dated when the member was registered, with ids whose time part is zero: they lose
to every real grant or withdrawal (consent.py picks the latest by created_at, then id), also
one pulled later from a till that upgraded first.
Frozen: never edit, add a step instead."""
from __future__ import annotations

import uuid_utils

STATEMENTS: tuple[str, ...] = (
    'CREATE TABLE IF NOT EXISTS "consent" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "member_id" BLOB NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,'
    " \"channel\" TEXT NOT NULL CHECK (channel IN ('sms','email','call','messenger')),"
    ' "granted" INTEGER NOT NULL, "source" TEXT NOT NULL,'
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT, "staff_name" TEXT NOT NULL DEFAULT \'\','
    ' "created_at" DATETIME NOT NULL)',
    'CREATE INDEX IF NOT EXISTS "consent_member_id_channel_created_at" ON "consent" ("member_id", "channel", "created_at")',
    'CREATE TABLE IF NOT EXISTS "reach_preference" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "member_id" BLOB NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,'
    " \"preferred_channel\" TEXT CHECK (preferred_channel IN ('sms','email','call','messenger')),"
    ' "max_per_30d" INTEGER CHECK (max_per_30d >= 0), "source" TEXT NOT NULL,'
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT, "staff_name" TEXT NOT NULL DEFAULT \'\','
    ' "created_at" DATETIME NOT NULL)',
    'CREATE INDEX IF NOT EXISTS "reach_preference_member_id_created_at" ON "reach_preference" ("member_id", "created_at")',
    'CREATE TABLE IF NOT EXISTS "campaign" ("id" BLOB NOT NULL PRIMARY KEY, "name" TEXT NOT NULL,'
    ' "kind" TEXT NOT NULL, "segment" TEXT NOT NULL, "channel" TEXT NOT NULL, "template" TEXT NOT NULL,'
    ' "promotion" TEXT, "coupon_days" INTEGER, "created_at" DATETIME NOT NULL,'
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT, "staff_name" TEXT NOT NULL DEFAULT \'\')',
    'CREATE TABLE IF NOT EXISTS "campaign_member" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "campaign_id" BLOB NOT NULL REFERENCES "campaign" ("id") ON DELETE RESTRICT,'
    ' "member_id" BLOB NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,'
    ' "coupon_id" BLOB REFERENCES "issued_coupon" ("id") ON DELETE RESTRICT, "created_at" DATETIME NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS "campaign_member_campaign_id_member_id" ON "campaign_member" ("campaign_id", "member_id")',
    'CREATE TABLE IF NOT EXISTS "message_log" ("id" BLOB NOT NULL PRIMARY KEY,'
    ' "member_id" BLOB NOT NULL REFERENCES "member" ("id") ON DELETE RESTRICT,'
    ' "campaign_id" BLOB REFERENCES "campaign" ("id") ON DELETE RESTRICT,'
    ' "label" TEXT NOT NULL, "channel" TEXT NOT NULL, "address" TEXT NOT NULL DEFAULT \'\','
    ' "message" TEXT NOT NULL DEFAULT \'\', "created_at" DATETIME NOT NULL,'
    ' "staff_id" BLOB REFERENCES "staff" ("id") ON DELETE RESTRICT, "staff_name" TEXT NOT NULL DEFAULT \'\')',
    'CREATE INDEX IF NOT EXISTS "message_log_member_id_created_at" ON "message_log" ("member_id", "created_at")',
    'CREATE INDEX IF NOT EXISTS "message_log_campaign_id" ON "message_log" ("campaign_id")',
)

_CONSENTING = 'SELECT id, created_at FROM "member" WHERE marketing_consent = 1 ORDER BY created_at, id'
_GRANT = ('INSERT INTO "consent" (id, member_id, channel, granted, source, staff_id, staff_name, created_at)'
          " VALUES (?, ?, ?, 1, 'migration', NULL, '', ?)")


def grant_rows(members: list[tuple[bytes, str]]) -> list[tuple[bytes, bytes, str, str]]:
    """The consent rows the flag meant: sms and e-mail for each consenting member, dated when it
    was registered; the ids are UUIDv7 born here with a zero time part, below every real row's id."""
    return [(uuid_utils.uuid7(nanoseconds=0).bytes, member_id, channel, created_at)
            for member_id, created_at in members for channel in ("sms", "email")]


def run(database) -> None:  # noqa: ANN001 - a peewee database, as the other steps take it
    for statement in STATEMENTS:
        database.execute_sql(statement)
    members = database.execute_sql(_CONSENTING).fetchall()
    rows = grant_rows([(bytes(mid), created_at) for mid, created_at in members])
    if rows:
        database.cursor().executemany(_GRANT, rows)
